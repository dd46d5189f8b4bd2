// Changing one's email address: the new address is verified by a single-use link sent to it (a day),
// the old one is told, and the change ends every session (sign in again with the new address). An
// address that already has an account is told so instead, and the page answers the same either way.
import argon2 from 'argon2';
import type { Database } from '../db/client.ts';
import { announceAccountChange } from '../db/queries/account-changes.ts';
import { endSessions, liveLinkUser, useLink } from '../db/queries/password-links.ts';
import { changeEmail, findUserByEmail, type UserRow } from '../db/queries/people.ts';
import { sendLetters } from './notifications.ts';
import type { FieldProblem } from './organisation-people.ts';
import { issuePasswordLink, LINK_HOURS } from './password-links.ts';
import { EMAIL_ADDRESS } from './people.ts';
import { sha256 } from './sessions.ts';

/** Asks to change the signed-in person's address, knowing their password; field problems come back. */
export async function requestEmailChange(
  db: Database,
  user: UserRow,
  form: { email: string; password: string },
  now: Date,
  publicUrl: string,
): Promise<FieldProblem[]> {
  const email = form.email.trim();
  const problems: FieldProblem[] = [];
  if (!email) problems.push({ field: 'newEmail', message: 'Enter your new email address' });
  else if (!EMAIL_ADDRESS.test(email) || email.length > 320)
    problems.push({
      field: 'newEmail',
      message: 'Enter an email address in the right format, like name@example.org',
    });
  else if (email.toLowerCase() === user.email.toLowerCase())
    problems.push({ field: 'newEmail', message: 'That is already your email address' });
  if (!form.password) problems.push({ field: 'emailPassword', message: 'Enter your password' });
  else if (!user.passwordHash || !(await argon2.verify(user.passwordHash, form.password)))
    problems.push({ field: 'emailPassword', message: 'Your password is not right' });
  if (problems.length) return problems;
  await db.transaction(async (tx) => {
    const taken = await findUserByEmail(tx, email);
    if (taken) {
      await sendLetters(
        tx,
        [{ email, name: taken.name }],
        {
          message: 'emailInUse',
          subject: 'Someone tried to move an OPCC Commissioning account to this address',
          body: [
            'Someone asked to change the email address of an account to this one, which already has an account of its own. Nothing has changed.',
            'If it was you, sign in with this address instead. If not, you can ignore this email.',
          ],
        },
        now,
      );
      return;
    }
    const href = `${publicUrl}/confirm-email/${await issuePasswordLink(tx, user.id, 'email', now, null, email)}`;
    await sendLetters(
      tx,
      [{ email, name: user.name }],
      {
        message: 'confirmNewEmail',
        subject: 'Confirm your new email address for OPCC Commissioning',
        body: [
          `You asked to change the email address of your account from ${user.email} to this one. Use the link below to confirm it. It works once, for ${LINK_HOURS.email} hours.`,
          'Until then, nothing changes. If you did not ask for this, you can ignore this email.',
        ],
        link: {
          href,
          text: 'Confirm your new email address',
          textLine: `Confirm your new email address: ${href}`,
        },
      },
      now,
    );
    // The old address hears of it, so a change its owner did not make does not pass unnoticed.
    await sendLetters(
      tx,
      [user],
      {
        message: 'emailChangeAsked',
        subject: 'A change of your email address was asked for',
        body: [
          `Someone signed in to your account asked to change its email address to ${email}. It changes only when the link sent there is used.`,
          'If this was not you, change your password now and tell the Office of the Police and Crime Commissioner.',
        ],
      },
      now,
    );
  });
  return [];
}

/** The change a link is for while it works: the old and new addresses. */
export async function emailChangeFor(db: Database, token: string, now: Date) {
  const link = await liveLinkUser(db, sha256(token), now);
  if (link?.purpose !== 'email' || !link.newEmail) return undefined;
  return { from: link.email, to: link.newEmail };
}

export type EmailChangeResult = { ok: true; email: string } | { ok: false; reason: 'dead' | 'taken' };

/** Confirms a new address by its link, once: every session ends, to sign in with the new address. */
export async function confirmEmailChange(db: Database, token: string, now: Date): Promise<EmailChangeResult> {
  return db.transaction(async (tx) => {
    const link = await useLink(tx, sha256(token), now);
    if (link?.purpose !== 'email' || !link.newEmail) return { ok: false, reason: 'dead' } as const;
    if (!(await changeEmail(tx, link.userId, link.newEmail, now)))
      return { ok: false, reason: 'taken' } as const;
    await endSessions(tx, link.userId);
    await announceAccountChange(tx, link.userId);
    return { ok: true, email: link.newEmail } as const;
  });
}
