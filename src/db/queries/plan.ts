import { asc, eq, inArray } from 'drizzle-orm';
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

export async function findPlanTheme(db: Db, id: string) {
  const [row] = await db.select().from(planThemes).where(eq(planThemes.id, id));
  return row;
}

/** These outcomes of the Plan, by id. */
export function planOutcomesAmong(db: Db, ids: readonly string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .select()
    .from(planOutcomes)
    .where(inArray(planOutcomes.id, [...ids]))
    .orderBy(asc(planOutcomes.id));
}
