// The words of every notification. Bodies carry the case reference, its title and a link — never
// the content of a bid, a report or a reason, which people read on the case page after signing in.

export interface MessageData {
  recipientName: string;
  reference: string;
  title: string;
  caseUrl: string;
  stateLabel: string;
  /** The case's context, for the few dates a message must state; never copied into a body whole. */
  context: Record<string, unknown>;
}

/** '2027-03-31' → '31 March 2027'; anything else → 'the date in your offer'. */
function longDate(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'the date in your offer';
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${value}T00:00:00Z`));
}

interface Template {
  subject: (d: MessageData) => string;
  /** Paragraphs of plain text; the HTML version is built from the same words. */
  body: (d: MessageData) => string[];
}

const check = 'Sign in to see the details and what happens next.';

export const templates: Record<string, Template> = {
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
  offerLapsing: {
    subject: (d) => `${d.reference}: your grant offer lapses in 7 days`,
    body: (d) => [`The grant offer for "${d.title}" lapses in 7 days unless you accept it.`, check],
  },
  offerLapsed: {
    subject: (d) => `${d.reference}: the grant offer has lapsed`,
    body: (d) => [`The grant offer for "${d.title}" was not answered within 28 days and has lapsed.`, check],
  },
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
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function renderMessage(
  message: string,
  data: MessageData,
): { subject: string; text: string; html: string } {
  const template = Object.hasOwn(templates, message) ? templates[message] : undefined;
  if (!template) throw new Error(`There is no email template called "${message}"`);
  const paragraphs = [`Dear ${data.recipientName},`, ...template.body(data)];
  const text = [
    ...paragraphs,
    `View the case: ${data.caseUrl}`,
    '',
    'Office of the Police and Crime Commissioner',
  ].join('\n\n');
  const html = [
    '<!doctype html><html lang="en"><body style="font-family: Arial, sans-serif; font-size: 16px; color: #0b0c0c">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(data.caseUrl)}">View case ${escapeHtml(data.reference)}</a></p>`,
    '<p>Office of the Police and Crime Commissioner</p>',
    '</body></html>',
  ].join('\n');
  return { subject: template.subject(data), text, html };
}
