// Users and their API tokens. A token is shown once; only its SHA-256 is stored, so a database
// leak does not leak working tokens.
import { randomBytes } from 'node:crypto';
import type { FieldProblem, OrganisationPermission } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import { announceAccountChange } from '../db/queries/account-changes.ts';
import { organisationsOfMember } from '../db/queries/memberships.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import {
  findUserByEmail,
  insertToken,
  peopleByIds,
  revokeToken,
  revokeUserTokens,
  type UserRow,
  userByTokenHash,
  usersWithRole,
} from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import { sha256 } from './sessions.ts';
import type { TokenCache } from './token-cache.ts';

const hashToken = sha256;

/** An email address as the service takes one: something@somewhere.tld, no spaces. */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What is wrong with someone's name and address as typed by whoever invites them. */
export function newPersonProblems(name: string, email: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!name) problems.push({ field: 'name', message: 'Enter their full name' });
  else if (name.length > 200)
    problems.push({ field: 'name', message: 'Their name must be 200 characters or fewer' });
  if (!email) problems.push({ field: 'email', message: 'Enter their email address' });
  else if (!EMAIL_ADDRESS.test(email) || email.length > 320)
    problems.push({
      field: 'email',
      message: 'Enter an email address in the right format, like name@example.org',
    });
  return problems;
}

/** The actor a user is: who they are, and what they may do for the organisation they act for. */
export function actorOf(
  user: Pick<UserRow, 'id' | 'role' | 'organisationId' | 'email'> & {
    permissions?: readonly OrganisationPermission[];
  },
): Actor {
  return {
    userId: user.id,
    role: user.role,
    organisationId: user.organisationId,
    email: user.email,
    permissions: user.permissions ?? [],
  };
}

export async function issueToken(db: Db, email: string): Promise<string> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new Error(`No user has the email address ${email}`);
  const token = `opcc_${randomBytes(32).toString('base64url')}`;
  await insertToken(db, user.id, hashToken(token));
  return token;
}

/** The actor a bearer token stands for, if it is live, as the cache remembers or the database says. */
export async function authenticateToken(
  db: Db,
  token: string,
  cache: TokenCache,
): Promise<Actor | undefined> {
  return cache.actorFor(hashToken(token), async (tokenHash) => {
    const user = await userByTokenHash(db, tokenHash);
    return user && actorOf(user);
  });
}

export async function revokeBearerToken(db: Db, token: string, cache: TokenCache): Promise<boolean> {
  const tokenHash = hashToken(token);
  cache.forget(tokenHash);
  return (await revokeToken(db, tokenHash)) > 0;
}

export async function revokeAllTokens(db: Db, email: string): Promise<number> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new Error(`No user has the email address ${email}`);
  const revoked = await revokeUserTokens(db, user.id);
  // Every app process forgets the tokens it remembered for them.
  await announceAccountChange(db, user.id);
  return revoked;
}

/** The commissioning officers, by name: whom a case may be reassigned to. */
export async function officersOnRecord(db: Db): Promise<{ id: string; name: string }[]> {
  const officers = await usersWithRole(db, 'officer');
  return officers.map((o) => ({ id: o.id, name: o.name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** A person's name, for a page or a document that says who did something; undefined when unknown. */
export async function nameOf(db: Db, id: string | null): Promise<string | undefined> {
  if (!id) return undefined;
  return (await peopleByIds(db, [id]))[0]?.name;
}

/** Roles as people say them. */
export const roleNames: Record<UserRow['role'], string> = {
  officer: 'Commissioning officer',
  provider: 'Provider',
  panel: 'Panel member',
  finance: 'Finance',
  approver: 'Approver',
  admin: 'Administrator',
};

/** A person's account as their account page shows it: their role and organisation in words. */
export async function accountOf(db: Db, user: UserRow) {
  const organisation = await findOrganisation(db, user.organisationId);
  // A provider may act for several organisations (a consultant bidding for two charities).
  const theirs = user.role === 'provider' ? await organisationsOfMember(db, user.id) : [];
  return {
    roleName: roleNames[user.role],
    organisationName: organisation?.name ?? '',
    otherOrganisations: theirs.filter((o) => o.id !== user.organisationId).map((o) => o.name),
  };
}
