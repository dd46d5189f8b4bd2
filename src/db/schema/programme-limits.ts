import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { programmes } from './programmes.ts';
import { users } from './users.ts';

/**
 * Every setting of a programme's limits, the first when it was set up: the limits the rulebook holds
 * officers to, as they were set, by whom (null: the system, as the demo data), when and why. Rows are
 * only ever added; the programme row holds the latest.
 */
export const programmeLimitChanges = pgTable(
  'programme_limit_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id),
    delegationThresholdPence: bigint('delegation_threshold_pence', { mode: 'bigint' }).notNull(),
    maxAwardPence: bigint('max_award_pence', { mode: 'bigint' }),
    panelQuorum: integer('panel_quorum').notNull(),
    reason: text('reason').notNull(),
    changedBy: uuid('changed_by').references(() => users.id),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('programme_limit_changes_programme_idx').on(t.programmeId, t.changedAt),
    check('programme_limit_changes_threshold_nonnegative', sql`${t.delegationThresholdPence} >= 0`),
    check('programme_limit_changes_quorum_positive', sql`${t.panelQuorum} >= 1`),
  ],
);
