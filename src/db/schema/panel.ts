import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { users } from './users.ts';

/** A panel member's declaration for one bid: conflicted members neither see nor give scores. */
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
