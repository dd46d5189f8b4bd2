// Organisations, for admins: every organisation with its registration and its people, correcting its
// details, recording that what it registered was checked (verified), and making it inactive (no new
// bids or cases; what it has under way goes on) or active again.
import type { Database } from '../db/client.ts';
import { membersOf } from '../db/queries/memberships.ts';
import {
  type AdminOrganisationList,
  countOrganisationsForAdmin,
  findOrganisation,
  type OrganisationRow,
  organisationNamesAndNumbers,
  organisationsForAdmin,
  setInactive,
  setVerified,
  updateOrganisation,
} from '../db/queries/organisations.ts';
import { findUser } from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import { fieldErrors, forbidden, notFound, ProblemError } from '../engine/errors.ts';
import type { FieldProblem } from './organisation-people.ts';
import { pageOf } from './paging.ts';
import { legalForms, organisationDetailsForm } from './registration.ts';

export type OrganisationList = AdminOrganisationList;

const kindNames: Record<OrganisationRow['kind'], string> = {
  commissioner: 'The Commissioner’s office',
  provider: 'Provider',
  partner: 'Partner',
  communitySafetyPartnership: 'Community Safety Partnership',
};

function requireAdmin(actor: Actor): string {
  if (actor.role !== 'admin' || !actor.userId) throw forbidden('Only an admin manages organisations.');
  return actor.userId;
}

const standingOf = (o: OrganisationRow) =>
  o.inactiveAt ? 'inactive' : o.verifiedAt ? 'verified' : 'unverified';

type NamesAndNumbers = Pick<OrganisationRow, 'id' | 'name' | 'charityNumber' | 'companyNumber'>;

/**
 * The other organisations that look like each one: the same name, charity number or company number.
 * Registering is open to anyone, so the same organisation can register twice. Every organisation is
 * filed once under each of its keys, so each is matched in one look-up, not against every other.
 */
function lookalikesOf(all: readonly NamesAndNumbers[]): (o: NamesAndNumbers) => string[] {
  const key = (kind: string, value: string | null) =>
    value?.trim() ? `${kind}:${value.trim().toLowerCase()}` : null;
  const keysOf = (o: NamesAndNumbers) =>
    [key('name', o.name), key('charity', o.charityNumber), key('company', o.companyNumber)].filter(
      (k): k is string => k !== null,
    );
  const filed = new Map<string, NamesAndNumbers[]>();
  for (const o of all)
    for (const k of keysOf(o)) {
      const list = filed.get(k);
      if (list) list.push(o);
      else filed.set(k, [o]);
    }
  return (o) => {
    const found = new Set<NamesAndNumbers>();
    for (const k of keysOf(o))
      for (const other of filed.get(k) ?? []) if (other.id !== o.id) found.add(other);
    if (!found.size) return [];
    // In the order the organisations were listed, as before.
    return all.filter((other) => found.has(other)).map((other) => other.name);
  };
}

/** Organisations on a page of the admins' list. */
export const ORGANISATIONS_PER_PAGE = 50;

/**
 * A page of the admins' list (pages from 1; one past the last is the last, one before the first the
 * first): its organisations, each flagged when it looks like any other organisation on record, not
 * just those on the page; how many there are in all, and which of them the page shows.
 */
export async function organisationList(db: Database, actor: Actor, show: OrganisationList, page = 1) {
  requireAdmin(actor);
  const [total, namesAndNumbers] = await Promise.all([
    countOrganisationsForAdmin(db, show),
    organisationNamesAndNumbers(db),
  ]);
  const at = pageOf(page, total, ORGANISATIONS_PER_PAGE);
  const shown = await organisationsForAdmin(db, show, { limit: at.size, offset: at.offset });
  const lookalikes = lookalikesOf(namesAndNumbers);
  return {
    page: at,
    rows: shown.map((o) => ({
      lookalikes: lookalikes(o),
      id: o.id,
      name: o.name,
      kindName: kindNames[o.kind],
      legalFormName: o.legalForm ? legalForms[o.legalForm as keyof typeof legalForms] : null,
      charityNumber: o.charityNumber,
      companyNumber: o.companyNumber,
      standing: standingOf(o),
    })),
  };
}

/** One organisation for its admin page: its details, standing and people. */
export async function organisationRecord(db: Database, actor: Actor, id: string) {
  requireAdmin(actor);
  const o = await findOrganisation(db, id);
  if (!o || o.kind === 'commissioner') throw notFound();
  const verifier = o.verifiedBy ? await findUser(db, o.verifiedBy) : undefined;
  return {
    id: o.id,
    name: o.name,
    kindName: kindNames[o.kind],
    legalForm: o.legalForm,
    legalFormName: o.legalForm ? legalForms[o.legalForm as keyof typeof legalForms] : null,
    charityNumber: o.charityNumber,
    companyNumber: o.companyNumber,
    address: o.address,
    postcode: o.postcode,
    phone: o.phone,
    createdAt: o.createdAt,
    standing: standingOf(o),
    lookalikes: lookalikesOf(await organisationNamesAndNumbers(db))(o),
    verifiedAt: o.verifiedAt,
    verifiedByName: verifier?.name ?? null,
    inactiveAt: o.inactiveAt,
    inactiveReason: o.inactiveReason,
    people: (await membersOf(db, o.id)).map((m) => ({
      name: m.name,
      email: m.email,
      invited: m.acceptedAt === null,
      managesPeople: m.permissions.includes('managePeople'),
    })),
  };
}

/** Corrects an organisation's details, checked as at registration; field problems come back. */
export async function editOrganisation(
  db: Database,
  actor: Actor,
  id: string,
  form: unknown,
): Promise<FieldProblem[]> {
  await organisationRecord(db, actor, id);
  const parsed = organisationDetailsForm.safeParse(form);
  if (!parsed.success) return fieldErrors(parsed.error.issues);
  const d = parsed.data;
  await updateOrganisation(db, id, {
    name: d.organisationName,
    legalForm: d.legalForm,
    charityNumber: d.charityNumber ?? null,
    companyNumber: d.companyNumber ?? null,
    address: d.address,
    postcode: d.postcode,
    phone: d.phone ?? null,
  });
  return [];
}

/** Records that an admin checked what the organisation registered. */
export async function verifyOrganisation(db: Database, actor: Actor, id: string, at: Date): Promise<void> {
  const by = requireAdmin(actor);
  const record = await organisationRecord(db, actor, id);
  if (record.verifiedAt)
    throw new ProblemError(409, 'Already verified', `${record.name} is already verified.`);
  await setVerified(db, id, by, at);
}

/** No new bids or cases for it from now; a reason is required. Its cases under way go on. */
export async function makeInactive(
  db: Database,
  actor: Actor,
  id: string,
  reason: string,
  at: Date,
): Promise<FieldProblem[]> {
  await organisationRecord(db, actor, id);
  const why = reason.trim();
  if (!why) return [{ field: 'reason', message: 'Say why it is no longer active' }];
  if (why.length > 1000)
    return [{ field: 'reason', message: 'The reason must be 1,000 characters or fewer' }];
  await setInactive(db, id, { at, reason: why });
  return [];
}

export async function makeActive(db: Database, actor: Actor, id: string): Promise<void> {
  await organisationRecord(db, actor, id);
  await setInactive(db, id, null);
}
