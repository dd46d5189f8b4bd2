import { and, asc, count, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { organisations } from '../schema/index.ts';

export type OrganisationRow = typeof organisations.$inferSelect;

export async function findOrganisation(db: Db, id: string): Promise<OrganisationRow | undefined> {
  const [row] = await organisationQuery(db).execute({ id });
  return row;
}
const organisationQuery = preparedRead('find_organisation', (db) =>
  db
    .select()
    .from(organisations)
    .where(eq(organisations.id, sql.placeholder('id'))),
);

/** The organisations that can be paid as suppliers (providers), by name. */
export async function listSuppliers(db: Db): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.kind, 'provider'))
    .orderBy(asc(organisations.name), asc(organisations.id));
}

/** Those of the given ids that are suppliers on record, with their names. */
export async function suppliersAmong(
  db: Db,
  ids: readonly string[],
): Promise<{ id: string; name: string }[]> {
  if (!ids.length) return [];
  return db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(and(eq(organisations.kind, 'provider'), inArray(organisations.id, [...ids])));
}

/** The organisations of the given kinds, by name: whom a case of a cycle may be opened for. */
export async function organisationsOfKinds(
  db: Db,
  kinds: readonly OrganisationRow['kind'][],
): Promise<{ id: string; name: string }[]> {
  if (!kinds.length) return [];
  return db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(inArray(organisations.kind, [...kinds]))
    .orderBy(asc(organisations.name), asc(organisations.id));
}

/** A new organisation; its id. */
export async function insertOrganisation(
  db: Db,
  organisation: Pick<OrganisationRow, 'name' | 'kind'> &
    Partial<
      Pick<
        OrganisationRow,
        'charityNumber' | 'companyNumber' | 'legalForm' | 'address' | 'postcode' | 'phone'
      >
    >,
): Promise<string> {
  const [row] = await db.insert(organisations).values(organisation).returning({ id: organisations.id });
  return row!.id;
}

export type AdminOrganisationList = 'unverified' | 'inactive' | 'all';

/** The organisations an admin's list shows: every one but the Commissioner's office, or those waiting to be verified, or inactive. */
function adminListed(show: AdminOrganisationList) {
  const conditions = [ne(organisations.kind, 'commissioner')];
  if (show === 'unverified')
    conditions.push(isNull(organisations.verifiedAt), isNull(organisations.inactiveAt));
  if (show === 'inactive') conditions.push(isNotNull(organisations.inactiveAt));
  return and(...conditions);
}

/** A page of an admin's list of organisations, by name. */
export async function organisationsForAdmin(
  db: Db,
  show: AdminOrganisationList,
  page: { limit: number; offset: number },
) {
  return db
    .select()
    .from(organisations)
    .where(adminListed(show))
    .orderBy(asc(organisations.name), asc(organisations.id))
    .limit(page.limit)
    .offset(page.offset);
}

/** How many organisations an admin's list holds. */
export async function countOrganisationsForAdmin(db: Db, show: AdminOrganisationList): Promise<number> {
  const [row] = await db.select({ n: count() }).from(organisations).where(adminListed(show));
  return row!.n;
}

/**
 * Every organisation but the Commissioner's office, by name: the name and numbers the admins' check
 * for organisations registered twice compares, and no more.
 */
export async function organisationNamesAndNumbers(db: Db) {
  return db
    .select({
      id: organisations.id,
      name: organisations.name,
      charityNumber: organisations.charityNumber,
      companyNumber: organisations.companyNumber,
    })
    .from(organisations)
    .where(adminListed('all'))
    .orderBy(asc(organisations.name), asc(organisations.id));
}

export async function updateOrganisation(
  db: Db,
  id: string,
  details: Pick<
    OrganisationRow,
    'name' | 'legalForm' | 'charityNumber' | 'companyNumber' | 'address' | 'postcode' | 'phone'
  >,
): Promise<void> {
  await db.update(organisations).set(details).where(eq(organisations.id, id));
}

export async function setVerified(db: Db, id: string, by: string, at: Date): Promise<void> {
  await db.update(organisations).set({ verifiedAt: at, verifiedBy: by }).where(eq(organisations.id, id));
}

/** Inactive from `at` for the reason given, or (null) active again. */
export async function setInactive(db: Db, id: string, inactive: { at: Date; reason: string } | null) {
  await db
    .update(organisations)
    .set({ inactiveAt: inactive?.at ?? null, inactiveReason: inactive?.reason ?? null })
    .where(eq(organisations.id, id));
}

/** Every organisation by name, or just the one a provider acts for. */
export async function listOrganisations(db: Db, only?: string): Promise<OrganisationRow[]> {
  const query = db.select().from(organisations).orderBy(asc(organisations.name), asc(organisations.id));
  return only ? query.where(eq(organisations.id, only)) : query;
}

/** The names of these organisations, by id. */
export async function organisationNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(inArray(organisations.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The Commissioner's office: the first commissioner organisation on record. */
export async function commissionerOrganisation(db: Db): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.kind, 'commissioner'))
    .orderBy(asc(organisations.createdAt))
    .limit(1);
  return row;
}
