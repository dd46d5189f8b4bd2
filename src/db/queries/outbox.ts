// Queries on the outbox: rows are written with the transition that causes them, and senders take
// them one at a time with FOR UPDATE SKIP LOCKED so no two senders ever hold the same row.
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client.ts';
import { outbox } from '../schema/index.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = typeof outbox.$inferInsert;
export type OutboxStatus = OutboxRow['status'];

/** Inserts messages to send; returns their ids in the order given. */
export async function insertOutboxRows(db: Db, rows: NewOutboxRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insert(outbox).values(rows).returning({ id: outbox.id });
  return inserted.map((row) => row.id);
}

/**
 * Takes the next due pending message and locks it until the transaction ends; rows another
 * transaction holds are skipped, not waited for. `onlyIds` narrows the choice (used by tests that
 * share the database with others).
 */
export async function claimDueMessage(tx: Tx, now: Date, onlyIds?: number[]): Promise<OutboxRow | undefined> {
  if (onlyIds && onlyIds.length === 0) return undefined;
  const [row] = await tx
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'pending'),
        lte(outbox.nextAttemptAt, now),
        onlyIds ? inArray(outbox.id, onlyIds) : undefined,
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(1)
    .for('update', { skipLocked: true });
  return row;
}

/** Records a delivery: the attempt counts, and the row leaves the queue. */
export async function markSent(db: Db, id: number, sentAt: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'sent', sentAt, attempts: sql`${outbox.attempts} + 1` })
    .where(eq(outbox.id, id));
}

/** Records a failed attempt and when to try again. */
export async function markRetry(db: Db, id: number, nextAttemptAt: Date, lastError: string): Promise<void> {
  await db
    .update(outbox)
    .set({ nextAttemptAt, lastError, attempts: sql`${outbox.attempts} + 1` })
    .where(eq(outbox.id, id));
}

/** Records the last failed attempt of a message that will not be tried again without a person. */
export async function markFailed(db: Db, id: number, lastError: string): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'failed', lastError, attempts: sql`${outbox.attempts} + 1` })
    .where(eq(outbox.id, id));
}

/** Messages newest first, optionally of one status, for the admin page. */
export async function listOutbox(
  db: Db,
  options: { status?: OutboxStatus; limit?: number } = {},
): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(options.status ? eq(outbox.status, options.status) : undefined)
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(options.limit ?? 100);
}

export async function findOutboxRow(db: Db, id: number): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row;
}

/**
 * Puts a failed message back in the queue to be tried at `now` with a fresh count of attempts.
 * Returns false when the row does not exist or is not failed.
 */
export async function retryFailed(db: Db, id: number, now: Date): Promise<boolean> {
  const changed = await db
    .update(outbox)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'failed')))
    .returning({ id: outbox.id });
  return changed.length > 0;
}
