import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The OPCC, voluntary-sector providers, partners. Identifiers are kept so grants can be published. */
export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind', {
    enum: ['commissioner', 'provider', 'partner', 'communitySafetyPartnership'],
  }).notNull(),
  charityNumber: text('charity_number'),
  companyNumber: text('company_number'),
  /** What it is in law, as it said when it registered: a registered charity, a CIC, … */
  legalForm: text('legal_form'),
  /** Its postal address, lines as typed, and its postcode. */
  address: text('address'),
  postcode: text('postcode'),
  phone: text('phone'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * When an admin checked what it registered (its charity or company number against the public
   * registers), and who; null until then. Recorded for due diligence; it does not stop bids.
   */
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
  verifiedBy: uuid('verified_by'),
  /** When it stopped being able to open new cases (closed, merged, struck off), and why. */
  inactiveAt: timestamp('inactive_at', { withTimezone: true }),
  inactiveReason: text('inactive_reason'),
});
