// The one validator of a bid's answers: each question of its form version as a zod schema (with the
// words and widget pages ask it with), so the API and the pages check answers alike and name the
// question. The cycle's own questions keep the cycle's schema, in the officer's words.
import { z } from 'zod';
import { isoDate, pence, shortText } from '../../machines/define.ts';
import { type FieldError, fieldErrors, naming } from '../engine/errors.ts';
import type {
  ApplicationForm,
  ApplicationQuestion,
  EligibilityQuestion,
  FormSection,
} from './application-form.ts';
import { questionsOf } from './application-form.ts';

export type Answers = Record<string, unknown>;
export type EligibilityAnswers = Record<string, 'yes' | 'no'>;

export const wordCount = (text: string) => text.trim().split(/\s+/).filter(Boolean).length;

function ownSchema(question: Exclude<ApplicationQuestion, { type: 'cycle' }>): z.ZodType {
  const words = { title: question.title, ...(question.hint ? { hint: question.hint } : {}) };
  const options = Object.fromEntries((question.choices ?? []).map((c) => [c, c]));
  switch (question.type) {
    case 'shortText':
      return shortText(500, 'your answer').meta(words);
    case 'longText': {
      const limit = question.wordLimit;
      const text = shortText(50_000, 'your answer').refine(
        (t) => limit === undefined || wordCount(t) <= limit,
        {
          error: `Must be ${limit} words or fewer`,
        },
      );
      const hintWords = limit
        ? [question.hint, `No more than ${limit} words.`].filter(Boolean).join(' ')
        : question.hint;
      return text.meta({ ...words, ...(hintWords ? { hint: hintWords } : {}), widget: 'textarea' });
    }
    case 'number':
      return z.number({ error: 'Enter a number' }).finite().meta(words);
    case 'money':
      return pence.meta({ ...words, widget: 'money' });
    case 'date':
      return isoDate.meta(words);
    case 'yesNo':
      return z.boolean({ error: 'Answer yes or no' }).meta(words);
    case 'singleChoice':
      return z
        .enum(question.choices as [string, ...string[]], { error: 'Choose one of the choices' })
        .meta({ ...words, options });
    case 'file':
      // The answer is the uploaded file: its document, stored for this bid (bid-application.ts checks).
      return z.uuid({ error: 'Upload a file' }).meta({ ...words, widget: 'file' });
    case 'multipleChoice':
      return z
        .array(
          z.enum(question.choices as [string, ...string[]], { error: 'Choose from the choices given' }),
          {
            error: 'Choose at least one',
          },
        )
        .min(question.required ? 1 : 0, { error: 'Choose at least one' })
        .meta({ ...words, widget: 'choice', options });
  }
}

/** One question's schema: the officer's own, or the cycle's field in the officer's words. */
export function questionSchema(question: ApplicationQuestion, cyclePayload: z.ZodObject): z.ZodType {
  if (question.type !== 'cycle') {
    const schema = ownSchema(question);
    return question.required ? schema : schema.optional();
  }
  const field = cyclePayload.shape[question.id] as z.ZodType | undefined;
  if (!field) throw new Error(`The cycle asks no question ${question.id}`);
  return field.meta({ ...(field.meta() ?? {}), title: question.title, hint: question.hint });
}

const built = new WeakMap<object, z.ZodObject>();
/** The questions as one object schema: a section's, or (no section) the whole form's. */
export function questionsSchema(
  questions: readonly ApplicationQuestion[],
  cyclePayload: z.ZodObject,
): z.ZodObject {
  const found = built.get(questions);
  if (found) return found;
  const schema = z.strictObject(
    Object.fromEntries(questions.map((q) => [q.id, questionSchema(q, cyclePayload)])),
  );
  built.set(questions, schema);
  return schema;
}

/** A problem's field as the question it names, its message naming it as an error summary does. */
function asked(form: ApplicationForm, errors: FieldError[]): FieldError[] {
  const titles = new Map(questionsOf(form).map((q) => [q.id, q.title]));
  return errors.map((e) => {
    const title = titles.get(e.field.split('.')[0]!);
    return title ? { field: e.field, message: naming(title, e.message) } : e;
  });
}

/**
 * What is wrong with a bid's answers to its form version: every question, or `only` these (the cycle's
 * own are the application event's payload, which the engine checks as sent). Each names the question.
 */
export function answerProblems(
  form: ApplicationForm,
  cyclePayload: z.ZodObject,
  answers: Answers,
  only?: (q: ApplicationQuestion) => boolean,
): FieldError[] {
  const questions = only ? questionsOf(form).filter(only) : questionsOf(form);
  const problems: FieldError[] = [];
  for (const question of questions) {
    const value = answers[question.id];
    if (value === undefined || value === null) {
      // A missing answer is said one way, whatever the question's kind.
      if (isRequired(question, cyclePayload))
        problems.push({ field: question.id, message: naming(question.title, 'Answer this question') });
      continue;
    }
    const checked = questionSchema(question, cyclePayload).safeParse(value);
    if (!checked.success) problems.push(...asked(form, fieldErrors(checked.error.issues, question.id)));
  }
  return problems;
}

const isRequired = (question: ApplicationQuestion, cyclePayload: z.ZodObject) =>
  !questionSchema(question, cyclePayload).safeParse(undefined).success;

/**
 * Some answers as given (through the API, or a section's page): each must answer a question of the
 * form (null clears one) and be a valid answer to it. The whole form need not be answered yet.
 */
export function givenAnswerProblems(
  form: ApplicationForm,
  cyclePayload: z.ZodObject,
  given: Answers,
): FieldError[] {
  const questions = questionsOf(form);
  const problems: FieldError[] = [];
  for (const [id, value] of Object.entries(given)) {
    const question = questions.find((q) => q.id === id);
    if (!question) {
      problems.push({ field: id, message: 'The form asks no question by that id' });
      continue;
    }
    if (value === null) continue;
    const checked = questionSchema(question, cyclePayload).safeParse(value);
    if (!checked.success) problems.push(...asked(form, fieldErrors(checked.error.issues, id)));
  }
  return problems;
}

/** How far a section is answered, as a task list says it. */
export function sectionStatus(
  section: FormSection,
  cyclePayload: z.ZodObject,
  answers: Answers,
): 'completed' | 'inProgress' | 'notStarted' {
  const given = section.questions.filter((q) => answers[q.id] !== undefined);
  if (!given.length && section.questions.length) return 'notStarted';
  const checked = questionsSchema(section.questions, cyclePayload).safeParse(
    Object.fromEntries(given.map((q) => [q.id, answers[q.id]])),
  );
  return checked.success ? 'completed' : 'inProgress';
}

/**
 * The eligibility answers checked: every question answered yes or no (problems name those that are
 * not), and the questions whose answer makes the applicant ineligible, with their explanations.
 */
export function eligibilityOutcome(
  form: ApplicationForm,
  answers: unknown,
): { problems: FieldError[]; answers: EligibilityAnswers; ineligible: EligibilityQuestion[] } {
  const given = (answers && typeof answers === 'object' ? answers : {}) as Record<string, unknown>;
  const problems: FieldError[] = [];
  const read: EligibilityAnswers = {};
  for (const question of form.eligibility) {
    const value = given[question.id];
    if (value === 'yes' || value === 'no') read[question.id] = value;
    else
      problems.push({
        field: `eligibility.${question.id}`,
        message: naming(question.question, 'Answer yes or no'),
      });
  }
  for (const key of Object.keys(given))
    if (!form.eligibility.some((q) => q.id === key))
      problems.push({
        field: `eligibility.${key}`,
        message: 'The form asks no eligibility question by that id',
      });
  const ineligible = problems.length ? [] : form.eligibility.filter((q) => read[q.id] === q.ineligibleAnswer);
  return { problems, answers: read, ineligible };
}
