import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from './organisations.ts';
import { users } from './users.ts';

/** A budget for one financial year (1 April to 31 March), in pence. */
export const funds = pgTable(
  'funds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** Where the money comes from, e.g. "Ministry of Justice victims grant". */
    source: text('source').notNull(),
    /** "2026-27": runs 1 April 2026 to 31 March 2027. */
    financialYear: text('financial_year').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    budgetPence: bigint('budget_pence', { mode: 'bigint' }).notNull(),
    /**
     * A future year's budget that is a planning figure, not yet confirmed: awards may commit against
     * it (multi-year agreements do), and every position and report says the budget is indicative
     * until finance confirms it.
     */
    indicative: boolean('indicative').notNull().default(false),
    /** When finance confirmed an indicative budget, and who. */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    confirmedBy: uuid('confirmed_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('funds_budget_nonnegative', sql`${t.budgetPence} >= 0`),
    uniqueIndex('funds_name_year_key').on(t.name, t.financialYear),
  ],
);

/** A ring-fenced part of a fund, e.g. domestic abuse and sexual violence within the victims grant. */
export const fundStreams = pgTable(
  'fund_streams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fundId: uuid('fund_id')
      .notNull()
      .references(() => funds.id),
    name: text('name').notNull(),
    budgetPence: bigint('budget_pence', { mode: 'bigint' }).notNull(),
    /**
     * The services the stream may fund (e.g. `idva`, `isva`), as the cycles name them; empty for any.
     * A commitment for another service is refused.
     */
    services: text('services').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    check('fund_streams_budget_nonnegative', sql`${t.budgetPence} >= 0`),
    index('fund_streams_fund_idx').on(t.fundId),
  ],
);

/** For jointly commissioned budgets: each partner's share of the fund. */
export const fundContributors = pgTable(
  'fund_contributors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fundId: uuid('fund_id')
      .notNull()
      .references(() => funds.id),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    sharePence: bigint('share_pence', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    check('fund_contributors_share_positive', sql`${t.sharePence} > 0`),
    uniqueIndex('fund_contributors_key').on(t.fundId, t.organisationId),
  ],
);
