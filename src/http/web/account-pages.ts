// Pages for one's own account that need no sign-in: setting a password by a single-use link (the
// first admin's from the CLI; later invitations and resets).
import { type Request, type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { MIN_PASSWORD_LENGTH, passwordLinkFor, setPasswordByLink } from '../../domain/password-links.ts';
import type { Clock } from '../../engine/clock.ts';
import { text } from './form-answers.ts';

export function accountPagesRouter(deps: { db: Database; clock: Clock }): Router {
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
  return router;
}
