// Setting a programme up in pages, for commissioning officers and admins: the same questions the API
// takes (src/domain/catalogue.ts `newProgramme`), less the rulebook's limits, which an approver sets
// on the programme afterwards (programme-limits-pages.ts).

import { type Response, Router } from 'express';
import { z } from 'zod';
import type { MeasureSpec } from '../../../machines/define.ts';
import type { Database } from '../../db/client.ts';
import { measuresOf } from '../../db/queries/programmes.ts';
import { createProgramme, newProgramme } from '../../domain/catalogue.ts';
import {
  changeCriteria,
  changeDetails,
  changeTargets,
  criteriaChange,
  criteriaOpen,
  detailsChange,
} from '../../domain/programme-settings.ts';
import { programmeCycles, setupChoices } from '../../domain/programme-setup.ts';
import { programmeOr404 } from '../../domain/programmes.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, ProblemError } from '../../engine/errors.ts';
import { formToPayload, payloadToForm } from './form-answers.ts';
import { readForm } from './form-read.ts';
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
    const read = readForm(programmeForm, req.body);
    const body = read.values;
    // "Add another criterion": the form again with one more row; nothing is saved.
    if (read.add) return render(res, { values: body, addRow: read.add });
    // What could not be read, and what the schema says of the rest; nothing is set up.
    if (read.errors.length) return render(res, { status: 422, values: body, errors: read.errors });
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

  // ---- The programme's words and dates ----

  async function renderDetails(
    res: Response,
    programmeId: string,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[] } = {},
  ) {
    const row = await programmeOr404(db, programmeId);
    const values =
      state.values ??
      payloadToForm(detailsChange, {
        ...row,
        opensAt: row.opensAt?.toISOString(),
        closesAt: row.closesAt?.toISOString(),
      });
    const form = buildForm(detailsChange, { values, errors: state.errors });
    res.status(state.status ?? 200).render('programme-edit.njk', {
      title: `Change the details: ${row.name}`,
      programme: { id: row.id, name: row.name },
      fields: form.fields,
      errors: form.errorList,
    });
  }

  router.get('/programmes/:id/edit', requireSignIn, setters, async (req, res) => {
    await renderDetails(res, String(req.params.id));
  });

  router.post('/programmes/:id/edit', requireSignIn, setters, async (req, res) => {
    const id = String(req.params.id);
    const read = readForm(detailsChange, req.body);
    if (read.errors.length)
      return renderDetails(res, id, { status: 422, values: read.values, errors: read.errors });
    try {
      await db.transaction((tx) => changeDetails(tx, webActor(res), id, read.payload));
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const fields = (error.extensions.errors as FieldError[] | undefined) ?? [];
      return renderDetails(res, id, { status: 422, values: read.values, errors: fields });
    }
    res.redirect(303, `/programmes/${encodeURIComponent(id)}?done=details`);
  });

  // ---- Scoring criteria, until the first bid or grant is started ----

  async function renderCriteria(
    res: Response,
    programmeId: string,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[]; addRow?: string } = {},
  ) {
    const row = await programmeOr404(db, programmeId);
    const criteria = row.criteria as { label: string; weight: number; guidance?: string }[];
    const values =
      state.values ??
      Object.fromEntries(
        criteria.flatMap((c, i) => [
          [`criteria.${i}.label`, c.label],
          [`criteria.${i}.weight`, String(c.weight)],
          [`criteria.${i}.guidance`, c.guidance ?? ''],
        ]),
      );
    const open = await criteriaOpen(db, row.id);
    const form = open
      ? buildForm(criteriaChange, { values, errors: state.errors, addRow: state.addRow })
      : undefined;
    res.status(state.status ?? 200).render('programme-criteria.njk', {
      title: `Scoring criteria: ${row.name}`,
      programme: { id: row.id, name: row.name },
      criteria,
      // The page's own heading names the list: the rows follow it.
      fields: form?.fields.filter((f) => f.macro !== 'heading'),
      errors:
        form?.errorList ?? (state.errors ?? []).map((e) => ({ text: e.message, href: '#main-content' })),
    });
  }

  router.get('/programmes/:id/criteria', requireSignIn, setters, async (req, res) => {
    await renderCriteria(res, String(req.params.id));
  });

  router.post('/programmes/:id/criteria', requireSignIn, setters, async (req, res) => {
    const id = String(req.params.id);
    const read = readForm(criteriaChange, req.body);
    const body = read.values;
    if (read.add) return renderCriteria(res, id, { values: body, addRow: read.add });
    if (read.errors.length)
      return renderCriteria(res, id, { status: 422, values: body, errors: read.errors });
    try {
      await db.transaction((tx) => changeCriteria(tx, webActor(res), id, read.payload, engine.registry));
    } catch (error) {
      if (!(error instanceof ProblemError) || ![409, 422].includes(error.status)) throw error;
      const fields = (error.extensions.errors as FieldError[] | undefined) ?? [
        { field: '(form)', message: error.detail },
      ];
      return renderCriteria(res, id, { status: error.status, values: body, errors: fields });
    }
    res.redirect(303, `/programmes/${encodeURIComponent(id)}?done=criteria`);
  });

  // ---- The measures' targets ----

  /** One question a measure: its target, in its unit; empty for none. */
  const targetsForm = (measures: readonly MeasureSpec[]) =>
    z.strictObject(
      Object.fromEntries(
        measures.map((m) => [
          m.id,
          z
            .number()
            .optional()
            .meta({
              title: m.name,
              hint:
                m.unit === 'percent'
                  ? 'A percentage for the year, for example 80. Leave it empty for no target'
                  : 'A number for the year. Leave it empty for no target',
            }),
        ]),
      ),
    );

  async function renderMeasures(
    res: Response,
    programmeId: string,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[] } = {},
  ) {
    const row = await programmeOr404(db, programmeId);
    const measures = await measuresOf(db, row.id);
    const values =
      state.values ??
      Object.fromEntries(measures.map((m) => [m.id, m.target === null ? '' : String(m.target)]));
    const form = buildForm(targetsForm(measures), { values, errors: state.errors });
    res.status(state.status ?? 200).render('programme-measures.njk', {
      title: `Targets: ${row.name}`,
      programme: { id: row.id, name: row.name },
      fields: form.fields,
      errors: form.errorList,
      hasMeasures: measures.length > 0,
    });
  }

  router.get('/programmes/:id/measures', requireSignIn, setters, async (req, res) => {
    await renderMeasures(res, String(req.params.id));
  });

  router.post('/programmes/:id/measures', requireSignIn, setters, async (req, res) => {
    const id = String(req.params.id);
    const row = await programmeOr404(db, id);
    const measures = await measuresOf(db, row.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const read = formToPayload(targetsForm(measures), body);
    if (read.errors.length)
      return renderMeasures(res, id, { status: 422, values: body, errors: read.errors });
    // A target left empty is no target.
    const targets = Object.fromEntries(measures.map((m) => [m.id, (read.payload[m.id] as number) ?? null]));
    try {
      await db.transaction((tx) => changeTargets(tx, webActor(res), id, { targets }));
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const fields = ((error.extensions.errors as FieldError[] | undefined) ?? []).map((e) => ({
        ...e,
        field: e.field.replace(/^targets\./, ''),
      }));
      return renderMeasures(res, id, { status: 422, values: body, errors: fields });
    }
    res.redirect(303, `/programmes/${encodeURIComponent(id)}?done=targets`);
  });

  return router;
}
