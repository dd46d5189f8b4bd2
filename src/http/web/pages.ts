// Signing in and out, and the home page: the work waiting for the person signed in.
import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../../../machines/define.ts';
import type { Db } from '../../db/client.ts';
import { type SignInLimits, signIn, signOut } from '../../domain/sessions.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { PENDING_COOKIE } from './second-factor-pages.ts';
import {
  cookieOptions,
  readCookie,
  requireSignIn,
  SESSION_COOKIE,
  safeNext,
  same,
  webActor,
} from './session.ts';
import { dueWork } from './work-due.ts';

const SIGN_IN_COOKIE = 'opcc_sign_in';

const signInForm = z.object({
  email: z
    .string()
    .trim()
    .min(1, { error: 'Enter your email address' })
    .max(320, { error: 'Enter a correct email address and password' }),
  password: z
    .string()
    .min(1, { error: 'Enter your password' })
    .max(1000, { error: 'Enter a correct email address and password' }),
  next: z.string().max(2000).optional(),
});

export function pagesRouter(deps: {
  db: Db;
  engine: Engine;
  clock: Clock;
  sessionHours: number;
  signInLimits: SignInLimits;
  /** The roles that give a code after their password (SECOND_FACTOR_ROLES in the service). */
  secondFactorRoles: readonly Role[];
  /** Staff may sign in through the Office's identity provider (OIDC is set up). */
  staffIdentity: boolean;
  /** Staff may also sign in with a password (false only with the identity provider). */
  staffPasswords: boolean;
}): Router {
  const router = Router();

  router.get('/sign-in', (req, res) => {
    if (res.locals.actor) return res.redirect(303, safeNext(req.query.next));
    // There is no session yet, so the form's CSRF token is a cookie it must match (double submit);
    // a form posted from another site cannot send the SameSite=Lax cookie.
    const signInToken = randomBytes(24).toString('base64url');
    res.cookie(SIGN_IN_COOKIE, signInToken, cookieOptions(req, 3_600_000));
    res.render('sign-in.njk', {
      title: 'Sign in',
      staffIdentity: deps.staffIdentity,
      next: safeNext(req.query.next),
      fieldErrors: {},
      signInToken,
    });
  });

  router.post('/sign-in', async (req: Request, res: Response) => {
    const signInToken = readCookie(req, SIGN_IN_COOKIE) ?? '';
    if (!signInToken || !same(signInToken, typeof req.body?._signin === 'string' ? req.body._signin : '')) {
      return res.status(403).render('error.njk', {
        title: 'This form has expired',
        message: 'Go back to the sign-in page, reload it and try again.',
      });
    }
    const form = signInForm.safeParse(req.body ?? {});
    const again = (status: number, errors: { href: string; text: string }[], email = '') =>
      res.status(status).render('sign-in.njk', {
        title: 'Sign in',
        staffIdentity: deps.staffIdentity,
        next: safeNext(req.body?.next),
        signInToken,
        email,
        errors,
        fieldErrors: Object.fromEntries(errors.map((e) => [e.href.slice(1), { text: e.text }])),
      });
    if (!form.success) {
      return again(
        400,
        form.error.issues.map((i) => ({ href: `#${String(i.path[0])}`, text: i.message })),
        typeof req.body?.email === 'string' ? req.body.email : '',
      );
    }
    // The source address is the socket's, or behind a trusted proxy (TRUST_PROXY) X-Forwarded-For's.
    const attempt = { ...form.data, source: req.ip };
    const result = await signIn(deps.db, attempt, deps.clock.now(), deps.sessionHours, deps.signInLimits, {
      roles: deps.secondFactorRoles,
      next: safeNext(form.data.next),
      staffPasswords: deps.staffPasswords,
    });
    if (!result.ok) {
      // Slowed answers make guessing expensive; the words never say whether the account exists.
      await new Promise((resolve) => setTimeout(resolve, result.slowDownMs));
      const text = {
        locked: 'Too many failed attempts. Wait 15 minutes and try again.',
        wrong: 'Enter a correct email address and password',
        // Said only once the password was right, so it tells a stranger nothing.
        deactivated:
          'Your account is no longer active. Ask whoever manages your organisation’s people, or the Office of the Police and Crime Commissioner, to let you back in',
        useIdentityProvider:
          'Staff sign in with their Office account: use “Sign in with your Office account” below',
      }[result.reason];
      const status = { locked: 429, wrong: 401, useIdentityProvider: 403, deactivated: 403 }[result.reason];
      return again(status, [{ href: '#email', text }], form.data.email);
    }
    res.clearCookie(SIGN_IN_COOKIE, cookieOptions(req));
    if (result.secondFactor) {
      // Not signed in yet: a code from their app comes next (set up first, the first time).
      res.cookie(PENDING_COOKIE, result.token, cookieOptions(req, 10 * 60_000));
      return res.redirect(303, '/sign-in/code');
    }
    res.cookie(SESSION_COOKIE, result.token, cookieOptions(req, deps.sessionHours * 3_600_000));
    res.redirect(303, safeNext(form.data.next));
  });

  router.post('/sign-out', async (req, res) => {
    if (res.locals.sessionToken) await signOut(deps.db, res.locals.sessionToken as string);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.redirect(303, '/sign-in');
  });

  router.get('/', requireSignIn, async (_req, res) => {
    const work = await deps.engine.waiting(webActor(res));
    // What falls due leads the page, soonest first; overdue work first of all.
    const due = await dueWork(deps.db, deps.engine.registry, work.items, deps.clock.now());
    res.render('home.njk', { title: 'Work waiting for you', ...work, due });
  });

  return router;
}
