// One action of a case on a page of its own: its form (GET), and what sending it does (POST): the
// engine's answer, a confirmation first for what cannot be undone, the form again with its errors, or
// the case with a success banner.

import { type Request, type Response, Router } from 'express';
import type { Db } from '../../db/client.ts';
import { deleteDraft, saveDraft } from '../../db/queries/form-drafts.ts';
import { sendRefusal } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, fieldErrors, ProblemError } from '../../engine/errors.ts';
import { eventSpec } from '../../engine/rulebook.ts';
import type { CaseView } from '../../engine/views.ts';
import { confirmation } from './case-details.ts';
import { draftFields } from './case-forms.ts';
import { caseRenderer, STALE_MESSAGE } from './case-page.ts';
import { formToPayload } from './form-answers.ts';
import { requireSignIn, webActor } from './session.ts';

export function caseActionRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();
  const { definitionOf, render } = caseRenderer(deps);

  // One action on a page of its own: its form, what the case says, and the way back.
  router.get('/cases/:id/events/:type', requireSignIn, async (req: Request, res: Response) => {
    const view = await deps.engine.get(webActor(res), String(req.params.id));
    const type = String(req.params.type);
    if (!eventSpec(definitionOf(view), type))
      throw new ProblemError(404, 'Not found', `Nothing is at ${req.method} ${req.path}.`);
    await render(res, view, { action: type });
  });

  router.post('/cases/:id/events/:type', requireSignIn, async (req: Request, res: Response) => {
    const actor = webActor(res);
    const id = String(req.params.id);
    const type = String(req.params.type);
    const view = await deps.engine.get(actor, id);
    const definition = definitionOf(view);
    const spec = eventSpec(definition, type);
    if (!spec) throw new ProblemError(404, 'Not found', `Nothing is at ${req.method} ${req.path}.`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const expectedVersion = typeof body.version === 'string' ? Number(body.version) : Number.NaN;
    const stale = (current: CaseView) => render(res, current, { status: 409, notice: STALE_MESSAGE });
    const notPossible = (current: CaseView, detail?: string) =>
      render(res, current, {
        status: 409,
        notice: detail
          ? `${detail} Nothing you sent was saved.`
          : `“${spec.label}” is not possible while the case is at this stage (${current.stateLabel}). Nothing you sent was saved.`,
      });
    const refuse = () => {
      // As the engine would: someone who may never send it is not allowed; otherwise not now.
      const notYours = sendRefusal(actor, spec, view.organisationId);
      if (notYours) throw new ProblemError(403, 'Not allowed', notYours);
      return notPossible(view);
    };

    if (body._action === 'save') {
      // Save and come back later: only a form this person could send now; no version needed.
      const mayPrepare = [...view.nextEvents, ...view.forColleagues].some((e) => e.type === type);
      if (!mayPrepare || !actor.userId) return refuse();
      const draft = draftFields(body, spec.payload);
      if (draft.errors.length) {
        return render(res, view, {
          status: 422,
          failed: { type, values: body, errors: draft.errors },
          action: type,
        });
      }
      await saveDraft(deps.db, {
        caseId: id,
        userId: actor.userId,
        eventType: type,
        fields: draft.fields,
        at: new Date(),
      });
      return res.redirect(303, `/cases/${encodeURIComponent(id)}?saved=${encodeURIComponent(type)}`);
    }

    const { payload, errors } = formToPayload(spec.payload, body);

    if (errors.length) {
      // Nothing goes to the engine, so refuse here as it would, in its order.
      if (expectedVersion !== view.version) return stale(view);
      if (!view.nextEvents.some((e) => e.type === type)) return refuse();
      // Show every problem at once: the machine's own rules on the fields that could be read.
      const bad = (field: string) =>
        errors.some(
          (e) => field === e.field || field.startsWith(`${e.field}.`) || e.field.startsWith(`${field}.`),
        );
      const checked = spec.payload.safeParse(payload);
      const more = checked.success
        ? (spec.check?.(view.context, checked.data, deps.engine.now()) ?? [])
        : fieldErrors(checked.error.issues);
      const all = [...errors, ...more.filter((e) => !bad(e.field))];
      return render(res, view, { status: 422, failed: { type, values: body, errors: all }, action: type });
    }

    if (spec.irreversible && body._confirmed !== 'yes') {
      // Checked as the engine would before asking: a confirmation page must not promise what fails.
      if (expectedVersion !== view.version) return stale(view);
      if (!view.nextEvents.some((e) => e.type === type)) return refuse();
      const checked = spec.payload.safeParse(payload);
      const problems = checked.success
        ? [
            ...(spec.check?.(view.context, checked.data, deps.engine.now()) ?? []),
            ...(await deps.engine.programmeProblems(id, type, checked.data)),
          ]
        : fieldErrors(checked.error.issues);
      if (problems.length)
        return render(res, view, {
          status: 422,
          failed: { type, values: body, errors: problems },
          action: type,
        });
      return res.render('confirm.njk', confirmation(definitionOf(view), view, type, body, payload));
    }

    let sent: CaseView;
    try {
      sent = await deps.engine.send(actor, id, { ...payload, type }, { expectedVersion });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      const current = await deps.engine.get(actor, id);
      if (error.status === 412) return stale(current);
      if (error.status === 422) {
        const fields = (error.extensions.errors as FieldError[] | undefined) ?? [
          { field: '(body)', message: error.detail },
        ];
        return render(res, current, {
          status: 422,
          failed: { type, values: body, errors: fields },
          action: type,
        });
      }
      if (error.status === 409) {
        // Not accepted in this state; or a rule of the domain, such as a fund that cannot afford it.
        return notPossible(current, 'acceptedEvents' in error.extensions ? undefined : error.detail);
      }
      throw error;
    }
    // Sent: what this person had saved of this form is done with.
    if (actor.userId) await deleteDraft(deps.db, id, actor.userId, type, actor.role === 'provider');
    // A decision held for signature is not done yet: say so.
    const held = sent.decision?.status === 'awaitingSignature' && sent.decision.event === type;
    res.redirect(
      303,
      `/cases/${encodeURIComponent(id)}?${held ? 'held' : 'done'}=${encodeURIComponent(type)}`,
    );
  });

  return router;
}
