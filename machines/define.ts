// The contract every machine file fulfils. Pure: imports xstate, zod and the London calendar only, so the engine can
// load, describe and replay any machine without knowing it by name.
import type { AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { dayInWords, londonDate } from './calendar.ts';
import type { MessageTemplate } from './messages.ts';

export const roles = ['officer', 'provider', 'panel', 'finance', 'approver', 'admin'] as const;
export type Role = (typeof roles)[number];

export type OrganisationKind = 'commissioner' | 'provider' | 'partner' | 'communitySafetyPartnership';

/**
 * Who may send an event or open a case: a staff role by name; `owner`, meaning a provider user of
 * the organisation that owns the case (providers act only for their own organisation); or
 * `system`, for events only the engine sends, such as a deadline passing.
 */
export type Sender = Exclude<Role, 'provider'> | 'owner' | 'system';

/**
 * What a member of a provider organisation may do for it, beyond preparing its work and reading its
 * cases, which every member may: manage its people, submit its bids, accept offers (binding it to an
 * agreement), file its returns, change its bank details, and receive its emails.
 */
export const organisationPermissions = [
  'managePeople',
  'submitBids',
  'acceptOffers',
  'fileReturns',
  'bankDetails',
  'receiveEmail',
] as const;
export type OrganisationPermission = (typeof organisationPermissions)[number];

/**
 * The documents an organisation keeps on its profile, each with the date it runs out, in the words its
 * pages use. Due diligence reads them (an event's `profileChecks`).
 */
export const profileDocumentKinds = {
  governingDocument: 'Governing document',
  accounts: 'Latest accounts',
  safeguardingPolicy: 'Safeguarding policy',
  insurance: 'Insurance certificate',
} as const;
export type ProfileDocumentKind = keyof typeof profileDocumentKinds;

/** Which permission an owner's event asks of the member sending it: one of those above, or none. */
export type OwnerPermission =
  | Extract<OrganisationPermission, 'submitBids' | 'acceptOffers' | 'fileReturns'>
  | 'anyMember';

/** A problem with one field of a payload, named as the client sent it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface EventSpec<Context = any, Payload = any> {
  /** What a person sees on the button or in the history, e.g. "Submit the bid". */
  label: string;
  /** The payload without `type`; strict, so unknown fields are refused. */
  payload: z.ZodObject;
  sentBy: readonly Sender[];
  /**
   * For an event the owner sends: which of the organisation's people may send it (those who may
   * submit bids, accept offers or file returns), or `anyMember`. The registry requires it of every
   * event whose senders include `owner`.
   */
  ownerPermission?: OwnerPermission;
  /**
   * Rules that need the case's context (an amount no more than was requested). The engine runs
   * it to answer 422 naming the field; the machine uses the same function as its guard, so the
   * two can never disagree.
   */
  check?: (context: Context, payload: Payload, now?: Now) => FieldProblem[];
  /**
   * Separation of duties: a reason this person may not send the event to this case (e.g. they
   * scheduled the payment they would approve), or null. The engine answers 403 with the reason; the
   * machine's guard reads the same function with `event.actorId`, which the engine adds to every event.
   */
  refuses?: (context: Context, actorId: string | null) => string | null;
  /**
   * Why the event cannot be sent now whatever its payload (the clarification period has closed; no
   * tenders came in to score; the contract has not started yet), from the context and today's date;
   * null when it can. The engine leaves it out of what a person may send now (so pages offer no form
   * for it, and say why instead) and refuses it with 409 and the reason.
   */
  unavailable?: (context: Context, now?: Now) => string | null;
  /**
   * What the person filling in the event's form should have in front of them, from the case (the price
   * the preferred bidder tendered, beside the contract value asked for); null when nothing. Pages show
   * it above the form; it is read from what this person may see of the context.
   */
  guidance?: (context: Context) => string | null;
  /**
   * The letter a person agrees to by sending this event (the offer letter, read before "Accept the
   * offer"): shown on the event's page above its button. Its terms are fields of the context, in the
   * order read, each shown as its meta says; the registry refuses a term the context does not have.
   */
  letter?: Letter<Context>;
  /**
   * An event a person may send at any time that is not work waiting for them (cancelling, recording
   * money returned): it does not put the case on their "work waiting" list.
   */
  whenever?: boolean;
  /**
   * A commissioning decision: the rulebook (src/engine/rulebook.ts) holds it for an approver's
   * signature when its amount is above the programme's delegation threshold, or when the approver sent
   * the case's last decision back, and never lets the person who decided sign it. Every event whose
   * transition commits money must be declared a decision; the registry refuses a machine otherwise.
   */
  decision?: DecisionSpec<Context, Payload>;
  /**
   * Payload fields that are the Commissioner's internal deliberation (a moderation rationale, scores):
   * providers never see them in the case's history. `true` for the whole payload.
   */
  staffOnly?: true | readonly string[];
  /**
   * An action that cannot be undone (terminating, withdrawing, abandoning, declining, cancelling a
   * payment). The registry requires its payload to ask for a `reason`; pages confirm it on a page of
   * its own with a warning button; the engine tells the owning organisation by email when the
   * transition does not already.
   */
  irreversible?: true;
  /**
   * Ends the panel's scoring (the definition's panelScoringStates). The rulebook accepts it only once
   * the programme's quorum of panel members has scored, or with a `quorumReason` saying why not; the
   * registry requires the payload to offer that field.
   */
  closesScoring?: true;
  /**
   * Sends the bid an organisation applied with: its payload's fields are the questions the cycle's
   * rules need (the amount, the service, the period), which the programme's application form asks
   * among the officer's own. The domain holds the rest of the form's answers to the bid's form
   * version (src/domain/application-answers.ts). A cycle whose organisations open their own cases
   * declares exactly one.
   */
  application?: true;
  /**
   * Checks that pass only on the owning organisation's profile documents: for each check (a boolean
   * of the payload's `field`) set true, the domain asks for an in-date document of its kind on the
   * organisation's profile, naming the check otherwise (src/domain/documents/profile-checks.ts).
   */
  profileChecks?: { field: string; documents: Readonly<Record<string, ProfileDocumentKind>> };
  /**
   * Records moderated scores (`scores`, by criterion) against the panel's: where one is more than
   * half a point from the panel's mean for its criterion, the rulebook asks for a `rationale`. The
   * registry requires the payload to have both fields.
   */
  moderates?: true;
  /**
   * The service period this event sets (a bid's, an agreement's, a variation's new end): the rulebook
   * holds its start within the programme's service dates and its length to the programme's longest
   * period, naming the payload's `startsOn` or `endsOn`. Null when the event, as sent, sets none.
   */
  servicePeriod?: (context: Context, payload: Payload) => ServicePeriod | null;
  /**
   * Spend reported against the award this case is about (a monitoring return): where the spend
   * reported on the award so far, this included, is more than the award's value, the rulebook asks
   * for an `explanation` in the payload field the registry requires, `spendAboveAward`.
   */
  reportsSpend?: (context: Context, payload: Payload) => SpendReport;
}

/** Spend reported on an award, with the reporter's explanation of any spend above its value. */
export interface SpendReport {
  spendPence: number;
  explanation: string | null;
}

/** One outcome measure: what is counted or rated, in what unit, against what target, broken down how. */
export interface MeasureSpec {
  /** A name for machines and files, e.g. victimsSupported. */
  id: string;
  /** As people read it. */
  name: string;
  unit: 'count' | 'percent';
  /** The programme's target for a year, where it has one. */
  target: number | null;
  /** The parts a count is broken down into (by crime type, by age), empty for none. */
  breakdowns: readonly string[];
  /** For a percentage: the count it is weighted by when returns are added up (victims supported). */
  weightedBy?: string | null;
}

/**
 * The Ministry of Justice's measures for services to victims (victims' services, the SARC): victims
 * supported, by crime type, and the share who say they cope and recover better, weighted by them.
 */
export const victimsMeasures: readonly MeasureSpec[] = [
  {
    id: 'victimsSupported',
    name: 'Victims supported',
    unit: 'count',
    target: null,
    breakdowns: ['Domestic abuse', 'Sexual violence', 'Other crime'],
  },
  {
    id: 'copeAndRecover',
    name: 'Victims who say they are better able to cope and recover',
    unit: 'percent',
    target: 80,
    breakdowns: [],
    weightedBy: 'victimsSupported',
  },
];

/** A service period: its first and last days (ISO dates). */
export interface ServicePeriod {
  startsOn: string;
  endsOn: string;
}

export interface Letter<Context = any> {
  /** What the letter is, e.g. "Offer of a Youth Fund grant". */
  title: string;
  /** What it says before its terms. */
  opening: (context: Context) => string;
  /** The context fields that are its terms: the amount, the dates, what is reported. */
  terms: readonly string[];
  /** What it says after them: how it is paid, when the offer lapses. */
  closing?: (context: Context) => string | null;
  /**
   * A record of what the event agreed, drawn up once it is done (a grant agreement, whose terms the
   * event sets), rather than shown beforehand for someone to agree to (an offer letter).
   */
  afterwards?: boolean;
  /** It sets out the award's payments and monitoring returns as they stand (the schedule it made). */
  schedule?: boolean;
}

export interface DecisionSpec<Context = any, Payload = any> {
  /**
   * The award's total once this decision takes effect, in pence: for a variation or an extension the
   * new total, not the difference. Null when the decision, as sent, commits no money (a decline).
   */
  amountPence: (context: Context, payload: Payload) => number | null;
  /**
   * A reason this decision needs the approver's signature whatever its amount (a preferred bidder who
   * is not the highest scorer, an award above the preferred tender), or null when the threshold alone
   * decides. The rulebook shows the reason to the approver.
   */
  signatureWhen?: (context: Context, payload: Payload) => string | null;
}

// ---- How a cycle reads to people -------------------------------------------------------------
// Every payload field and every context field carries zod `.meta({ title, hint, widget, options })`.
// Pages, lists, email and exports read these; nothing in src/ guesses a label or a format from a name.

/** How a value is shown or asked for, where its type alone does not say. */
export type Widget =
  /** Integer pence, shown and asked as pounds and pence. */
  | 'money'
  /** Long text: a multi-line box. */
  | 'textarea'
  /** Numbers by scoring criterion id, shown and asked against the programme's criteria. */
  | 'scores'
  /** An event's type (e.g. the event a reason was given for): shown as the event's label. */
  | 'event'
  /**
   * Figures by outcome measure (./measures.ts): asked and shown against the measures the case reports
   * on (the definition's `reportsMeasures`), each by its name, a count's parts one by one.
   */
  | 'measures'
  /**
   * An organisation on record that can be paid (a provider), by its id: asked as a choice of those
   * organisations, shown by name. The engine refuses an id not on record and gives the machine the
   * names of the organisations the payload chose (the event's `suppliers`), as they are on record.
   */
  | 'supplier'
  /** One of the things the case scores (the definition's `criteria`, by id): asked as a choice, shown by name. */
  | 'scored'
  /** A commissioning officer, by their user id: asked as a choice of the officers, shown by name. */
  | 'officer'
  /**
   * One of a list (a string or an integer), or several (an array of strings): asked as radios, a
   * drop-down or checkboxes. The choices are the field's `options`, or given by the page that asks
   * (the funds on record, say).
   */
  | 'choice'
  /** An uploaded file, by its document's id: asked on a page of its own, shown by its file name. */
  | 'file'
  /** An instant asked as a day: the start of that day in London (an instant is otherwise its end). */
  | 'startOfDay'
  /** Not for people: an id, a working flag, a copy of settings. Never shown on a page. */
  | 'hidden';

export interface FieldMeta {
  /** The question or the row's heading, in the users' words: "Amount requested". */
  title?: string;
  /** A line under the question that helps answer it. */
  hint?: string;
  widget?: Widget;
  /** What each value of an enum means to a person: { idva: 'IDVA service' }. */
  options?: Record<string, string>;
  /** A list of objects asked as rows of questions: what one row is called ("Criterion"). */
  itemTitle?: string;
}

declare module 'zod' {
  interface GlobalMeta extends FieldMeta {}
}

/** Spread into a field's meta: long text, asked and shown in a multi-line box. */
export const textarea = { widget: 'textarea' } as const;
/** Spread into a field's meta: a field nobody reads (an id, a working flag, a copy of settings). */
export const hidden = { widget: 'hidden' } as const;

/** What one case is, in a line: for lists, work waiting and email. */
export interface CaseLine {
  /** What people call it: the bid's title, the payment's purpose. */
  title: string;
  /** The money it is about now (the recommendation, the award, the request), or null. */
  amountPence: number | null;
  /** What it is for, in a paragraph (a bid's summary, a grant's purpose): published with open data. */
  description?: string | null;
}

export interface StateSpec {
  label: string;
  /**
   * How soon whoever acts in this state is to answer, counted in working days from the day the case
   * came to it, and what they do: what "Your work" shows as due (a submitted return to check).
   */
  answerWithin?: { workingDays: number; what: string };
}

export interface MachineDefinition {
  id: string;
  version: number;
  /** Starts each case's human reference, e.g. YF → YF-000042. */
  referencePrefix: string;
  title: string;
  description: string;
  machine: AnyStateMachine;
  /** The creation input clients send with POST /api/cases; becomes the machine's input. */
  input: z.ZodObject;
  createdBy: readonly Sender[];
  /** The words of every message the machine may `notify`, by name (see ./messages.ts). */
  messages: Readonly<Record<string, MessageTemplate>>;
  /**
   * What each field of the context means to a person: a zod object whose every field (and every field
   * of a nested object) carries `.meta({ title, ... })`; `widget: 'hidden'` for fields nobody reads.
   * For display only: the machine's own types stay the truth. A test checks every context a walk
   * reaches is declared here.
   */
  context: z.ZodObject;
  /** The case in a line, for lists, work waiting and email. */
  summary: (context: any) => CaseLine;
  /**
   * The criteria a case is scored against (a programme's criteria; a procurement's tenders): how fields
   * with `widget: 'scores'` or `widget: 'scored'` are asked and read.
   */
  criteria?: (context: any) => readonly ScoringCriterion[];
  /** The kinds of organisation a case of this machine may belong to (checked when it is opened). */
  ownerKinds: readonly OrganisationKind[];
  /**
   * The service a case's award pays for (`idva`, `bereavement`, …), as a ring-fenced stream names the
   * services it may fund: a commitment for another service is refused. Absent: the machine's awards
   * name no service, and cannot draw on a stream that names services.
   */
  serviceOf?: (context: any) => string | null;
  /** The services `serviceOf` names, each in words: what finance may ring-fence a stream for. */
  services?: Readonly<Record<string, string>>;
  /**
   * The last day of the award as agreed (a grant agreement's or a contract's end), or null before
   * there is one. The rulebook ends an award before that day only by an event that asks for a
   * reason (an `irreversible` one, such as terminating): a plain close is refused until then.
   */
  awardEndsOn?: (context: any) => string | null;
  /**
   * The period the award pays for (a bid's service period, an agreement's, a contract's, a grant's
   * financial year), or null before there is one. The award's value is committed against each
   * financial year's fund in proportion to its days in that year, until a payment schedule places it
   * by when each payment falls due. Without one, the award's money is all in its programme's fund.
   */
  awardPeriod?: (context: any) => { startsOn: string; endsOn: string } | null;
  /**
   * The award reports through monitoring returns: when its payment schedule is built or re-profiled,
   * a return is opened for every period of the agreement (quarterly unless the programme says
   * otherwise), and ending the award withdraws those whose period starts after it ends.
   */
  takesReturns?: true;
  /**
   * Cases staff open for every organisation of the owning kinds at once, from the programme (a year's
   * allocations to the Community Safety Partnerships): what the page is called, the creation fields
   * asked once for them all, and the events sent to each new case in turn, their payloads asked on
   * each organisation's row with its creation fields. A decision held for a signature stops there;
   * the rest are kept as the officer's saved forms on the case.
   */
  openedTogether?: { title: string; askedOnce: readonly string[]; sends: readonly string[] };
  /**
   * The outcome measures a programme of this cycle starts with (seeded into `programme_measures` when
   * it is set up; its setup pages edit them there): what its awards report on, and no other cycle's.
   */
  measures?: readonly MeasureSpec[];
  /**
   * The case reports figures against measures copied from its programme when it was opened: the
   * context field holding those measures, the path to the figures as last given, and the field with
   * the London date they are due by (the board report counts them in that date's quarter).
   */
  reportsMeasures?: { measures: string; figures: readonly string[]; dueOn: string };
  /** States in which panel members declare conflicts and score the bid against the criteria. */
  panelScoringStates?: readonly string[];
  /**
   * How cases on the previous version move to this one: the engine's start-up migration rewrites
   * their context with `context` (identity when absent) and records the move in their history.
   */
  upgradeFrom?: UpgradeStep;
  events: Record<string, EventSpec>;
  states: Record<string, StateSpec>;
  /**
   * Context fields that are internal deliberation (panel and moderated scores, a recommendation, the
   * delegation threshold, who in finance did what): providers never see them in the case view.
   */
  staffOnly?: readonly string[];
}

/**
 * How cases on one earlier version move to the next: `context` rewrites theirs (identity when absent).
 * `previous` is the step before it, for cases on an older version still: they take each step in turn.
 */
export interface UpgradeStep {
  version: number;
  context?: (context: any, state: string) => unknown;
  /** The state a case moves to, where the new version no longer has the one it is in. */
  state?: (state: string, context: any) => string;
  /**
   * A decision the old version was waiting to have signed, to be held by the rulebook instead: the
   * event and payload as the decider sent them (found in the history by the event's type).
   */
  hold?: (context: any, state: string) => { event: string; payload: Record<string, unknown> } | null;
  previous?: UpgradeStep;
}

export function defineMachine<const D extends MachineDefinition>(definition: D): D {
  return definition;
}

/** Turns an event's `check` into an XState guard: the event passes when there are no problems. */
export function guardFrom<Context, Payload>(
  check: (context: Context, payload: Payload, now?: Now) => FieldProblem[],
) {
  return ({ context, event }: { context: Context; event: unknown }) => {
    const today = (event as { today?: unknown }).today;
    return check(context, event as Payload, typeof today === 'string' ? { today } : undefined).length === 0;
  };
}

/**
 * When an event is sent: the engine adds `today` (the London date) to every event it gives a machine
 * and passes it to `check`, so rules about dates ("not in the past", "not before the agreement ends")
 * hold without a machine reading the clock. Absent when a machine is stepped without the engine.
 */
export interface Now {
  today: string;
}

/**
 * The names of the organisations an event's `supplier` fields chose, by id, as they are on record when
 * the event is sent. The engine adds them to the event it gives the machine (`suppliers`); the machine
 * keeps the name beside the id, as an invoice keeps the name it was made out to.
 */
export type SupplierNames = Readonly<Record<string, string>>;

type Added = 'type' | 'actorId' | 'today' | 'suppliers';
/** What the sender gave: an event without its type and what the engine adds (actorId, today, suppliers). */
export function payloadOf<E extends { type: string }>(event: E): Omit<E, Added> {
  const {
    type: _type,
    actorId: _actorId,
    today: _today,
    suppliers: _suppliers,
    ...payload
  } = event as E & {
    actorId?: unknown;
    today?: unknown;
    suppliers?: unknown;
  };
  return payload as Omit<E, Added>;
}

/** No problem unless a new deadline (an instant) falls on a London day before today. */
export function deadlineNotPassed(field: string, closesAt: string, now: Now | undefined): FieldProblem[] {
  return now && londonDate(closesAt) < now.today
    ? [{ field, message: `Enter a new deadline that has not passed: today is ${dayInWords(now.today)}` }]
    : [];
}

/**
 * An event's `unavailable` rule as a `check`, for the machine's guard (through `guardFrom`): the engine's
 * 409 and the machine's refusal are then one rule. The reason, as a sentence, is the problem on `field`.
 */
export function checkUnavailable<Context>(
  field: string,
  unavailable: (context: Context, now?: Now) => string | null,
): (context: Context, payload: unknown, now?: Now) => FieldProblem[] {
  return (context, _payload, now) => {
    const reason = unavailable(context, now);
    return reason ? [{ field, message: `${reason.charAt(0).toUpperCase()}${reason.slice(1)}` }] : [];
  };
}

/** No problem unless `date` is before today: a date a person sets that must not be in the past. */
export function notPast(field: string, date: string | undefined, now: Now | undefined): FieldProblem[] {
  return now && date && date < now.today
    ? [{ field, message: `Enter a date that is not in the past: today is ${dayInWords(now.today)}` }]
    : [];
}

// Shared payload vocabulary, so every machine means the same thing by "pence" or "a date".
export const pence = z
  .number({ error: 'Enter an amount in pence as a whole number' })
  .int({ error: 'Amounts are whole pence, with no fractions' })
  .nonnegative({ error: 'Amounts cannot be negative' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'Amount is too large' })
  .meta({ widget: 'money' });
export const positivePence = pence.min(1, { error: 'Amount must be more than zero' });
// Dates and instants are bounded to years 2000–2199: wider years are typing slips, and the
// calendar's arithmetic is defined for this range.
// zod runs refinements even when the format check failed, so these judge only well-formed values.
const inRange = (isoText: string) => isoText >= '2000' && isoText < '2200';
export const isoDate = z.iso
  .date({ error: 'Enter a date as YYYY-MM-DD' })
  .refine((text) => !/^\d{4}-\d{2}-\d{2}$/.test(text) || inRange(text), {
    error: 'Enter a date between 2000 and 2199',
  });
/** An instant with its offset, e.g. 2026-07-31T17:00:00+01:00. */
export const isoInstant = z.iso
  .datetime({ offset: true, error: 'Enter a date and time such as 2026-07-31T17:00:00+01:00' })
  .refine(
    (text) => {
      const at = Date.parse(text);
      return Number.isNaN(at) || inRange(new Date(at).toISOString());
    },
    { error: 'Enter a date between 2000 and 2199' },
  );
/** A financial year as '2026-27' (1 April 2026 to 31 March 2027). */
export const financialYear = z
  .string({ error: 'Enter the financial year as its two years with a dash between, such as 2026-27' })
  .max(7, { error: 'Enter the financial year as its two years with a dash between, such as 2026-27' })
  .regex(/^2[01]\d{2}-\d{2}$/, {
    error: 'Enter the financial year as its two years with a dash between, such as 2026-27',
  })
  .refine((y) => !/^\d{4}-\d{2}$/.test(y) || (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), {
    error: 'The second year must follow the first, as in 2026-27',
  });
/**
 * Text a person types, up to `max` characters, refused blank. `what` is what to enter, in the words
 * its error messages use ("a summary of the project"): "Enter a summary of the project".
 */
export const shortText = (max: number, what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(max, { error: `Enter ${what} in ${max.toLocaleString('en-GB')} characters or fewer` });
/** Why: required wherever it appears, and said so in words a form can show on its own. */
export const reason = z
  .string({ error: 'Enter the reasons' })
  .trim()
  .min(1, { error: 'Enter the reasons' })
  .max(2000, { error: 'The reasons must be 2000 characters or fewer' })
  .meta({ title: 'Reasons', widget: 'textarea' });

/** A payload asking only why, in the words of the event it is for (and a hint, where one helps). */
export const reasonPayload = (title: string, hint?: string) => {
  // Its error says what to enter in the question's own words: "Enter why the allocation is withdrawn".
  const enter = `Enter ${title.charAt(0).toLowerCase()}${title.slice(1)}`;
  return z.strictObject({
    reason: z
      .string({ error: enter })
      .trim()
      .min(1, { error: enter })
      .max(2000, { error: `${title}: use 2000 characters or fewer` })
      .meta({ title, widget: 'textarea', ...(hint ? { hint } : {}) }),
  });
};

/**
 * Why the panel decides, or scoring closes, with fewer scores than the programme's quorum. The
 * rulebook asks for it only then (EventSpec.closesScoring); spread it into the event's payload.
 */
export const quorumReason = {
  quorumReason: reason.optional().meta({
    title: 'Why go ahead with fewer panel scores than needed',
    hint: 'Needed only when fewer panel members have scored than the programme asks for.',
  }),
};

/** 123456 → "£1,234.56". Written out so it does not depend on the machine's locale data. */
export function formatPounds(amountPence: number | bigint): string {
  // In bigint, so a total past 2^53 pence is still written to the penny.
  const pence = BigInt(amountPence);
  const pounds = (pence / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `£${pounds}.${(pence % 100n).toString().padStart(2, '0')}`;
}

/** A money ceiling: no problem when `amountPence` is at most `limitPence`, else one naming the field. */
export function atMost(
  field: string,
  amountPence: number,
  limitPence: number,
  message: (limitInPounds: string) => string,
): FieldProblem[] {
  return amountPence <= limitPence ? [] : [{ field, message: message(formatPounds(limitPence)) }];
}

// The named actions the engine itself interprets. Machines declare them in setup({ actions }) by
// spreading `engineActions`, and emit them with `notify(...)` and `scheduleAt(...)`.

/** Who a notification goes to: the owning organisation's providers, or everyone with a staff role. */
export type Recipient = 'owner' | Exclude<Role, 'provider' | 'admin'>;
export interface NotifyParams {
  message: string;
  to: readonly Recipient[];
}
export interface ScheduleParams {
  /** Unique per case; scheduling the same id again moves the timer. */
  id: string;
  event: { type: string };
  /** An ISO instant, or null for "no timer" (e.g. no date set yet). */
  at: string | null;
}

export const engineActions = {
  /** Tell people something; the engine writes outbox rows in the transition's transaction. */
  notify: (_args: unknown, _params: NotifyParams) => {},
  /** Send `event` to this case at an absolute time; the timer goes when the state is left. */
  schedule: (_args: unknown, _params: ScheduleParams) => {},
};

export const notify = (message: string, ...to: Recipient[]) => ({
  type: 'notify' as const,
  params: { message, to },
});

/**
 * Schedules a system event at an instant computed from the context (build it with the London
 * calendar in ./calendar.ts so legal dates are right across BST and GMT).
 */
export function scheduleAt<Context>(id: string, eventType: string, at: (context: Context) => Date | null) {
  return {
    type: 'schedule' as const,
    params: ({ context }: { context: Context }): ScheduleParams => ({
      id,
      event: { type: eventType },
      at: at(context)?.toISOString() ?? null,
    }),
  };
}

// ---- Programmes and money -------------------------------------------------------------------
// A case opened under a programme (a commissioning round) gets the programme's settings as part of
// its machine input, from the domain layer; clients send only `programmeId`.

export interface ScoringCriterion {
  id: string;
  label: string;
  /** Percent; a programme's weights add up to 100. */
  weight: number;
  /** What the panel looks for in a strong answer: shown beside the score (not given to cases). */
  guidance?: string;
}

export interface ProgrammeSettings {
  id: string;
  name: string;
  /** The most one award may be, where the programme caps awards (e.g. the Youth Fund's £5,000). */
  maxAwardPence: number | null;
  /** Decisions above this amount need the approver's signature. */
  delegationThresholdPence: number;
  criteria: ScoringCriterion[];
  /** When bids close (an ISO instant), where the programme takes bids. */
  closesAt: string | null;
  /** The outcome measures its awards report on, as they stand when a case is opened (absent: none). */
  measures?: MeasureSpec[];
}

/** The part of a machine input the domain layer adds for a case opened under a programme. */
export interface ProgrammeInput {
  programme?: ProgrammeSettings;
}

/** Clients open a case under a programme by naming it. */
export const programmeId = z.uuid({ error: 'Enter the id of a programme' });

export interface FundsParams {
  amountPence: number;
}

/**
 * Commit money against the case's programme fund (and stream), in the transition's transaction with
 * the fund row locked: a commitment the fund cannot afford refuses the whole transition (409).
 */
export function commitFunds<Context>(amount: (context: Context) => number) {
  return {
    type: 'commitFunds' as const,
    params: ({ context }: { context: Context }): FundsParams => ({ amountPence: amount(context) }),
  };
}

/** Release commitment back to the fund (a reduction, a termination, an underspend). */
export function releaseFunds<Context>(amount: (context: Context) => number) {
  return {
    type: 'releaseFunds' as const,
    params: ({ context }: { context: Context }): FundsParams => ({ amountPence: amount(context) }),
  };
}

/** A later deadline for one applicant, set by an officer with a reason (a correction, not an edit). */
export interface OwnDeadline {
  closesAt: string;
  reason: string;
}

/** EXTEND_OWN_DEADLINE: the new deadline for this applicant alone, and why. */
export const ownDeadlinePayload = z.strictObject({
  closesAt: isoInstant.meta({
    title: 'New deadline for this applicant',
    hint: 'Bids from this applicant are taken until the end of this day',
  }),
  reason: reason.meta({ title: 'Why this applicant has longer' }),
});

/** An own deadline must not have passed already (London date), and must be a later one than any given. */
export function checkOwnDeadline(
  context: { ownDeadline?: OwnDeadline | null },
  payload: { closesAt: string },
  now?: Now,
): FieldProblem[] {
  const at = Date.parse(payload.closesAt);
  const before = context.ownDeadline ? Date.parse(context.ownDeadline.closesAt) : null;
  const passed = deadlineNotPassed('closesAt', payload.closesAt, now);
  if (passed.length) return passed;
  if (before !== null && at <= before)
    return [
      {
        field: 'closesAt',
        message: `Give a deadline after the one already given (${context.ownDeadline!.closesAt})`,
      },
    ];
  return [];
}

export interface OpenRoundParams {
  /** This applicant's own later deadline, if an officer gave one: bids are taken until then. */
  ownDeadline: string | null;
}

/**
 * Refuses the transition (409) unless the case's programme round is open for bids, or has closed
 * but this applicant has an own deadline (`ownDeadline` in the context) that has not passed.
 */
export const requireOpenRound = {
  type: 'requireOpenRound' as const,
  params: ({ context }: { context: { ownDeadline?: OwnDeadline | null } }): OpenRoundParams => ({
    ownDeadline: context.ownDeadline?.closesAt ?? null,
  }),
};

export const moneyActions = {
  commitFunds: (_args: unknown, _params: FundsParams) => {},
  releaseFunds: (_args: unknown, _params: FundsParams) => {},
  requireOpenRound: (_args: unknown, _params: OpenRoundParams) => {},
};

/** The weighted total of scores (each 0 to `max`) as a percentage, to two decimal places. */
export function weightedScore(
  criteria: readonly ScoringCriterion[],
  scores: Record<string, number>,
  max: number,
): number {
  const total = criteria.reduce((sum, c) => sum + ((scores[c.id] ?? 0) / max) * c.weight, 0);
  return Math.round(total * 100) / 100;
}

// ---- Payments --------------------------------------------------------------------------------

/** A payment made, as finance records it: shared by the forms and the case pages that show it. */
export const paidOn = { title: 'Paid on', hint: "The date the money left the Commissioner's account." };
export const paymentReference = {
  title: 'Payment reference',
  hint: "The finance system's reference for the payment.",
};

/** How an award is paid. */
export const paymentProfiles = ['quarterlyInAdvance', 'quarterlyInArrears', 'instalments', 'oneOff'] as const;
export type PaymentProfile = (typeof paymentProfiles)[number];
/** Which instalment takes the pence that do not divide evenly. */
export const remainderPlaces = ['first', 'last'] as const;
export type RemainderPlace = (typeof remainderPlaces)[number];

export interface PaymentTerms {
  profile: PaymentProfile;
  /**
   * The organisation the payments go to (a contract's supplier), where it is not the organisation the
   * award belongs to; null or absent: the award's own organisation.
   */
  payeeOrganisationId?: string | null;
  /** For the `instalments` profile: how many. */
  instalments: number | null;
  remainderIn: RemainderPlace;
  /** The first day the award covers; null for "the day of this transition" (London). */
  startsOn: string | null;
  /** The last day; null for the same day as it starts. */
  endsOn: string | null;
}

/**
 * Builds the award's payment schedule from its terms, or re-profiles the unpaid part when the terms
 * change. The schedule always pays exactly what the award holds committed, so emit it after the
 * transition's commitFunds/releaseFunds.
 */
export function schedulePayments<Context>(terms: (context: Context) => PaymentTerms) {
  return {
    type: 'schedulePayments' as const,
    params: ({ context }: { context: Context }): PaymentTerms => terms(context),
  };
}

/** Hold the unpaid payments of the award this case reports on (a return overdue or queried). */
export const holdAwardPayments = { type: 'holdAwardPayments' as const, params: {} };
/** Release them again (a return accepted), unless another return of the award still holds them. */
export const releaseAwardPayments = { type: 'releaseAwardPayments' as const, params: {} };

/**
 * Underspend on the award this case is about (or is): releases that much of the award's unpaid
 * commitment through the ledger and re-profiles the unpaid payments.
 */
export function recordUnderspend<Context>(amount: (context: Context) => number) {
  return {
    type: 'recordUnderspend' as const,
    params: ({ context }: { context: Context }): FundsParams => ({ amountPence: amount(context) }),
  };
}

/** Spend the provider reported for the award: a memorandum in the ledger, no money moves. */
export function reportSpend<Context>(amount: (context: Context) => number) {
  return {
    type: 'reportSpend' as const,
    params: ({ context }: { context: Context }): FundsParams => ({ amountPence: amount(context) }),
  };
}

/**
 * The award ends: whatever it holds beyond what has been paid goes back to the fund, and its
 * payments not yet made are dropped.
 */
export const releaseUnpaid = { type: 'releaseUnpaid' as const, params: {} };

export const paymentActions = {
  releaseUnpaid: (_args: unknown, _params: Record<string, never>) => {},
  schedulePayments: (_args: unknown, _params: PaymentTerms) => {},
  holdAwardPayments: (_args: unknown, _params: Record<string, never>) => {},
  releaseAwardPayments: (_args: unknown, _params: Record<string, never>) => {},
  recordUnderspend: (_args: unknown, _params: FundsParams) => {},
  reportSpend: (_args: unknown, _params: FundsParams) => {},
};
