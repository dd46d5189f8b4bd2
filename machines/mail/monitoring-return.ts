// What a monitoring return tells people. Reference, title, the period and due date, and a link only;
// never the figures, the narrative or an officer's query.
import { dayInWords, isIsoDate } from '../calendar.ts';
import { check, type MessageData, type MessageTemplate, onDate } from '../messages.ts';
import type { MonitoringReturnMessage } from '../monitoring-return.ts';

/** " for 1 April 2026 to 30 June 2026", or nothing when the case carries no period. */
const period = (d: MessageData) =>
  isIsoDate(d.context.periodStart) && isIsoDate(d.context.periodEnd)
    ? ` for ${dayInWords(d.context.periodStart)} to ${dayInWords(d.context.periodEnd)}`
    : '';

/** "on 31 July 2026", or "on the date set" when the case carries no due date. */
const dueOn = (d: MessageData) => onDate(d.context.dueOn, 'on the date set');

export const monitoringReturnTemplates: Record<MonitoringReturnMessage, MessageTemplate> = {
  returnDueSoon: {
    subject: (d) => `${d.reference}: your monitoring return is due ${dueOn(d)}`,
    body: (d) => [`The "${d.title}"${period(d)} is due ${dueOn(d)}.`, check],
  },
  returnOverdue: {
    subject: (d) => `${d.reference}: the monitoring return is overdue`,
    body: (d) => [
      `The "${d.title}"${period(d)} was due ${dueOn(d)} and has not been received. It can still be submitted.`,
      check,
    ],
  },
  returnSubmitted: {
    subject: (d) => `${d.reference}: a monitoring return has been submitted`,
    body: (d) => [`The "${d.title}"${period(d)} has been submitted and is ready to check.`, check],
  },
  returnRedated: {
    subject: (d) => `${d.reference}: your monitoring return is now due ${dueOn(d)}`,
    body: (d) => [
      `The "${d.title}"${period(d)} now has a new due date: it is due ${dueOn(d)}. The reason is on the case page.`,
      check,
    ],
  },
  returnQueried: {
    subject: (d) => `${d.reference}: a question about your monitoring return`,
    body: (d) => [
      `An officer has a question about the "${d.title}"${period(d)}. Please answer it and resubmit the return.`,
      check,
    ],
  },
};
