import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { idempotencyKeys } from '../schema/index.ts';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

/**
 * Claims a key for this request. If another transaction holds the same key, PostgreSQL makes this
 * wait until it commits or rolls back, so two retries can never both do the work.
 */
export async function claimKey(db: Db, userId: string, key: string, requestHash: string): Promise<boolean> {
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ userId, key, requestHash, status: 0, body: {}, headers: {} })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return claimed.length > 0;
}

export async function findKey(db: Db, userId: string, key: string): Promise<IdempotencyRow | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
  return row;
}

export async function storeResponse(
  db: Db,
  userId: string,
  key: string,
  response: { status: number; body: unknown; headers: Record<string, string> },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set(response)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
}
