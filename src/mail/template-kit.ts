// The shape of a message template and the few helpers templates share.
import { dayInWords, isIsoDate } from '../../machines/calendar.ts';

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
  return isIsoDate(value) ? dayInWords(value) : 'the date in your offer';
}

export interface Template {
  subject: (d: MessageData) => string;
  /** Paragraphs of plain text; the HTML version is built from the same words. */
  body: (d: MessageData) => string[];
}

export const check = 'Sign in to see the details and what happens next.';
