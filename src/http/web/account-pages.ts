// One's own account: setting a password by a single-use link (the first admin's from the CLI, a new
// organisation's first person, a reset asked for by email), and, signed in, the account page: change
// password, sign out everywhere. Registering is register-pages.ts.
import { type Request, type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import type { UserRow } from '../../db/queries/people.ts';
import { confirmEmailChange, emailChangeFor, requestEmailChange } from '../../domain/email-change.ts';
import {
  changePassword,
  LINK_HOURS,
  MIN_PASSWORD_LENGTH,
  passwordLinkFor,
  requestPasswordReset,
  setPasswordByLink,
} from '../../domain/password-links.ts';
import { accountOf, EMAIL_ADDRESS } from '../../domain/people.ts';
import { renewRecoveryCodes, secondFactorOf } from '../../domain/second-factor.ts';
import { signOutEverywhere } from '../../domain/sessions.ts';
import type { Clock } from '../../engine/clock.ts';
import { text } from './form-answers.ts';
import { formErrors } from './form-problems.ts';
import { newPasswordTyped } from './password-form.ts';
import { cookieOptions, requireSignIn, SESSION_COOKIE } from './session.ts';

export function accountPagesRouter(deps: { db: Database; clock: Clock; publicUrl: string }): Router {
  const router = Router();
  // The link is the secret: such pages are never stored or sent on to another site.
  const page = (res: Response, status: number, view: Record<string, unknown>) => {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    res.status(status).render('set-password.njk', {
      title: 'Set your password',
      minLength: MIN_PASSWORD_LENGTH,
      fieldErrors: {},
      ...view,
    });
  };

  router.get('/set-password/:token', async (req: Request, res: Response) => {
    const token = String(req.params.token);
    const link = await passwordLinkFor(deps.db, token, deps.clock.now());
    if (!link) return page(res, 410, { title: 'This link no longer works', dead: true });
    // An invitation's link has a page of its own, which says what joining means.
    if (link.purpose === 'invite') return res.redirect(303, `/invitation/${token}`);
    if (link.purpose === 'email') return res.redirect(303, `/confirm-email/${token}`);
    page(res, 200, { token, email: link.email });
  });

  router.post('/set-password/:token', async (req: Request, res: Response) => {
    const token = String(req.params.token);
    const link = await passwordLinkFor(deps.db, token, deps.clock.now());
    if (!link) return page(res, 410, { title: 'This link no longer works', dead: true });
    const password = text(req.body?.password);
    const refuse = (field: 'password' | 'confirm', message: string) =>
      page(res, 422, {
        token,
        email: link.email,
        errors: [{ text: message, href: `#${field}` }],
        fieldErrors: { [field]: { text: message } },
      });
    const typed = newPasswordTyped(req.body);
    if (typed) return refuse(typed.field, typed.message);
    const result = await setPasswordByLink(deps.db, token, password, deps.clock.now());
    if (result.ok) return page(res, 200, { title: 'Your password is set', done: true, email: result.email });
    if (result.field === 'link') return page(res, 410, { title: 'This link no longer works', dead: true });
    refuse('password', result.message);
  });

  // Forgotten passwords: the same answer whether or not the address has an account.
  router.get('/forgot-password', (_req, res) => {
    res.render('forgot-password.njk', { title: 'Reset your password', fieldErrors: {}, email: '' });
  });
  router.post('/forgot-password', async (req: Request, res: Response) => {
    const email = text(req.body?.email).trim();
    if (!EMAIL_ADDRESS.test(email) || email.length > 320) {
      const message = email
        ? 'Enter an email address in the right format, like name@example.org'
        : 'Enter your email address';
      return res.status(422).render('forgot-password.njk', {
        title: 'Reset your password',
        email,
        errors: [{ text: message, href: '#email' }],
        fieldErrors: { email: { text: message } },
      });
    }
    await requestPasswordReset(deps.db, email, deps.clock.now(), deps.publicUrl);
    res.render('forgot-password.njk', { title: 'Check your email', sent: true, email });
  });

  const accountPage = async (res: Response, status: number, view: Record<string, unknown> = {}) => {
    res.status(status).render('account.njk', {
      title: 'Your account',
      ...(await accountOf(deps.db, res.locals.user as UserRow)),
      secondFactor: await secondFactorOf(deps.db, res.locals.user as UserRow),
      minLength: MIN_PASSWORD_LENGTH,
      fieldErrors: {},
      ...view,
    });
  };
  router.get('/account', requireSignIn, async (req, res) => {
    await accountPage(
      res,
      200,
      req.query.saved === 'password' ? { saved: 'Your password has been changed.' } : {},
    );
  });
  router.post('/account/password', requireSignIn, async (req, res) => {
    const refuse = (field: string, message: string) =>
      accountPage(res, 422, {
        errors: [{ text: message, href: `#${field}` }],
        fieldErrors: { [field]: { text: message } },
      });
    const [current, password] = [text(req.body?.current), text(req.body?.password)];
    if (!current) return refuse('current', 'Enter your current password');
    const typed = newPasswordTyped(req.body);
    if (typed) return refuse(typed.field, typed.message);
    const problem = await changePassword(
      deps.db,
      res.locals.user as UserRow,
      { current, password },
      res.locals.sessionToken as string,
    );
    if (problem) return refuse(problem.field, problem.message);
    res.redirect(303, '/account?saved=password');
  });
  router.post('/account/email', requireSignIn, async (req, res) => {
    const newEmail = text(req.body?.newEmail);
    const problems = await requestEmailChange(
      deps.db,
      res.locals.user as UserRow,
      { email: newEmail, password: text(req.body?.emailPassword) },
      deps.clock.now(),
      deps.publicUrl,
    );
    if (problems.length) return accountPage(res, 422, { newEmail, ...formErrors(problems) });
    await accountPage(res, 200, {
      saved: `We have sent a link to ${newEmail.trim()}. Your email address changes when you use it, within ${LINK_HOURS.email} hours.`,
    });
  });

  // Confirming a new address: a page with a button, so a mail scanner opening the link changes nothing.
  const confirmPage = (res: Response, status: number, view: Record<string, unknown>) => {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    res.status(status).render('confirm-email.njk', view);
  };
  const deadLink = { title: 'This link no longer works', dead: true };
  router.get('/confirm-email/:token', async (req, res) => {
    const token = String(req.params.token);
    const change = await emailChangeFor(deps.db, token, deps.clock.now());
    if (!change) return confirmPage(res, 410, deadLink);
    confirmPage(res, 200, { title: 'Confirm your new email address', token, ...change });
  });
  router.post('/confirm-email/:token', async (req, res) => {
    const result = await confirmEmailChange(deps.db, String(req.params.token), deps.clock.now());
    if (!result.ok && result.reason === 'dead') return confirmPage(res, 410, deadLink);
    if (!result.ok)
      return confirmPage(res, 409, {
        title: 'That address now has an account',
        taken: true,
      });
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    confirmPage(res, 200, { title: 'Your email address has changed', done: true, email: result.email });
  });

  router.post('/account/recovery-codes', requireSignIn, async (_req, res) => {
    const codes = await renewRecoveryCodes(deps.db, res.locals.user as UserRow, deps.clock.now());
    res.set('Cache-Control', 'no-store');
    res.render('recovery-codes.njk', { title: 'Save your recovery codes', codes, next: '/account' });
  });
  router.post('/account/sign-out-everywhere', requireSignIn, async (req, res) => {
    await signOutEverywhere(deps.db, (res.locals.user as UserRow).id);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.redirect(303, '/sign-in');
  });
  return router;
}
