import { date, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/**
 * A quarter finance closed once its board report was presented: the report as presented, kept
 * exactly, and when and by whom. Money recorded later with a day in a closed quarter is an
 * adjustment in the report of the quarter it was recorded in.
 */
export const closedQuarters = pgTable('closed_quarters', {
  /** "2026-27-Q3" */
  quarter: text('quarter').primaryKey(),
  /** The quarter's first and last London dates, for matching ledger rows dated into it. */
  startsOn: date('starts_on').notNull(),
  endsOn: date('ends_on').notNull(),
  closedAt: timestamp('closed_at', { withTimezone: true }).notNull(),
  closedBy: uuid('closed_by')
    .notNull()
    .references(() => users.id),
  /** The board report as presented (sums of pence as tagged strings, exact). */
  report: jsonb('report').notNull(),
});
