// What a commissioning round tells staff. The OPCC owns the round, so officers and approvers are
// told, never providers. Reference, the programme's name and a link only; never plan content or reasons.

import type { CommissioningRoundMessage } from '../commissioning-round.ts';
import { check, type MessageTemplate } from '../messages.ts';

export const commissioningRoundTemplates: Record<CommissioningRoundMessage, MessageTemplate> = {
  launchAwaitingApproval: {
    subject: (d) => `${d.reference}: a commissioning round is waiting for your approval to launch`,
    body: (d) => [
      `The commissioning round "${d.title}" is ready to launch and needs your approval before the call for bids is published.`,
      check,
    ],
  },
  roundOpened: {
    subject: (d) => `${d.reference}: the commissioning round is open for bids`,
    body: (d) => [`The launch of "${d.title}" has been approved and the round is now open for bids.`, check],
  },
  roundClosed: {
    subject: (d) => `${d.reference}: the commissioning round has closed to bids`,
    body: (d) => [
      `The commissioning round "${d.title}" has closed to bids. Assessment can start when you are ready.`,
      check,
    ],
  },
};
