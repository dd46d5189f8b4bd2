// The Commissioner's staff, managed by admins in pages: inviting someone with a role (a single-use
// link to set their password), changing a role, and deactivating an account, which ends its sessions
// and API tokens at once in every app process. There is always a working admin.
import type { Database } from '../db/client.ts';
import { announceAccountChange } from '../db/queries/account-changes.ts';
import { deactivateUser } from '../db/queries/memberships.ts';
import { endSessions } from '../db/queries/password-links.ts';
import {
  findUser,
  findUserByEmail,
  insertUser,
  otherActiveAdmins,
  reactivateUser,
  revokeUserTokens,
  setRole,
  staffUsers,
  type UserRow,
} from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, ProblemError } from '../engine/errors.ts';
import { sendLetters } from './notifications.ts';
import type { FieldProblem } from './organisation-people.ts';
import { issuePasswordLink, LINK_HOURS } from './password-links.ts';
import { newPersonProblems, roleNames } from './people.ts';

export const staffRoles = ['officer', 'panel', 'finance', 'approver', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** What each role does, as the admin's pages say it. */
export const staffRoleHints: Record<StaffRole, string> = {
  officer: 'Runs commissioning: programmes, bids, due diligence, offers, monitoring',
  panel: 'Scores the bids of the programmes they sit on',
  finance: 'Approves and records payments and changes bank details',
  approver: 'Signs decisions above a programme’s delegation threshold',
  admin: 'Manages staff accounts, organisations and the email outbox',
};

const isStaffRole = (role: string): role is StaffRole => (staffRoles as readonly string[]).includes(role);

function requireAdmin(actor: Actor): string {
  if (actor.role !== 'admin' || !actor.userId) throw forbidden('Only an admin manages staff accounts.');
  return actor.userId;
}

export type StaffStatus = 'invited' | 'active' | 'deactivated';
const statusOf = (u: UserRow): StaffStatus =>
  u.deactivatedAt ? 'deactivated' : u.passwordHash || u.emailVerifiedAt ? 'active' : 'invited';

export async function staffAccounts(db: Database, actor: Actor) {
  requireAdmin(actor);
  return (await staffUsers(db)).map((u) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    roleName: roleNames[u.role],
    status: statusOf(u),
    isYou: u.id === actor.userId,
  }));
}

/** One member of staff for their page; 404 for a provider's account or none. */
export async function staffAccount(db: Database, actor: Actor, userId: string) {
  requireAdmin(actor);
  const user = await findUser(db, userId);
  if (!user || user.role === 'provider')
    throw new ProblemError(404, 'Not found', 'There is no member of staff with that account.');
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role as StaffRole,
    roleName: roleNames[user.role],
    status: statusOf(user),
    isYou: user.id === actor.userId,
    twoStepSetUp: !!user.totpSecret,
  };
}

/**
 * Invites a member of staff: an account in the admin's own office with the role chosen, and an email
 * whose link sets their password (once, for a day). Field problems come back; nothing is saved then.
 */
export async function inviteStaff(
  db: Database,
  actor: Actor,
  form: { name: string; email: string; role: string },
  now: Date,
  publicUrl: string,
): Promise<FieldProblem[]> {
  requireAdmin(actor);
  const name = form.name.trim();
  const email = form.email.trim();
  const problems = newPersonProblems(name, email);
  if (!isStaffRole(form.role)) problems.push({ field: 'role', message: 'Select their role' });
  if (problems.length || !isStaffRole(form.role) || !actor.organisationId) return problems;
  const role = form.role;
  return db.transaction(async (tx) => {
    if (await findUserByEmail(tx, email))
      return [{ field: 'email', message: 'That address already has an account' }];
    const userId = await insertUser(tx, { email, name, role, organisationId: actor.organisationId! });
    await sendStaffLink(tx, { id: userId, email, name }, role, now, publicUrl);
    return [];
  });
}

async function sendStaffLink(
  tx: Parameters<Parameters<Database['transaction']>[0]>[0],
  person: { id: string; email: string; name: string },
  role: StaffRole,
  now: Date,
  publicUrl: string,
) {
  const href = `${publicUrl}/set-password/${await issuePasswordLink(tx, person.id, 'set', now)}`;
  await sendLetters(
    tx,
    [person],
    {
      message: 'staffInvitation',
      subject: 'You have an account on OPCC Commissioning',
      body: [
        `You have an account on the Office of the Police and Crime Commissioner's commissioning service. Your role is: ${roleNames[role]}.`,
        `Use the link below to choose your password. It works once, for ${LINK_HOURS.set} hours; if it has expired, ask an administrator to send another.`,
      ],
      link: { href, text: 'Choose your password', textLine: `Choose your password: ${href}` },
    },
    now,
  );
}

/** Sends an invited member of staff a new link, the old ones still working until they expire. */
export async function resendStaffLink(
  db: Database,
  actor: Actor,
  userId: string,
  now: Date,
  publicUrl: string,
): Promise<void> {
  const account = await staffAccount(db, actor, userId);
  if (account.status !== 'invited')
    throw new ProblemError(409, 'Already set up', `${account.name} has already chosen a password.`);
  await db.transaction((tx) => sendStaffLink(tx, account, account.role, now, publicUrl));
}

/** Changes a member of staff's role; an admin's own is not theirs to change (another admin does it). */
export async function changeStaffRole(
  db: Database,
  actor: Actor,
  userId: string,
  role: string,
): Promise<FieldProblem[]> {
  const account = await staffAccount(db, actor, userId);
  if (!isStaffRole(role)) return [{ field: 'role', message: 'Select their role' }];
  if (account.isYou && role !== account.role)
    return [{ field: 'role', message: 'You cannot change your own role: ask another admin' }];
  await db.transaction(async (tx) => {
    await setRole(tx, userId, role);
    await announceAccountChange(tx, userId);
  });
  return [];
}

/**
 * Deactivates an account (staff's here; the same for anyone): no sign-in from now, and its sessions
 * and API tokens end at once in every app process. Not one's own, and never the last working admin.
 */
export async function deactivateAccount(db: Database, actor: Actor, userId: string, now: Date) {
  requireAdmin(actor);
  if (userId === actor.userId)
    throw new ProblemError(409, 'Not your own', 'You cannot deactivate your own account: ask another admin.');
  await db.transaction(async (tx) => {
    const user = await findUser(tx, userId);
    if (!user) throw new ProblemError(404, 'Not found', 'There is no such account.');
    if (user.role === 'admin' && (await otherActiveAdmins(tx, userId)) === 0)
      throw new ProblemError(409, 'The last admin', 'The service must keep one working admin.');
    await deactivateUser(tx, userId, now);
    await endSessions(tx, userId);
    await revokeUserTokens(tx, userId);
    await announceAccountChange(tx, userId);
  });
}

/** Lets a deactivated account sign in again (with its password; its old sessions and tokens stay ended). */
export async function reactivateAccount(db: Database, actor: Actor, userId: string) {
  requireAdmin(actor);
  await db.transaction(async (tx) => {
    await reactivateUser(tx, userId);
    await announceAccountChange(tx, userId);
  });
}
