// The rulebook's half of sending an event: holding a decision for an approver's signature, and the
// approver's SIGN_DECISION and SEND_BACK_DECISION. The engine gives it the steps it needs (apply an
// event to the machine, run effects, build the view), so the two halves share one transaction and
// one way of writing a case.
import type { AnyMachineSnapshot } from 'xstate';
import { type MachineDefinition, notify, payloadOf, type Recipient } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import { type CaseRow, moveCase } from '../db/queries/cases.ts';
import { type Actor, isSender } from './actor.ts';
import { claimant } from './case-officer.ts';
import type { EffectHandler, Engine } from './engine.ts';
import { fieldErrors, forbidden, invalid, notAccepted, ProblemError } from './errors.ts';
import {
  type AwaitingSignature,
  type CaseDecision,
  conflictRefusal,
  decisionOf,
  type ProgrammeRules,
  refusesSignature,
  rulebookEvents,
  SEND_BACK_DECISION,
  SIGN_DECISION,
  sentBackOf,
  undeclaredRefusal,
} from './rulebook.ts';
import { acceptedEvents, type EmittedAction, restore } from './snapshot.ts';
import { supplierNames } from './suppliers.ts';
import type { CaseView } from './views.ts';

/** What the history records for a step, where it is not the event the machine was given. */
export interface Recorded {
  type: string;
  payload: unknown;
}

type MachineEvent = { type: string; actorId?: string | null; today?: string };

export interface EngineSteps {
  now(): { today: string };
  clock(): Date;
  /** What the programme's rules say of a decision now (null: they were not asked). */
  programmeRules(): ProgrammeRules | undefined;
  apply(
    tx: Tx,
    actor: Actor,
    caseRow: CaseRow,
    definition: MachineDefinition,
    snapshot: AnyMachineSnapshot,
    event: MachineEvent,
    recorded: Recorded | { record: Recorded; decision: null },
  ): Promise<CaseView>;
  runEffects(tx: Tx, effects: EmittedAction[], on: Parameters<EffectHandler>[2]): Promise<void>;
  view(actor: Actor, caseRow: CaseRow, definition: MachineDefinition, snapshot: AnyMachineSnapshot): CaseView;
  engine: Engine;
}

/**
 * The rulebook's events. Signing applies the held decision to the machine as its decider sent it,
 * so the money moves now, recorded in the history as the signature; sending back records the reason
 * and leaves the case where it was, with the next decision bound for a signature whatever its amount.
 */
export async function rulebookEvent(
  steps: EngineSteps,
  tx: Tx,
  actor: Actor,
  caseRow: CaseRow,
  definition: MachineDefinition,
  type: string,
  rawPayload: Record<string, unknown>,
): Promise<CaseView> {
  const spec = rulebookEvents[type]!;
  if (!isSender(actor, spec.sentBy, caseRow.organisationId))
    throw forbidden(`Only an approver may ${spec.label.toLowerCase()}.`);
  const held = decisionOf(caseRow.decision);
  if (held?.status !== 'awaitingSignature')
    throw new ProblemError(
      409,
      'Nothing awaits signature',
      'No decision on this case is waiting for a signature.',
    );
  const payload = spec.payload.safeParse(rawPayload);
  if (!payload.success) throw invalid(`The ${type} payload is not valid.`, fieldErrors(payload.error.issues));
  // Whoever decided never signs (403, as for any other refusal of who they are), and an approver
  // signs or sends back only having declared no conflict of interest in the case.
  const refusal = type === SIGN_DECISION ? refusesSignature(held, actor.userId) : null;
  if (refusal) throw forbidden(refusal);
  const standing = (await steps.programmeRules()?.standing(tx, actor, caseRow)) ?? null;
  const refusedAs = conflictRefusal(standing) ?? undeclaredRefusal(standing, caseRow.id);
  if (refusedAs) throw refusedAs;
  const snapshot = restore(definition, caseRow.snapshot);
  if (type === SIGN_DECISION) {
    const heldSpec = definition.events[held.event];
    const now = steps.now();
    // Signed as if decided now: the machine's rules, the programme's (the panel's scores may have
    // changed), and the decider still free of any conflict of interest.
    const rules = steps.programmeRules();
    const problems = [
      ...(heldSpec?.check?.(snapshot.context, held.payload, now) ?? []),
      ...(rules && heldSpec
        ? await rules.problems(tx, caseRow, heldSpec, snapshot.context, held.payload, now)
        : []),
      ...(rules && held.decidedBy && (await rules.conflicted(tx, caseRow.id, held.decidedBy))
        ? [{ field: '(decision)', message: 'whoever made it has since declared a conflict of interest' }]
        : []),
    ];
    if (!heldSpec || problems.length)
      throw new ProblemError(
        409,
        'The decision no longer fits',
        `The case has changed since the decision was made (${problems.map((p) => p.message).join('; ') || 'unknown event'}). Send it back instead.`,
      );
    const suppliers = await supplierNames(tx, heldSpec.payload, held.payload);
    const machineEvent = {
      ...held.payload,
      type: held.event,
      actorId: held.decidedBy,
      today: now.today,
      ...(suppliers ? { suppliers } : {}),
    };
    return steps.apply(tx, actor, caseRow, definition, snapshot, machineEvent, {
      record: { type, payload: { ...payload.data, decision: held.event, decidedBy: held.decidedBy } },
      decision: null,
    });
  }
  const { reason } = payload.data as { reason: string };
  const sentBack = sentBackOf(held, reason, actor.userId, steps.clock());
  const told = notify('decisionSentBack', held.decidedByRole as Recipient);
  return record(
    steps,
    tx,
    actor,
    caseRow,
    definition,
    snapshot,
    { type: SEND_BACK_DECISION, payload: payload.data },
    sentBack,
    [told],
  );
}

/** Holds a decision for an approver's signature: the case stays where it is and nothing moves. */
export async function holdDecision(
  steps: EngineSteps,
  tx: Tx,
  actor: Actor,
  caseRow: CaseRow,
  definition: MachineDefinition,
  snapshot: AnyMachineSnapshot,
  event: { type: string; actorId?: string | null; today?: string },
  decision: AwaitingSignature,
): Promise<CaseView> {
  // Held only if it would be taken now, so a signature never meets a refusal the decider could have seen.
  if (!snapshot.can(event))
    throw notAccepted(event.type, caseRow.state, acceptedEvents(definition, snapshot), []);
  const payload = payloadOf(event);
  const told = notify('decisionAwaitingSignature', 'approver');
  return record(steps, tx, actor, caseRow, definition, snapshot, { type: event.type, payload }, decision, [
    told,
  ]);
}

/** A history row and a new hold, with the case's state and snapshot as they were. */
async function record(
  steps: EngineSteps,
  tx: Tx,
  actor: Actor,
  caseRow: CaseRow,
  definition: MachineDefinition,
  snapshot: AnyMachineSnapshot,
  recorded: Recorded,
  decision: CaseDecision,
  effects: EmittedAction[],
): Promise<CaseView> {
  const now = steps.clock();
  const updated = await moveCase(
    tx,
    caseRow,
    { state: caseRow.state, snapshot: caseRow.snapshot, at: now, decision, claimedBy: claimant(actor) },
    {
      ...recorded,
      actorId: actor.userId,
      actorRole: actor.role,
      effects: [{ type: decision.status, params: decision }, ...effects],
    },
  );
  await steps.runEffects(tx, effects, { caseRow: updated, definition, actor, at: now, engine: steps.engine });
  return steps.view(actor, updated, definition, snapshot);
}
