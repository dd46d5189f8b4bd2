import { integer, pgTable, text } from 'drizzle-orm/pg-core';

/** The Police and Crime Plan's themes: Victims, Offenders, Communities, Transformation. */
export const planThemes = pgTable('plan_themes', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  position: integer('position').notNull(),
});

/** The outcomes each theme aims at; programmes and awards name the ones they serve. */
export const planOutcomes = pgTable('plan_outcomes', {
  id: text('id').primaryKey(),
  themeId: text('theme_id')
    .notNull()
    .references(() => planThemes.id),
  title: text('title').notNull(),
});
