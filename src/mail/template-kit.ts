// The shape of a message template and the few helpers templates share.

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
export function longDate(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'the date in your offer';
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${value}T00:00:00Z`));
}

export interface Template {
  subject: (d: MessageData) => string;
  /** Paragraphs of plain text; the HTML version is built from the same words. */
  body: (d: MessageData) => string[];
}

export const check = 'Sign in to see the details and what happens next.';
