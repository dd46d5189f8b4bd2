// Titles for cases made before the cases table kept them (migration 0040): each is worked out once,
// at start-up, from its definition's summary, as the engine writes it with every snapshot since.
import type { Db } from '../db/client.ts';
import { casesWithoutTitle, setMissingTitles } from '../db/queries/case-search.ts';
import type { MachineRegistry } from './registry.ts';
import { titleOf } from './views.ts';

/** Fills in every missing title it can; returns how many. A case on an unknown version keeps none. */
export async function fillCaseTitles(db: Db, registry: MachineRegistry, batchSize = 500): Promise<number> {
  let filled = 0;
  for (let afterSeq = 0; ; ) {
    const batch = await casesWithoutTitle(db, afterSeq, batchSize);
    if (batch.length === 0) return filled;
    const titles = batch.flatMap((row) => {
      const definition = registry.get(row.machineId, row.machineVersion);
      if (!definition) return [];
      return [{ id: row.id, title: titleOf(definition, (row.snapshot as { context?: unknown }).context) }];
    });
    // The batch's titles in one statement: a portfolio seeded without them has hundreds of thousands.
    await setMissingTitles(db, titles);
    filled += titles.length;
    afterSeq = batch[batch.length - 1]!.seq;
  }
}
