// The few statements every transition runs, written for postgres.js directly rather than built by
// drizzle on each call. postgres.js prepares a tagged template once per connection and reuses it,
// so PostgreSQL parses and plans it once; drizzle would rebuild the SQL text and send it
// unprepared every time (the throughput profile in README's Performance section).
import type postgres from 'postgres';
import type { Db } from './client.ts';

/**
 * The postgres.js handle under a drizzle database or transaction: statements sent on it take part
 * in the same transaction as the drizzle queries around them.
 */
export function postgresOf(db: Db): postgres.Sql {
  return (db as unknown as { session: { client: postgres.Sql } }).session.client;
}

// drizzle(pool) makes postgres.js pass timestamps and JSON through untouched, both ways (it maps
// them itself), so these statements convert as drizzle's columns would.

/** A timestamptz as sent: ISO 8601, as drizzle's timestamp column sends it. */
export const timestampParam = (at: Date): string => at.toISOString();

/** A timestamptz as received: PostgreSQL's text form, which Date parses as drizzle does. */
export const timestampValue = (text: string): Date => new Date(text);

/** A jsonb value as sent: its JSON text. */
export const jsonParam = (value: unknown): string => JSON.stringify(value);
