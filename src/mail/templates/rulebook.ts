// What the rulebook tells people, for every cycle alike. Reference, title and link only; the amount,
// the threshold and the approver's reasons are on the case page.

import { check, type MessageTemplate } from '../../../machines/messages.ts';
import type { rulebookMessages } from '../../engine/rulebook.ts';

export const rulebookTemplates: Record<(typeof rulebookMessages)[number], MessageTemplate> = {
  decisionAwaitingSignature: {
    subject: (d) => `${d.reference}: a decision needs your signature`,
    body: (d) => [
      `A decision on "${d.title}" takes effect only when an approver signs it. Why it needs a signature (its amount, the kind of decision, or a decision sent back before) is on the case page.`,
      check,
    ],
  },
  irreversibleAction: {
    subject: (d) => `${d.reference}: ${d.stateLabel.toLowerCase()}`,
    body: (d) => [
      `"${d.title}" is now at this stage: ${d.stateLabel}. This cannot be undone. The reasons are on the case page.`,
      check,
    ],
  },
  caseReassigned: {
    subject: (d) => `${d.reference}: you are now the case officer`,
    body: (d) => [
      `"${d.title}" has been reassigned to you. You are now its case officer: its work waits for you and its emails come to you. Why it was reassigned is on the case page.`,
      check,
    ],
  },
  decisionSentBack: {
    subject: (d) => `${d.reference}: the approver sent a decision back`,
    body: (d) => [
      `The approver has sent back the decision on "${d.title}" without signing it. Their reasons are on the case page; the next decision on this case also needs their signature.`,
      check,
    ],
  },
};
