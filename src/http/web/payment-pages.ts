// Finance's payments page: what is waiting to be approved or paid, the payment run, and the import of
// the finance system's paid transactions (pasted CSV), with every problem line listed when it is refused.

import { type Response, Router } from 'express';
import { londonDate } from '../../../machines/calendar.ts';
import type { Database } from '../../db/client.ts';
import { type ImportProblem, importPaidTransactions } from '../../domain/payment-import.ts';
import { financePayments, paymentRunCsv } from '../../domain/payment-run.ts';
import type { Engine } from '../../engine/engine.ts';
import { ProblemError } from '../../engine/errors.ts';
import { sendDownload } from '../downloads.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const PAGE = '/finance/payments';

export function paymentPagesRouter(deps: { db: Database; engine: Engine }): Router {
  const router = Router();
  const render = async (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    res.status(status).render('payments.njk', {
      title: 'Payments',
      ...(await financePayments(deps.db, deps.engine.registry)),
      ...extra,
    });

  router.get(PAGE, requireSignIn, onlyFor('finance', 'finance staff'), async (_req, res) => {
    await render(res);
  });

  // The payment run as the finance system imports it (the API's, for the signed-in page).
  router.get(`${PAGE}/run.csv`, requireSignIn, onlyFor('finance', 'finance staff'), async (_req, res) => {
    sendDownload(
      res,
      `payment-run-${londonDate(new Date())}.csv`,
      'csv',
      await paymentRunCsv(deps.db, deps.engine.registry),
    );
  });

  router.post(`${PAGE}/import`, requireSignIn, onlyFor('finance', 'finance staff'), async (req, res) => {
    const csv = typeof req.body?.csv === 'string' ? req.body.csv : '';
    try {
      const result = await importPaidTransactions(deps.db, deps.engine, webActor(res), csv);
      await render(res, { imported: result.imported });
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const problems = (error.extensions.errors ?? []) as ImportProblem[];
      const errors = problems.map((p) => ({
        href: '#csv',
        text: `Line ${p.line}, ${p.field}: ${p.message}`,
      }));
      await render(res, { csv, csvError: error.detail, errors }, 422);
    }
  });
  return router;
}
