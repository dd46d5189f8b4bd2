// A case's letter as a PDF to keep (the offer letter), for whoever may see the case: the same words
// and terms its page shows, dated today in London.
import { type Request, type Response, Router } from 'express';
import { dayInWords } from '../../../machines/calendar.ts';
import type { Db } from '../../db/client.ts';
import { letterPdf } from '../../domain/letter-pdf.ts';
import { organisationName } from '../../domain/organisations.ts';
import { stateTakes } from '../../engine/describe.ts';
import type { Engine } from '../../engine/engine.ts';
import { ProblemError } from '../../engine/errors.ts';
import { sendDownload } from '../downloads.ts';
import { letterOf } from './letters.ts';
import { requireSignIn, webActor } from './session.ts';

export function letterPagesRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();

  router.get('/cases/:id/events/:type/letter.pdf', requireSignIn, async (req: Request, res: Response) => {
    const actor = webActor(res);
    const type = String(req.params.type);
    const view = await deps.engine.get(actor, String(req.params.id));
    const definition = deps.engine.registry.get(view.machine, view.machineVersion);
    const letter = definition && letterOf(definition, type, view.context);
    // A letter is there once the case has come to it: waiting for it now, or agreed already.
    const cameTo =
      letter &&
      (stateTakes(definition, view.state, type) ||
        (await deps.engine.history(actor, view.id)).some((entry) => entry.type === type));
    if (!letter || !cameTo) throw new ProblemError(404, 'Not found', 'This case has no such letter.');
    const pdf = await letterPdf({
      title: letter.title,
      reference: view.reference,
      caseTitle: view.title || null,
      to: (await organisationName(deps.db, view.organisationId)) ?? 'The organisation',
      date: dayInWords(deps.engine.now().today),
      opening: letter.opening,
      terms: letter.terms.map((row) => ({
        label: row.label,
        lines: row.lines ??
          row.table?.rows.map((cells) => cells.map((c) => c.text).join(', ')) ?? [row.value],
      })),
      closing: letter.closing,
    });
    const name = `${view.reference} ${letter.title}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    sendDownload(res, `${name}.pdf`, 'pdf', pdf);
  });

  return router;
}
