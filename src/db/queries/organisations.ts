import { eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { organisations } from '../schema/index.ts';

export type OrganisationRow = typeof organisations.$inferSelect;

export async function findOrganisation(db: Db, id: string): Promise<OrganisationRow | undefined> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
  return row;
}
