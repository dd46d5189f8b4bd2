import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { apiTokens, users } from '../schema/index.ts';
import { postgresOf, timestampValue } from '../statements.ts';

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function insertToken(db: Db, userId: string, tokenHash: string): Promise<void> {
  await db.insert(apiTokens).values({ userId, tokenHash });
}

/** The user a live API token belongs to. Every API request asks, so it is prepared (statements.ts). */
export async function userByTokenHash(db: Db, tokenHash: string): Promise<UserRow | undefined> {
  const pg = postgresOf(db);
  const [row] = await pg<(Omit<UserRow, 'createdAt'> & { createdAt: string })[]>`
    select u.id, u.email, u.name, u.role, u.organisation_id as "organisationId",
           u.password_hash as "passwordHash", u.created_at as "createdAt"
    from api_tokens t join users u on u.id = t.user_id
    where t.token_hash = ${tokenHash} and t.revoked_at is null`;
  return row && { ...row, createdAt: timestampValue(row.createdAt) };
}

export async function revokeToken(db: Db, tokenHash: string): Promise<number> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length;
}

export async function revokeUserTokens(db: Db, userId: string): Promise<number> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length;
}

/** The people a notification goes to: everyone with a staff role, or an organisation's providers. */
export async function usersWithRole(
  db: Db,
  role: UserRow['role'],
  organisationId?: string,
): Promise<UserRow[]> {
  const conditions = [eq(users.role, role)];
  if (organisationId) conditions.push(eq(users.organisationId, organisationId));
  return db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(users.email);
}

/** Names and roles of the given users, for pages that say who did what. */
export async function peopleByIds(db: Db, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(inArray(users.id, [...ids]));
}

/** How many of these email addresses have a user. */
export async function usersWithEmails(db: Db, emails: readonly string[]): Promise<number> {
  if (!emails.length) return 0;
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.email, [...emails]));
  return rows.length;
}

/** A new user; their id. */
export async function insertUser(
  db: Db,
  user: { email: string; name: string; role: UserRow['role']; organisationId: string },
): Promise<string> {
  // Not verified until they use the link sent to the address.
  const [row] = await db
    .insert(users)
    .values({ ...user, emailVerifiedAt: null })
    .returning({ id: users.id });
  return row!.id;
}
