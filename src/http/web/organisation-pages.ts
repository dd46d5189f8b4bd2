// A provider organisation's people, as its own see and manage them: the list, inviting a colleague,
// what each may do, removing one; accepting an invitation by its link; and, for someone who acts for
// several organisations, choosing which.
import { type Request, type Response, Router } from 'express';
import { organisationPermissions } from '../../../machines/define.ts';
import type { Database } from '../../db/client.ts';
import { acceptInvitation, invitationFor, inviteColleague } from '../../domain/organisation-invitations.ts';
import {
  actFor,
  changePermissions,
  colleague,
  managedOrganisationName,
  organisationPeople,
  organisationsOf,
  permissionNames,
  removeColleague,
} from '../../domain/organisation-people.ts';
import { MIN_PASSWORD_LENGTH } from '../../domain/password-links.ts';
import type { Clock } from '../../engine/clock.ts';
import { ProblemError } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import { text } from './form-answers.ts';
import { formErrors } from './form-problems.ts';
import { newPasswordTyped } from './password-form.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const providersOnly = onlyFor('provider', 'people who bid for and manage grants for an organisation');

/** The checkboxes of what a member may do, those given ticked. */
const permissionItems = (given: readonly string[]) =>
  organisationPermissions.map((p) => ({
    value: p,
    text: permissionNames[p],
    checked: given.includes(p),
  }));

/** The ticked boxes as sent: nothing, one value, or several. */
const ticked = (raw: unknown): string[] =>
  (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);

const personId = (req: Request) => {
  const id = String(req.params.userId);
  if (!isUuid(id))
    throw new ProblemError(404, 'Not found', 'That person is not one of your organisation’s people.');
  return id;
};

export function organisationPagesRouter(deps: { db: Database; clock: Clock; publicUrl: string }): Router {
  const router = Router();
  const signedIn = [requireSignIn, providersOnly];

  router.get('/organisation', ...signedIn, async (req, res) => {
    const saved = { invited: 'Invitation sent.', changed: 'Saved.', removed: 'Removed.' }[
      String(req.query.saved)
    ];
    res.render('organisation/people.njk', {
      title: 'Your organisation’s people',
      ...(await organisationPeople(deps.db, webActor(res))),
      saved,
    });
  });

  const invitePage = async (res: Response, status: number, view: Record<string, unknown>) => {
    const organisationName = await managedOrganisationName(deps.db, webActor(res));
    res.status(status).render('organisation/invite.njk', {
      title: 'Invite a colleague',
      organisationName,
      values: {},
      fieldErrors: {},
      ...view,
    });
  };
  router.get('/organisation/invite', ...signedIn, async (_req, res) => {
    // Most colleagues prepare and send the work; binding the organisation and its money are chosen.
    await invitePage(res, 200, {
      permissionItems: permissionItems(['submitBids', 'fileReturns', 'receiveEmail']),
    });
  });
  router.post('/organisation/invite', ...signedIn, async (req, res) => {
    const values = { name: text(req.body?.name), email: text(req.body?.email) };
    const problems = await inviteColleague(
      deps.db,
      webActor(res),
      { ...values, permissions: req.body?.permissions },
      deps.clock.now(),
      deps.publicUrl,
    );
    if (problems.length)
      return invitePage(res, 422, {
        values,
        permissionItems: permissionItems(ticked(req.body?.permissions)),
        ...formErrors(problems),
      });
    res.redirect(303, '/organisation?saved=invited');
  });

  const colleaguePage = async (
    req: Request,
    res: Response,
    status: number,
    view: Record<string, unknown> = {},
  ) => {
    const person = await colleague(deps.db, webActor(res), personId(req));
    const { organisationName } = person;
    res.status(status).render('organisation/colleague.njk', {
      title: person.name,
      organisationName,
      person,
      permissionItems: permissionItems(person.permissions),
      fieldErrors: {},
      ...view,
    });
  };
  router.get('/organisation/people/:userId', ...signedIn, (req, res) => colleaguePage(req, res, 200));
  router.post('/organisation/people/:userId', ...signedIn, async (req, res) => {
    const problems = await changePermissions(deps.db, webActor(res), personId(req), req.body?.permissions);
    if (problems.length)
      return colleaguePage(req, res, 422, {
        permissionItems: permissionItems(ticked(req.body?.permissions)),
        ...formErrors(problems),
      });
    res.redirect(303, '/organisation?saved=changed');
  });

  const removePage = async (
    req: Request,
    res: Response,
    status: number,
    view: Record<string, unknown> = {},
  ) => {
    const person = await colleague(deps.db, webActor(res), personId(req));
    const { organisationName } = person;
    res.status(status).render('organisation/remove.njk', {
      title: person.invited ? 'Withdraw the invitation' : `Remove ${person.name}`,
      organisationName,
      person,
      question: person.invited
        ? `Withdraw the invitation to ${person.name}?`
        : person.isYou
          ? `Remove yourself from ${organisationName}?`
          : `Remove ${person.name} from ${organisationName}?`,
      warning: person.invited
        ? 'Their link will stop working. You can invite them again later.'
        : person.isYou
          ? `You will no longer be able to act for ${organisationName}. Someone who manages its people can invite you again.`
          : `They will no longer be able to act for ${organisationName}, and are signed out if it was the organisation they were acting for. You can invite them again later.`,
      button: person.invited ? 'Withdraw the invitation' : person.isYou ? 'Leave' : 'Remove',
      ...view,
    });
  };
  router.get('/organisation/people/:userId/remove', ...signedIn, (req, res) => removePage(req, res, 200));
  router.post('/organisation/people/:userId/remove', ...signedIn, async (req, res) => {
    const actor = webActor(res);
    const problems = await removeColleague(deps.db, actor, personId(req), deps.clock.now());
    if (problems.length) return removePage(req, res, 422, formErrors(problems));
    // Someone who removed themselves no longer sees this organisation's people.
    res.redirect(303, personId(req) === actor.userId ? '/' : '/organisation?saved=removed');
  });

  // Accepting an invitation: the link is the secret, so the page is never stored or sent on.
  const invitationPage = async (res: Response, status: number, view: Record<string, unknown>) => {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    res.status(status).render('organisation/invitation.njk', {
      title: 'Join an organisation',
      minLength: MIN_PASSWORD_LENGTH,
      fieldErrors: {},
      ...view,
    });
  };
  const deadInvitation = { title: 'This invitation no longer works', dead: true };
  router.get('/invitation/:token', async (req, res) => {
    const token = String(req.params.token);
    const invitation = await invitationFor(deps.db, token, deps.clock.now());
    if (!invitation) return invitationPage(res, 410, deadInvitation);
    invitationPage(res, 200, { token, ...invitation, title: `Join ${invitation.organisationName}` });
  });
  router.post('/invitation/:token', async (req, res) => {
    const token = String(req.params.token);
    const invitation = await invitationFor(deps.db, token, deps.clock.now());
    if (!invitation) return invitationPage(res, 410, deadInvitation);
    const refuse = (field: string, message: string) =>
      invitationPage(res, 422, {
        token,
        ...invitation,
        title: `Join ${invitation.organisationName}`,
        ...formErrors([{ field, message }]),
      });
    if (invitation.needsPassword) {
      const typed = newPasswordTyped(req.body);
      if (typed) return refuse(typed.field, typed.message);
    }
    const password = invitation.needsPassword ? text(req.body?.password) : undefined;
    const result = await acceptInvitation(deps.db, token, password, deps.clock.now());
    if (result.ok)
      return invitationPage(res, 200, {
        title: `You have joined ${result.organisationName}`,
        done: true,
        email: result.email,
        organisationName: result.organisationName,
        signedIn: !!res.locals.user,
      });
    if (result.field === 'link') return invitationPage(res, 410, deadInvitation);
    refuse('password', result.message);
  });

  // Choosing which organisation to act for, for someone who belongs to several.
  const choosePage = async (res: Response, status: number, view: Record<string, unknown> = {}) => {
    const user = res.locals.user as { id: string; organisationId: string };
    const theirs = await organisationsOf(deps.db, user);
    res.status(status).render('organisation/choose.njk', {
      title: 'Which organisation are you acting for?',
      items: theirs.map((o) => ({ value: o.id, text: o.name, checked: o.current })),
      fieldErrors: {},
      ...view,
    });
  };
  router.get('/account/organisation', ...signedIn, (_req, res) => choosePage(res, 200));
  router.post('/account/organisation', ...signedIn, async (req, res) => {
    const chosen = text(req.body?.organisationId);
    const user = res.locals.user as { id: string };
    if (!isUuid(chosen) || !(await actFor(deps.db, user.id, chosen)))
      return choosePage(
        res,
        422,
        formErrors([{ field: 'organisationId', message: 'Choose one of your organisations' }]),
      );
    res.redirect(303, '/');
  });
  return router;
}
