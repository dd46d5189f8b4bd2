// A bid's application: its form version, the organisation's answers so far, and sending it. Anyone
// of the organisation who may see the bid works on its answers until it is sent; sending it needs the
// permission to submit bids (the engine's rule). The one validator is application-answers.ts.

import { z } from 'zod';
import type { EventSpec, MachineDefinition } from '../../machines/define.ts';
import type { Database, Db, Tx } from '../db/client.ts';
import {
  bidAnswersOf,
  formById,
  mergeBidAnswers,
  rewriteBidAnswers,
} from '../db/queries/application-forms.ts';
import type { CaseRow } from '../db/queries/cases.ts';
import { documentsByIds } from '../db/queries/documents.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { type FieldError, invalid, naming, notFound, ProblemError, validOr422 } from '../engine/errors.ts';
import { withoutFreeText } from '../engine/field-meta.ts';
import { isUuid } from '../engine/ids.ts';
import type { CaseView, HistoryEntry } from '../engine/views.ts';
import { type Answers, answerProblems, givenAnswerProblems, questionsSchema } from './application-answers.ts';
import { type ApplicationForm, applicationEvent, questionsOf } from './application-form.ts';
import { type DocumentSettings, storeDocument, type Upload } from './documents/upload.ts';

export interface BidApplication {
  view: CaseView;
  /** The application event and its spec: its payload is the cycle's questions. */
  type: string;
  spec: EventSpec;
  form: ApplicationForm;
  formVersion: number;
  eligibility: Record<string, 'yes' | 'no'>;
  /** The answers as they stand; once sent, the cycle's questions answer as the bid was sent. */
  answers: Answers;
  /** Whether this person may change the answers now (the bid is not yet sent). */
  mayChange: boolean;
  /** Whether this person may send it (or must ask a colleague who may). */
  maySend: boolean;
  /** Whether it has been sent. */
  sent: boolean;
  /** The files its file questions are answered with, by document id: their names and sizes. */
  files: Record<string, { name: string; sizeBytes: number; contentType: string }>;
}

/** The bid's application as this person may see it; 404 for a case that is not a bid with a form. */
export async function bidApplication(
  db: Db,
  engine: Engine,
  actor: Actor,
  caseId: string,
): Promise<BidApplication> {
  const found = await applicationOfCase(db, engine, actor, await engine.get(actor, caseId));
  if (!found) throw notFound('application');
  return found;
}

/** The application of a case this person sees; undefined for a case that is no bid with a form. */
export async function applicationOfCase(
  db: Db,
  engine: Engine,
  actor: Actor,
  view: CaseView,
  /** The case's history as this person sees it, where the caller has read it already. */
  history?: readonly HistoryEntry[],
): Promise<BidApplication | undefined> {
  const definition = engine.registry.get(view.machine, view.machineVersion);
  const application = definition && applicationEvent(definition);
  const row = application ? await bidAnswersOf(db, view.id) : undefined;
  const formRow = row ? await formById(db, row.formId) : undefined;
  if (!application || !row || !formRow) return undefined;
  const maySend = view.nextEvents.some((e) => e.type === application.type);
  const mayChange = maySend || view.forColleagues.some((e) => e.type === application.type);
  const sentWith = mayChange
    ? undefined
    : (history ?? (await engine.history(actor, view))).filter((h) => h.type === application.type).at(-1);
  const form = formRow.form as ApplicationForm;
  const answers: Answers = { ...row.answers, ...((sentWith?.payload as Answers | undefined) ?? {}) };
  const fileIds = questionsOf(form)
    .filter((q) => q.type === 'file' && typeof answers[q.id] === 'string')
    .map((q) => answers[q.id] as string);
  const files = Object.fromEntries(
    (await documentsByIds(db, fileIds))
      .filter((d) => d.caseId === view.id)
      .map((d) => [d.id, { name: d.name, sizeBytes: d.sizeBytes, contentType: d.contentType }]),
  );
  return {
    view,
    type: application.type,
    spec: application.spec,
    form,
    formVersion: formRow.version,
    eligibility: row.eligibility,
    answers,
    mayChange,
    maySend,
    sent: !!sentWith,
    files,
  };
}

const givenAnswers = z.strictObject({
  answers: z.record(z.string(), z.unknown(), { error: 'Give answers by question id' }),
});

/**
 * Some of the bid's answers saved (a section's, or any through the API): each a valid answer to a
 * question of its form version, or null to clear it. 409 once the bid is sent; 422 naming the question.
 */
export async function saveBidAnswers(
  db: Db,
  engine: Engine,
  actor: Actor,
  caseId: string,
  body: unknown,
): Promise<BidApplication> {
  const application = await bidApplication(db, engine, actor, caseId);
  if (!application.mayChange) throw notChangeable(application);
  const { answers } = validOr422(givenAnswers, body, 'The answers are not valid.');
  const problems = [
    ...givenAnswerProblems(application.form, application.spec.payload, answers),
    ...(await foreignFiles(db, application, answers)),
  ];
  if (problems.length) throw invalid('Some answers are not valid.', prefixed(problems));
  await mergeBidAnswers(db, application.view.id, answers, { userId: actor.userId, at: new Date() });
  return bidApplication(db, engine, actor, caseId);
}

/** A file question answered with a document that is not one uploaded to this bid. */
async function foreignFiles(db: Db, application: BidApplication, answers: Answers): Promise<FieldError[]> {
  const asked = questionsOf(application.form).filter(
    (q) => q.type === 'file' && typeof answers[q.id] === 'string' && isUuid(answers[q.id] as string),
  );
  const found = await documentsByIds(
    db,
    asked.map((q) => answers[q.id] as string),
  );
  return asked
    .filter((q) => !found.some((d) => d.id === answers[q.id] && d.caseId === application.view.id))
    .map((q) => ({ field: q.id, message: naming(q.title, 'Upload the file to this bid first') }));
}

/**
 * A file uploaded as the answer to one of the bid's file questions: checked and stored (storeDocument
 * refuses a bad one, storing nothing), then the question's answer. 409 once the bid is sent.
 */
export async function attachToBid(
  db: Database,
  engine: Engine,
  settings: DocumentSettings,
  actor: Actor,
  caseId: string,
  questionId: string,
  upload: Upload,
): Promise<BidApplication> {
  const application = await bidApplication(db, engine, actor, caseId);
  if (!application.mayChange) throw notChangeable(application);
  const question = questionsOf(application.form).find((q) => q.id === questionId && q.type === 'file');
  if (!question) throw notFound('file question');
  await storeDocument(
    db,
    settings,
    upload,
    {
      organisationId: application.view.organisationId,
      caseId: application.view.id,
      uploadedBy: actor.userId,
      at: new Date(),
    },
    (tx, document) =>
      mergeBidAnswers(
        tx,
        application.view.id,
        { [question.id]: document.id },
        { userId: actor.userId, at: new Date() },
      ).then(() => undefined),
  );
  return bidApplication(db, engine, actor, caseId);
}

const prefixed = (problems: FieldError[]) => problems.map((p) => ({ ...p, field: `answers.${p.field}` }));

const notChangeable = (application: BidApplication) =>
  new ProblemError(
    409,
    'The bid cannot change now',
    application.sent
      ? 'The bid has been sent, so its answers cannot change.'
      : 'Nobody of the organisation can change this bid now.',
  );

/** Every problem with the bid's answers that stops it being sent, each naming its question. */
export function sendingProblems(application: BidApplication): FieldError[] {
  return answerProblems(application.form, application.spec.payload, application.answers);
}

/** Sends the bid with its saved answers: 422 naming each question still to answer, else the engine's send. */
export async function submitBid(
  db: Db,
  engine: Engine,
  actor: Actor,
  caseId: string,
  expectedVersion?: number,
): Promise<CaseView> {
  const application = await bidApplication(db, engine, actor, caseId);
  // Someone who may not send it hears the engine's reason (403, or 409 once sent), not what is missing.
  const problems = application.maySend ? sendingProblems(application) : [];
  if (problems.length) throw invalid('The bid has questions still to answer.', prefixed(problems));
  const cycle = questionsOf(application.form).filter((q) => q.type === 'cycle');
  const payload = Object.fromEntries(cycle.map((q) => [q.id, application.answers[q.id]]));
  return engine.send(actor, application.view.id, { type: application.type, ...payload }, { expectedVersion });
}

/**
 * The rulebook's half, for a bid sent any way (the API's events route too): its own questions must
 * be answered as its form version asks. The cycle's questions are the event's payload, checked by it.
 */
export async function applicationRuleProblems(
  tx: Tx,
  caseRow: CaseRow,
  spec: EventSpec,
): Promise<FieldError[]> {
  if (!spec.application) return [];
  const row = await bidAnswersOf(tx, caseRow.id);
  const formRow = row && (await formById(tx, row.formId));
  if (!row || !formRow) return [];
  const own = answerProblems(
    formRow.form as ApplicationForm,
    spec.payload,
    row.answers,
    (q) => q.type !== 'cycle',
  );
  return prefixed(own);
}

/**
 * The retention job's part for a bid: its long answers (what it says in its own words, which may name
 * people) removed, as from the case's own history; amounts, dates, choices and short answers stay.
 */
export async function forgetBidFreeText(
  tx: Tx,
  caseId: string,
  definition: MachineDefinition,
): Promise<void> {
  const application = applicationEvent(definition);
  const row = application && (await bidAnswersOf(tx, caseId));
  const formRow = row && (await formById(tx, row.formId));
  if (!application || !row || !formRow) return;
  const schema = questionsSchema(questionsOf(formRow.form as ApplicationForm), application.spec.payload);
  await rewriteBidAnswers(tx, caseId, withoutFreeText(schema, row.answers) as Answers);
}
