// Single-use links to set a password, and what using one changes.
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { passwordLinks, users, webSessions } from '../schema/index.ts';

export async function insertPasswordLink(
  db: Db,
  link: {
    tokenHash: string;
    userId: string;
    purpose: 'set' | 'reset' | 'invite' | 'email';
    organisationId?: string | null;
    newEmail?: string | null;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db.insert(passwordLinks).values(link);
}

/** Whether the user was sent a link for this purpose since then that is still unused. */
export async function sentSince(
  db: Db,
  userId: string,
  purpose: 'set' | 'reset' | 'invite' | 'email',
  since: Date,
): Promise<boolean> {
  const [row] = await db
    .select({ tokenHash: passwordLinks.tokenHash })
    .from(passwordLinks)
    .where(
      and(
        eq(passwordLinks.userId, userId),
        eq(passwordLinks.purpose, purpose),
        isNull(passwordLinks.usedAt),
        gt(passwordLinks.createdAt, since),
      ),
    )
    .limit(1);
  return !!row;
}

/** The user a link is for while it is unused and unexpired; the link stays as it is. */
export async function liveLinkUser(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({
      userId: passwordLinks.userId,
      purpose: passwordLinks.purpose,
      organisationId: passwordLinks.organisationId,
      newEmail: passwordLinks.newEmail,
      email: users.email,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
    })
    .from(passwordLinks)
    .innerJoin(users, eq(users.id, passwordLinks.userId))
    .where(live(tokenHash, now));
  return row;
}

const live = (tokenHash: string, now: Date) =>
  and(eq(passwordLinks.tokenHash, tokenHash), isNull(passwordLinks.usedAt), gt(passwordLinks.expiresAt, now));

/**
 * Uses the link, once: marks it used and returns its user, in one statement, so two uses at once
 * cannot both succeed. Undefined for a link used, expired or unknown.
 */
export async function useLink(db: Db, tokenHash: string, now: Date) {
  const [row] = await db.update(passwordLinks).set({ usedAt: now }).where(live(tokenHash, now)).returning({
    userId: passwordLinks.userId,
    purpose: passwordLinks.purpose,
    organisationId: passwordLinks.organisationId,
    newEmail: passwordLinks.newEmail,
  });
  return row;
}

/** An invitation withdrawn: its unused links stop working. */
export async function cancelInvitationLinks(
  db: Db,
  userId: string,
  organisationId: string,
  now: Date,
): Promise<void> {
  await db
    .update(passwordLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(passwordLinks.userId, userId),
        eq(passwordLinks.organisationId, organisationId),
        isNull(passwordLinks.usedAt),
      ),
    );
}

/** A new password: the hash stored, and every session the user had ended but the one kept (by its token's hash). */
export async function replacePassword(
  db: Db,
  userId: string,
  passwordHash: string,
  keepSessionHash?: string,
): Promise<void> {
  // Using a link sent to the address shows the person holds it: the address is verified.
  await db
    .update(users)
    .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
    .where(eq(users.id, userId));
  await endSessions(db, userId, keepSessionHash);
}

/** Ends the user's web sessions, all of them or all but the one kept (by its token's hash). */
export async function endSessions(db: Db, userId: string, keepSessionHash?: string): Promise<number> {
  const kept = keepSessionHash ?? null;
  const ended = await db
    .delete(webSessions)
    .where(and(eq(webSessions.userId, userId), kept ? ne(webSessions.tokenHash, kept) : undefined))
    .returning({ tokenHash: webSessions.tokenHash });
  return ended.length;
}
