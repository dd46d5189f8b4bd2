// A programme's limits as pages: staff read them and every change to them; an approver or admin
// changes them with a reason. The rules are src/domain/programme-limits.ts.

import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import {
  changeLimits,
  largestAward,
  limitHistory,
  limitsChange,
  limitsOf,
  maySetLimits,
} from '../../domain/programme-limits.ts';
import { programmeOr404 } from '../../domain/programmes.ts';
import type { Clock } from '../../engine/clock.ts';
import { type FieldError, ProblemError } from '../../engine/errors.ts';
import { poundsForInput } from './form-answers.ts';
import { readForm } from './form-read.ts';
import { buildForm } from './forms.ts';
import { currentPath } from './programme-pages.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

/** The form's questions: the change's own, with no cap asked as an empty largest award. */
const limitsForm = limitsChange.extend({
  maxAwardPence: largestAward.optional(),
});

const staffOnly = onlyFor(['officer', 'approver', 'admin', 'finance'], 'OPCC staff');

export function programmeLimitsPagesRouter(deps: { db: Database; clock: Clock }): Router {
  const router = Router();
  const { db } = deps;
  router.use(currentPath);

  async function render(
    res: Response,
    programmeId: string,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[] } = {},
  ) {
    const row = await programmeOr404(db, programmeId);
    const current = limitsOf(row);
    const mayChange = maySetLimits(webActor(res));
    const values = state.values ?? {
      delegationThresholdPence: poundsForInput(current.delegationThresholdPence),
      maxAwardPence: current.maxAwardPence === null ? '' : poundsForInput(current.maxAwardPence),
      panelQuorum: String(current.panelQuorum),
    };
    const form = mayChange ? buildForm(limitsForm, { values, errors: state.errors }) : undefined;
    res.status(state.status ?? 200).render('programme-limits.njk', {
      title: `Limits: ${row.name}`,
      programme: { id: row.id, name: row.name },
      current,
      form,
      errors: form?.errorList ?? [],
      changes: (await limitHistory(db, row.id)).reverse(),
    });
  }

  router.get('/programmes/:id/limits', requireSignIn, staffOnly, async (req, res) => {
    await render(res, String(req.params.id));
  });

  router.post('/programmes/:id/limits', requireSignIn, staffOnly, async (req, res) => {
    const id = String(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { payload, errors: problems } = readForm(limitsForm, body);
    if (problems.length) return render(res, id, { status: 422, values: body, errors: problems });
    try {
      await changeLimits(db, webActor(res), id, { maxAwardPence: null, ...payload }, deps.clock.now());
    } catch (error) {
      if (!(error instanceof ProblemError) || [403, 404].includes(error.status) || error.status >= 500)
        throw error;
      return render(res, id, {
        status: error.status,
        values: body,
        errors: [{ field: '(form)', message: error.detail }],
      });
    }
    res.redirect(303, `/programmes/${encodeURIComponent(id)}?done=limits`);
  });

  return router;
}
