// The signed-in person for pages: a session cookie, a CSRF token checked on every POST.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../../db/client.ts';
import { actorOf as actorOfUser, roleNames } from '../../domain/people.ts';
import { sessionUser } from '../../domain/sessions.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Clock } from '../../engine/clock.ts';
import { ProblemError } from '../../engine/errors.ts';

export const SESSION_COOKIE = 'opcc_session';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // a mangled cookie is no cookie
    }
  }
  return undefined;
}

export function cookieOptions(req: Request, maxAgeMs?: number) {
  // Secure when the request came over TLS (directly, or through a trusted proxy).
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: req.secure,
    path: '/',
    ...(maxAgeMs ? { maxAge: maxAgeMs } : {}),
  };
}

/** Loads the session, if any, into res.locals: user, actor, csrfToken. */
export function loadSession(db: Db, clock: Clock) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = readCookie(req, SESSION_COOKIE);
    const found = token ? await sessionUser(db, token, clock.now()) : undefined;
    if (found) {
      // Pages for a signed-in person are never stored by browsers or proxies.
      res.set('Cache-Control', 'no-store');
      res.locals.user = found.user;
      res.locals.actor = actorOfUser(found.user);
      res.locals.roleName = roleNames[found.user.role];
      res.locals.csrfToken = found.csrfToken;
      res.locals.sessionToken = token;
    }
    next();
  };
}

/** Only paths on this site: never send someone elsewhere after signing in. */
export const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/(?!\/)[^\\]*$/.test(next) ? next : '/';

export function webActor(res: Response): Actor {
  return res.locals.actor as Actor;
}

/** Pages behind sign-in send people to sign in, then back where they were going. */
export function requireSignIn(req: Request, res: Response, next: NextFunction) {
  if (res.locals.actor) return next();
  res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
}

/** A page for some roles only: anyone else signed in gets 403 saying who it is for. */
export const onlyFor =
  (roles: Actor['role'] | readonly Actor['role'][], who: string) =>
  (_req: Request, res: Response, next: NextFunction) => {
    if ((typeof roles === 'string' ? [roles] : roles).includes(webActor(res).role)) return next();
    next(new ProblemError(403, 'You cannot see this page', `This page is for ${who}.`));
  };

/** Constant-time comparison of two strings of any length (hashing first evens out their sizes). */
export const same = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** Every POST from a signed-in page must carry the session's CSRF token. */
/** Pages whose multipart forms check their own CSRF token, from the field sent before the file. */
const CHECKS_OWN_TOKEN = [
  /^\/cases\/[^/]+\/bid\/files\/[^/]+$/,
  /^\/organisation\/documents\/[^/]+$/,
  /^\/cases\/[^/]+\/documents\/new$/,
];

/** The refusal of a form whose CSRF token is missing or wrong. */
export const formExpired = () =>
  new ProblemError(
    403,
    'This form has expired',
    'Go back, reload the page and try again. Nothing was changed.',
  );

export const sameToken = (sent: string, expected: string) => same(sent, expected);

export function checkCsrf(req: Request, res: Response, next: NextFunction) {
  if (req.method !== 'POST' || !res.locals.csrfToken) return next();
  // An upload's body is a stream its route reads: the route checks the token before any file.
  if (req.is('multipart/form-data') && CHECKS_OWN_TOKEN.some((path) => path.test(req.path))) return next();
  const sent = typeof req.body?._csrf === 'string' ? req.body._csrf : '';
  if (same(sent, res.locals.csrfToken as string)) return next();
  res.status(403).render('error.njk', {
    title: 'This form has expired',
    message: 'Go back, reload the page and try again. Nothing was changed.',
  });
}
