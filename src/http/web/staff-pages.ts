// The Commissioner's staff, for admins: who has an account and with what role, inviting someone,
// changing a role, deactivating and reactivating an account. The rules are src/domain/staff.ts.
import { type Request, type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { roleNames } from '../../domain/people.ts';
import { resetSecondFactor } from '../../domain/second-factor.ts';
import {
  changeStaffRole,
  deactivateAccount,
  inviteStaff,
  reactivateAccount,
  resendStaffLink,
  staffAccount,
  staffAccounts,
  staffRoleHints,
  staffRoles,
} from '../../domain/staff.ts';
import type { Clock } from '../../engine/clock.ts';
import { ProblemError } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import { text } from './form-answers.ts';
import { formErrors } from './form-problems.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const PEOPLE = '/admin/people';
const adminOnly = [requireSignIn, onlyFor('admin', 'admins')];
const statusNames = { invited: 'Invited', active: 'Active', deactivated: 'Deactivated' } as const;

const roleItems = (chosen: string | undefined) =>
  staffRoles.map((role) => ({
    value: role,
    text: roleNames[role],
    hint: { text: staffRoleHints[role] },
    checked: role === chosen,
  }));

const accountId = (req: Request) => {
  const id = String(req.params.userId);
  if (!isUuid(id)) throw new ProblemError(404, 'Not found', 'There is no member of staff with that account.');
  return id;
};

export function staffPagesRouter(deps: { db: Database; clock: Clock; publicUrl: string }): Router {
  const router = Router();

  router.get(PEOPLE, ...adminOnly, async (req, res) => {
    const saved = {
      invited: 'Invitation sent.',
      changed: 'Role changed.',
      deactivated: 'Account deactivated: its sessions and API tokens have ended.',
      reactivated: 'Account reactivated.',
      resent: 'A new link has been sent.',
      reset: 'Two-step verification reset: they set up their app again when they next sign in.',
    }[String(req.query.saved)];
    const people = await staffAccounts(deps.db, webActor(res));
    res.render('admin/people.njk', {
      title: 'Staff',
      people: people.map((p) => ({ ...p, statusName: statusNames[p.status] })),
      saved,
    });
  });

  const invitePage = (res: Response, status: number, view: Record<string, unknown> = {}) =>
    res.status(status).render('admin/invite.njk', {
      title: 'Invite a member of staff',
      values: {},
      fieldErrors: {},
      roleItems: roleItems(undefined),
      ...view,
    });
  router.get(`${PEOPLE}/invite`, ...adminOnly, (_req, res) => invitePage(res, 200));
  router.post(`${PEOPLE}/invite`, ...adminOnly, async (req, res) => {
    const values = { name: text(req.body?.name), email: text(req.body?.email), role: text(req.body?.role) };
    const problems = await inviteStaff(deps.db, webActor(res), values, deps.clock.now(), deps.publicUrl);
    if (problems.length)
      return invitePage(res, 422, { values, roleItems: roleItems(values.role), ...formErrors(problems) });
    res.redirect(303, `${PEOPLE}?saved=invited`);
  });

  const personPage = async (
    req: Request,
    res: Response,
    status: number,
    view: Record<string, unknown> = {},
  ) => {
    const person = await staffAccount(deps.db, webActor(res), accountId(req));
    res.status(status).render('admin/person.njk', {
      title: person.name,
      person: { ...person, statusName: statusNames[person.status] },
      roleItems: roleItems(person.role),
      fieldErrors: {},
      ...view,
    });
  };
  router.get(`${PEOPLE}/:userId`, ...adminOnly, (req, res) => personPage(req, res, 200));
  router.post(`${PEOPLE}/:userId`, ...adminOnly, async (req, res) => {
    const role = text(req.body?.role);
    const problems = await changeStaffRole(deps.db, webActor(res), accountId(req), role);
    if (problems.length)
      return personPage(req, res, 422, { roleItems: roleItems(role), ...formErrors(problems) });
    res.redirect(303, `${PEOPLE}?saved=changed`);
  });
  router.post(`${PEOPLE}/:userId/resend`, ...adminOnly, async (req, res) => {
    await resendStaffLink(deps.db, webActor(res), accountId(req), deps.clock.now(), deps.publicUrl);
    res.redirect(303, `${PEOPLE}?saved=resent`);
  });

  router.post(`${PEOPLE}/:userId/reset-two-step`, ...adminOnly, async (req, res) => {
    const id = accountId(req);
    await staffAccount(deps.db, webActor(res), id);
    await resetSecondFactor(deps.db, webActor(res), id);
    res.redirect(303, `${PEOPLE}?saved=reset`);
  });

  router.get(`${PEOPLE}/:userId/deactivate`, ...adminOnly, async (req, res) => {
    const person = await staffAccount(deps.db, webActor(res), accountId(req));
    res.render('admin/deactivate.njk', { title: `Deactivate ${person.name}`, person });
  });
  router.post(`${PEOPLE}/:userId/deactivate`, ...adminOnly, async (req, res) => {
    const id = accountId(req);
    await staffAccount(deps.db, webActor(res), id);
    await deactivateAccount(deps.db, webActor(res), id, deps.clock.now());
    res.redirect(303, `${PEOPLE}?saved=deactivated`);
  });
  router.post(`${PEOPLE}/:userId/reactivate`, ...adminOnly, async (req, res) => {
    const id = accountId(req);
    await staffAccount(deps.db, webActor(res), id);
    await reactivateAccount(deps.db, webActor(res), id);
    res.redirect(303, `${PEOPLE}?saved=reactivated`);
  });
  return router;
}
