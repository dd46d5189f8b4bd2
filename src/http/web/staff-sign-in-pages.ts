// "Staff: sign in with your Office account": off to the identity provider and back (OpenID Connect,
// src/domain/staff-identity.ts). What the round trip needs waits in a short-lived cookie.
import { type Request, type Response, Router } from 'express';
import type { Db } from '../../db/client.ts';
import { type IdentityAttempt, type StaffIdentity, signInWithIdentity } from '../../domain/staff-identity.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Logger } from '../../logger.ts';
import { cookieOptions, readCookie, SESSION_COOKIE, safeNext } from './session.ts';

const ATTEMPT_COOKIE = 'opcc_staff_sign_in';

const attemptOf = (req: Request): IdentityAttempt | undefined => {
  try {
    const parsed = JSON.parse(Buffer.from(readCookie(req, ATTEMPT_COOKIE) ?? '', 'base64url').toString());
    return typeof parsed?.state === 'string' && typeof parsed?.verifier === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
};

export function staffSignInPagesRouter(deps: {
  db: Db;
  clock: Clock;
  sessionHours: number;
  identity: StaffIdentity;
  logger: Logger;
}): Router {
  const router = Router();
  const failed = (res: Response, message: string) =>
    res.status(400).render('error.njk', {
      title: 'Signing in with your Office account did not work',
      message,
      link: { href: '/sign-in', text: 'Go back to sign in' },
    });

  router.get('/sign-in/staff', async (req, res) => {
    let started: Awaited<ReturnType<StaffIdentity['start']>>;
    try {
      started = await deps.identity.start(safeNext(req.query.next));
    } catch (error) {
      deps.logger.error({ err: error }, 'the identity provider could not be reached');
      return res.status(503).render('error.njk', {
        title: 'Signing in with your Office account is not working',
        message: 'The Office’s sign-in service is not answering. Try again in a few minutes.',
        link: { href: '/sign-in', text: 'Go back to sign in' },
      });
    }
    res.cookie(
      ATTEMPT_COOKIE,
      Buffer.from(JSON.stringify(started.attempt)).toString('base64url'),
      cookieOptions(req, 10 * 60_000),
    );
    res.redirect(303, started.url.href);
  });

  router.get('/sign-in/staff/callback', async (req, res) => {
    const attempt = attemptOf(req);
    res.clearCookie(ATTEMPT_COOKIE, cookieOptions(req));
    if (!attempt) return failed(res, 'It took too long, or was started in another browser. Try again.');
    if (typeof req.query.error === 'string')
      return failed(res, 'The Office’s sign-in service did not sign you in. Try again, or ask IT.');
    let person: Awaited<ReturnType<StaffIdentity['finish']>>;
    try {
      person = await deps.identity.finish(new URL(req.originalUrl, 'http://x').search, attempt);
    } catch (error) {
      deps.logger.warn({ err: error }, 'a staff sign-in through the identity provider failed');
      return failed(res, 'The answer from the Office’s sign-in service could not be checked. Try again.');
    }
    const result = await signInWithIdentity(deps.db, person, deps.clock.now(), deps.sessionHours);
    if (!result.ok)
      return res.status(403).render('error.njk', {
        title: 'You do not have an account here',
        message: `There is no working staff account for ${person.email ?? 'the account you signed in with'}. Ask an administrator to invite you.`,
        link: { href: '/sign-in', text: 'Go back to sign in' },
      });
    res.cookie(SESSION_COOKIE, result.token, cookieOptions(req, deps.sessionHours * 3_600_000));
    res.redirect(303, attempt.next);
  });
  return router;
}
