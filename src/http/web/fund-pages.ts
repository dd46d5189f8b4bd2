// A fund's own page for finance: its position to the penny and, while its budget is indicative, the
// form that confirms it. The rules live in src/domain/catalogue.ts; these handlers parse, call, render.
import { type Response, Router } from 'express';
import { z } from 'zod';
import { formatPounds } from '../../../machines/define.ts';
import type { Database } from '../../db/client.ts';
import { budgetConfirmation, confirmBudget } from '../../domain/catalogue.ts';
import { fundPositionById } from '../../domain/fund-position.ts';
import { poundsText } from '../../domain/open-data/pounds.ts';
import { type FieldError, notFound, ProblemError } from '../../engine/errors.ts';
import { formToPayload } from './form-answers.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

/** The confirmed budget, as finance types it on the page (pounds). */
const budgetForm = z.strictObject({
  budgetPence: budgetConfirmation.shape.budgetPence.meta({ title: 'Confirmed budget', widget: 'money' }),
});

export function fundPagesRouter(deps: { db: Database }): Router {
  const router = Router();
  const financeOnly = onlyFor('finance', 'finance staff');

  const fundPage = async (
    res: Response,
    fundId: string,
    options: { status?: number; budget?: string; errors?: FieldError[]; confirmed?: boolean } = {},
  ) => {
    const fund = await fundPositionById(deps.db, fundId);
    if (!fund) throw notFound('fund');
    res.status(options.status ?? 200).render('fund.njk', {
      title: `${fund.name} ${fund.financialYear}`,
      fund,
      // The form starts from the figure as it stands, written as a person types pounds.
      budget: options.budget ?? (fund.indicative ? poundsText(fund.budgetPence) : ''),
      errors: options.errors?.map((e) => ({ href: '#budgetPence', text: e.message })),
      confirmed:
        options.confirmed &&
        !fund.indicative &&
        `The budget for ${fund.name} ${fund.financialYear} is confirmed at ${formatPounds(fund.budgetPence)}.`,
    });
  };

  router.get('/finance/funds/:id', requireSignIn, financeOnly, async (req, res) => {
    await fundPage(res, String(req.params.id), { confirmed: req.query.confirmed === '1' });
  });

  // Finance confirms a future year's indicative budget, at its figure or a new one.
  router.post('/finance/funds/:id/confirm', requireSignIn, financeOnly, async (req, res) => {
    const fundId = String(req.params.id);
    const body = req.body as Record<string, unknown>;
    const budget = typeof body.budgetPence === 'string' ? body.budgetPence : '';
    const { payload, errors } = formToPayload(budgetForm, body);
    if (errors.length) return fundPage(res, fundId, { status: 422, budget, errors });
    try {
      await deps.db.transaction((tx) => confirmBudget(tx, fundId, webActor(res), payload, new Date()));
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status >= 500 || error.status === 404) throw error;
      const fields = (error.extensions.errors ?? []) as FieldError[];
      const problems = fields.length ? fields : [{ field: 'budgetPence', message: error.detail }];
      return fundPage(res, fundId, { status: error.status, budget, errors: problems });
    }
    res.redirect(303, `/finance/funds/${encodeURIComponent(fundId)}?confirmed=1`);
  });

  return router;
}
