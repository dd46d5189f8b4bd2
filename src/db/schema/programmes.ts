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
    /** How many panel members' scores close scoring without a recorded reason. */
    panelQuorum: integer('panel_quorum').notNull().default(2),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('programmes_fund_idx').on(t.fundId),
    check('programmes_threshold_nonnegative', sql`${t.delegationThresholdPence} >= 0`),
    check('programmes_panel_quorum_positive', sql`${t.panelQuorum} >= 1`),
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
