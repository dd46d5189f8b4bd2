import { eq } from 'drizzle-orm';
import { isUuid } from '../../engine/ids.ts';
import type { Db } from '../client.ts';
import { cases } from '../schema/index.ts';

/**
 * The case's version, with its row locked until the transaction ends (the same lock the engine
 * takes to move it, so the version cannot change between this read and the engine's). Undefined
 * for no such case, or an id that is not a uuid (which PostgreSQL would refuse to compare).
 * Says nothing about who may see the case: callers must leave that to the engine.
 */
export async function lockCaseVersion(db: Db, id: string): Promise<number | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select({ version: cases.version }).from(cases).where(eq(cases.id, id)).for('update');
  return row?.version;
}
