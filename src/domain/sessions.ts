// Signing in to the web service: argon2id passwords, sessions stored in PostgreSQL, and repeated
// failures slowed and then refused for a while, per email address and per source address. Answers
// never say whether an email has an account.
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Db } from '../db/client.ts';
import { endSessions } from '../db/queries/password-links.ts';
import { findUserByEmail, type UserRow } from '../db/queries/people.ts';
import { claimAttempt, clearAttempts, forgetAttempt } from '../db/queries/sign-in-throttles.ts';
import { deleteSession, insertSession, liveSession } from '../db/queries/web-sessions.ts';
import { awaitCode } from './second-factor.ts';

export const SLOW_AFTER_FAILURES = 5;
export const LOCK_AFTER_FAILURES = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;
const LOCK_MS = 15 * 60_000;

/** How tokens are kept (sessions, API tokens, password links): only their SHA-256, never themselves. */
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

// Verifying against this when the email is unknown makes both answers take as long.
const decoyHash = hashPassword(randomBytes(16).toString('hex'));

/**
 * A right password gives a session's token, or, for a role that gives a second factor, the token of
 * a sign-in waiting for a code (`secondFactor`: a code, or setting up an authenticator app first).
 */
export type SignInResult =
  | { ok: true; token: string; user: UserRow; secondFactor?: 'code' | 'setUp' }
  | { ok: false; reason: 'wrong' | 'locked' | 'useIdentityProvider' | 'deactivated'; slowDownMs: number };

/** Who gives a code after their password, and where they were going. */
export interface SecondFactorRule {
  roles: readonly UserRow['role'][];
  next: string;
  /** Whether staff may sign in with a password (false: only through the identity provider). */
  staffPasswords?: boolean;
}

/** How long to hold a failing answer: nothing for the first few, then a second more each time. */
export const slowDownFor = (failures: number) =>
  Math.min(Math.max(0, failures - SLOW_AFTER_FAILURES + 1) * 1000, 5000);

/** Sign-in limits: per account address, and per source address (generous: an office shares one). */
export interface SignInLimits {
  perAddress: number;
}
const perAccount = { limit: LOCK_AFTER_FAILURES, windowMs: FAILURE_WINDOW_MS, lockMs: LOCK_MS };
export const DEFAULT_ATTEMPTS_PER_ADDRESS = 100;

/**
 * Signs a person in. Each attempt is counted, and the locks checked, before its password is verified
 * (claimAttempt): of many guesses sent at once, at most the limit are ever checked, per email address
 * and per source address. The answers never say whether the email has an account.
 */
export async function signIn(
  db: Db,
  attempt: { email: string; password: string; source?: string | undefined },
  now: Date,
  sessionHours: number,
  limits: SignInLimits = { perAddress: DEFAULT_ATTEMPTS_PER_ADDRESS },
  secondFactor: SecondFactorRule = { roles: [], next: '/' },
): Promise<SignInResult> {
  const email = attempt.email.trim().toLowerCase();
  const account = `email:${email}`;
  const source = attempt.source ? `ip:${attempt.source}` : null;
  if (source) {
    const bySource = await claimAttempt(db, source, now, { ...perAccount, limit: limits.perAddress });
    if (!bySource.allowed) return { ok: false, reason: 'locked', slowDownMs: 0 };
  }
  const claimed = await claimAttempt(db, account, now, perAccount);
  if (!claimed.allowed) return { ok: false, reason: 'locked', slowDownMs: 0 };
  const user = await findUserByEmail(db, email);
  const valid = await argon2.verify(user?.passwordHash ?? (await decoyHash), attempt.password);
  // An address not yet verified (its owner has not used the link sent to it) cannot sign in.
  if (!user?.passwordHash || !user.emailVerifiedAt || !valid) {
    return {
      ok: false,
      reason: claimed.attempts >= LOCK_AFTER_FAILURES ? 'locked' : 'wrong',
      slowDownMs: slowDownFor(claimed.attempts),
    };
  }
  await clearAttempts(db, account);
  if (source) await forgetAttempt(db, source);
  // A deactivated account cannot sign in; said only to someone who knows its password.
  if (user.deactivatedAt) return { ok: false, reason: 'deactivated', slowDownMs: 0 };
  if (secondFactor.staffPasswords === false && user.role !== 'provider')
    return { ok: false, reason: 'useIdentityProvider', slowDownMs: 0 };
  if (secondFactor.roles.includes(user.role)) {
    const pending = await awaitCode(db, user, secondFactor.next, now);
    return { ok: true, token: pending, user, secondFactor: user.totpSecret ? 'code' : 'setUp' };
  }
  return { ok: true, token: await startSession(db, user.id, now, sessionHours), user };
}

/** A new web session for the user; its token, for the cookie. */
export async function startSession(db: Db, userId: string, now: Date, sessionHours: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertSession(db, {
    tokenHash: sha256(token),
    userId,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + sessionHours * 3_600_000),
  });
  return token;
}

/** The user (with what they may do for the organisation they act for) and CSRF token of a live session. */
export async function sessionUser(db: Db, token: string, now: Date) {
  const row = await liveSession(db, sha256(token), now);
  return (
    row && {
      user: { ...row.user, permissions: row.permissions, organisationName: row.organisationName },
      csrfToken: row.csrfToken,
    }
  );
}

/** Signs a person out on every computer and phone, the one they asked from included. */
export async function signOutEverywhere(db: Db, userId: string): Promise<void> {
  await endSessions(db, userId);
}

export async function signOut(db: Db, token: string): Promise<void> {
  await deleteSession(db, sha256(token));
}
