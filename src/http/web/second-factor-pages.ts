// The second step of signing in for finance, approver and admin accounts: the code from an
// authenticator app (set up the first time, with recovery codes shown once), or a recovery code.
import { type Request, type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { completeSignIn, pendingSignIn } from '../../domain/second-factor.ts';
import type { Clock } from '../../engine/clock.ts';
import { text } from './form-answers.ts';
import { formErrors } from './form-problems.ts';
import { cookieOptions, readCookie, SESSION_COOKIE } from './session.ts';

/** The cookie of a sign-in whose password was right and whose code is still to come. */
export const PENDING_COOKIE = 'opcc_pending_sign_in';

export function secondFactorPagesRouter(deps: { db: Database; clock: Clock; sessionHours: number }): Router {
  const router = Router();
  const again = (req: Request, res: Response) => {
    res.clearCookie(PENDING_COOKIE, cookieOptions(req));
    res.status(410).render('error.njk', {
      title: 'Sign in again',
      message:
        'Signing in took too long, or the code was wrong too many times. Sign in again with your password.',
      link: { href: '/sign-in', text: 'Sign in' },
    });
  };
  const codePage = async (
    req: Request,
    res: Response,
    status: number,
    view: Record<string, unknown> = {},
  ) => {
    const pending = await pendingSignIn(deps.db, readCookie(req, PENDING_COOKIE) ?? '', deps.clock.now());
    if (!pending) return again(req, res);
    res.set('Cache-Control', 'no-store');
    res.status(status).render('sign-in-code.njk', {
      title: pending.setUp ? 'Set up two-step verification' : 'Enter your code',
      ...pending,
      fieldErrors: {},
      ...view,
    });
  };
  router.get('/sign-in/code', (req, res) => {
    // Back or reload after signing in: they are in, so on to their work.
    if (res.locals.user) return res.redirect(303, '/');
    return codePage(req, res, 200);
  });
  router.post('/sign-in/code', async (req, res) => {
    const typed = text(req.body?.code).trim();
    if (!typed) return codePage(req, res, 422, formErrors([{ field: 'code', message: 'Enter the code' }]));
    const token = readCookie(req, PENDING_COOKIE) ?? '';
    const result = await completeSignIn(deps.db, token, typed, deps.clock.now(), deps.sessionHours);
    if (!result.ok && result.reason === 'expired') return again(req, res);
    if (!result.ok)
      return codePage(
        req,
        res,
        422,
        formErrors([
          {
            field: 'code',
            message: `${result.reason === 'used' ? 'That code has already been used to sign in. Wait for your app to show a new one, then enter it' : 'That code is not right. Check the code your app shows now and try again'} (${result.triesLeft} ${result.triesLeft === 1 ? 'try' : 'tries'} left)`,
          },
        ]),
      );
    res.clearCookie(PENDING_COOKIE, cookieOptions(req));
    res.cookie(SESSION_COOKIE, result.sessionToken, cookieOptions(req, deps.sessionHours * 3_600_000));
    if (result.recoveryCodes || result.codesLeft !== null) {
      res.set('Cache-Control', 'no-store');
      return res.render('recovery-codes.njk', {
        title: result.recoveryCodes ? 'Save your recovery codes' : 'You used a recovery code',
        codes: result.recoveryCodes,
        codesLeft: result.codesLeft,
        next: result.next,
      });
    }
    res.redirect(303, result.next);
  });
  return router;
}
