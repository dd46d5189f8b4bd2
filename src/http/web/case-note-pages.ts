// Adding an internal note to a case, on a page of its own: staff only, never shown to the provider.
import { type Response, Router } from 'express';
import type { Db } from '../../db/client.ts';
import { addCaseNote, NOTE_MAX_LENGTH } from '../../domain/case-notes.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, forbidden } from '../../engine/errors.ts';
import { keepsCaseNotes } from '../../engine/view-policy.ts';
import type { CaseView } from '../../engine/views.ts';
import { requireSignIn, webActor } from './session.ts';

export function caseNotePagesRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();

  function render(
    res: Response,
    view: CaseView,
    state: { status?: number; body?: string; errors?: FieldError[] },
  ) {
    const message = state.errors?.[0]?.message;
    res.status(state.status ?? 200).render('case-note-new.njk', {
      title: `Add a note: ${view.reference}`,
      caseView: view,
      body: state.body ?? '',
      maxLength: NOTE_MAX_LENGTH,
      bodyError: message && { text: message },
      errors: message ? [{ text: message, href: '#body' }] : [],
    });
  }

  router.get('/cases/:id/notes/new', requireSignIn, async (req, res) => {
    const actor = webActor(res);
    const view = await deps.engine.get(actor, String(req.params.id));
    if (!keepsCaseNotes(actor)) throw forbidden('Only the Commissioner’s staff keep notes on a case.');
    render(res, view, {});
  });

  router.post('/cases/:id/notes/new', requireSignIn, async (req, res) => {
    const actor = webActor(res);
    const id = String(req.params.id);
    const body = typeof req.body?.body === 'string' ? req.body.body : '';
    const errors = await addCaseNote(deps.db, deps.engine, actor, id, body);
    if (errors.length) return render(res, await deps.engine.get(actor, id), { status: 422, body, errors });
    res.redirect(303, `/cases/${encodeURIComponent(id)}?done=note#case-notes`);
  });

  return router;
}
