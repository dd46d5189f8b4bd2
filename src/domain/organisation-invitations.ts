// Invitations to act for a provider organisation: whoever manages its people invites someone by
// email, and the single-use link (a week) lets them accept: someone new chooses a password there,
// someone with an account just accepts. Accepting brings back someone removed from their last one.
import type { Database, Tx } from '../db/client.ts';
import {
  acceptMembership,
  findMembership,
  insertMembership,
  organisationsOfMember,
  setActingFor,
} from '../db/queries/memberships.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import {
  cancelInvitationLinks,
  liveLinkUser,
  replacePassword,
  useLink,
} from '../db/queries/password-links.ts';
import { findUser, findUserByEmail, insertUser, reactivateUser } from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import { sendLetters } from './notifications.ts';
import { type FieldProblem, isPermissionList, managedBy, permissionsFrom } from './organisation-people.ts';
import { issuePasswordLink, LINK_HOURS, passwordProblem } from './password-links.ts';
import { newPersonProblems } from './people.ts';
import { hashPassword, sha256 } from './sessions.ts';

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
