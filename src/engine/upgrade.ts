// The explicit migration of cases from a machine's previous version to its latest: each case on the
// version a definition's `upgradeFrom` names is locked, its context rewritten (and its state, where the
// new version dropped it), a decision the old version awaited a signature for handed to the rulebook,
// its version bumped and the move written to its history, one transaction per batch. Run at start-up;
// safe to run again.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { MachineDefinition, UpgradeStep } from '../../machines/define.ts';
import type { Database, Db } from '../db/client.ts';
import { type CaseRow, insertCaseEvent, lastSenderOf } from '../db/queries/cases.ts';
import { cases } from '../db/schema/index.ts';
import type { Clock } from './clock.ts';
import type { MachineRegistry } from './registry.ts';
import type { AwaitingSignature } from './rulebook.ts';
import { titleOf } from './views.ts';

export const UPGRADE_EVENT = 'MACHINE_UPGRADED';

interface UpgradeOptions {
  batchSize?: number;
  delegationThreshold?: (db: Db, caseRow: CaseRow) => Promise<number>;
}

/**
 * Moves every case on an upgradable older version to the latest; returns how many moves were made, by
 * machine (a case two versions behind moves twice).
 */
export async function upgradeCases(
  db: Database,
  registry: MachineRegistry,
  clock: Clock,
  options: UpgradeOptions = {},
): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const definition of registry.list()) {
    // Oldest step first, so a case two versions behind takes both, each recorded in its history.
    const steps: UpgradeStep[] = [];
    for (let step = definition.upgradeFrom; step; step = step.previous) steps.unshift(step);
    for (const [i, from] of steps.entries()) {
      const toVersion = steps[i + 1]?.version ?? definition.version;
      moved[definition.id] =
        (moved[definition.id] ?? 0) + (await upgradeStep(db, definition, from, toVersion, clock, options));
    }
    if (moved[definition.id] === 0) delete moved[definition.id];
  }
  return moved;
}

/** Moves every case on `from.version` of one machine to `toVersion`; returns how many moved. */
async function upgradeStep(
  db: Database,
  definition: MachineDefinition,
  from: UpgradeStep,
  toVersion: number,
  clock: Clock,
  options: UpgradeOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let total = 0;
  let afterSeq = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const batch = await tx
        .select()
        .from(cases)
        .where(
          and(
            eq(cases.machineId, definition.id),
            eq(cases.machineVersion, from.version),
            gt(cases.seq, afterSeq),
          ),
        )
        .orderBy(asc(cases.seq))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      const now = clock.now();
      for (const row of batch) {
        const snapshot = row.snapshot as { context: unknown; value: unknown };
        const context = from.context ? from.context(snapshot.context, row.state) : snapshot.context;
        const state = from.state ? from.state(row.state, snapshot.context) : row.state;
        const held = from.hold?.(snapshot.context, row.state);
        let decision = row.decision;
        if (held) {
          // The decider is whoever last sent that event, as the history records.
          const sent = await lastSenderOf(tx, row.id, held.event);
          const awaiting: AwaitingSignature = {
            status: 'awaitingSignature',
            event: held.event,
            payload: held.payload,
            decidedBy: sent?.actorId ?? null,
            decidedByRole: sent?.actorRole ?? 'officer',
            amountPence: definition.events[held.event]?.decision?.amountPence(context, held.payload) ?? null,
            thresholdPence: (await options.delegationThreshold?.(tx, row)) ?? 0,
            because: 'aboveThreshold',
            at: now.toISOString(),
          };
          decision = awaiting;
        }
        await tx
          .update(cases)
          .set({
            machineVersion: toVersion,
            state,
            snapshot: { ...snapshot, context, value: state === row.state ? snapshot.value : state },
            title: titleOf(definition, context),
            version: row.version + 1,
            updatedAt: now,
            decision,
          })
          .where(and(eq(cases.id, row.id), eq(cases.version, row.version)));
        await insertCaseEvent(tx, {
          caseId: row.id,
          version: row.version + 1,
          type: UPGRADE_EVENT,
          payload: { fromVersion: from.version, toVersion },
          fromState: row.state,
          toState: state,
          actorId: null,
          actorRole: 'system',
          effects: decision === row.decision ? [] : [{ type: 'awaitingSignature', params: decision }],
          at: now,
        });
        afterSeq = row.seq;
      }
      return batch.length;
    });
    if (!count) break;
    total += count;
  }
  return total;
}
