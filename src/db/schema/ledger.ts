import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { fundStreams, funds } from './funds.ts';
import { users } from './users.ts';

/**
 * Every movement of money against a fund. Rows are never updated or deleted (a trigger refuses it);
 * a fund's position is the sum of its rows.
 */
export const fundLedger = pgTable(
  'fund_ledger',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    fundId: uuid('fund_id')
      .notNull()
      .references(() => funds.id),
    streamId: uuid('stream_id').references(() => fundStreams.id),
    caseId: uuid('case_id').references(() => cases.id),
    caseVersion: integer('case_version'),
    movement: text('movement', { enum: ['commit', 'release'] }).notNull(),
    amountPence: bigint('amount_pence', { mode: 'bigint' }).notNull(),
    note: text('note').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('fund_ledger_amount_positive', sql`${t.amountPence} > 0`),
    check('fund_ledger_movement', sql`${t.movement} in ('commit','release')`),
    index('fund_ledger_fund_idx').on(t.fundId),
    index('fund_ledger_case_idx').on(t.caseId),
  ],
);
