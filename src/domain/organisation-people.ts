// A provider organisation's people, managed by its own: whoever may manage people says what each may
// do for it, removes them, and hands managing on (inviting them is organisation-invitations.ts). A
// person may belong to several organisations and chooses which one they act for.
import {
  type FieldProblem,
  type OrganisationPermission,
  organisationPermissions,
} from '../../machines/define.ts';
import type { Database } from '../db/client.ts';
import { announceAccountChange } from '../db/queries/account-changes.ts';
import {
  deactivateUser,
  deleteMembership,
  findMembership,
  membersOf,
  organisationsOfMember,
  otherManagers,
  setActingFor,
  setPermissions,
} from '../db/queries/memberships.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import { cancelInvitationLinks, endSessions } from '../db/queries/password-links.ts';
import { findUser, revokeUserTokens } from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, ProblemError } from '../engine/errors.ts';
import { sendLetters } from './notifications.ts';

/** What each permission lets a member do, as the pages say it. */
export const permissionNames: Record<OrganisationPermission, string> = {
  managePeople: 'Manage people: invite and remove colleagues, and say what each may do',
  submitBids: 'Submit and withdraw bids',
  acceptOffers: 'Accept offers, grant conditions and variations (binding the organisation)',
  fileReturns: 'File monitoring returns and reports',
  bankDetails:
    'Deal with bank details: told of every change, and the people our finance team accepts one from',
  receiveEmail: 'Receive the organisation’s emails about its bids and grants',
};

/** The first person of an organisation may do everything for it. */
export const everyPermission: readonly OrganisationPermission[] = organisationPermissions;

export type { FieldProblem };

/** The permissions ticked, in their order, or a problem when something unknown was sent. */
export function permissionsFrom(raw: unknown): OrganisationPermission[] | FieldProblem {
  const ticked = (Array.isArray(raw) ? raw : raw === undefined || raw === '' ? [] : [raw]).map(String);
  const unknown = ticked.filter((p) => !(organisationPermissions as readonly string[]).includes(p));
  if (unknown.length) return { field: 'permissions', message: 'Choose what they may do from the list' };
  return organisationPermissions.filter((p) => ticked.includes(p));
}

export const isPermissionList = (x: OrganisationPermission[] | FieldProblem): x is OrganisationPermission[] =>
  Array.isArray(x);

/** The organisation the actor manages the people of; refused (403) to anyone else. */
export function managedBy(actor: Actor): string {
  if (actor.role !== 'provider' || !actor.organisationId || !actor.permissions.includes('managePeople'))
    throw forbidden('Only someone who manages your organisation’s people may do this.');
  return actor.organisationId;
}

/** The organisation's people as its page lists them: accepted first, then invitations waiting. */
export async function organisationPeople(db: Database, actor: Actor) {
  if (actor.role !== 'provider' || !actor.organisationId)
    throw forbidden('Organisations’ people are managed by their own.');
  const organisation = await findOrganisation(db, actor.organisationId);
  const members = await membersOf(db, actor.organisationId);
  return {
    organisationName: organisation?.name ?? '',
    mayManage: actor.permissions.includes('managePeople'),
    people: members.map((m) => ({
      ...m,
      invited: m.acceptedAt === null,
      isYou: m.userId === actor.userId,
      permissionNames: organisationPermissions
        .filter((p) => m.permissions.includes(p))
        .map((p) => permissionNames[p].split(':')[0]!),
    })),
  };
}

/** One of the organisation's people, for the manager's page about them; 404 for anyone else. */
export async function colleague(db: Database, actor: Actor, userId: string) {
  const organisationId = managedBy(actor);
  const membership = await findMembership(db, userId, organisationId);
  const user = membership && (await findUser(db, userId));
  if (!membership || !user || user.deactivatedAt)
    throw new ProblemError(404, 'Not found', 'That person is not one of your organisation’s people.');
  return {
    userId,
    name: user.name,
    email: user.email,
    invited: membership.acceptedAt === null,
    isYou: userId === actor.userId,
    permissions: membership.permissions as OrganisationPermission[],
    organisationName: (await findOrganisation(db, organisationId))?.name ?? '',
  };
}

/** The name of the organisation the actor manages the people of; refused (403) to anyone else. */
export async function managedOrganisationName(db: Database, actor: Actor): Promise<string> {
  return (await findOrganisation(db, managedBy(actor)))?.name ?? '';
}

/** Says what a colleague may do. The organisation always keeps someone who manages its people. */
export async function changePermissions(
  db: Database,
  actor: Actor,
  userId: string,
  raw: unknown,
): Promise<FieldProblem[]> {
  const organisationId = managedBy(actor);
  const permissions = permissionsFrom(raw);
  if (!isPermissionList(permissions)) return [permissions];
  return db.transaction(async (tx) => {
    const membership = await findMembership(tx, userId, organisationId);
    if (!membership)
      throw new ProblemError(404, 'Not found', 'That person is not one of your organisation’s people.');
    if (
      membership.permissions.includes('managePeople') &&
      !permissions.includes('managePeople') &&
      membership.acceptedAt &&
      (await otherManagers(tx, organisationId, userId)) === 0
    )
      return [lastManager(userId === actor.userId)];
    await setPermissions(tx, userId, organisationId, permissions);
    await announceAccountChange(tx, userId);
    return [];
  });
}

const lastManager = (isYou: boolean): FieldProblem => ({
  field: 'permissions',
  message: isYou
    ? 'You are the only person who manages your organisation’s people. Give that to a colleague first'
    : 'They are the only person who manages your organisation’s people. Give that to someone else first',
});

/**
 * Removes a colleague, or withdraws their invitation. Someone who acted for this organisation now
 * acts for another of theirs; with none left, their account stops working at once (sessions, tokens).
 */
export async function removeColleague(
  db: Database,
  actor: Actor,
  userId: string,
  now: Date,
): Promise<FieldProblem[]> {
  const organisationId = managedBy(actor);
  return db.transaction(async (tx) => {
    const membership = await findMembership(tx, userId, organisationId);
    const user = membership && (await findUser(tx, userId));
    if (!membership || !user)
      throw new ProblemError(404, 'Not found', 'That person is not one of your organisation’s people.');
    if (
      membership.acceptedAt &&
      membership.permissions.includes('managePeople') &&
      (await otherManagers(tx, organisationId, userId)) === 0
    )
      return [lastManager(userId === actor.userId)];
    await deleteMembership(tx, userId, organisationId);
    await cancelInvitationLinks(tx, userId, organisationId, now);
    await announceAccountChange(tx, userId);
    // Someone who had joined hears of it from us, not by finding a page that no longer opens.
    if (membership.acceptedAt && userId !== actor.userId) {
      const organisation = await findOrganisation(tx, organisationId);
      await sendLetters(
        tx,
        [user],
        {
          message: 'removedFromOrganisation',
          subject: `You no longer act for ${organisation?.name} on OPCC Commissioning`,
          body: [
            `Someone who manages the people of ${organisation?.name} removed you from it on the Office of the Police and Crime Commissioner's commissioning service. What you did for it stays in its cases' history.`,
            'If you think this is a mistake, ask them to invite you again.',
          ],
        },
        now,
      );
    }
    if (user.organisationId !== organisationId) return [];
    const [other] = await organisationsOfMember(tx, userId);
    if (other) {
      await setActingFor(tx, userId, other.id);
      return [];
    }
    await deactivateUser(tx, userId, now);
    await endSessions(tx, userId);
    await revokeUserTokens(tx, userId);
    return [];
  });
}

/** The organisations a person acts for, the one they act for now marked. */
export async function organisationsOf(db: Database, user: { id: string; organisationId: string }) {
  const theirs = await organisationsOfMember(db, user.id);
  return theirs.map((o) => ({ id: o.id, name: o.name, current: o.id === user.organisationId }));
}

/** A person chooses which of their organisations to act for; refused for one they do not belong to. */
export async function actFor(db: Database, userId: string, organisationId: string): Promise<boolean> {
  const theirs = await organisationsOfMember(db, userId);
  if (!theirs.some((o) => o.id === organisationId)) return false;
  await db.transaction(async (tx) => {
    await setActingFor(tx, userId, organisationId);
    await announceAccountChange(tx, userId);
  });
  return true;
}
