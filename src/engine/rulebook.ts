// The commissioning rulebook, one mechanism for every machine. A machine declares which of its events
// are decisions and the award total each leads to (EventSpec.decision); the engine holds such a
// decision for an approver's signature when it is above the programme's delegation threshold, or when
// the approver sent the case's last decision back, and never lets whoever decided sign it. Money moves
// only when the held event is finally applied to the machine, at signing. No machine codes any of this.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { z } from 'zod';
import { dayInWords, isIsoDate } from '../../machines/calendar.ts';
import {
  type EventSpec,
  type FieldProblem,
  type MachineDefinition,
  type Now,
  reason,
} from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import type { CaseRow, ConflictFound } from '../db/queries/cases.ts';
import { actionTypes } from './actions.ts';
import type { Actor } from './actor.ts';
import { caseEvents } from './case-officer.ts';
import { forbidden, ProblemError } from './errors.ts';
import type { EmittedAction } from './snapshot.ts';

export const SIGN_DECISION = 'SIGN_DECISION';
export const SEND_BACK_DECISION = 'SEND_BACK_DECISION';

/** The rulebook's own events: every machine takes them while a decision awaits signature. */
export const rulebookEvents: Record<string, EventSpec> = {
  [SIGN_DECISION]: {
    label: 'Sign the decision',
    payload: z.strictObject({}),
    sentBy: ['approver'],
  },
  [SEND_BACK_DECISION]: {
    label: 'Send the decision back',
    payload: z.strictObject({ reason: reason.meta({ title: 'Why you are sending the decision back' }) }),
    sentBy: ['approver'],
  },
};

/**
 * The rules the domain reads from a case's programme (src/domain/programme-rules.ts): who has declared
 * an interest in the case, what its panel scored, the service dates and longest period it funds. The
 * engine asks before every decision and signature, and for every event that closes scoring,
 * moderates, or sets a service period.
 */
export interface ProgrammeRules {
  /** Where a member of staff stands on a case (null for providers and the system): one read per event. */
  standing(tx: Tx, actor: Actor, caseRow: CaseRow): Promise<ConflictStanding | null>;
  /** The same, from what the locking statement read (lockCaseFor): no read of its own. */
  standingFrom(actor: Actor, found: ConflictFound): ConflictStanding | null;
  /**
   * Scoring closed short of the quorum without a reason; a moderated score away from the panel's
   * without a rationale; a service period outside the programme's dates or longer than it allows.
   * Answers at once, reading nothing, for an event that declares none of these rules.
   */
  problems(
    tx: Tx,
    caseRow: CaseRow,
    spec: EventSpec,
    context: unknown,
    payload: Record<string, unknown>,
    /** Today in London, for rules about dates (a profile document still in date). */
    now: Now,
  ): Promise<FieldProblem[]>;
  /** Whether this person has declared a conflict of interest in the case (since they decided, say). */
  conflicted(tx: Tx, caseId: string, userId: string): Promise<boolean>;
}

/**
 * Where someone stands on a case's conflicts of interest: belonging to the organisation it is for (a
 * conflict without asking), not yet declared, declared a conflict, or declared none.
 */
export type ConflictStanding =
  | { status: 'ownOrganisation'; organisationName: string }
  | { status: 'undeclared' }
  | { status: 'conflicted' | 'clear'; at: string; reason: string | null };

/** Someone with a conflict of interest takes no part in the case: 403 whatever they send, else null. */
export function conflictRefusal(standing: ConflictStanding | null): ProblemError | null {
  if (standing?.status === 'ownOrganisation')
    return forbidden(
      `You belong to ${standing.organisationName}, the organisation this case is for. That is a conflict of interest, so you cannot act on it.`,
    );
  if (standing?.status === 'conflicted')
    return forbidden('You declared a conflict of interest in this case, so you cannot act on it.');
  return null;
}

/** Whoever decides or signs has declared first: 409 until they have, else null. */
export function undeclaredRefusal(standing: ConflictStanding | null, caseId: string): ProblemError | null {
  if (standing?.status !== 'undeclared') return null;
  return new ProblemError(
    409,
    'Declare any conflict of interest first',
    'Declare whether you have a conflict of interest in this case before you decide on it or sign for it.',
    { declare: `/api/cases/${caseId}/declaration` },
  );
}

/** The messages the rulebook sends, in every machine's name; src/mail has their words. */
export const rulebookMessages = [
  'decisionAwaitingSignature',
  'decisionSentBack',
  'irreversibleAction',
  'caseReassigned',
] as const;

/** A machine's event or one of the rulebook's: what pages and the API describe and send. */
export function eventSpec(definition: MachineDefinition, type: string): EventSpec | undefined {
  if (Object.hasOwn(definition.events, type)) return definition.events[type];
  if (Object.hasOwn(caseEvents, type)) return caseEvents[type];
  return Object.hasOwn(rulebookEvents, type) ? rulebookEvents[type] : undefined;
}

/**
 * Why a decision waits for a signature: its amount is above the threshold, the last was sent back, or
 * the definition says this one needs it whatever its amount (`signatureWhen`).
 */
export type SignatureReason = 'aboveThreshold' | 'sentBack' | 'declared';

/** A decision held for an approver's signature: the event as the decider sent it, not yet applied. */
export interface AwaitingSignature {
  status: 'awaitingSignature';
  event: string;
  payload: Record<string, unknown>;
  decidedBy: string | null;
  decidedByRole: string;
  /** The award's total once signed; null for a decision that moves no money (a preferred bidder). */
  amountPence: number | null;
  thresholdPence: number;
  because: SignatureReason;
  /** The definition's words, when `because` is 'declared'. */
  reason?: string;
  at: string;
}

/** The approver sent the last decision back: the next decision needs a signature whatever its amount. */
export interface SentBack {
  status: 'sentBack';
  event: string;
  amountPence: number | null;
  decidedBy: string | null;
  decidedByRole: string;
  reason: string;
  sentBackBy: string | null;
  at: string;
}

export type CaseDecision = AwaitingSignature | SentBack;

/** A decision held for signature is signed or sent back within this many working days of being held. */
export const SIGN_WITHIN_WORKING_DAYS = 5;

/** The stored column, read defensively: anything but a known hold is no hold. */
export function decisionOf(stored: unknown): CaseDecision | null {
  const value = stored as { status?: unknown } | null;
  return value && (value.status === 'awaitingSignature' || value.status === 'sentBack')
    ? (stored as CaseDecision)
    : null;
}

/** Whether a decision of this amount must wait for an approver, and why; null when it may take effect. */
export function signatureNeeded(
  amountPence: number | null,
  thresholdPence: number,
  current: CaseDecision | null,
  declared: string | null = null,
): SignatureReason | null {
  if (current?.status === 'sentBack' && (amountPence !== null || declared)) return 'sentBack';
  if (declared) return 'declared';
  return amountPence !== null && amountPence > thresholdPence ? 'aboveThreshold' : null;
}

/**
 * The hold a decision gets, if it needs a signature: above the threshold, declared by the definition,
 * or following one sent back. The threshold is read only for a decision that has something at stake.
 */
export async function holdFor(
  spec: EventSpec,
  sent: { type: string; payload: Record<string, unknown>; context: unknown },
  decider: { userId: string | null; role: string },
  current: CaseDecision | null,
  thresholdOf: () => Promise<number>,
  at: Date,
): Promise<AwaitingSignature | null> {
  if (!spec.decision) return null;
  const amountPence = spec.decision.amountPence(sent.context, sent.payload);
  const declared = spec.decision.signatureWhen?.(sent.context, sent.payload) ?? null;
  if (amountPence === null && !declared) return null;
  const thresholdPence = await thresholdOf();
  const because = signatureNeeded(amountPence, thresholdPence, current, declared);
  if (!because) return null;
  return {
    status: 'awaitingSignature',
    event: sent.type,
    payload: sent.payload,
    decidedBy: decider.userId,
    decidedByRole: decider.role,
    amountPence,
    thresholdPence,
    because,
    ...(declared && { reason: declared }),
    at: at.toISOString(),
  };
}

/**
 * Whether a decision is held for an approver whatever is typed: it asks nothing (so what it commits
 * is known from the case alone) and that is above the threshold, declared, or follows a send-back.
 * Pages then offer "Send to the approver" rather than a decision that cannot take effect.
 */
export function heldWhateverTyped(
  spec: EventSpec | undefined,
  context: unknown,
  thresholdPence: number,
  current: CaseDecision | null,
): boolean {
  if (!spec?.decision || Object.keys(spec.payload.shape).length > 0) return false;
  const amountPence = spec.decision.amountPence(context, {});
  const declared = spec.decision.signatureWhen?.(context, {}) ?? null;
  return signatureNeeded(amountPence, thresholdPence, current, declared) !== null;
}

/** The approver's send-back of a held decision, with their reasons. */
export function sentBackOf(held: AwaitingSignature, reason: string, by: string | null, at: Date): SentBack {
  const { event, amountPence, decidedBy, decidedByRole } = held;
  return {
    status: 'sentBack',
    event,
    amountPence,
    decidedBy,
    decidedByRole,
    reason,
    sentBackBy: by,
    at: at.toISOString(),
  };
}

/** Nothing but signing or sending back happens to a case whose decision awaits a signature. */
export function awaitingSignatureProblem(
  held: AwaitingSignature,
  definition: MachineDefinition,
): ProblemError {
  const label = eventSpec(definition, held.event)?.label ?? held.event;
  return new ProblemError(
    409,
    'Awaiting signature',
    `A decision on this case ("${label}") is waiting for an approver's signature: nothing else can happen until it is signed or sent back.`,
  );
}

/** Which hold a history row made (its first effect says so): held for signature, sent back, or none. */
export function holdIn(effects: unknown): CaseDecision['status'] | null {
  const first = Array.isArray(effects) ? (effects[0] as { type?: unknown } | undefined) : undefined;
  return first?.type === 'awaitingSignature' || first?.type === 'sentBack' ? first.type : null;
}

/**
 * An award ends before its agreed last day (the definition's `awardEndsOn`) only by an event that
 * cannot be undone, which asks for a reason (terminating, say): any other step into a final state
 * before then is refused. Null when the step may go ahead.
 */
export function endsAwardEarly(
  definition: MachineDefinition,
  context: unknown,
  next: { status: string },
  type: string,
  today: string,
): ProblemError | null {
  const endsOn = definition.awardEndsOn?.(context) ?? null;
  if (!endsOn || next.status !== 'done' || today >= endsOn) return null;
  if (Object.hasOwn(definition.events, type) && definition.events[type]!.irreversible) return null;
  return new ProblemError(
    409,
    'The award has not ended',
    `The award runs until ${isIsoDate(endsOn) ? dayInWords(endsOn) : endsOn}. Ending it sooner is done by an action that records the reasons (such as terminating it).`,
    { endsOn },
  );
}

/** Whether a step's effects already email the owning organisation (what cannot be undone is told once). */
export function tellsOwner(effects: readonly EmittedAction[]): boolean {
  return effects.some(
    (e) => e.type === 'notify' && ((e.params as { to?: readonly string[] }).to ?? []).includes('owner'),
  );
}

/** Separation of duties: the reason this person may not sign the held decision, or null. */
export function refusesSignature(held: AwaitingSignature, actorId: string | null): string | null {
  return held.decidedBy !== null && held.decidedBy === actorId
    ? 'You made this decision, so another approver must sign it.'
    : null;
}

// ---- What the registry checks ---------------------------------------------------------------

type Field = { safeParse(value: unknown): { success: boolean } } | undefined;
const optional = (field: Field) => !!field && field.safeParse(undefined).success;

/**
 * What is missing from an event that works on panel scores: closing scoring offers an optional
 * `quorumReason`; moderating sends `scores` and offers an optional `rationale` (asked for by the
 * rulebook only when a score is away from the panel's). Null when nothing is.
 */
export function panelFieldsProblem(spec: EventSpec): string | null {
  const shape = spec.payload.shape as Record<string, Field>;
  if (spec.closesScoring && !optional(shape.quorumReason))
    return 'closes scoring, so its payload must offer an optional quorumReason';
  if (spec.moderates && (!shape.scores || !optional(shape.rationale)))
    return 'moderates scores, so its payload must have scores and an optional rationale';
  if (spec.moderates && !spec.decision) return 'moderates scores, so it must be declared a decision';
  return null;
}

const COMMITS = 'commitFunds';

function commitsOnEntry(node: AnyStateNode | undefined): boolean {
  return !!node && actionTypes(node.entry).includes(COMMITS);
}

/**
 * Problems with a machine's decisions: an event whose transition commits money (in its own actions or
 * on entering its target) that is not declared a decision; money committed when a case is opened or
 * by a timer, which no one decides; and events named like the rulebook's own.
 */
export function undeclaredDecisions(definition: MachineDefinition): string[] {
  const problems: string[] = [];
  const machine: AnyStateMachine = definition.machine;
  const root = machine.root;
  const initial = root.initial?.target[0];
  if (
    commitsOnEntry(root) ||
    commitsOnEntry(initial) ||
    actionTypes(root.initial?.actions ?? []).includes(COMMITS)
  )
    problems.push('money is committed when a case is opened; make the commitment a decision event');
  for (const [name, node] of Object.entries(root.states) as [string, AnyStateNode][]) {
    for (const [eventType, transitions] of node.transitions) {
      const commits = transitions.some(
        (t) =>
          actionTypes(t.actions).includes(COMMITS) ||
          (t.target ?? []).some((target) => target !== node && commitsOnEntry(target)),
      );
      if (!commits) continue;
      const spec = Object.hasOwn(definition.events, eventType) ? definition.events[eventType] : undefined;
      if (!spec) problems.push(`${name}: a timer (${eventType}) commits money, which no one decides`);
      else if (!spec.decision) problems.push(`${eventType} commits money but is not declared a decision`);
    }
  }
  for (const type of [...Object.keys(rulebookEvents), ...Object.keys(caseEvents)]) {
    if (Object.hasOwn(definition.events, type)) problems.push(`${type} is the rulebook's own event`);
  }
  return problems;
}
