// The words of a cycle's email: each definition carries its own templates, so adding a cycle needs no
// file in src/. Bodies carry the case reference, its title and a link, never the content of a bid, a
// report or a reason, which people read on the case page after signing in. Pure: calendar only.
import { dayInWords, isIsoDate } from './calendar.ts';

export interface MessageData {
  recipientName: string;
  reference: string;
  /** The case's title, from the definition's summary. */
  title: string;
  caseUrl: string;
  stateLabel: string;
  /** The case's context, for the few dates a message must state; never copied into a body whole. */
  context: Record<string, unknown>;
}

export interface MessageTemplate {
  subject: (d: MessageData) => string;
  /** Paragraphs of plain text; the HTML version is built from the same words. */
  body: (d: MessageData) => string[];
}

/** '2027-03-31' → '31 March 2027'; anything else → 'the date in your offer'. */
export function longDate(value: unknown): string {
  return isIsoDate(value) ? dayInWords(value) : 'the date in your offer';
}

export const check = 'Sign in to see the details and what happens next.';
