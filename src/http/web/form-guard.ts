// Page forms refuse text PostgreSQL cannot store (U+0000, a lone surrogate: often pasted from another
// program) before any route reads them: the API's own check (storableText through jsonProblem), so
// a page and the API refuse the same input, and nothing is saved.
import type { NextFunction, Request, Response } from 'express';
import { jsonProblem } from '../json-guard.ts';

/** Where the person came from on this site, to go back to the form; else the home page. */
function backTo(req: Request): string {
  const referer = req.get('referer');
  if (!referer) return '/';
  try {
    const url = new URL(referer, `${req.protocol}://${req.get('host')}`);
    return url.host === req.get('host') ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

export function guardFormBody(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST' || !jsonProblem(req.body)) {
    next();
    return;
  }
  const text =
    'Some text you entered holds a character that cannot be saved, such as an invisible control character. Go back, retype that text and try again';
  res.status(400).render('error.njk', {
    title: 'The form could not be saved',
    message: 'Nothing was saved. This often happens when text is copied from another program.',
    errors: [{ text, href: '#back' }],
    back: backTo(req),
  });
}
