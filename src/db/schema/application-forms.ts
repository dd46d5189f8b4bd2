import { integer, jsonb, pgTable, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { programmes } from './programmes.ts';
import { users } from './users.ts';

/**
 * One version of a programme's application form: its sections and questions, and its eligibility
 * questions (the document's shape is src/domain/application-form.ts). A version a bid was started on
 * is never changed: a change after that is a new version, for bids started after it.
 */
export const applicationForms = pgTable(
  'application_forms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id),
    version: integer('version').notNull(),
    form: jsonb('form').notNull(),
    changedBy: uuid('changed_by').references(() => users.id),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('application_forms_programme_version').on(t.programmeId, t.version)],
);

/**
 * A bid's answers to its form version, by question id: the organisation's, whoever of it typed them,
 * so colleagues work on one bid together. The eligibility answers were given when it was started.
 */
export const bidAnswers = pgTable('bid_answers', {
  caseId: uuid('case_id')
    .primaryKey()
    .references(() => cases.id),
  formId: uuid('form_id')
    .notNull()
    .references(() => applicationForms.id),
  eligibility: jsonb('eligibility').$type<Record<string, 'yes' | 'no'>>().notNull(),
  answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
