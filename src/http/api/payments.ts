// Finance imports the finance system's paid transactions as CSV (text/csv), and exports the payment
// run (approved payments with their payees' confirmed bank details) for the finance system.

import express, { Router } from 'express';
import { londonDate } from '../../../machines/calendar.ts';
import type { Database } from '../../db/client.ts';
import { importPaidTransactions } from '../../domain/payment-import.ts';
import { paymentRun, paymentRunCsv } from '../../domain/payment-run.ts';
import type { Engine } from '../../engine/engine.ts';
import { forbidden, ProblemError } from '../../engine/errors.ts';
import { actorOf } from '../authenticate.ts';
import { sendDownload } from '../downloads.ts';

/** Room for the most rows an import takes (5,000) with long references. */
export const IMPORT_BODY_LIMIT = '2mb';

export function paymentsRouter(db: Database, engine: Engine): Router {
  const router = Router();
  router.post(
    '/import',
    (req, _res, next) => {
      if (!req.is(['text/csv', 'text/plain']))
        return next(new ProblemError(415, 'Unsupported media type', 'Send the file as text/csv.'));
      next();
    },
    express.text({ type: ['text/csv', 'text/plain'], limit: IMPORT_BODY_LIMIT }),
    async (req, res) => {
      const actor = actorOf(res);
      if (actor.role !== 'finance') throw forbidden('Only finance staff import paid transactions.');
      const csv = typeof req.body === 'string' ? req.body : '';
      if (csv.includes('\u0000')) throw new ProblemError(400, 'Bad file', 'The file holds a NUL character.');
      res.json(await importPaidTransactions(db, engine, actor, csv));
    },
  );

  // The approved payments with their payees' confirmed bank details, as a finance system imports them.
  router.get(['/run', '/run.csv'], async (req, res) => {
    if (actorOf(res).role !== 'finance') throw forbidden('Only finance staff export the payment run.');
    if (req.path.endsWith('.csv')) {
      const csv = await paymentRunCsv(db, engine.registry);
      return sendDownload(res, `payment-run-${londonDate(new Date())}.csv`, 'csv', csv);
    }
    res.json(await paymentRun(db, engine.registry));
  });
  return router;
}
