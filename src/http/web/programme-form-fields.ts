// The small forms of the application form builder (programme-form-pages.ts): a section's title, a
// question (the officer's own, or the cycle's reworded), an eligibility question; and a question as
// the builder's form shows it and reads it back.
import { z } from 'zod';
import { shortText } from '../../../machines/define.ts';
import { type ApplicationQuestion, type QuestionType, questionTypes } from '../../domain/application-form.ts';
import { payloadToForm } from './form-answers.ts';
import { readForm } from './form-read.ts';

const typeIds = Object.keys(questionTypes) as [QuestionType, ...QuestionType[]];

export const sectionForm = z.strictObject({
  title: shortText(200, 'the section title').meta({
    title: 'Section title',
    hint: 'Shown on the applicant’s task list, for example “About your organisation”',
  }),
});
const wording = {
  title: shortText(300, 'the question').meta({
    title: 'Question',
    hint: 'What the applicant is asked, in plain words',
  }),
  hint: z
    .string({ error: 'Enter the hint text' })
    .trim()
    .max(1000, { error: 'Hint text must be 1000 characters or fewer' })
    .optional()
    .meta({ title: 'Hint text', hint: 'Help shown under the question', widget: 'textarea' }),
};
export const cycleQuestionForm = z.strictObject(wording);
export const ownQuestionForm = z.strictObject({
  ...wording,
  type: z
    .enum(typeIds, { error: 'Choose the kind of answer' })
    .meta({ title: 'Kind of answer', options: questionTypes }),
  required: z
    .boolean({ error: 'Say whether the applicant must answer it' })
    .meta({ title: 'Must the applicant answer it?' }),
  wordLimit: z
    .int({ error: 'Enter the word limit as a whole number' })
    .min(1, { error: 'A word limit is at least 1' })
    .max(5000, { error: 'A word limit is at most 5000' })
    .optional()
    .meta({ title: 'Word limit', hint: 'For a long answer only. Leave it empty for no limit' }),
  choices: z
    .string({ error: 'Enter the choices, one on each line' })
    .trim()
    .max(6000, { error: 'Enter the choices in 6,000 characters or fewer' })
    .optional()
    .meta({
      title: 'Choices',
      hint: 'For a choice question only: one choice on each line',
      widget: 'textarea',
    }),
});
export const eligibilityForm = z.strictObject({
  question: shortText(300, 'the eligibility question').meta({
    title: 'Question',
    hint: 'Answered yes or no before an applicant starts a bid, for example “Is your organisation based in Cambridgeshire or Peterborough?”',
  }),
  ineligibleAnswer: z
    .enum(['yes', 'no'], { error: 'Choose which answer means the organisation cannot apply' })
    .meta({ title: 'Which answer means the organisation cannot apply?', options: { yes: 'Yes', no: 'No' } }),
  explanation: shortText(2000, 'what to tell an applicant who cannot apply').meta({
    title: 'What to tell an applicant who cannot apply',
    hint: 'Why they cannot apply, and where they might look instead',
    widget: 'textarea',
  }),
});

const lines = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** What the builder's form shows of a question on record. */
export const questionValues = (question: ApplicationQuestion) =>
  question.type === 'cycle'
    ? { title: question.title, hint: question.hint ?? '' }
    : {
        ...payloadToForm(ownQuestionForm, {
          title: question.title,
          hint: question.hint,
          type: question.type,
          required: question.required,
          wordLimit: question.wordLimit,
        }),
        choices: (question.choices ?? []).join('\n'),
      };

/** The question as the builder's form reads it, or the problems with what was typed. */
export function readQuestion(body: unknown, cycle: boolean) {
  const read = readForm(cycle ? cycleQuestionForm : ownQuestionForm, body);
  const p = read.payload as Record<string, any>;
  const words = { title: p.title as string, ...(p.hint ? { hint: p.hint as string } : {}) };
  if (cycle) return { read, words };
  const choices = lines(p.choices);
  return {
    read,
    words,
    own: {
      ...words,
      type: p.type as QuestionType,
      required: p.required as boolean,
      ...(p.wordLimit !== undefined ? { wordLimit: p.wordLimit as number } : {}),
      ...(choices.length ? { choices } : {}),
    },
  };
}
