// The application form's rules and the one validator of a bid's answers, without a database.
import { describe, expect, it } from 'vitest';
import { youthFund } from '../../machines/youth-fund.ts';
import {
  answerProblems,
  eligibilityOutcome,
  givenAnswerProblems,
  sectionStatus,
  wordCount,
} from '../../src/domain/application-answers.ts';
import {
  type ApplicationForm,
  applicationEvent,
  defaultForm,
  formProblems,
  nextId,
} from '../../src/domain/application-form.ts';

const { spec } = applicationEvent(youthFund)!;
const payload = spec.payload;
const form: ApplicationForm = {
  sections: [
    {
      id: 's1',
      title: 'About it',
      questions: [
        ...defaultForm(spec).sections[0]!.questions,
        { id: 'q1', type: 'longText', title: 'Why?', required: true, wordLimit: 3 },
        { id: 'q2', type: 'multipleChoice', title: 'Where?', required: true, choices: ['Ely', 'March'] },
        { id: 'q3', type: 'date', title: 'Starting when?', required: false },
        { id: 'q4', type: 'money', title: 'Match funding', required: false },
      ],
    },
  ],
  eligibility: [{ id: 'e1', question: 'Local?', ineligibleAnswer: 'no', explanation: 'Local groups only.' }],
};

describe('an application form', () => {
  it('starts as the cycle’s own questions, in its words', () => {
    expect(defaultForm(spec).sections[0]!.questions).toEqual([
      { id: 'title', type: 'cycle', title: 'Project title' },
      expect.objectContaining({ id: 'summary', type: 'cycle', title: 'Summary of the project' }),
      expect.objectContaining({ id: 'amountRequestedPence', type: 'cycle', title: 'Amount requested' }),
    ]);
    expect(formProblems(form, spec)).toEqual([]);
  });

  it('must ask every question the cycle needs, and no question of the cycle it does not have', () => {
    const without: ApplicationForm = structuredClone(form);
    without.sections[0]!.questions = without.sections[0]!.questions.filter((q) => q.id !== 'summary');
    without.sections[0]!.questions.push({ id: 'budget', type: 'cycle', title: 'Budget' });
    expect(formProblems(without, spec).map((p) => p.message)).toEqual([
      "“Budget” is not one of the cycle's questions",
      "The form must ask “Summary of the project”: the cycle's rules need it",
    ]);
  });

  it('refuses repeated ids, choices on a non-choice question and a word limit on a short one', () => {
    const bad: ApplicationForm = structuredClone(form);
    bad.sections[0]!.questions.push(
      { id: 'q1', type: 'shortText', title: 'Again', required: true, wordLimit: 4 },
      { id: 'q9', type: 'number', title: 'Count', required: true, choices: ['a', 'b'] },
    );
    expect(formProblems(bad, spec).map((p) => p.message)).toEqual([
      'Question id q1 is used twice',
      '“Again”: only a long answer has a word limit',
      '“Count”: only a choice question has choices',
    ]);
    expect(nextId(bad, 'q')).toBe('q10');
    expect(nextId(bad, 's')).toBe('s2');
  });
});

describe('the one validator', () => {
  it('names each question still to answer, and each answer that does not fit its question', () => {
    const answers = { title: 'Skate', q1: 'one two three four', q2: ['Ely', 'Wisbech'], q4: -1 };
    expect(answerProblems(form, payload, answers)).toEqual([
      { field: 'summary', message: 'Summary of the project: answer this question' },
      { field: 'amountRequestedPence', message: 'Amount requested: answer this question' },
      { field: 'q1', message: 'Why? Must be 3 words or fewer' },
      { field: 'q2.1', message: 'Where? Choose from the choices given' },
      { field: 'q4', message: 'Match funding: amounts cannot be negative' },
    ]);
    expect(
      answerProblems(form, payload, {
        title: 'T',
        summary: 'S',
        amountRequestedPence: 100,
        q1: 'Need it',
        q2: ['Ely'],
      }),
    ).toEqual([]);
  });

  it('checks answers given part by part, and knows an unknown question', () => {
    expect(givenAnswerProblems(form, payload, { q3: '2027-02-30', q99: 'x', q4: null })).toEqual([
      { field: 'q3', message: expect.stringMatching(/^Starting when\? /) },
      { field: 'q99', message: 'The form asks no question by that id' },
    ]);
  });

  it('says how far a section is answered', () => {
    const section = form.sections[0]!;
    expect(sectionStatus(section, payload, {})).toBe('notStarted');
    expect(sectionStatus(section, payload, { title: 'T' })).toBe('inProgress');
    expect(
      sectionStatus(section, payload, {
        title: 'T',
        summary: 'S',
        amountRequestedPence: 1,
        q1: 'a',
        q2: ['March'],
      }),
    ).toBe('completed');
  });

  it('rules an applicant out only by the answer the officer chose, and names questions unanswered', () => {
    expect(eligibilityOutcome(form, { e1: 'no' }).ineligible.map((q) => q.explanation)).toEqual([
      'Local groups only.',
    ]);
    expect(eligibilityOutcome(form, { e1: 'yes' })).toMatchObject({
      problems: [],
      ineligible: [],
      answers: { e1: 'yes' },
    });
    expect(eligibilityOutcome(form, {}).problems).toEqual([
      { field: 'eligibility.e1', message: 'Local? Answer yes or no' },
    ]);
    expect(eligibilityOutcome(form, { e1: 'yes', e7: 'no' }).problems).toEqual([
      { field: 'eligibility.e7', message: 'The form asks no eligibility question by that id' },
    ]);
  });

  it('counts words as people do', () => {
    expect(wordCount('  one\ttwo\nthree  ')).toBe(3);
    expect(wordCount('')).toBe(0);
  });
});
