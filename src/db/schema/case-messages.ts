import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { users } from './users.ts';

/**
 * A message between the Commissioner's office and the organisation a case is for: both read it on the
 * case page, in its history; whoever it is for is emailed that it is there. Never edited.
 */
export const caseMessages = pgTable(
  'case_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    /** Written by someone of the organisation (to the office), else by the office's staff (to it). */
    fromOrganisation: boolean('from_organisation').notNull(),
    body: text('body').notNull(),
    /** The form's own key, so a message sent twice (a double click, a retry) is kept and emailed once. */
    sendKey: text('send_key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('case_messages_case_idx').on(t.caseId, t.at),
    uniqueIndex('case_messages_send_key_idx').on(t.caseId, t.sendKey),
    check('case_messages_body_check', sql`length(${t.body}) > 0`),
  ],
);
