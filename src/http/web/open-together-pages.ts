// Opening a staff-run cycle's cases for every owning organisation at once, from the programme (the
// definition's `openedTogether`: a year's crime and disorder allocations, with their conditions). The
// rules are src/domain/open-together.ts; this reads the form, calls it and renders.
import { type Response, Router } from 'express';
import { z } from 'zod';
import { formatPounds, type MachineDefinition } from '../../../machines/define.ts';
import type { Database } from '../../db/client.ts';
import { opensOnProgramme, ownersFor } from '../../domain/open-case.ts';
import {
  openTogether,
  type TogetherRow,
  togetherProblems,
  togetherQuestions,
} from '../../domain/open-together.ts';
import { programmeOr404 } from '../../domain/programmes.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, forbidden } from '../../engine/errors.ts';
import { blank, formToPayload, rowAnswers } from './form-answers.ts';
import { buildForm } from './forms.ts';
import { currentPath } from './programme-pages.ts';
import { requireSignIn, webActor } from './session.ts';

/** The officer's confirmation that they have no conflict of interest in any case they open here. */
const NO_CONFLICT = 'noConflict';

const rowsOf = new WeakMap<MachineDefinition, z.ZodObject>();
/** The organisations' rows as one `rows` field, so the form builder asks them. */
function rowsForm(definition: MachineDefinition) {
  let form = rowsOf.get(definition);
  if (!form) {
    form = z.strictObject({
      rows: z
        .array(togetherQuestions(definition).each)
        .meta({ title: 'For each organisation', itemTitle: 'Row' }),
    });
    rowsOf.set(definition, form);
  }
  return form;
}

export function openTogetherPagesRouter(deps: { db: Database; engine: Engine; clock: Clock }): Router {
  const router = Router();
  const { db, engine } = deps;
  router.use(currentPath);

  /** The programme, its cycle and whom its cases are for, for someone who may open them together. */
  async function setting(res: Response, programmeId: string) {
    const programme = await programmeOr404(db, programmeId);
    const cycle = engine.registry.latest(programme.cycle);
    if (!cycle?.openedTogether || !opensOnProgramme(cycle, webActor(res)))
      throw forbidden('Cases of this programme are not opened together, or not by your role.');
    return { programme, cycle, owners: await ownersFor(db, cycle) };
  }

  async function render(
    res: Response,
    programmeId: string,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[] } = {},
  ) {
    const { programme, cycle, owners } = await setting(res, programmeId);
    const { once } = togetherQuestions(cycle);
    const errors = state.errors ?? [];
    const shared = buildForm(once, {
      values: state.values,
      errors: errors.filter((e) => !e.field.startsWith('rows.') && e.field !== NO_CONFLICT),
    });
    const conflictError = errors.find((e) => e.field === NO_CONFLICT)?.message;
    // What each organisation already has on the programme, so no one is given a second by mistake.
    const existing = await engine.list(webActor(res), {
      programmeId: programme.id,
      machine: cycle.id,
      limit: 100,
    });
    const titled = owners.map((o) => {
      const had = existing.items
        .filter((c) => c.organisationId === o.id)
        .map(
          (c) =>
            `${c.reference}${c.amountPence === null ? '' : `, ${formatPounds(c.amountPence)}`}, ${c.stateLabel.toLowerCase()}`,
        );
      return had.length ? `${o.name} (already has ${had.join('; ')})` : o.name;
    });
    const rows = buildForm(rowsForm(cycle), {
      values: state.values,
      errors: errors.filter((e) => e.field.startsWith('rows.')),
      fixedRows: { rows: titled },
    });
    res.status(state.status ?? 200).render('open-together.njk', {
      title: `${cycle.openedTogether!.title}: ${programme.name}`,
      heading: cycle.openedTogether!.title,
      programme: { id: programme.id, name: programme.name },
      // The rows' own heading is the page's: each fieldset is one organisation.
      fields: [...shared.fields, ...rows.fields.filter((f) => f.macro !== 'heading')],
      errors: [
        ...shared.errorList,
        ...rows.errorList,
        ...(conflictError ? [{ text: conflictError, href: `#${NO_CONFLICT}` }] : []),
      ],
      noConflict: { checked: state.values?.[NO_CONFLICT] === 'yes', error: conflictError },
    });
  }

  router.get('/programmes/:id/together', requireSignIn, async (req, res) => {
    await render(res, String(req.params.id));
  });

  router.post('/programmes/:id/together', requireSignIn, async (req, res) => {
    const id = String(req.params.id);
    const { programme, cycle, owners } = await setting(res, id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { once, each } = togetherQuestions(cycle);
    const shared = formToPayload(once, body);
    const problems: FieldError[] = [...shared.errors];
    const rows: (TogetherRow & { index: number })[] = [];
    owners.forEach((owner, index) => {
      const typed = rowAnswers('rows', index, body);
      if (blank(typed)) return; // an organisation left blank gets nothing
      const read = formToPayload(each, typed);
      problems.push(...read.errors.map((e) => ({ ...e, field: `rows.${index}.${e.field}` })));
      rows.push({ organisationId: owner.id, answers: read.payload, typed, index });
    });
    if (!rows.length && !problems.length)
      problems.push({ field: 'rows.0', message: 'Fill in at least one organisation’s row' });
    if (body.noConflict !== 'yes')
      problems.push({
        field: NO_CONFLICT,
        message:
          'Confirm you have no conflict of interest in these cases, or leave out the organisations you have one with',
      });
    const read = new Set(problems.map((p) => p.field));
    problems.push(
      ...togetherProblems(cycle, programme.id, shared.payload, rows).filter((p) => !read.has(p.field)),
    );
    if (problems.length) return render(res, id, { status: 422, values: body, errors: problems });
    const outcomes = await openTogether(
      { db, engine },
      webActor(res),
      cycle,
      programme.id,
      shared.payload,
      rows,
      deps.clock.now(),
    );
    const count = (o: string) => outcomes.filter((x) => x.outcome === o).length;
    const query = new URLSearchParams({
      done: 'together',
      opened: String(outcomes.length),
      held: String(count('held')),
      stopped: String(count('stopped')),
    });
    res.redirect(303, `/programmes/${encodeURIComponent(programme.id)}?${query}`);
  });

  return router;
}
