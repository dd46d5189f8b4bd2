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
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
