// What a crime and disorder reduction grant tells people. Reference, title and link only; never the
// amount, purpose, conditions, reasons or evaluation.
import type { CrimeDisorderGrantMessage } from '../crime-disorder-grant.ts';
import { check, type MessageTemplate } from '../messages.ts';

export const crimeDisorderGrantTemplates: Record<CrimeDisorderGrantMessage, MessageTemplate> = {
  conditionsOffered: {
    subject: (d) => `${d.reference}: the conditions of your grant are ready`,
    body: (d) => [
      `The Commissioner has set out the conditions of the grant "${d.title}" and the reasons for them. Please accept them, or query them if something needs to change.`,
      check,
    ],
  },
  conditionsAccepted: {
    subject: (d) => `${d.reference}: the grant conditions have been accepted`,
    body: (d) => [
      `The partnership has accepted the conditions of the grant "${d.title}". The grant is now live.`,
      check,
    ],
  },
  grantEvaluated: {
    subject: (d) => `${d.reference}: your grant has been evaluated`,
    body: (d) => [`The evaluation of the grant "${d.title}" has been recorded.`, check],
  },
};
