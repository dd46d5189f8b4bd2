// The explicit migration of cases from a machine's previous version to its latest: each case on the
// version a definition's `upgradeFrom` names is locked, its context rewritten, its version bumped and
// the move written to its history, one transaction per batch. Run at start-up; safe to run again.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { insertCaseEvent } from '../db/queries/cases.ts';
import { cases } from '../db/schema/index.ts';
import type { Clock } from './clock.ts';
import type { MachineRegistry } from './registry.ts';

export const UPGRADE_EVENT = 'MACHINE_UPGRADED';

/** Moves every case on an upgradable older version to the latest; returns how many moved, by machine. */
export async function upgradeCases(
  db: Database,
  registry: MachineRegistry,
  clock: Clock,
  batchSize = 500,
): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const definition of registry.list()) {
    const from = definition.upgradeFrom;
    if (!from) continue;
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
          const snapshot = row.snapshot as { context: unknown };
          const context = from.context ? from.context(snapshot.context, row.state) : snapshot.context;
          await tx
            .update(cases)
            .set({
              machineVersion: definition.version,
              snapshot: { ...snapshot, context },
              version: row.version + 1,
              updatedAt: now,
            })
            .where(and(eq(cases.id, row.id), eq(cases.version, row.version)));
          await insertCaseEvent(tx, {
            caseId: row.id,
            version: row.version + 1,
            type: UPGRADE_EVENT,
            payload: { fromVersion: from.version, toVersion: definition.version },
            fromState: row.state,
            toState: row.state,
            actorId: null,
            actorRole: 'system',
            effects: [],
            at: now,
          });
          afterSeq = row.seq;
        }
        return batch.length;
      });
      if (!count) break;
      moved[definition.id] = (moved[definition.id] ?? 0) + count;
    }
  }
  return moved;
}
