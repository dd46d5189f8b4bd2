// An account's standing changed (deactivated, its permissions or organisation changed, its tokens
// revoked): every app process hears of it through PostgreSQL's LISTEN/NOTIFY and forgets what it
// remembered about that person's tokens. A notification sent in a transaction goes out on commit.
import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { postgresOf } from '../statements.ts';

const CHANNEL = 'account_changed';

export async function announceAccountChange(db: Db, userId: string): Promise<void> {
  await db.execute(sql`select pg_notify(${CHANNEL}, ${userId})`);
}

/** Calls back with the user's id for every change announced, in any process; resolves once listening. */
export async function followAccountChanges(db: Db, onChange: (userId: string) => void): Promise<void> {
  await postgresOf(db).listen(CHANNEL, onChange);
}
