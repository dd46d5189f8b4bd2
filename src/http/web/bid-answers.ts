// A bid's answers for people: each question beside its answer, section by section, in the words of
// the question's own schema (pounds, dates written out, a choice's words). The check-your-answers
// page, the case page and the panel's page show them alike.

import type { Db } from '../../db/client.ts';
import { questionsSchema, sectionStatus } from '../../domain/application-answers.ts';
import { applicationOfCase, type BidApplication } from '../../domain/bid-application.ts';
import type { Actor } from '../../engine/actor.ts';
import { schemaOf } from '../../engine/describe.ts';
import type { Engine } from '../../engine/engine.ts';
import type { CaseView } from '../../engine/views.ts';
import { escapeMarkup } from '../../markup.ts';
import { describeValue } from './case-details.ts';

export interface AnswerRow {
  questionId: string;
  question: string;
  answer: string;
  /** The answer as HTML, escaped: a line each of several choices, and of a long answer's lines. */
  html: string;
}

export interface AnswerSection {
  id: string;
  title: string;
  rows: AnswerRow[];
}

type Json = Record<string, any>;

/** A file's size as people read it: 840 KB, 2.1 MB. */
export const sizeInWords = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
const asHtml = (lines: string[]) => lines.map((l) => escapeMarkup(l).replace(/\r?\n/g, '<br>')).join('<br>');

/** Each non-empty section, its questions beside their answers ("Not answered" where there is none). */
export function answerSections(
  application: Pick<BidApplication, 'form' | 'spec' | 'answers' | 'files'> &
    Partial<Pick<BidApplication, 'eligibility'>>,
): AnswerSection[] {
  // The eligibility questions as answered when the bid was started, first.
  const given = application.eligibility ?? {};
  const eligibility: AnswerSection[] = application.form.eligibility.some((q) => given[q.id])
    ? [
        {
          id: 'eligibility',
          title: 'Eligibility',
          rows: application.form.eligibility.map((q) => {
            const answer = given[q.id] === 'yes' ? 'Yes' : given[q.id] === 'no' ? 'No' : 'Not answered';
            return { questionId: q.id, question: q.question, answer, html: escapeMarkup(answer) };
          }),
        },
      ]
    : [];
  return [...eligibility, ...answerSectionsOf(application)];
}

function answerSectionsOf(
  application: Pick<BidApplication, 'form' | 'spec' | 'answers' | 'files'>,
): AnswerSection[] {
  return application.form.sections
    .filter((section) => section.questions.length)
    .map((section) => {
      const properties = (schemaOf(questionsSchema(section.questions, application.spec.payload)).properties ??
        {}) as Record<string, Json>;
      return {
        id: section.id,
        title: section.title,
        rows: section.questions.map((question) => {
          const value = application.answers[question.id];
          const schema = properties[question.id];
          const file = typeof value === 'string' ? application.files[value] : undefined;
          if (question.type === 'file' && file) {
            const answer = `${file.name} (${sizeInWords(file.sizeBytes)})`;
            const html = `<a class="govuk-link" href="/documents/${encodeURIComponent(value as string)}" download>${escapeMarkup(file.name)}</a> (${sizeInWords(file.sizeBytes)})`;
            return { questionId: question.id, question: question.title, answer, html };
          }
          if (Array.isArray(value) && value.length) {
            const lines = value.map((v) => describeValue(schema?.items, v));
            return {
              questionId: question.id,
              question: question.title,
              answer: lines.join(', '),
              html: asHtml(lines),
            };
          }
          const answer =
            value === undefined || value === null ? 'Not answered' : describeValue(schema, value);
          return { questionId: question.id, question: question.title, answer, html: asHtml([answer]) };
        }),
      };
    });
}

/** The answers of a case that is a bid with a form, for a page; undefined for any other case. */
export async function bidAnswerSections(db: Db, engine: Engine, actor: Actor, view: CaseView) {
  const application = await applicationOfCase(db, engine, actor, view);
  return application ? answerSections(application) : undefined;
}

/** What the case page shows of a bid: a way back into it while it is being written, its answers once sent. */
export function bidView(application: BidApplication) {
  const sections = application.form.sections.filter((s) => s.questions.length);
  const done = sections.filter(
    (s) => sectionStatus(s, application.spec.payload, application.answers) === 'completed',
  ).length;
  return {
    sections: answerSections(application),
    continueHref: application.mayChange ? `/cases/${encodeURIComponent(application.view.id)}/bid` : undefined,
    progress: `${done} of ${sections.length} ${sections.length === 1 ? 'section' : 'sections'} completed. Anyone in your organisation can carry on with it.`,
  };
}
