import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { fundStreams, funds } from './funds.ts';
import { planOutcomes, planThemes } from './plan.ts';

/** One commissioning round: what it funds, from which fund, towards which part of the Plan. */
export const programmes = pgTable(
  'programmes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** What it funds, in a paragraph for the public funding call; null: the cycle's own description. */
    summary: text('summary'),
    /** The machine its bids or grants run on, e.g. youth-fund. */
    cycle: text('cycle').notNull(),
    fundId: uuid('fund_id')
      .notNull()
      .references(() => funds.id),
    streamId: uuid('stream_id').references(() => fundStreams.id),
    themeId: text('theme_id')
      .notNull()
      .references(() => planThemes.id),
    opensAt: timestamp('opens_at', { withTimezone: true }),
    closesAt: timestamp('closes_at', { withTimezone: true }),
    decisionOn: date('decision_on'),
    delegationThresholdPence: bigint('delegation_threshold_pence', { mode: 'bigint' }).notNull(),
    maxAwardPence: bigint('max_award_pence', { mode: 'bigint' }),
    /** [{ id, label, weight }] with weights adding up to 100. */
    criteria: jsonb('criteria').notNull(),
    /** The dates the programme funds services for: a bid's service starts between them. */
    serviceStartsOn: date('service_starts_on'),
    serviceEndsOn: date('service_ends_on'),
    /** The longest service period a bid may ask for, in months. */
    maxServiceMonths: integer('max_service_months'),
    /** How many panel members' scores close scoring without a recorded reason. */
    panelQuorum: integer('panel_quorum').notNull().default(2),
    /** How long each monitoring return covers, in months (3, 6 or 12), in step with the financial year. */
    returnEveryMonths: integer('return_every_months').notNull().default(3),
    /** How many days after its period ends a monitoring return is due. */
    returnDueDays: integer('return_due_days').notNull().default(30),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('programmes_fund_idx').on(t.fundId),
    check('programmes_threshold_nonnegative', sql`${t.delegationThresholdPence} >= 0`),
    check('programmes_panel_quorum_positive', sql`${t.panelQuorum} >= 1`),
    check(
      'programmes_service_dates_in_order',
      sql`${t.serviceEndsOn} is null or ${t.serviceStartsOn} is null or ${t.serviceEndsOn} >= ${t.serviceStartsOn}`,
    ),
    check('programmes_return_every_months', sql`${t.returnEveryMonths} in (3, 6, 12)`),
    check('programmes_return_due_days', sql`${t.returnDueDays} between 0 and 120`),
    check(
      'programmes_max_service_months_positive',
      sql`${t.maxServiceMonths} is null or ${t.maxServiceMonths} >= 1`,
    ),
  ],
);

export const programmeOutcomes = pgTable(
  'programme_outcomes',
  {
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id),
    outcomeId: text('outcome_id')
      .notNull()
      .references(() => planOutcomes.id),
  },
  (t) => [primaryKey({ columns: [t.programmeId, t.outcomeId] })],
);
