import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { users, webSessions } from '../schema/index.ts';
import { timestampParam } from '../statements.ts';
import { permissionsNow } from './people.ts';

/**
 * The user of a live session (what they may do for their organisation, its name) and the session's
 * CSRF token. Every page asks it: built once (prepared.ts).
 */
export async function liveSession(db: Db, tokenHash: string, now: Date) {
  const [row] = await liveSessionQuery(db).execute({ tokenHash, now: timestampParam(now) });
  return row;
}

const liveSessionQuery = preparedRead('live_session', (db) =>
  db
    .select({
      user: users,
      permissions: permissionsNow,
      organisationName: sql<string>`(select o.name from organisations o where o.id = users.organisation_id)`,
      csrfToken: webSessions.csrfToken,
    })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(
      and(
        eq(webSessions.tokenHash, sql.placeholder('tokenHash')),
        gt(webSessions.expiresAt, sql.placeholder('now')),
        isNull(users.deactivatedAt),
      ),
    ),
);

export async function insertSession(db: Db, session: typeof webSessions.$inferInsert): Promise<void> {
  await db.insert(webSessions).values(session);
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(webSessions).where(eq(webSessions.tokenHash, tokenHash));
}
