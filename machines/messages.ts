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

/** 'on 31 July 2026' for a date from the case, or `otherwise`: words that do not pretend to know it. */
export function onDate(value: unknown, otherwise: string): string {
  return isIsoDate(value) ? `on ${dayInWords(value)}` : otherwise;
}

// ---- Grant offers and later deadlines: the Youth Fund's and victims' services' shared words ----

const DAY_MS = 24 * 60 * 60 * 1000;
/** An offer not accepted within 28 days lapses; the provider is reminded a week before. */
export const OFFER_LAPSES_AFTER_MS = 28 * DAY_MS;
export const OFFER_REMINDER_AFTER_MS = 21 * DAY_MS;

/** An offer about to lapse, and lapsed (at OFFER_REMINDER_AFTER_MS and OFFER_LAPSES_AFTER_MS). */
export const offerLapseTemplates = {
  offerLapsing: {
    subject: (d) => `${d.reference}: your grant offer lapses in 7 days`,
    body: (d) => [`The grant offer for "${d.title}" lapses in 7 days unless you accept it.`, check],
  },
  offerLapsed: {
    subject: (d) => `${d.reference}: the grant offer has lapsed`,
    body: (d) => [`The grant offer for "${d.title}" was not answered within 28 days and has lapsed.`, check],
  },
} satisfies Record<string, MessageTemplate>;

/** An officer gave one applicant a later deadline (EXTEND_OWN_DEADLINE). */
export const ownDeadlineTemplates = {
  deadlineExtended: {
    subject: (d) => `${d.reference}: you have a later deadline for your bid`,
    body: (d) => [
      `An officer has given you a later deadline to submit "${d.title}". The new deadline and the reason are on the case page.`,
      check,
    ],
  },
} satisfies Record<string, MessageTemplate>;
