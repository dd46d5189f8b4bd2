// An account's standing changed (deactivated, its permissions or organisation changed, its tokens
// revoked): every app process hears of it through PostgreSQL's LISTEN/NOTIFY and forgets what it
// remembered about that person's tokens. A notification sent in a transaction goes out on commit,
// and reaches the listening connection a moment later, after the change's own request may have been
// answered: so whoever follows on the database handle that makes the change is told at once, before
// it answers. Told early costs nothing but a read: whatever is remembered again before the commit is
// forgotten again when the notification comes.
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { type Db, poolOf } from '../client.ts';
import { postgresOf } from '../statements.ts';

const CHANNEL = 'account_changed';

/** Who follows changes on each database handle (an app's), to be told at once of its own. */
const followers = new WeakMap<postgres.Sql, Set<(userId: string) => void>>();

export async function announceAccountChange(db: Db, userId: string): Promise<void> {
  await db.execute(sql`select pg_notify(${CHANNEL}, ${userId})`);
  for (const follower of followers.get(poolOf(postgresOf(db))) ?? []) follower(userId);
}

/**
 * Calls back with the user's id for every change announced: at once for those announced on this
 * database handle, and through the notification for every other, in any process. Resolves once
 * listening.
 */
export async function followAccountChanges(db: Db, onChange: (userId: string) => void): Promise<void> {
  const pool = poolOf(postgresOf(db));
  const own = followers.get(pool) ?? new Set();
  followers.set(pool, own.add(onChange));
  await postgresOf(db).listen(CHANNEL, onChange);
}
