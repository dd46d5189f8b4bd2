import { jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { users } from './users.ts';

/** What one person typed into one of a case's forms and saved to come back to: theirs alone. */
export const formDrafts = pgTable(
  'form_drafts',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    eventType: text('event_type').notNull(),
    /** The form's raw fields as typed (strings, or lists of strings for checkboxes). */
    fields: jsonb('fields').$type<Record<string, string | string[]>>().notNull(),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId, t.eventType] })],
);
