import { and, eq, getTableColumns, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { OrganisationPermission } from '../../../machines/define.ts';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { apiTokens, memberships, users } from '../schema/index.ts';
import { postgresOf } from '../statements.ts';

export type UserRow = typeof users.$inferSelect;
/** A user with what they may do for the organisation they act for now (their membership of it). */
export type Person = UserRow & { permissions: OrganisationPermission[] };

/**
 * The permissions of the user's accepted membership of the organisation they act for; none if none.
 * The columns are named with their table: drizzle leaves them bare, and memberships has its own.
 */
export const permissionsNow = sql<OrganisationPermission[]>`coalesce((
  select m.permissions from memberships m
  where m.user_id = users.id and m.organisation_id = users.organisation_id and m.accepted_at is not null
), '{}')`;
const personColumns = { ...getTableColumns(users), permissions: permissionsNow };

export async function findUserByEmail(db: Db, email: string): Promise<Person | undefined> {
  const [row] = await db
    .select(personColumns)
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

export async function findUser(db: Db, id: string): Promise<Person | undefined> {
  const [row] = await db.select(personColumns).from(users).where(eq(users.id, id));
  return row;
}

export async function insertToken(db: Db, userId: string, tokenHash: string): Promise<void> {
  await db.insert(apiTokens).values({ userId, tokenHash });
}

/**
 * The user a live API token belongs to, while their account works. Every API request asks, so it is
 * prepared (statements.ts).
 */
export async function userByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<Pick<Person, 'id' | 'email' | 'role' | 'organisationId' | 'permissions'> | undefined> {
  const pg = postgresOf(db);
  const [row] = await pg<Pick<Person, 'id' | 'email' | 'role' | 'organisationId' | 'permissions'>[]>`
    select u.id, u.email, u.role, u.organisation_id as "organisationId",
           coalesce(m.permissions, '{}') as permissions
    from api_tokens t join users u on u.id = t.user_id
    left join memberships m
      on m.user_id = u.id and m.organisation_id = u.organisation_id and m.accepted_at is not null
    where t.token_hash = ${tokenHash} and t.revoked_at is null and u.deactivated_at is null`;
  return row;
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

/** Everyone with a staff role whose account works: whom a notification to that role goes to. */
export async function usersWithRole(db: Db, role: UserRow['role']): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.role, role), isNull(users.deactivatedAt)))
    .orderBy(users.email);
}

/** The members of an organisation who may do this for it (accepted, their account working). */
export async function membersWhoMay(
  db: Db,
  organisationId: string,
  permission: OrganisationPermission,
): Promise<UserRow[]> {
  return db
    .select(getTableColumns(users))
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(
      and(
        eq(memberships.organisationId, organisationId),
        sql`${memberships.acceptedAt} is not null`,
        sql`${permission} = any(${memberships.permissions})`,
        isNull(users.deactivatedAt),
      ),
    )
    .orderBy(users.email);
}

/** Names and roles of the given users, for pages that say who did what. */
export async function peopleByIds(db: Db, ids: readonly string[]) {
  if (!ids.length) return [];
  return peopleQuery(db).execute({ ids: [...ids] });
}
// One statement for any number of people (`in ($1, $2, …)` would be one a number).
const peopleQuery = preparedRead('people_by_ids', (db) =>
  db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(sql`${users.id} = any(${sql.placeholder('ids')}::uuid[])`),
);

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

/** Everyone on the Commissioner's side (every role but provider), by name, working or not. */
export async function staffUsers(db: Db): Promise<UserRow[]> {
  return db.select().from(users).where(ne(users.role, 'provider')).orderBy(users.name, users.email);
}

export async function setRole(db: Db, userId: string, role: UserRow['role']): Promise<void> {
  await db.update(users).set({ role }).where(eq(users.id, userId));
}

export async function reactivateUser(db: Db, userId: string): Promise<void> {
  await db.update(users).set({ deactivatedAt: null }).where(eq(users.id, userId));
}

/** How many working admins there are other than this person; locks the admins' rows first. */
export async function otherActiveAdmins(db: Db, userId: string): Promise<number> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.deactivatedAt), ne(users.id, userId)))
    .for('update');
  return rows.length;
}

/** The user the identity provider knows by this subject. */
export async function findUserBySubject(db: Db, subject: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.oidcSubject, subject));
  return row;
}

/** Binds the identity provider's subject to the user; their address counts as verified by it. */
export async function bindSubject(db: Db, userId: string, subject: string): Promise<void> {
  await db
    .update(users)
    .set({ oidcSubject: subject, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
    .where(eq(users.id, userId));
}

/** A new email address, verified by the link it received. False if another account has taken it. */
export async function changeEmail(db: Db, userId: string, email: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ email, emailVerifiedAt: at })
    .where(
      and(
        eq(users.id, userId),
        sql`not exists (select 1 from users other where lower(other.email) = lower(${email}) and other.id <> ${userId})`,
      ),
    )
    .returning({ id: users.id });
  return rows.length > 0;
}
