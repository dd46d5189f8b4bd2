// Titles for cases made before the cases table kept them (migration 0040): each is worked out once,
// at start-up, from its definition's summary, as the engine writes it with every snapshot since.
import type { Db } from '../db/client.ts';
import { casesWithoutTitle, fillCaseTitle } from '../db/queries/case-search.ts';
import type { MachineRegistry } from './registry.ts';
import { titleOf } from './views.ts';

/** Fills in every missing title it can; returns how many. A case on an unknown version keeps none. */
export async function fillCaseTitles(db: Db, registry: MachineRegistry, batchSize = 500): Promise<number> {
  let filled = 0;
  for (let afterSeq = 0; ; ) {
    const batch = await casesWithoutTitle(db, afterSeq, batchSize);
    if (batch.length === 0) return filled;
    for (const row of batch) {
      const definition = registry.get(row.machineId, row.machineVersion);
      if (!definition) continue;
      await fillCaseTitle(db, row.id, titleOf(definition, (row.snapshot as { context?: unknown }).context));
      filled += 1;
    }
    afterSeq = batch[batch.length - 1]!.seq;
  }
}
