// A case's letter as a PDF to keep (an offer letter, a grant agreement), for whoever may see the
// case: the same words and terms its page shows, the award's payments and returns where the letter
// sets them out, dated today in London.
import { type Request, type Response, Router } from 'express';
import { dayInWords, londonDate } from '../../../machines/calendar.ts';
import type { Db } from '../../db/client.ts';
import { letterPdf } from '../../domain/letter-pdf.ts';
import { organisationName } from '../../domain/organisations.ts';
import { nameOf } from '../../domain/people.ts';
import { poundsText as pounds } from '../../domain/reports/figures.ts';
import type { Engine } from '../../engine/engine.ts';
import { ProblemError } from '../../engine/errors.ts';
import { sendDownload } from '../downloads.ts';
import { lettersOfCase, letterWords } from './letters.ts';
import { relatedCases } from './related-cases.ts';
import { requireSignIn, webActor } from './session.ts';

export function letterPagesRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();

  router.get('/cases/:id/events/:type/letter.pdf', requireSignIn, async (req: Request, res: Response) => {
    const actor = webActor(res);
    const type = String(req.params.type);
    const view = await deps.engine.get(actor, String(req.params.id));
    const definition = deps.engine.registry.get(view.machine, view.machineVersion);
    const history = await deps.engine.history(actor, view);
    // A letter is there once the case has come to it (lettersOfCase says when), and not before.
    const there = !!definition && lettersOfCase(definition, view, history).some((l) => l.type === type);
    const letter = definition && there ? letterWords(definition, type, view.context) : undefined;
    if (!letter) throw new ProblemError(404, 'Not found', 'This case has no such letter.');
    const schedule = letter.schedule ? (await relatedCases(deps.engine, actor, view)).about : [];
    const to = (await organisationName(deps.db, view.organisationId)) ?? 'The organisation';
    // Once agreed, the document says who agreed it and when: the last time its event was sent.
    const done = history.filter((entry) => entry.type === type).at(-1);
    const who = done && (await nameOf(deps.db, done.actor.id));
    const agreed =
      done &&
      `${letter.afterwards ? 'Signed for the Police and Crime Commissioner' : `Accepted for ${to}`}${who ? ` by ${who}` : ''} on ${dayInWords(londonDate(done.at))}.`;
    const pdf = await letterPdf({
      title: letter.title,
      reference: view.reference,
      caseTitle: view.title || null,
      to,
      date: dayInWords(deps.engine.now().today),
      opening: letter.opening,
      terms: [
        ...letter.terms.map((row) => ({
          label: row.label,
          lines: row.lines ??
            row.table?.rows.map((cells) => cells.map((c) => c.text).join(', ')) ?? [row.value],
        })),
        // The payments and returns the agreement set up, as they stand today.
        ...schedule.map((group) => ({
          label: `${group.cycle} (${group.items.length})`,
          lines: group.items.map(
            (item) =>
              `${item.title}${item.amountPence === null ? '' : `: ${pounds(BigInt(item.amountPence))}`}`,
          ),
        })),
      ],
      closing: letter.closing,
      agreed,
    });
    const name = `${view.reference} ${letter.title}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    sendDownload(res, `${name}.pdf`, 'pdf', pdf);
  });

  return router;
}
