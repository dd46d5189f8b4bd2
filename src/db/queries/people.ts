import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { apiTokens, users } from '../schema/index.ts';

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

export async function insertToken(db: Db, userId: string, tokenHash: string): Promise<void> {
  await db.insert(apiTokens).values({ userId, tokenHash });
}

export async function userByTokenHash(db: Db, tokenHash: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row?.user;
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
