// Setting a programme up in pages, for commissioning officers and admins: the same questions the API
// takes (src/domain/catalogue.ts `newProgramme`), less the rulebook's limits, which an approver sets
// on the programme afterwards (programme-limits-pages.ts).
import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { createProgramme, newProgramme } from '../../domain/catalogue.ts';
import { programmeCycles, setupChoices } from '../../domain/programme-setup.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, fieldErrors, ProblemError } from '../../engine/errors.ts';
import { compactRows, formToPayload, text } from './form-answers.ts';
import { buildForm } from './forms.ts';
import { currentPath } from './programme-pages.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

/** The set-up form's questions: everything but the limits. */
export const programmeForm = newProgramme.omit({
  delegationThresholdPence: true,
  maxAwardPence: true,
  panelQuorum: true,
});

const setters = onlyFor(['officer', 'admin'], 'commissioning officers and admins');

export function programmeSetupPagesRouter(deps: { db: Database; engine: Engine; clock: Clock }): Router {
  const router = Router();
  const { db, engine } = deps;
  router.use(currentPath);

  async function render(
    res: Response,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[]; addRow?: string } = {},
  ) {
    const form = buildForm(programmeForm, {
      values: state.values,
      errors: state.errors,
      addRow: state.addRow,
      choices: await setupChoices(db, engine.registry),
    });
    res.status(state.status ?? 200).render('programme-new.njk', {
      title: 'Set up a programme',
      fields: form.fields,
      errors: form.errorList,
    });
  }

  router.get('/programmes/new', requireSignIn, setters, async (_req, res) => {
    // A new form starts with returns every quarter, due 30 days after, as most programmes have.
    await render(res, { values: { returnEveryMonths: '3', returnDueDays: '30' } });
  });

  router.post('/programmes/new', requireSignIn, setters, async (req, res) => {
    const body = compactRows(programmeForm, (req.body ?? {}) as Record<string, unknown>);
    // "Add another criterion": the form again with one more row; nothing is saved.
    const add = text(body.add);
    if (add) return render(res, { values: body, addRow: add });
    const read = formToPayload(programmeForm, body);
    if (read.errors.length) {
      // What could not be read, and what the rules say of the rest; nothing is set up.
      const unread = new Set(read.errors.map((e) => e.field));
      const checked = programmeForm.safeParse(read.payload);
      const rest = checked.success
        ? []
        : fieldErrors(checked.error.issues).filter((e) => !unread.has(e.field));
      return render(res, { status: 422, values: body, errors: [...read.errors, ...rest] });
    }
    try {
      const id = await db.transaction((tx) =>
        createProgramme(tx, read.payload, programmeCycles(engine.registry), webActor(res), deps.clock.now()),
      );
      res.redirect(303, `/programmes/${encodeURIComponent(id)}?done=created`);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const fields = (error.extensions.errors as FieldError[] | undefined) ?? [];
      return render(res, { status: 422, values: body, errors: fields });
    }
  });

  return router;
}
