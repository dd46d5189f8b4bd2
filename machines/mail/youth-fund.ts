// What the Youth Fund tells people. Reference, title and link only; never bid content.

import {
  check,
  longDate,
  type MessageTemplate,
  offerLapseTemplates,
  ownDeadlineTemplates,
} from '../messages.ts';
import type { YouthFundMessage } from '../youth-fund.ts';

export const youthFundTemplates: Record<YouthFundMessage, MessageTemplate> = {
  bidReceived: {
    subject: (d) => `${d.reference}: we have received your bid`,
    body: (d) => [`We have received your bid "${d.title}". An officer will check its eligibility.`, check],
  },
  bidEligible: {
    subject: (d) => `${d.reference}: your bid is eligible`,
    body: (d) => [`Your bid "${d.title}" is eligible and has gone to the panel.`, check],
  },
  bidIneligible: {
    subject: (d) => `${d.reference}: your bid is not eligible`,
    body: (d) => [
      `Your bid "${d.title}" is not eligible for this fund. The reason is on the case page.`,
      check,
    ],
  },
  bidDeclined: {
    subject: (d) => `${d.reference}: the panel has made its decision`,
    body: (d) => [`The panel has decided not to fund "${d.title}". The reason is on the case page.`, check],
  },
  offerMade: {
    subject: (d) => `${d.reference}: you have been offered a grant`,
    body: (d) => [
      `The panel has offered a grant for "${d.title}". Please accept or decline the offer within 28 days.`,
      check,
    ],
  },
  ...offerLapseTemplates,
  paymentRecorded: {
    subject: (d) => `${d.reference}: your grant has been paid`,
    body: (d) => [
      `The grant for "${d.title}" has been paid. Your end-of-grant report will be due on the date in your offer.`,
      check,
    ],
  },
  reportDueSoon: {
    subject: (d) => `${d.reference}: your end-of-grant report is due on ${longDate(d.context.reportDueOn)}`,
    body: (d) => [
      `The end-of-grant report for "${d.title}" is due on ${longDate(d.context.reportDueOn)}.`,
      check,
    ],
  },
  reportOverdue: {
    subject: (d) => `${d.reference}: the end-of-grant report is overdue`,
    body: (d) => [
      `The end-of-grant report for "${d.title}" was due on ${longDate(d.context.reportDueOn)} and has not been received.`,
      check,
    ],
  },
  reportQueried: {
    subject: (d) => `${d.reference}: a question about your end-of-grant report`,
    body: (d) => [`An officer has a question about the end-of-grant report for "${d.title}".`, check],
  },
  ...ownDeadlineTemplates,
};
