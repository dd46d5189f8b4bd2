// Finance's fund pages: setting a fund up, and a fund's own page with its position to the penny and,
// while its budget is indicative, the form that confirms it. The rules live in src/domain/funds.ts;
// these handlers parse, call, render.

import { type Response, Router } from 'express';
import { z } from 'zod';
import { formatPounds } from '../../../machines/define.ts';
import type { Database } from '../../db/client.ts';
import { fundPositionById } from '../../domain/fund-position.ts';
import { budgetConfirmation, confirmBudget, createFund, newFund } from '../../domain/funds.ts';
import { poundsText } from '../../domain/open-data/pounds.ts';
import { fundChoices } from '../../domain/programme-setup.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, notFound, ProblemError } from '../../engine/errors.ts';
import { formToPayload } from './form-answers.ts';
import { readForm } from './form-read.ts';
import { buildForm } from './forms.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

/** The confirmed budget, as finance types it on the page (pounds). */
const budgetForm = z.strictObject({
  budgetPence: budgetConfirmation.shape.budgetPence.meta({ title: 'Confirmed budget', widget: 'money' }),
});

export function fundPagesRouter(deps: { db: Database; engine: Engine }): Router {
  const router = Router();
  const financeOnly = onlyFor('finance', 'finance staff');

  const newFundPage = async (
    res: Response,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[]; addRow?: string } = {},
  ) => {
    const form = buildForm(newFund, {
      values: state.values,
      errors: state.errors,
      addRow: state.addRow,
      choices: await fundChoices(deps.db, deps.engine.registry),
    });
    res.status(state.status ?? 200).render('fund-new.njk', {
      title: 'Set up a fund',
      fields: form.fields,
      errors: form.errorList,
    });
  };

  router.get('/finance/funds/new', requireSignIn, financeOnly, async (_req, res) => {
    await newFundPage(res, { values: { indicative: 'no' } });
  });

  router.post('/finance/funds/new', requireSignIn, financeOnly, async (req, res) => {
    const read = readForm(newFund, req.body);
    const body = read.values;
    if (read.add) return newFundPage(res, { values: body, addRow: read.add });
    if (read.errors.length) return newFundPage(res, { status: 422, values: body, errors: read.errors });
    try {
      const id = await deps.db.transaction((tx) => createFund(tx, read.payload));
      res.redirect(303, `/finance/funds/${encodeURIComponent(id)}?created=1`);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const fields = (error.extensions.errors as FieldError[] | undefined) ?? [];
      return newFundPage(res, { status: 422, values: body, errors: fields });
    }
  });

  const fundPage = async (
    res: Response,
    fundId: string,
    options: {
      status?: number;
      budget?: string;
      errors?: FieldError[];
      confirmed?: boolean;
      created?: boolean;
    } = {},
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
        (options.confirmed &&
          !fund.indicative &&
          `The budget for ${fund.name} ${fund.financialYear} is confirmed at ${formatPounds(fund.budgetPence)}.`) ||
        (options.created &&
          `${fund.name} ${fund.financialYear} is set up. Officers can now set programmes up on it.`),
    });
  };

  router.get('/finance/funds/:id', requireSignIn, financeOnly, async (req, res) => {
    await fundPage(res, String(req.params.id), {
      confirmed: req.query.confirmed === '1',
      created: req.query.created === '1',
    });
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
