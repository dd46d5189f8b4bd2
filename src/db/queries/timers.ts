import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { cases, timerLog, timers } from '../schema/index.ts';

export type TimerRow = typeof timers.$inferSelect;

/**
 * Takes the next due timer and locks it with its case. Timers or cases another transaction holds
 * are skipped, not waited for: any number of workers can run, and a worker never blocks a person.
 */
export async function claimDueTimer(
  tx: Tx,
  now: Date,
  onlyCaseIds?: string[],
): Promise<TimerRow | undefined> {
  const [row] = await tx
    .select({ timer: timers })
    .from(timers)
    .innerJoin(cases, eq(cases.id, timers.caseId))
    .where(and(lte(timers.dueAt, now), onlyCaseIds ? inArray(timers.caseId, onlyCaseIds) : undefined))
    .orderBy(asc(timers.dueAt), asc(timers.id))
    .limit(1)
    .for('update', { of: [timers, cases], skipLocked: true });
  return row?.timer;
}

export async function deleteTimer(db: Db, id: string): Promise<void> {
  await db.delete(timers).where(eq(timers.id, id));
}

export async function postponeTimer(
  db: Db,
  id: string,
  dueAt: Date,
  attempts: number,
  error: string,
): Promise<void> {
  await db.update(timers).set({ dueAt, attempts, lastError: error }).where(eq(timers.id, id));
}

export async function logTimer(
  db: Db,
  timer: TimerRow,
  firedAt: Date,
  outcome: 'fired' | 'discarded',
  detail: string | null,
): Promise<void> {
  await db.insert(timerLog).values({
    caseId: timer.caseId,
    timerKey: timer.timerKey,
    event: timer.event,
    dueAt: timer.dueAt,
    firedAt,
    outcome,
    detail,
  });
}

/** A case's timers still to fire, soonest first: what will happen to it by itself, and when. */
export async function timersOfCase(db: Db, caseId: string) {
  return timersQuery(db).execute({ caseId });
}
const timersQuery = preparedRead('timers_of_case', (db) =>
  db
    .select({ event: timers.event, dueAt: timers.dueAt })
    .from(timers)
    .where(eq(timers.caseId, sql.placeholder('caseId')))
    .orderBy(asc(timers.dueAt)),
);

/** A case's timers due by `now`, soonest first, to fire in the caller's transaction (the demo's past). */
export async function dueTimersOfCase(db: Db, caseId: string, now: Date) {
  return db
    .select({ id: timers.id, event: timers.event })
    .from(timers)
    .where(and(eq(timers.caseId, caseId), lte(timers.dueAt, now)))
    .orderBy(asc(timers.dueAt), asc(timers.id));
}
