// One's own account: setting a password by a single-use link (the first admin's from the CLI, a
// reset asked for by email), and, signed in, the account page: change password, sign out everywhere.
import { type Request, type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { findOrganisation } from '../../db/queries/organisations.ts';
import { endSessions } from '../../db/queries/password-links.ts';
import type { UserRow } from '../../db/queries/people.ts';
import {
  changePassword,
  MIN_PASSWORD_LENGTH,
  passwordLinkFor,
  requestPasswordReset,
  setPasswordByLink,
} from '../../domain/password-links.ts';
import { legalForms, register, registrationForm } from '../../domain/registration.ts';
import type { Clock } from '../../engine/clock.ts';
import { text } from './form-answers.ts';
import { cookieOptions, requireSignIn, SESSION_COOKIE } from './session.ts';

/** Roles as people say them. */
const roleNames: Record<UserRow['role'], string> = {
  officer: 'Commissioning officer',
  provider: 'Provider',
  panel: 'Panel member',
  finance: 'Finance',
  approver: 'Approver',
  admin: 'Administrator',
};

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
    if (!password) return refuse('password', 'Enter a new password');
    if (text(req.body?.confirm) !== password)
      return refuse('confirm', 'The passwords do not match: type the same password twice');
    const result = await setPasswordByLink(deps.db, token, password, deps.clock.now());
    if (result.ok) return page(res, 200, { title: 'Your password is set', done: true, email: result.email });
    if (result.field === 'link') return page(res, 410, { title: 'This link no longer works', dead: true });
    refuse('password', result.message);
  });

  // Registering an organisation and its first person: the same answer whether or not the address
  // already has an account (that address is told by email).
  const registerPage = (res: Response, status: number, view: Record<string, unknown>) => {
    const values = (view.values ?? {}) as Record<string, string>;
    res.status(status).render('register.njk', {
      title: 'Register your organisation',
      fieldErrors: {},
      legalFormItems: Object.entries(legalForms).map(([value, label]) => ({
        value,
        text: label,
        checked: values.legalForm === value,
      })),
      ...view,
      values,
    });
  };
  router.get('/register', (_req, res) => registerPage(res, 200, {}));
  router.post('/register', async (req: Request, res: Response) => {
    const fields = [
      'name',
      'email',
      'organisationName',
      'legalForm',
      'charityNumber',
      'companyNumber',
      'address',
      'postcode',
      'phone',
    ];
    const values = Object.fromEntries(fields.map((f) => [f, text(req.body?.[f])]));
    const form = registrationForm.safeParse(values);
    if (!form.success) {
      // The first problem of each field, in the form's order.
      const problems = new Map<string, string>();
      for (const issue of form.error.issues) {
        const field = String(issue.path[0]);
        if (!problems.has(field)) problems.set(field, issue.message);
      }
      const ordered = fields.filter((f) => problems.has(f));
      return registerPage(res, 422, {
        values,
        errors: ordered.map((f) => ({
          text: problems.get(f)!,
          href: `#${f === 'legalForm' ? 'legalForm' : f}`,
        })),
        fieldErrors: Object.fromEntries(ordered.map((f) => [f, { text: problems.get(f)! }])),
      });
    }
    try {
      await register(deps.db, form.data, deps.clock.now(), deps.publicUrl);
    } catch (error) {
      // The same address registered twice at once: the other one made the account.
      if (!isUniqueViolation(error)) throw error;
    }
    registerPage(res, 200, { title: 'Check your email', sent: true, email: form.data.email });
  });

  // Forgotten passwords: the same answer whether or not the address has an account.
  router.get('/forgot-password', (_req, res) => {
    res.render('forgot-password.njk', { title: 'Reset your password', fieldErrors: {}, email: '' });
  });
  router.post('/forgot-password', async (req: Request, res: Response) => {
    const email = text(req.body?.email).trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320) {
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
    const user = res.locals.user as UserRow;
    const organisation = await findOrganisation(deps.db, user.organisationId);
    res.status(status).render('account.njk', {
      title: 'Your account',
      roleName: roleNames[user.role],
      organisationName: organisation?.name ?? '',
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
    if (!password) return refuse('password', 'Enter a new password');
    if (text(req.body?.confirm) !== password)
      return refuse('confirm', 'The passwords do not match: type the same password twice');
    const problem = await changePassword(
      deps.db,
      res.locals.user as UserRow,
      { current, password },
      res.locals.sessionToken as string,
    );
    if (problem) return refuse(problem.field, problem.message);
    res.redirect(303, '/account?saved=password');
  });
  router.post('/account/sign-out-everywhere', requireSignIn, async (req, res) => {
    await endSessions(deps.db, (res.locals.user as UserRow).id);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.redirect(303, '/sign-in');
  });
  return router;
}
