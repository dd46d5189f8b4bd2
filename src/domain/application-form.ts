// A programme's application form as data: sections of questions and the eligibility questions asked
// before a bid starts. The questions the cycle's rules need are the payload fields of its application
// event (the amount, the service, the period): officers reword them but cannot remove them. The rest
// are the officer's own. src/domain/application-answers.ts checks a bid's answers against a version.
import { z } from 'zod';
import { type EventSpec, type MachineDefinition, shortText } from '../../machines/define.ts';
import { schemaOf } from '../engine/describe.ts';
import type { FieldError } from '../engine/errors.ts';

/** The kinds of question an officer may ask, as the form builder names them. */
export const questionTypes = {
  shortText: 'Short answer',
  longText: 'Long answer, with a word limit',
  number: 'Number',
  money: 'Amount of money',
  date: 'Date',
  yesNo: 'Yes or no',
  singleChoice: 'One choice from a list',
  multipleChoice: 'One or more choices from a list',
  file: 'A file to upload',
} as const;
export type QuestionType = keyof typeof questionTypes;
const typeIds = Object.keys(questionTypes) as [QuestionType, ...QuestionType[]];

const hint = z.string().trim().max(1000, { error: 'Hint text must be 1000 characters or fewer' });
const ownQuestion = z.strictObject({
  id: z.string().regex(/^q[1-9][0-9]{0,3}$/, { error: 'A question id is q followed by a number' }),
  type: z.enum(typeIds, { error: `Choose the kind of question: ${typeIds.join(', ')}` }),
  title: shortText(300, 'the question'),
  hint: hint.optional(),
  required: z.boolean({ error: 'Say whether the question must be answered' }),
  wordLimit: z.int().min(1, { error: 'A word limit is at least 1' }).max(5000).optional(),
  choices: z
    .array(shortText(200, 'each choice'))
    .min(2, { error: 'Give at least two choices' })
    .max(30)
    .optional(),
});
const cycleQuestion = z.strictObject({
  id: z.string().min(1),
  type: z.literal('cycle'),
  title: shortText(300, 'the question'),
  hint: hint.optional(),
});
export const applicationQuestion = z.discriminatedUnion('type', [cycleQuestion, ownQuestion]);
export const formSection = z.strictObject({
  id: z.string().regex(/^s[1-9][0-9]{0,3}$/, { error: 'A section id is s followed by a number' }),
  title: shortText(200, 'the name of the section'),
  questions: z.array(applicationQuestion).max(60),
});
export const eligibilityQuestion = z.strictObject({
  id: z
    .string()
    .regex(/^e[1-9][0-9]{0,3}$/, { error: 'An eligibility question id is e followed by a number' }),
  question: shortText(300, 'the eligibility question'),
  ineligibleAnswer: z.enum(['yes', 'no'], {
    error: 'Say which answer makes an applicant ineligible: yes or no',
  }),
  explanation: shortText(2000, 'the explanation shown to applicants who are not eligible'),
});
export const applicationFormDocument = z.strictObject({
  sections: z.array(formSection).min(1, { error: 'A form has at least one section' }).max(30),
  eligibility: z.array(eligibilityQuestion).max(30),
});

export type ApplicationQuestion = z.output<typeof applicationQuestion>;
export type OwnQuestion = z.output<typeof ownQuestion>;
export type FormSection = z.output<typeof formSection>;
export type EligibilityQuestion = z.output<typeof eligibilityQuestion>;
export type ApplicationForm = z.output<typeof applicationFormDocument>;

/** The event a cycle's organisations send their bid with; undefined for a cycle that takes no bids. */
export function applicationEvent(
  definition: MachineDefinition,
): { type: string; spec: EventSpec } | undefined {
  for (const [type, spec] of Object.entries(definition.events)) if (spec.application) return { type, spec };
  return undefined;
}

/** The questions the cycle's rules need, in its payload's order, with the cycle's own words. */
export function cycleQuestions(spec: EventSpec): ApplicationQuestion[] {
  const properties = (schemaOf(spec.payload).properties ?? {}) as Record<
    string,
    { title?: string; hint?: string }
  >;
  return Object.entries(properties).map(([id, field]) => ({
    id,
    type: 'cycle' as const,
    title: field.title ?? id,
    ...(field.hint ? { hint: field.hint } : {}),
  }));
}

/** A programme's form before an officer changes it: the cycle's questions, in one section. */
export function defaultForm(spec: EventSpec): ApplicationForm {
  return { sections: [{ id: 's1', title: 'Your bid', questions: cycleQuestions(spec) }], eligibility: [] };
}

export const questionsOf = (form: ApplicationForm) => form.sections.flatMap((s) => s.questions);

/** What is wrong with a form for its cycle, beyond its shape: each naming where it is wrong. */
export function formProblems(form: ApplicationForm, spec: EventSpec): FieldError[] {
  const problems: FieldError[] = [];
  const needed = cycleQuestions(spec).map((q) => q.id);
  const seen = new Set<string>();
  form.sections.forEach((section, s) => {
    if (seen.has(section.id))
      problems.push({ field: `sections.${s}.id`, message: `Section id ${section.id} is used twice` });
    seen.add(section.id);
    section.questions.forEach((question, q) => {
      const at = `sections.${s}.questions.${q}`;
      if (seen.has(question.id))
        problems.push({ field: `${at}.id`, message: `Question id ${question.id} is used twice` });
      seen.add(question.id);
      if (question.type === 'cycle') {
        if (!needed.includes(question.id))
          problems.push({
            field: `${at}.id`,
            message: `“${question.title}” is not one of the cycle's questions`,
          });
        return;
      }
      const choosing = question.type === 'singleChoice' || question.type === 'multipleChoice';
      if (choosing && !question.choices)
        problems.push({ field: `${at}.choices`, message: `“${question.title}”: give the choices` });
      if (!choosing && question.choices)
        problems.push({
          field: `${at}.choices`,
          message: `“${question.title}”: only a choice question has choices`,
        });
      if (question.choices && new Set(question.choices).size !== question.choices.length)
        problems.push({
          field: `${at}.choices`,
          message: `“${question.title}”: each choice must be different`,
        });
      if (question.type !== 'longText' && question.wordLimit !== undefined)
        problems.push({
          field: `${at}.wordLimit`,
          message: `“${question.title}”: only a long answer has a word limit`,
        });
    });
  });
  for (const id of needed)
    if (!questionsOf(form).some((q) => q.id === id && q.type === 'cycle'))
      problems.push({
        field: 'sections',
        message: `The form must ask “${cycleQuestions(spec).find((q) => q.id === id)?.title}”: the cycle's rules need it`,
      });
  form.eligibility.forEach((question, e) => {
    if (seen.has(question.id))
      problems.push({ field: `eligibility.${e}.id`, message: `Question id ${question.id} is used twice` });
    seen.add(question.id);
  });
  return problems;
}

/** The next free id with this prefix (q, s or e): one past the highest the form has used. */
export function nextId(form: ApplicationForm, prefix: 'q' | 's' | 'e'): string {
  const ids = [
    ...form.sections.map((s) => s.id),
    ...questionsOf(form).map((q) => q.id),
    ...form.eligibility.map((e) => e.id),
  ];
  const used = ids.filter((id) => new RegExp(`^${prefix}[0-9]+$`).test(id)).map((id) => Number(id.slice(1)));
  return `${prefix}${Math.max(0, ...used) + 1}`;
}
