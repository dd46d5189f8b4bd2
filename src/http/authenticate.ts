import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/client.ts';
import { authenticateToken } from '../domain/people.ts';
import type { TokenCache } from '../domain/token-cache.ts';
import type { Actor } from '../engine/actor.ts';
import { ProblemError } from '../engine/errors.ts';

const unauthorised = (detail: string) => new ProblemError(401, 'Not signed in', detail);

/** Bearer-token authentication for the API; the actor is left in res.locals.actor. */
export function authenticate(db: Db, tokens: TokenCache) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    res.set('WWW-Authenticate', 'Bearer');
    if (!header)
      throw unauthorised(
        'Send Authorization: Bearer <token>. `npm run cli -- user:token <email>` issues one.',
      );
    // The scheme is case-insensitive (RFC 9110 §11.1): Bearer, bearer and BEARER all work.
    const match = /^bearer +([A-Za-z0-9_\-.~+/]+=*)$/i.exec(header);
    const actor = match && (await authenticateToken(db, match[1]!, tokens));
    if (!actor) throw unauthorised('The bearer token is not valid or has been revoked.');
    res.removeHeader('WWW-Authenticate');
    res.locals.actor = actor;
    res.locals.token = match![1];
    next();
  };
}

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}
