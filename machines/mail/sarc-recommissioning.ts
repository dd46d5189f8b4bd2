// What SARC re-commissioning tells people. Reference, title, deadlines and link only; never tender
// content, prices, scores, bidders, challenge details or reasons.
import { check, type MessageTemplate, onDate } from '../messages.ts';
import type { SarcMessage } from '../sarc-recommissioning.ts';

export const sarcRecommissioningTemplates: Record<SarcMessage, MessageTemplate> = {
  tenderPublished: {
    subject: (d) => `${d.reference}: the tender has been published`,
    body: (d) => [
      `The tender for "${d.title}" has been published. Tenders close ${onDate(d.context.tenderDeadline, 'on the date in the tender')}.`,
      check,
    ],
  },
  standstillStarted: {
    subject: (d) => `${d.reference}: the standstill period has started`,
    body: (d) => [
      `The award notice for "${d.title}" has been published. The standstill period ends ${onDate(d.context.standstillEndsOn, 'after eight working days')}; the contract cannot be entered into before then.`,
      check,
    ],
  },
  challengeRecorded: {
    subject: (d) => `${d.reference}: a challenge has suspended the award`,
    body: (d) => [
      `A challenge to the award of "${d.title}" has been recorded. The award is suspended until the challenge is resolved.`,
      check,
    ],
  },
  contractAwarded: {
    subject: (d) => `${d.reference}: the contract has been awarded`,
    body: (d) => [
      `The contract for "${d.title}" has been awarded and the funds committed. Mobilisation can begin.`,
      check,
    ],
  },
};
