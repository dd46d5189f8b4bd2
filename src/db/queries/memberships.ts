// Who belongs to which organisation and what each may do for it; invitations are memberships not
// yet accepted.
import { and, asc, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { OrganisationPermission } from '../../../machines/define.ts';
import type { Db } from '../client.ts';
import { memberships, organisations, users } from '../schema/index.ts';

export type MembershipRow = typeof memberships.$inferSelect;

/** A membership, accepted now (the organisation's first person) or awaiting its invitation's link. */
export async function insertMembership(
  db: Db,
  membership: {
    userId: string;
    organisationId: string;
    permissions: readonly OrganisationPermission[];
    invitedBy: string | null;
    createdAt: Date;
    acceptedAt: Date | null;
  },
): Promise<void> {
  await db
    .insert(memberships)
    .values({ ...membership, permissions: [...membership.permissions] })
    .onConflictDoUpdate({
      // Invited again: the newer invitation's permissions, still to be accepted unless it was.
      target: [memberships.userId, memberships.organisationId],
      set: { permissions: [...membership.permissions], invitedBy: membership.invitedBy },
    });
}

export async function findMembership(
  db: Db,
  userId: string,
  organisationId: string,
): Promise<MembershipRow | undefined> {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)));
  return row;
}

/** The organisation's people, accepted and invited, with their names and addresses, by name. */
export async function membersOf(db: Db, organisationId: string) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      permissions: memberships.permissions,
      acceptedAt: memberships.acceptedAt,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organisationId, organisationId), isNull(users.deactivatedAt)))
    .orderBy(asc(users.name), asc(users.email));
}

/** The organisations a person has accepted membership of, by name. */
export async function organisationsOfMember(db: Db, userId: string) {
  return db
    .select({ id: organisations.id, name: organisations.name, permissions: memberships.permissions })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(and(eq(memberships.userId, userId), isNotNull(memberships.acceptedAt)))
    .orderBy(asc(organisations.name));
}

export async function acceptMembership(
  db: Db,
  userId: string,
  organisationId: string,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .update(memberships)
    .set({ acceptedAt: sql`coalesce(${memberships.acceptedAt}, ${at.toISOString()}::timestamptz)` })
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)))
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

export async function setPermissions(
  db: Db,
  userId: string,
  organisationId: string,
  permissions: readonly OrganisationPermission[],
): Promise<void> {
  await db
    .update(memberships)
    .set({ permissions: [...permissions] })
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)));
}

export async function deleteMembership(db: Db, userId: string, organisationId: string): Promise<void> {
  await db
    .delete(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)));
}

/**
 * How many accepted members other than this one manage the organisation's people. Locks the
 * organisation's memberships first, so two managers removing each other at once cannot leave none.
 */
export async function otherManagers(db: Db, organisationId: string, userId: string): Promise<number> {
  await db.execute(
    sql`select 1 from ${memberships} where ${memberships.organisationId} = ${organisationId} for update`,
  );
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.organisationId, organisationId),
        ne(memberships.userId, userId),
        isNotNull(memberships.acceptedAt),
        isNull(users.deactivatedAt),
        sql`'managePeople' = any(${memberships.permissions})`,
      ),
    );
  return row?.count ?? 0;
}

/** Which organisation the person acts for now. */
export async function setActingFor(db: Db, userId: string, organisationId: string): Promise<void> {
  await db.update(users).set({ organisationId }).where(eq(users.id, userId));
}

/** The account stops working: no sign-in, session or token (each checks deactivatedAt). */
export async function deactivateUser(db: Db, userId: string, at: Date): Promise<void> {
  await db.update(users).set({ deactivatedAt: at }).where(eq(users.id, userId));
}
