// The case officer: the officer who looks after a case. Whoever opens a case as an officer, or is the
// first officer to act on it, takes it on; officers' work waiting and email go to them. Reassigning it
// to another officer is a correction like any other: a new history row with the reason, never an edit.
import type { AnyMachineSnapshot } from 'xstate';
import { z } from 'zod';
import { type EventSpec, type MachineDefinition, notify, reason } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import { type CaseRow, moveCase, reassignCasesAbout } from '../db/queries/cases.ts';
import { findUser } from '../db/queries/people.ts';
import { type Actor, isSender } from './actor.ts';
import type { EngineSteps } from './decisions.ts';
import { fieldErrors, forbidden, invalid, ProblemError } from './errors.ts';
import { isUuid } from './ids.ts';
import { conflictRefusal } from './rulebook.ts';
import type { CaseView } from './views.ts';

export const REASSIGN_CASE = 'REASSIGN_CASE';

/** Events every case takes from staff, whatever its machine, until it ends. */
export const caseEvents: Record<string, EventSpec> = {
  [REASSIGN_CASE]: {
    // Worded for a case with an officer and one without alike.
    label: 'Assign the case to an officer',
    payload: z.strictObject({
      officerId: z
        .string({ error: 'Choose the officer to take the case on' })
        .min(1, { error: 'Choose the officer to take the case on' })
        .meta({ title: 'New case officer', widget: 'officer' }),
      reason: reason.meta({ title: 'Why the case is being reassigned' }),
    }),
    sentBy: ['officer', 'approver'],
    whenever: true,
  },
};

/** The officer who takes a case on by acting on it, where it has none yet: officers only. */
export const claimant = (actor: Actor): string | null => (actor.role === 'officer' ? actor.userId : null);

/** The case events this person may send now: none once the case has ended. */
export function caseEventsFor(actor: Actor, caseRow: CaseRow, snapshot: AnyMachineSnapshot) {
  if (snapshot.status === 'done') return [];
  return Object.entries(caseEvents)
    .filter(([, spec]) => isSender(actor, spec.sentBy, caseRow.organisationId))
    .map(([type, spec]) => ({ type, label: spec.label }));
}

/**
 * Reassigns a case to another officer, with the reason: the history keeps who had it before. The new
 * officer is told by email. Refused (422, naming the field) for anyone but another officer free of a
 * conflict of interest in the case; 409 once the case has ended.
 */
export async function reassignCase(
  steps: EngineSteps,
  tx: Tx,
  actor: Actor,
  caseRow: CaseRow,
  definition: MachineDefinition,
  snapshot: AnyMachineSnapshot,
  rawPayload: Record<string, unknown>,
): Promise<CaseView> {
  const spec = caseEvents[REASSIGN_CASE]!;
  if (!isSender(actor, spec.sentBy, caseRow.organisationId))
    throw forbidden(`Your role (${actor.role}) may not reassign this case.`);
  const standing = (await steps.programmeRules()?.standing(tx, actor, caseRow)) ?? null;
  const conflicted = conflictRefusal(standing);
  if (conflicted) throw conflicted;
  if (snapshot.status === 'done')
    throw new ProblemError(409, 'The case has ended', 'A case that has ended has no officer to reassign.');
  const payload = spec.payload.safeParse(rawPayload);
  if (!payload.success)
    throw invalid(`The ${REASSIGN_CASE} payload is not valid.`, fieldErrors(payload.error.issues));
  const { officerId } = payload.data as { officerId: string; reason: string };
  const officer = isUuid(officerId) ? await findUser(tx, officerId) : undefined;
  const refusal =
    officer?.role !== 'officer'
      ? 'Choose one of the commissioning officers'
      : officer.id === caseRow.officerId
        ? `${officer.name} is already the case officer`
        : (await steps.programmeRules()?.conflicted(tx, caseRow.id, officer.id))
          ? `${officer.name} has declared a conflict of interest in this case`
          : null;
  if (refusal)
    throw invalid('That officer cannot take the case on.', [{ field: 'officerId', message: refusal }]);
  const now = steps.clock();
  const told = notify('caseReassigned', 'officer');
  const updated = await moveCase(
    tx,
    caseRow,
    { state: caseRow.state, snapshot: caseRow.snapshot, at: now, officerId },
    {
      type: REASSIGN_CASE,
      payload: { ...payload.data, previousOfficerId: caseRow.officerId },
      actorId: actor.userId,
      actorRole: actor.role,
      effects: [told],
    },
  );
  // Its payments and returns go with it.
  await reassignCasesAbout(tx, caseRow.id, caseRow.officerId, officerId);
  await steps.runEffects(tx, [told], { caseRow: updated, definition, actor, at: now, engine: steps.engine });
  return steps.view(actor, updated, definition, snapshot);
}
