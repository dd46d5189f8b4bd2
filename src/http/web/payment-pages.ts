// Finance's payments page: what is waiting to be approved or paid, and the import of the finance
// system's paid transactions (pasted CSV), with every problem line listed when it is refused.

import { and, asc, eq, inArray } from 'drizzle-orm';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { formatPounds } from '../../../machines/define.ts';
import type { Database } from '../../db/client.ts';
import { cases, organisations } from '../../db/schema/index.ts';
import { type ImportProblem, importPaidTransactions } from '../../domain/payment-import.ts';
import { PAYMENT_MACHINE } from '../../domain/payments.ts';
import type { Engine } from '../../engine/engine.ts';
import { ProblemError } from '../../engine/errors.ts';
import { caseReference } from '../../engine/views.ts';
import { requireSignIn, webActor } from './session.ts';

const PAGE = '/finance/payments';

function financeOnly(_req: Request, res: Response, next: NextFunction) {
  if (webActor(res).role === 'finance') return next();
  next(new ProblemError(403, 'You cannot see this page', 'Payments are for finance staff.'));
}

async function unpaid(db: Database, engine: Engine) {
  const definition = engine.registry.latest(PAYMENT_MACHINE)!;
  const rows = await db
    .select({ row: cases, organisation: organisations.name })
    .from(cases)
    .innerJoin(organisations, eq(organisations.id, cases.organisationId))
    .where(and(eq(cases.machineId, PAYMENT_MACHINE), inArray(cases.state, ['scheduled', 'held', 'approved'])))
    .orderBy(asc(cases.seq))
    .limit(500);
  return rows.map(({ row, organisation }) => {
    const c = (row.snapshot as { context: { dueOn: string; amountPence: number } }).context;
    return {
      id: row.id,
      reference: caseReference(definition, row.seq),
      organisation,
      dueOn: c.dueOn,
      amount: formatPounds(c.amountPence),
      state: definition.states[row.state]?.label ?? row.state,
    };
  });
}

export function paymentPagesRouter(deps: { db: Database; engine: Engine }): Router {
  const router = Router();
  const render = async (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    res.status(status).render('payments.njk', {
      title: 'Payments',
      payments: await unpaid(deps.db, deps.engine),
      ...extra,
    });

  router.get(PAGE, requireSignIn, financeOnly, async (_req, res) => {
    await render(res);
  });

  router.post(`${PAGE}/import`, requireSignIn, financeOnly, async (req, res) => {
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
