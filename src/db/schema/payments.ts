import { sql } from 'drizzle-orm';
import { check, date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { paymentProfiles, remainderPlaces } from '../../../machines/define.ts';
import { cases } from './cases.ts';
import { organisations } from './organisations.ts';
import { users } from './users.ts';

/**
 * How an award is paid: the terms its payments were built from, kept so a variation, an underspend
 * or a clawback can re-profile the unpaid part the same way. The payments themselves are cases of
 * the payment machine, each naming the award.
 */
export const paymentSchedules = pgTable(
  'payment_schedules',
  {
    awardCaseId: uuid('award_case_id')
      .primaryKey()
      .references(() => cases.id),
    profile: text('profile', { enum: paymentProfiles }).notNull(),
    /** How many instalments, for the `instalments` profile. */
    instalments: integer('instalments'),
    /** Which instalment takes the pence that do not divide evenly. */
    remainderIn: text('remainder_in', { enum: remainderPlaces }).notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    scheduledBy: uuid('scheduled_by').references(() => users.id),
    /** Who the payments go to, where not the award's own organisation (a contract's supplier). */
    payeeOrganisationId: uuid('payee_organisation_id').references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check(
      'payment_schedules_profile',
      sql`${t.profile} in ('quarterlyInAdvance','quarterlyInArrears','instalments','oneOff')`,
    ),
    check('payment_schedules_remainder', sql`${t.remainderIn} in ('first','last')`),
    check('payment_schedules_dates', sql`${t.endsOn} >= ${t.startsOn}`),
    check(
      'payment_schedules_instalments',
      sql`${t.instalments} is null or ${t.instalments} between 1 and 120`,
    ),
  ],
);
