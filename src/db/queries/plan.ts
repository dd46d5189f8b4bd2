import { asc } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { planOutcomes, planThemes } from '../schema/index.ts';

/** The Police and Crime Plan's themes in the Plan's order. */
export function planThemesInOrder(db: Db) {
  return db.select().from(planThemes).orderBy(asc(planThemes.position));
}

/** Every outcome of the Plan, by id. */
export function planOutcomesInOrder(db: Db) {
  return db.select().from(planOutcomes).orderBy(asc(planOutcomes.id));
}
