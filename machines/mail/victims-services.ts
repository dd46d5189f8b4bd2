// What the victims' services machine tells people. Reference, title and link only; never bid
// content, scores, amounts, reasons or conditions, which people read on the case page.
import { check, type MessageTemplate, offerLapseTemplates, ownDeadlineTemplates } from '../messages.ts';
import type { VictimsServicesMessage } from '../victims-services.ts';

export const victimsServicesTemplates: Record<VictimsServicesMessage, MessageTemplate> = {
  bidReceived: {
    subject: (d) => `${d.reference}: we have received your bid`,
    body: (d) => [
      `We have received your bid "${d.title}". An officer will now carry out the due diligence checks.`,
      check,
    ],
  },
  bidIneligible: {
    subject: (d) => `${d.reference}: your bid did not pass due diligence`,
    body: (d) => [
      `Your bid "${d.title}" did not pass the due diligence checks and cannot go further. The reason is on the case page.`,
      check,
    ],
  },
  bidDeclined: {
    subject: (d) => `${d.reference}: a decision on your bid`,
    body: (d) => [`We have decided not to fund "${d.title}". The reasons are on the case page.`, check],
  },

  offerMade: {
    subject: (d) => `${d.reference}: you have been offered a grant`,
    body: (d) => [
      `We are offering a grant for "${d.title}". Please accept or decline the offer within 28 days.`,
      check,
    ],
  },
  ...offerLapseTemplates,
  agreementSigned: {
    subject: (d) => `${d.reference}: your grant agreement has been signed`,
    body: (d) => [
      `The grant agreement for "${d.title}" has been signed and the service is now live. Its terms are on the case page.`,
      check,
    ],
  },

  variationDecided: {
    subject: (d) => `${d.reference}: a decision on the grant variation`,
    body: (d) => [
      `A decision has been made on the variation to the grant for "${d.title}". The decision and the current terms are on the case page.`,
      check,
    ],
  },
  terminated: {
    subject: (d) => `${d.reference}: your grant has been terminated`,
    body: (d) => [
      `The grant for "${d.title}" has been terminated. The reasons and what happens next are on the case page.`,
      check,
    ],
  },
  ...ownDeadlineTemplates,
};
