import { sql } from 'drizzle-orm';
import { check, integer, jsonb, numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { programmes } from './programmes.ts';

/**
 * A programme's outcome measures: seeded from its cycle's definition when it is set up, edited by its
 * setup pages, and what its awards report on.
 */
export const programmeMeasures = pgTable(
  'programme_measures',
  {
    programmeId: uuid('programme_id')
      .notNull()
      .references(() => programmes.id),
    measureId: text('measure_id').notNull(),
    /** Where it comes in the programme's list. */
    position: integer('position').notNull(),
    name: text('name').notNull(),
    unit: text('unit', { enum: ['count', 'percent'] }).notNull(),
    target: numeric('target'),
    /** The parts a count is broken down into, in order. */
    breakdowns: jsonb('breakdowns').$type<string[]>().notNull(),
    /** For a percentage: the measure (a count) it is weighted by when returns are added up. */
    weightedBy: text('weighted_by'),
  },
  (t) => [
    primaryKey({ columns: [t.programmeId, t.measureId] }),
    check('programme_measures_unit', sql`${t.unit} in ('count', 'percent')`),
  ],
);
