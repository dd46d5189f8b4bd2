// Finance's payments page: what is waiting to be approved or paid (totalled, and listed a page at a
// time), the payment run, and the import of the finance system's paid transactions (pasted CSV), with
// every problem line listed when it is refused.

import { type Request, type Response, Router } from 'express';
import { londonDate } from '../../../machines/calendar.ts';
import type { Database } from '../../db/client.ts';
import { type ImportProblem, importPaidTransactions } from '../../domain/payment-import.ts';
import { financePaymentsPage } from '../../domain/payment-lists.ts';
import { paymentRunCsv } from '../../domain/payment-run.ts';
import type { Engine } from '../../engine/engine.ts';
import { ProblemError } from '../../engine/errors.ts';
import { sendDownload } from '../downloads.ts';
import { addressOfPageShown, pageAddress, pageAskedFor, pageView } from './paging.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const PAGE = '/finance/payments';
/** Where the list starts on the page: its pages' links land there. */
const LIST = 'waiting';
const pageHref = (n: number) => pageAddress(PAGE, n, LIST);
const financeOnly = onlyFor('finance', 'finance staff');

export function paymentPagesRouter(deps: { db: Database; engine: Engine }): Router {
  const router = Router();
  const view = (askedPage: number) => financePaymentsPage(deps.db, deps.engine.registry, askedPage);
  const render = (
    res: Response,
    found: Awaited<ReturnType<typeof view>>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) =>
    res.status(status).render('payments.njk', {
      title: 'Payments',
      ...found,
      ...pageView(found.page, pageHref, {
        one: 'payment',
        many: 'payments',
        landmarkLabel: 'Pages of payments waiting',
      }),
      ...extra,
    });

  router.get(PAGE, requireSignIn, financeOnly, async (req: Request, res: Response) => {
    const found = await view(pageAskedFor(req.query));
    // Not a page number, or past the last page: the address of the page shown instead.
    const shown = addressOfPageShown(req.query, found.page, pageHref);
    if (shown) return res.redirect(303, shown);
    render(res, found);
  });

  // The payment run as the finance system imports it (the API's, for the signed-in page).
  router.get(`${PAGE}/run.csv`, requireSignIn, financeOnly, async (_req, res) => {
    sendDownload(
      res,
      `payment-run-${londonDate(new Date())}.csv`,
      'csv',
      await paymentRunCsv(deps.db, deps.engine.registry),
    );
  });

  router.post(`${PAGE}/import`, requireSignIn, financeOnly, async (req, res) => {
    const csv = typeof req.body?.csv === 'string' ? req.body.csv : '';
    try {
      const result = await importPaidTransactions(deps.db, deps.engine, webActor(res), csv);
      render(res, await view(1), { imported: result.imported });
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const problems = (error.extensions.errors ?? []) as ImportProblem[];
      const errors = problems.map((p) => ({
        href: '#csv',
        text: `Line ${p.line}, ${p.field}: ${p.message}`,
      }));
      render(res, await view(1), { csv, csvError: error.detail, errors }, 422);
    }
  });
  return router;
}
