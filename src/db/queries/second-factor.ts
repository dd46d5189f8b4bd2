// Second factors: sign-ins waiting for a code, the key of a person's authenticator app, the step
// a code was last accepted for, and recovery codes.
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { pendingSignIns, recoveryCodes, users } from '../schema/index.ts';

export const MAX_CODE_ATTEMPTS = 5;

export async function insertPendingSignIn(db: Db, row: typeof pendingSignIns.$inferInsert): Promise<void> {
  await db.insert(pendingSignIns).values(row);
}

/** The sign-in waiting for a code while it lasts and has tries left. */
export async function findPendingSignIn(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ pending: pendingSignIns, email: users.email, totpSecret: users.totpSecret })
    .from(pendingSignIns)
    .innerJoin(users, eq(users.id, pendingSignIns.userId))
    .where(
      and(
        eq(pendingSignIns.tokenHash, tokenHash),
        gt(pendingSignIns.expiresAt, now),
        lt(pendingSignIns.attempts, MAX_CODE_ATTEMPTS),
        isNull(users.deactivatedAt),
      ),
    );
  return row;
}

/** Counts a try, in one statement so tries at once cannot pass the limit; undefined if none are left. */
export async function claimCodeAttempt(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .update(pendingSignIns)
    .set({ attempts: sql`${pendingSignIns.attempts} + 1` })
    .where(
      and(
        eq(pendingSignIns.tokenHash, tokenHash),
        gt(pendingSignIns.expiresAt, now),
        lt(pendingSignIns.attempts, MAX_CODE_ATTEMPTS),
      ),
    )
    .returning();
  return row;
}

export async function deletePendingSignIn(db: Db, tokenHash: string): Promise<void> {
  await db.delete(pendingSignIns).where(eq(pendingSignIns.tokenHash, tokenHash));
}

/** Accepts a code's step once: false if this or a later step was accepted already. */
export async function claimStep(db: Db, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), sql`coalesce(${users.totpLastStep}, -1) < ${step}`))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function setTotpSecret(db: Db, userId: string, secret: string | null, step: number | null) {
  await db.update(users).set({ totpSecret: secret, totpLastStep: step }).where(eq(users.id, userId));
}

/** Replaces the person's recovery codes with these (their hashes). */
export async function replaceRecoveryCodes(db: Db, userId: string, hashes: readonly string[], at: Date) {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  if (hashes.length)
    await db.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: at })));
}

/** Uses a recovery code, once; false for one unknown or used. */
export async function useRecoveryCode(db: Db, userId: string, codeHash: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(recoveryCodes)
    .set({ usedAt: at })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, codeHash),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ userId: recoveryCodes.userId });
  return rows.length > 0;
}

export async function recoveryCodesLeft(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.count ?? 0;
}
