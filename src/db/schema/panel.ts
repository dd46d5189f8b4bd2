import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { programmes } from './programmes.ts';
import { users } from './users.ts';

/**
 * The panel members an officer assigned to a programme: they alone see, score and decide its bids.
 * Taking a member off ends their assignment (removedAt); the row stays, so who sat when is kept.
 */
export const programmePanel = pgTable(
  'programme_panel',
  {
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    assignedBy: uuid('assigned_by').references(() => users.id),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull(),
    removedBy: uuid('removed_by').references(() => users.id),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programmeId, t.userId, t.assignedAt] }),
    index('programme_panel_member_idx').on(t.userId, t.programmeId),
    // One current assignment per member and programme.
    uniqueIndex('programme_panel_current_idx').on(t.programmeId, t.userId).where(sql`${t.removedAt} is null`),
  ],
);

/**
 * A person's declaration of interest in one case: a panel member before scoring or deciding, an
 * officer or approver before deciding or signing. A conflicted panel member no longer sees the case.
 */
export const panelDeclarations = pgTable(
  'panel_declarations',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    conflicted: boolean('conflicted').notNull(),
    reason: text('reason'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] })],
);

/** One member's scores for one bid, kept apart from every other member's. */
export const panelScores = pgTable(
  'panel_scores',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** { criterionId: 0..5 } */
    scores: jsonb('scores').notNull(),
    comment: text('comment'),
    version: integer('version').notNull().default(1),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] })],
);
