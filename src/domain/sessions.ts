// Signing in to the web service: argon2id passwords, sessions stored in PostgreSQL, and repeated
// failures slowed and then refused for a while. Answers never say whether an email has an account.
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { findUserByEmail, type UserRow } from '../db/queries/people.ts';
import { signInFailures, users, webSessions } from '../db/schema/index.ts';

export const SLOW_AFTER_FAILURES = 5;
export const LOCK_AFTER_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;
const LOCK_MS = 15 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

// Verifying against this when the email is unknown makes both answers take as long.
const decoyHash = hashPassword(randomBytes(16).toString('hex'));

export type SignInResult =
  | { ok: true; token: string; user: UserRow }
  | { ok: false; reason: 'wrong' | 'locked'; slowDownMs: number };

/** How long to hold a failing answer: nothing for the first few, then a second more each time. */
export const slowDownFor = (failures: number) =>
  Math.min(Math.max(0, failures - SLOW_AFTER_FAILURES + 1) * 1000, 5000);

export async function signIn(
  db: Db,
  attempt: { email: string; password: string },
  now: Date,
  sessionHours: number,
): Promise<SignInResult> {
  const email = attempt.email.trim().toLowerCase();
  const [throttle] = await db
    .select()
    .from(signInFailures)
    .where(and(eq(signInFailures.email, email), gt(signInFailures.lockedUntil, now)));
  if (throttle) return { ok: false, reason: 'locked', slowDownMs: 0 };
  const user = await findUserByEmail(db, email);
  const valid = await argon2.verify(user?.passwordHash ?? (await decoyHash), attempt.password);
  if (!user?.passwordHash || !valid) {
    const failures = await recordFailure(db, email, now);
    return {
      ok: false,
      reason: failures >= LOCK_AFTER_FAILURES ? 'locked' : 'wrong',
      slowDownMs: slowDownFor(failures),
    };
  }
  await db.delete(signInFailures).where(eq(signInFailures.email, email));
  const token = randomBytes(32).toString('base64url');
  await db.insert(webSessions).values({
    tokenHash: sha256(token),
    userId: user.id,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + sessionHours * 3_600_000),
  });
  return { ok: true, token, user };
}

async function recordFailure(db: Db, email: string, now: Date): Promise<number> {
  // Instants go into raw SQL as ISO strings with a cast: the driver binds text, not Date objects.
  const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
  const windowStart = at(new Date(now.getTime() - FAILURE_WINDOW_MS));
  const [row] = await db
    .insert(signInFailures)
    .values({ email, failures: 1, firstFailedAt: now })
    .onConflictDoUpdate({
      target: signInFailures.email,
      // A failure long after the last run of failures starts a new count.
      set: {
        failures: sql`case when ${signInFailures.firstFailedAt} < ${windowStart} then 1 else ${signInFailures.failures} + 1 end`,
        firstFailedAt: sql`case when ${signInFailures.firstFailedAt} < ${windowStart} then ${at(now)} else ${signInFailures.firstFailedAt} end`,
        lockedUntil: sql`case when ${signInFailures.firstFailedAt} >= ${windowStart} and ${signInFailures.failures} + 1 >= ${LOCK_AFTER_FAILURES} then ${at(new Date(now.getTime() + LOCK_MS))} else null end`,
      },
    })
    .returning({ failures: signInFailures.failures });
  return row!.failures;
}

/** The user and CSRF token of a live session, or nothing. */
export async function sessionUser(db: Db, token: string, now: Date) {
  const [row] = await db
    .select({ user: users, csrfToken: webSessions.csrfToken })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(and(eq(webSessions.tokenHash, sha256(token)), gt(webSessions.expiresAt, now)));
  return row;
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.delete(webSessions).where(eq(webSessions.tokenHash, sha256(token)));
}
