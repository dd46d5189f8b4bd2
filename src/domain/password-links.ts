// Setting a password by a single-use link: the first admin's (from the CLI), and later invitations
// and resets. The link's token is shown once and only its SHA-256 kept; using it ends the person's
// other sessions. Passwords follow the NCSC's advice: length rather than rules about characters,
// and none that is commonly used.
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Database, Db } from '../db/client.ts';
import { insertOrganisation, organisationsOfKinds } from '../db/queries/organisations.ts';
import {
  insertPasswordLink,
  liveLinkUser,
  replacePassword,
  sentSince,
  useLink,
} from '../db/queries/password-links.ts';
import { findUser, findUserByEmail, insertUser } from '../db/queries/people.ts';
import { clearAttempts } from '../db/queries/sign-in-throttles.ts';
import { sendLetters } from './notifications.ts';
import { EMAIL_ADDRESS } from './people.ts';
import { hashPassword, sha256 } from './sessions.ts';

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;
/**
 * How long a link lasts: a reset an hour; a new account's first password, or confirming a new email
 * address, a day; an invitation a week.
 */
export const LINK_HOURS = { set: 24, reset: 1, invite: 7 * 24, email: 24 } as const;
/** A reset asked for again within this long sends no second email (the first link still works). */
export const RESEND_AFTER_MS = 5 * 60_000;

// The most used passwords of breached lists that are long enough to pass the length rule, and this
// service's own published demo password.
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  'qwertyuiopas',
  'passwordpassword',
  'password1234',
  'password12345',
  'password123456',
  'iloveyou1234',
  'qwerty123456',
  'qwertyuiop123',
  '111111111111',
  '000000000000',
  'abcdefghijkl',
  'abc123456789',
  'letmein12345',
  'welcome12345',
  'administrator',
  'changeme1234',
  'demo-commissioning-2026',
  'passw0rdpassw0rd',
  'password1234567',
  'password12345678',
  'p@ssword1234',
  'p@ssw0rd1234',
  'qwerty1234567',
  'qwertyqwerty',
  'qwerty123456789',
  'asdfghjkl123',
  'zxcvbnm12345',
  'iloveyou12345',
  'iloveyouiloveyou',
  'football1234',
  'liverpool1234',
  'arsenal12345',
  'chelsea12345',
  'manchesterunited',
  'monkey123456',
  'sunshine1234',
  'princess1234',
  'starwars1234',
  'trustno1trustno1',
  'welcome123456',
  'welcome@1234',
  'letmein123456',
  'administrator1',
  'admin1234567',
  'adminadmin123',
  'superman1234',
  'batman123456',
  'dragon123456',
  'baseball1234',
  'computer1234',
  'internet1234',
  'spring202020',
  'summer2024!!',
  'winter2025!!',
  'correcthorsebatterystaple',
  'correct horse battery staple',
  'thequickbrownfox',
  'opcccommissioning',
  'commissioning1',
  'commissioning123',
  'policeandcrime',
]);

// What a guesser tries first: one character again and again, a run along the keyboard or the alphabet.
const RUNS = [
  '01234567890123456789',
  '98765432109876543210',
  'abcdefghijklmnopqrstuvwxyz',
  'zyxwvutsrqponmlkjihgfedcba',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1q2w3e4r5t6y7u8i9o0p',
  '1qaz2wsx3edc4rfv5tgb6yhn',
];
const predictable = (password: string) => {
  const plain = password.toLowerCase().replace(/\s+/g, '');
  if (new Set(plain).size <= 2) return true;
  return RUNS.some((run) => `${run}${run}`.includes(plain));
};

/**
 * What is wrong with a new password, in words for the form; undefined when it will do. Given whose it
 * is, it must not hold their email address's name part either.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Your password must be at least ${MIN_PASSWORD_LENGTH} characters. Three random words together make a good one`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `Your password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  if (COMMON.has(password.toLowerCase()) || predictable(password))
    return 'That password is too commonly used. Choose another: three random words together make a good one';
  const mailbox = email?.split('@')[0]?.toLowerCase() ?? '';
  if (mailbox.length >= 4 && password.toLowerCase().includes(mailbox))
    return 'Your password must not contain your email address. Three random words together make a good one';
  return undefined;
}

export async function issuePasswordLink(
  db: Db,
  userId: string,
  purpose: keyof typeof LINK_HOURS,
  now: Date,
  organisationId: string | null = null,
  newEmail: string | null = null,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertPasswordLink(db, {
    tokenHash: sha256(token),
    userId,
    purpose,
    organisationId,
    newEmail,
    createdAt: now,
    expiresAt: new Date(now.getTime() + LINK_HOURS[purpose] * 3_600_000),
  });
  return token;
}

/** The person a link is for while it works (not yet used, not expired); undefined otherwise. */
export const passwordLinkFor = (db: Db, token: string, now: Date) => liveLinkUser(db, sha256(token), now);

export type SetPasswordResult =
  | { ok: true; email: string }
  | { ok: false; field: 'password' | 'link'; message: string };

/** Sets the password a link is for, once: refused for a poor password (the link still works) or a dead link. */
export async function setPasswordByLink(
  db: Database,
  token: string,
  password: string,
  now: Date,
): Promise<SetPasswordResult> {
  const whose = await liveLinkUser(db, sha256(token), now);
  const problem = passwordProblem(password, whose?.email);
  if (problem) return { ok: false, field: 'password', message: problem };
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const link = await useLink(tx, sha256(token), now);
    // An invitation's or a new address's link is used on a page of its own.
    if (!link || (link.purpose !== 'set' && link.purpose !== 'reset'))
      return { ok: false, field: 'link', message: 'This link has been used or has expired' };
    const { userId } = link;
    await replacePassword(tx, userId, passwordHash);
    const email = (await findUser(tx, userId))?.email ?? '';
    // Whoever set it holds the email account: a lock someone else's guesses put on it is lifted.
    await clearAttempts(tx, `email:${email.toLowerCase()}`);
    return { ok: true, email };
  });
}

/**
 * A real deployment's first admin: an account with no password, in the Commissioner's office (made
 * if there is none yet), and a link to set one. Refused if the email already has an account.
 */
export async function createFirstAdmin(
  db: Database,
  person: { email: string; name: string },
  now: Date,
): Promise<string> {
  const email = person.email.trim();
  if (!EMAIL_ADDRESS.test(email)) throw new Error(`"${email}" is not an email address`);
  return db.transaction(async (tx) => {
    if (await findUserByEmail(tx, email)) throw new Error(`${email} already has an account`);
    const [office] = await organisationsOfKinds(tx, ['commissioner']);
    const organisationId =
      office?.id ??
      (await insertOrganisation(tx, {
        name: 'Office of the Police and Crime Commissioner',
        kind: 'commissioner',
      }));
    const userId = await insertUser(tx, { email, name: person.name, role: 'admin', organisationId });
    return issuePasswordLink(tx, userId, 'set', now);
  });
}

/**
 * Someone forgot their password: if the address has an account, a reset link (an hour, once) goes to
 * it by email through the outbox. The caller answers the same words either way.
 */
export async function requestPasswordReset(
  db: Database,
  email: string,
  now: Date,
  publicUrl: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const user = await findUserByEmail(tx, email.trim());
    // A deactivated account gets no reset: a new password would not let it in.
    if (!user || user.deactivatedAt) return;
    // One email every few minutes at most: asking again and again cannot fill someone's inbox.
    if (await sentSince(tx, user.id, 'reset', new Date(now.getTime() - RESEND_AFTER_MS))) return;
    const token = await issuePasswordLink(tx, user.id, 'reset', now);
    const href = `${publicUrl}/set-password/${token}`;
    await sendLetters(
      tx,
      [user],
      {
        message: 'passwordReset',
        subject: 'Reset your password for OPCC Commissioning',
        body: [
          `Someone asked to reset the password of your account (${user.email}). Use the link below to choose a new one. It works once, for ${LINK_HOURS.reset} hour.`,
          'If you did not ask for this, you can ignore this email: your password has not changed.',
        ],
        link: { href, text: 'Choose a new password', textLine: `Choose a new password: ${href}` },
      },
      now,
    );
  });
}

/** A signed-in person changes their password, knowing the current one; their other sessions end. */
export async function changePassword(
  db: Database,
  user: { id: string; email: string; passwordHash: string | null },
  change: { current: string; password: string },
  keepSessionToken: string | undefined,
): Promise<{ field: 'current' | 'password'; message: string } | undefined> {
  if (!user.passwordHash || !(await argon2.verify(user.passwordHash, change.current)))
    return { field: 'current', message: 'Your current password is not right' };
  const problem = passwordProblem(change.password, user.email);
  if (problem) return { field: 'password', message: problem };
  const kept = keepSessionToken ? sha256(keepSessionToken) : undefined;
  await replacePassword(db, user.id, await hashPassword(change.password), kept);
  return undefined;
}
