// Counting sign-in attempts per key (an email address or a source address) so that checking the
// lock and counting the attempt are one statement, taken before the password is verified.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { signInThrottles } from '../schema/index.ts';

export interface ThrottleRule {
  /** Attempts checked in a window; the one that reaches it locks the key. */
  limit: number;
  windowMs: number;
  lockMs: number;
}

/**
 * Counts one attempt for the key and says whether it may be checked: the first `limit` attempts of a
 * window may, the rest are refused unchecked until the lock lifts (it is set once and never
 * extended). A window long past, or a lock that has lifted, starts the count again.
 */
export async function claimAttempt(
  db: Db,
  key: string,
  now: Date,
  rule: ThrottleRule,
): Promise<{ attempts: number; allowed: boolean }> {
  // Instants go into raw SQL as ISO strings with a cast: the driver binds text, not Date objects.
  const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
  const t = signInThrottles;
  const fresh = sql`(${t.lockedUntil} is not null and ${t.lockedUntil} <= ${at(now)})
    or (${t.lockedUntil} is null and ${t.windowStartedAt} < ${at(new Date(now.getTime() - rule.windowMs))})`;
  const lockUntil = at(new Date(now.getTime() + rule.lockMs));
  const [row] = await db
    .insert(t)
    .values({
      key,
      attempts: 1,
      windowStartedAt: now,
      lockedUntil: rule.limit <= 1 ? new Date(now.getTime() + rule.lockMs) : null,
    })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        attempts: sql`case when ${fresh} then 1 else ${t.attempts} + 1 end`,
        windowStartedAt: sql`case when ${fresh} then ${at(now)} else ${t.windowStartedAt} end`,
        lockedUntil: sql`case when ${fresh} then null
          when ${t.attempts} + 1 >= ${rule.limit} then coalesce(${t.lockedUntil}, ${lockUntil})
          else ${t.lockedUntil} end`,
      },
    })
    .returning({ attempts: t.attempts });
  return { attempts: row!.attempts, allowed: row!.attempts <= rule.limit };
}

/** A successful sign-in: the key's count starts again. */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.delete(signInThrottles).where(eq(signInThrottles.key, key));
}

/** A successful sign-in from a source address no longer counts against it (only failures do). */
export async function forgetAttempt(db: Db, key: string): Promise<void> {
  await db
    .update(signInThrottles)
    .set({ attempts: sql`greatest(${signInThrottles.attempts} - 1, 0)` })
    .where(eq(signInThrottles.key, key));
}
