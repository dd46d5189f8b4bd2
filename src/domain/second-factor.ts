// The second factor finance, approver and admin accounts give after their password: a code from
// an authenticator app (TOTP), or one of ten single-use recovery codes. A right password starts a
// sign-in waiting for the code (ten minutes, five tries); the first time, the person sets the app up.
import { randomBytes } from 'node:crypto';
import type { Role } from '../../machines/define.ts';
import type { Database, Db } from '../db/client.ts';
import { announceAccountChange } from '../db/queries/account-changes.ts';
import { endSessions } from '../db/queries/password-links.ts';
import { findUser, type UserRow } from '../db/queries/people.ts';
import {
  claimCodeAttempt,
  claimStep,
  deletePendingSignIn,
  findPendingSignIn,
  insertPendingSignIn,
  MAX_CODE_ATTEMPTS,
  recoveryCodesLeft,
  replaceRecoveryCodes,
  setTotpSecret,
  useRecoveryCode,
} from '../db/queries/second-factor.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, ProblemError } from '../engine/errors.ts';
import { sha256, startSession } from './sessions.ts';
import { matchingStep, newRecoveryCodes, newTotpSecret, normalRecoveryCode, otpauthUri } from './totp.ts';

/** The roles whose password sign-in asks for a second factor: those who move money or manage people. */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['finance', 'approver', 'admin'];

const PENDING_MINUTES = 10;

/** Starts a sign-in waiting for a code; its token, for a cookie. A first sign-in gets a key to set up. */
export async function awaitCode(db: Db, user: UserRow, next: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertPendingSignIn(db, {
    tokenHash: sha256(token),
    userId: user.id,
    next,
    setupSecret: user.totpSecret ? null : newTotpSecret(),
    createdAt: now,
    expiresAt: new Date(now.getTime() + PENDING_MINUTES * 60_000),
  });
  return token;
}

/** What the code page shows for a sign-in waiting for one: undefined once it has expired or run out of tries. */
export async function pendingSignIn(db: Db, token: string, now: Date) {
  const found = await findPendingSignIn(db, sha256(token), now);
  if (!found) return undefined;
  const setupSecret = found.pending.setupSecret;
  return {
    email: found.email,
    next: found.pending.next,
    setUp: setupSecret
      ? {
          // Grouped in fours, as people type a key into an app.
          key: setupSecret.match(/.{1,4}/g)!.join(' '),
          uri: otpauthUri(setupSecret, found.email),
        }
      : null,
    triesLeft: MAX_CODE_ATTEMPTS - found.pending.attempts,
  };
}

export type CodeResult =
  | { ok: true; sessionToken: string; next: string; recoveryCodes: string[] | null; codesLeft: number | null }
  /** `used`: the app's code was right, but was already used to sign in (each is good once). */
  | { ok: false; reason: 'wrong' | 'used'; triesLeft: number }
  | { ok: false; reason: 'expired' };

/**
 * Checks the code of a sign-in waiting for one: a code from the app (each 30-second step accepted
 * once) or, once the app is set up, an unused recovery code. Right, the sign-in becomes a session;
 * on setting up, the key is kept and ten recovery codes are made, shown once.
 */
export async function completeSignIn(
  db: Database,
  token: string,
  typed: string,
  now: Date,
  sessionHours: number,
): Promise<CodeResult> {
  return db.transaction(async (tx) => {
    const pending = await claimCodeAttempt(tx, sha256(token), now);
    if (!pending) return { ok: false, reason: 'expired' } as const;
    const user = await findUser(tx, pending.userId);
    if (!user || user.deactivatedAt) return { ok: false, reason: 'expired' } as const;
    const secret = pending.setupSecret ?? user.totpSecret;
    const step = secret ? matchingStep(secret, typed, now) : null;
    let right = step !== null && (pending.setupSecret !== null || (await claimStep(tx, user.id, step)));
    let usedRecoveryCode = false;
    if (!right && !pending.setupSecret && user.totpSecret) {
      usedRecoveryCode = await useRecoveryCode(tx, user.id, sha256(normalRecoveryCode(typed)), now);
      right = usedRecoveryCode;
    }
    if (!right) {
      const triesLeft = MAX_CODE_ATTEMPTS - pending.attempts;
      if (triesLeft <= 0) await deletePendingSignIn(tx, pending.tokenHash);
      return triesLeft > 0
        ? ({ ok: false, reason: step !== null ? 'used' : 'wrong', triesLeft } as const)
        : ({ ok: false, reason: 'expired' } as const);
    }
    let recoveryCodes: string[] | null = null;
    if (pending.setupSecret) {
      await setTotpSecret(tx, user.id, pending.setupSecret, step);
      recoveryCodes = newRecoveryCodes();
      await replaceRecoveryCodes(
        tx,
        user.id,
        recoveryCodes.map((c) => sha256(normalRecoveryCode(c))),
        now,
      );
    }
    await deletePendingSignIn(tx, pending.tokenHash);
    return {
      ok: true,
      sessionToken: await startSession(tx, user.id, now, sessionHours),
      next: pending.next,
      recoveryCodes,
      codesLeft: usedRecoveryCode ? await recoveryCodesLeft(tx, user.id) : null,
    } as const;
  });
}

/** Whether and how a person's account is protected, for their account page. */
export async function secondFactorOf(db: Db, user: UserRow) {
  if (!SECOND_FACTOR_ROLES.includes(user.role)) return null;
  return { setUp: !!user.totpSecret, recoveryCodesLeft: await recoveryCodesLeft(db, user.id) };
}

/** New recovery codes for a signed-in person, the old ones void; shown once. */
export async function renewRecoveryCodes(db: Database, user: UserRow, now: Date): Promise<string[]> {
  if (!user.totpSecret) throw new ProblemError(409, 'Not set up', 'Set up your authenticator app first.');
  const codes = newRecoveryCodes();
  await replaceRecoveryCodes(
    db,
    user.id,
    codes.map((c) => sha256(normalRecoveryCode(c))),
    now,
  );
  return codes;
}

/**
 * An admin resets someone's second factor (a lost phone with the recovery codes): the key and codes
 * go, their sessions end, and their next sign-in sets an app up again. Not one's own.
 */
export async function resetSecondFactor(db: Database, actor: Actor, userId: string): Promise<void> {
  if (actor.role !== 'admin') throw forbidden('Only an admin resets two-step verification.');
  if (userId === actor.userId)
    throw new ProblemError(409, 'Not your own', 'Another admin must reset your two-step verification.');
  await db.transaction(async (tx) => {
    await setTotpSecret(tx, userId, null, null);
    await replaceRecoveryCodes(tx, userId, [], new Date());
    await endSessions(tx, userId);
    await announceAccountChange(tx, userId);
  });
}
