// The demo Youth Fund's own application form, made after its demo bids were started (so they keep
// the cycle's form, version 1, and bids started in the demo are on this one, version 2): questions of
// the officer's beside the cycle's, and an eligibility question.
import type { Tx } from '../db/client.ts';
import { insertFormVersion, latestFormOf } from '../db/queries/application-forms.ts';
import type { ApplicationForm } from './application-form.ts';

export const demoYouthFundForm: ApplicationForm = {
  sections: [
    {
      id: 's1',
      title: 'About the project',
      questions: [
        { id: 'title', type: 'cycle', title: 'Project title' },
        {
          id: 'summary',
          type: 'cycle',
          title: 'What will the project do?',
          hint: 'Who it is for, where and when it happens, and the difference it will make.',
        },
        {
          id: 'q1',
          type: 'multipleChoice',
          title: 'Where will the project work?',
          required: true,
          choices: [
            'Cambridge',
            'East Cambridgeshire',
            'Fenland',
            'Huntingdonshire',
            'South Cambridgeshire',
            'Peterborough',
          ],
        },
        { id: 'q2', type: 'number', title: 'How many young people will take part?', required: true },
      ],
    },
    {
      id: 's2',
      title: 'Money',
      questions: [
        { id: 'amountRequestedPence', type: 'cycle', title: 'How much are you asking for?' },
        {
          id: 'q3',
          type: 'longText',
          title: 'What will the money be spent on?',
          hint: 'For example staff, venue hire, equipment and travel.',
          required: true,
          wordLimit: 250,
        },
      ],
    },
    {
      id: 's3',
      title: 'Safeguarding',
      questions: [
        {
          id: 'q4',
          type: 'yesNo',
          title: 'Does everyone working with young people have an enhanced DBS check?',
          required: true,
        },
      ],
    },
  ],
  eligibility: [
    {
      id: 'e1',
      question: 'Is your project for young people aged 10 to 24 in Cambridgeshire or Peterborough?',
      ineligibleAnswer: 'no',
      explanation:
        'The Youth Fund pays only for work with young people aged 10 to 24 who live in Cambridgeshire or Peterborough. The Community Foundation’s grants may suit other projects.',
    },
  ],
};

export async function seedDemoForm(tx: Tx, programmeId: string, at: Date): Promise<void> {
  const latest = await latestFormOf(tx, programmeId);
  await insertFormVersion(tx, {
    programmeId,
    version: (latest?.version ?? 0) + 1,
    form: demoYouthFundForm,
    changedBy: null,
    changedAt: at,
  });
}
