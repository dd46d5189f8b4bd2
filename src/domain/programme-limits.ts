// The limits the rulebook holds officers to on a programme: the delegation threshold above which an
// approver signs a decision, the largest award, and the panel quorum. Only an approver or an admin
// sets them, and every setting is logged with who made it and why; an officer who sets a programme up
// gets safe starting limits (every award signed by an approver, no cap, a quorum of two).

import { z } from 'zod';
import { pence as moneyInPence } from '../../machines/define.ts';
import type { Database, Db, Tx } from '../db/client.ts';
import {
  type LimitsRow,
  limitChangesOf,
  lockProgramme,
  logLimits,
  setLimits,
} from '../db/queries/programme-limits.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, notFound, ProblemError, validOr422 } from '../engine/errors.ts';
import { isUuid } from '../engine/ids.ts';

// Money in pence, refused in the words every machine's amounts use (machines/define.ts).
const pence = moneyInPence;

/** Who may set a programme's limits: approvers and admins, and the system's own set-up (the demo data). */
export const LIMIT_SETTERS: readonly Actor['role'][] = ['approver', 'admin', 'system'];
export const maySetLimits = (actor: Actor) => LIMIT_SETTERS.includes(actor.role);

/** The most one award may be; asked as a pounds figure, left empty for no cap. */
export const largestAward = pence
  .min(1, { error: 'Enter a largest award of at least 1p, or leave it empty for no cap' })
  .meta({
    title: 'Largest award',
    hint: 'The most one award may be. Leave it empty for no cap',
    widget: 'money',
  });

/** The limits as a programme is set up with them, each in the words the rulebook uses. */
export const limitFields = {
  delegationThresholdPence: pence.meta({
    title: 'Delegation threshold',
    hint: 'An approver signs every award, variation or other decision that leaves a case holding more than this. £0 means an approver signs them all',
    widget: 'money',
  }),
  maxAwardPence: largestAward.nullable(),
  panelQuorum: z
    .number({ error: 'Enter the panel quorum as a whole number from 1 to 20' })
    .int({ error: 'The panel quorum must be a whole number' })
    .min(1, { error: 'The panel quorum must be at least 1' })
    .max(20, { error: 'The panel quorum can be at most 20' })
    .meta({
      title: 'Panel quorum',
      hint: 'How many panel members must score a bid before scoring closes without a recorded reason',
    }),
};

/** A change to a programme's limits: all three, as they are to be, and why. */
export const limitsChange = z.strictObject({
  ...limitFields,
  maxAwardPence: limitFields.maxAwardPence.optional().transform((v) => v ?? null),
  reason: z
    .string({ error: 'Enter why the limits change' })
    .trim()
    .min(1, { error: 'Enter why the limits change' })
    .max(1000, { error: 'Keep the reason to 1000 characters or fewer' })
    .meta({
      title: 'Why the limits change',
      hint: 'For example, the board’s decision of 3 March',
      widget: 'textarea',
    }),
});

/** What a programme starts with when the person setting it up does not set limits. */
export const STARTING_LIMITS: LimitsRow = {
  delegationThresholdPence: 0n,
  maxAwardPence: null,
  panelQuorum: 2,
};

export const LIMIT_NAMES = Object.keys(limitFields) as (keyof typeof limitFields)[];

/**
 * Refuses an actor who may not set limits but named one. The rulebook's limits are never set by the
 * officers it holds to them, whatever the route.
 */
export function refuseLimitsFrom(actor: Actor, body: Record<string, unknown>): void {
  const named = LIMIT_NAMES.filter((name) => body[name] !== undefined);
  if (named.length && !maySetLimits(actor))
    throw forbidden(
      `Only an approver or an admin sets a programme's limits (${named.join(', ')}). Leave them out: the programme starts with every award signed by an approver, no cap and a quorum of 2, and an approver sets them on the programme.`,
    );
}

/** The first log entry of a programme just set up. */
export async function logStartingLimits(
  tx: Tx,
  programmeId: string,
  limits: LimitsRow,
  actor: Actor,
  at: Date,
): Promise<void> {
  await logLimits(tx, programmeId, limits, {
    userId: actor.userId,
    reason: 'Set when the programme was set up',
    at,
  });
}

/**
 * An approver or admin changes a programme's limits, with a reason; the change is logged, in one
 * transaction with the programme's row locked, so two changes at once queue.
 */
export function changeLimits(db: Database, actor: Actor, programmeId: string, body: unknown, at: Date) {
  return db.transaction(async (tx) => {
    if (!maySetLimits(actor)) throw forbidden("Only an approver or an admin changes a programme's limits.");
    const programme = isUuid(programmeId) ? await lockProgramme(tx, programmeId) : undefined;
    if (!programme) throw notFound('programme');
    const { reason, ...next } = validOr422(limitsChange, body, 'The limits are not valid.');
    const limits: LimitsRow = {
      delegationThresholdPence: BigInt(next.delegationThresholdPence),
      maxAwardPence: next.maxAwardPence === null ? null : BigInt(next.maxAwardPence),
      panelQuorum: next.panelQuorum,
    };
    const unchanged =
      limits.delegationThresholdPence === programme.delegationThresholdPence &&
      limits.maxAwardPence === programme.maxAwardPence &&
      limits.panelQuorum === programme.panelQuorum;
    if (unchanged)
      throw new ProblemError(
        409,
        'The limits are unchanged',
        `${programme.name} already has these limits. Nothing was changed.`,
      );
    await setLimits(tx, programme.id, limits);
    await logLimits(tx, programme.id, limits, { userId: actor.userId, reason, at });
  });
}

/** A programme's limits as they stand, in pence. */
export const limitsOf = (row: LimitsRow) => ({
  delegationThresholdPence: Number(row.delegationThresholdPence),
  maxAwardPence: row.maxAwardPence === null ? null : Number(row.maxAwardPence),
  panelQuorum: row.panelQuorum,
});

/** Every setting of a programme's limits, oldest first, for staff. */
export async function limitHistory(db: Db, programmeId: string) {
  const rows = await limitChangesOf(db, programmeId);
  return rows.map((r) => ({
    ...limitsOf(r),
    reason: r.reason,
    changedAt: r.changedAt.toISOString(),
    changedBy: r.changedBy,
    changedByName: r.changedByName ?? 'The system',
  }));
}
