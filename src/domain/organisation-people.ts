// A provider organisation's people, managed by its own: whoever may manage people invites colleagues
// by email (a single-use link), says what each may do for it, removes them, and hands managing on.
// A person may belong to several organisations and chooses which one they act for.
import {
  type FieldProblem,
  type OrganisationPermission,
  organisationPermissions,
} from '../../machines/define.ts';
import type { Database, Tx } from '../db/client.ts';
import { announceAccountChange } from '../db/queries/account-changes.ts';
import {
  acceptMembership,
  deactivateUser,
  deleteMembership,
  findMembership,
  insertMembership,
  membersOf,
  organisationsOfMember,
  otherManagers,
  setActingFor,
  setPermissions,
} from '../db/queries/memberships.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import {
  cancelInvitationLinks,
  endSessions,
  liveLinkUser,
  replacePassword,
  useLink,
} from '../db/queries/password-links.ts';
import {
  findUser,
  findUserByEmail,
  insertUser,
  reactivateUser,
  revokeUserTokens,
} from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, ProblemError } from '../engine/errors.ts';
import { sendLetters } from './notifications.ts';
import { issuePasswordLink, LINK_HOURS, passwordProblem } from './password-links.ts';
import { newPersonProblems } from './people.ts';
import { hashPassword, sha256 } from './sessions.ts';

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

const isPermissionList = (x: OrganisationPermission[] | FieldProblem): x is OrganisationPermission[] =>
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
  };
}

export interface Invitation {
  name: string;
  email: string;
  permissions: unknown;
}

/**
 * Invites someone to act for the organisation: a new account (unverified until the link is used) or
 * a person who already has one with another organisation. The link goes by email through the outbox
 * and works once, for a week. Problems with the form come back as field problems; nothing is saved.
 */
export async function inviteColleague(
  db: Database,
  actor: Actor,
  form: Invitation,
  now: Date,
  publicUrl: string,
): Promise<FieldProblem[]> {
  const organisationId = managedBy(actor);
  const name = form.name.trim();
  const email = form.email.trim();
  const permissions = permissionsFrom(form.permissions);
  const problems = newPersonProblems(name, email);
  if (!isPermissionList(permissions)) problems.push(permissions);
  if (problems.length || !isPermissionList(permissions)) return problems;
  return db.transaction(async (tx) => {
    const existing = await findUserByEmail(tx, email);
    if (existing && existing.role !== 'provider')
      return [
        {
          field: 'email',
          message: 'That address belongs to the Commissioner’s staff: invite someone from your organisation',
        },
      ];
    if (existing?.anonymisedAt)
      return [
        {
          field: 'email',
          message: 'That account has been closed: ask the Commissioner’s office to reopen it',
        },
      ];
    const membership = existing && (await findMembership(tx, existing.id, organisationId));
    if (membership?.acceptedAt)
      return [{ field: 'email', message: `${existing!.name} is already one of your organisation’s people` }];
    const userId = existing?.id ?? (await insertUser(tx, { email, name, role: 'provider', organisationId }));
    // Invited again: the newer invitation's link is the one that works.
    if (membership) await cancelInvitationLinks(tx, userId, organisationId, now);
    await insertMembership(tx, {
      userId,
      organisationId,
      permissions,
      invitedBy: actor.userId,
      createdAt: now,
      acceptedAt: null,
    });
    await sendInvitation(
      tx,
      { userId, email, name: existing?.name ?? name },
      organisationId,
      actor,
      now,
      publicUrl,
    );
    return [];
  });
}

async function sendInvitation(
  tx: Tx,
  person: { userId: string; email: string; name: string },
  organisationId: string,
  actor: Actor,
  now: Date,
  publicUrl: string,
) {
  const organisation = await findOrganisation(tx, organisationId);
  const inviter = actor.userId ? await findUser(tx, actor.userId) : undefined;
  const href = `${publicUrl}/invitation/${await issuePasswordLink(tx, person.userId, 'invite', now, organisationId)}`;
  await sendLetters(
    tx,
    [{ email: person.email, name: person.name }],
    {
      message: 'invitation',
      subject: `${inviter?.name ?? 'A colleague'} invited you to act for ${organisation?.name} on OPCC Commissioning`,
      body: [
        `${inviter?.name ?? 'A colleague'} (${inviter?.email ?? ''}) invited you to bid for funding and manage grants for ${organisation?.name} on the Office of the Police and Crime Commissioner's commissioning service.`,
        `Use the link below to accept. It works once, for ${LINK_HOURS.invite / 24} days. If you were not expecting this, you can ignore this email.`,
      ],
      link: { href, text: 'Accept the invitation', textLine: `Accept the invitation: ${href}` },
    },
    now,
  );
}

/** An invitation as its page shows it while its link works; undefined once used, withdrawn or expired. */
export async function invitationFor(db: Database, token: string, now: Date) {
  const link = await liveLinkUser(db, sha256(token), now);
  if (link?.purpose !== 'invite' || !link.organisationId) return undefined;
  const membership = await findMembership(db, link.userId, link.organisationId);
  if (!membership) return undefined;
  const organisation = await findOrganisation(db, link.organisationId);
  return {
    email: link.email,
    organisationName: organisation?.name ?? '',
    // Someone new chooses a password as they accept; someone with an account only accepts.
    needsPassword: !link.hasPassword,
  };
}

export type AcceptResult =
  | { ok: true; email: string; organisationName: string }
  | { ok: false; field: 'password' | 'link'; message: string };

/**
 * Accepts an invitation by its link, once. Someone new sets their password with it, which verifies
 * their address; the organisation becomes the one they act for unless they already act for another.
 */
export async function acceptInvitation(
  db: Database,
  token: string,
  password: string | undefined,
  now: Date,
): Promise<AcceptResult> {
  const dead = {
    ok: false,
    field: 'link',
    message: 'This invitation has been used, withdrawn or has expired',
  } as const;
  const whose = await liveLinkUser(db, sha256(token), now);
  const problem = password === undefined ? undefined : passwordProblem(password, whose?.email);
  if (problem) return { ok: false, field: 'password', message: problem };
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  return db.transaction(async (tx) => {
    const link = await useLink(tx, sha256(token), now);
    if (link?.purpose !== 'invite' || !link.organisationId) return dead;
    const user = await findUser(tx, link.userId);
    if (!user || user.anonymisedAt) return dead;
    if (!user.passwordHash && !passwordHash)
      return { ok: false, field: 'password', message: 'Choose a password' };
    const actsForOne = (await organisationsOfMember(tx, user.id)).some((o) => o.id === user.organisationId);
    if (!(await acceptMembership(tx, user.id, link.organisationId, now))) return dead;
    if (passwordHash && !user.passwordHash) await replacePassword(tx, user.id, passwordHash);
    // Someone removed from their last organisation (so deactivated) works again once invited back.
    if (user.deactivatedAt) await reactivateUser(tx, user.id);
    // Someone new acts for the organisation that invited them; someone already acting for one keeps it.
    if (!actsForOne) await setActingFor(tx, user.id, link.organisationId);
    const organisation = await findOrganisation(tx, link.organisationId);
    return { ok: true, email: user.email, organisationName: organisation?.name ?? '' };
  });
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
