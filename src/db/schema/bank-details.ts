import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations } from './organisations.ts';
import { users } from './users.ts';

/**
 * The bank account an organisation is paid into. Each change is a new row, kept: a finance user
 * enters it (pending), a second finance user confirms it (the one before is then superseded) or
 * rejects it; only a confirmed account is paid into.
 */
export const bankDetails = pgTable(
  'bank_details',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    accountName: text('account_name').notNull(),
    /** Six digits, as the bank gives them without dashes. */
    sortCode: text('sort_code').notNull(),
    /** Eight digits. */
    accountNumber: text('account_number').notNull(),
    status: text('status', { enum: ['pending', 'confirmed', 'superseded', 'rejected'] }).notNull(),
    /** Why the details are changing (a letter from the organisation, a new bank). */
    reason: text('reason').notNull(),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Why a rejected change was rejected. */
    rejectedReason: text('rejected_reason'),
  },
  (t) => [
    index('bank_details_organisation_idx').on(t.organisationId),
    uniqueIndex('bank_details_one_pending').on(t.organisationId).where(sql`${t.status} = 'pending'`),
    uniqueIndex('bank_details_one_confirmed').on(t.organisationId).where(sql`${t.status} = 'confirmed'`),
    check('bank_details_sort_code', sql`${t.sortCode} ~ '^[0-9]{6}$'`),
    check('bank_details_account_number', sql`${t.accountNumber} ~ '^[0-9]{8}$'`),
    check('bank_details_status', sql`${t.status} in ('pending','confirmed','superseded','rejected')`),
    // The second pair of eyes: whoever entered a change does not confirm or reject it.
    check('bank_details_second_person', sql`${t.decidedBy} is null or ${t.decidedBy} <> ${t.requestedBy}`),
  ],
);
