// The funding calls, open to anyone: "Find funding" lists the calls organisations can bid for, each
// call has a start page of its own (the GOV.UK start page pattern), and "Start now" leads a signed-in
// provider to name their bid and open it as a draft.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { eligibilityOutcome } from '../../domain/application-answers.ts';
import { NOT_ELIGIBLE } from '../../domain/bid-start.ts';
import {
  callsFor,
  type FundingCall,
  mayBid,
  openCallOr409,
  openFundingCall,
  openFundingCalls,
  startBid,
} from '../../domain/funding-calls.ts';
import { programmeForm } from '../../domain/programme-form.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, forbidden, notFound, ProblemError } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import { requireSignIn, webActor } from './session.ts';

const bidForm = z.object({
  // Only blankness is ours to say; the machine's own input schema has the rest (its length).
  title: z.string().trim().min(1, { error: 'Enter a title for your bid' }),
});

export function fundingPagesRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();
  const { db, engine } = deps;

  router.get('/funding', async (_req, res) => {
    const actor = webActor(res) as Actor | undefined;
    const calls = await callsFor(db, actor, await openFundingCalls(db, engine.registry));
    res.render('funding.njk', { title: 'Find funding', calls, forOrganisation: actor?.role === 'provider' });
  });

  const callOr404 = async (id: string) => {
    const call = isUuid(id) ? await openFundingCall(db, engine.registry, id) : undefined;
    if (!call) throw notFound('funding call');
    return call;
  };

  router.get('/funding/:programmeId', async (req, res) => {
    const call = await callOr404(String(req.params.programmeId));
    res.render('funding-call.njk', { title: call.name, call });
  });

  /** The eligibility questions of the call's form, as radios, with the answers given and their errors. */
  async function eligibilityOf(call: FundingCall) {
    return (await programmeForm(db, engine.registry, call.id)).form.eligibility;
  }

  /** Before the bid's title: the call's eligibility questions, if its form has any. */
  async function renderEligibility(
    res: Response,
    call: FundingCall,
    state: { status?: number; answers?: Record<string, string>; errors?: FieldError[] } = {},
  ) {
    const actor = webActor(res);
    const questions = await eligibilityOf(call);
    const errorFor = (id: string) => state.errors?.find((e) => e.field === `eligibility.${id}`);
    res.status(state.status ?? 200).render('funding-eligibility.njk', {
      title: `Check you can apply: ${call.name}`,
      call,
      canBid: await mayBid(db, actor, call),
      questions: questions.map((q) => ({
        id: q.id,
        question: q.question,
        chosen: state.answers?.[q.id],
        error: errorFor(q.id) ? { text: `Answer yes or no: ${q.question}` } : undefined,
      })),
      errors: questions
        .filter((q) => errorFor(q.id))
        .map((q) => ({ text: `Answer yes or no: ${q.question}`, href: `#eligibility-${q.id}` })),
    });
  }

  /** The bid's first question: its title. Signed in, as a provider who may bid. */
  async function renderStart(
    res: Response,
    call: FundingCall,
    state: { status?: number; title?: string; errors?: string[]; eligibility?: Record<string, string> } = {},
  ) {
    const actor = webActor(res);
    const errors = (state.errors ?? []).map((text) => ({ text, href: '#title' }));
    res.status(state.status ?? 200).render('funding-start.njk', {
      title: `Start a bid: ${call.name}`,
      call,
      canBid: await mayBid(db, actor, call),
      typed: state.title ?? '',
      eligibility: Object.entries(state.eligibility ?? {}).map(([id, answer]) => ({ id, answer })),
      errors,
      fieldError: errors.length ? { text: errors.map((e) => e.text).join('. ') } : undefined,
    });
  }

  /** Ruled out by an answer: the officer's explanation of each, and nothing started. */
  function renderIneligible(res: Response, call: FundingCall, explanations: string[]) {
    res.render('funding-ineligible.njk', { title: `You cannot apply: ${call.name}`, call, explanations });
  }

  /** The eligibility answers a form sent, by question id: `eligibility-e1=yes`. */
  const eligibilityAnswers = (body: unknown) =>
    Object.fromEntries(
      Object.entries((body ?? {}) as Record<string, unknown>)
        .filter(([key, value]) => /^eligibility-e[0-9]+$/.test(key) && typeof value === 'string')
        .map(([key, value]) => [key.slice('eligibility-'.length), value as string]),
    );

  router.get('/funding/:programmeId/start', requireSignIn, async (req, res) => {
    const call = await callOr404(String(req.params.programmeId));
    if ((await eligibilityOf(call)).length) return renderEligibility(res, call);
    await renderStart(res, call);
  });

  router.post('/funding/:programmeId/eligibility', requireSignIn, async (req, res) => {
    const call = await openCallOr409(db, engine.registry, String(req.params.programmeId));
    const answers = eligibilityAnswers(req.body);
    const form = (await programmeForm(db, engine.registry, call.id)).form;
    const outcome = eligibilityOutcome(form, answers);
    if (outcome.problems.length)
      return renderEligibility(res, call, { status: 422, answers, errors: outcome.problems });
    if (outcome.ineligible.length)
      return renderIneligible(
        res,
        call,
        outcome.ineligible.map((q) => q.explanation),
      );
    await renderStart(res, call, { eligibility: outcome.answers });
  });

  router.post('/funding/:programmeId/bids', requireSignIn, async (req: Request, res: Response) => {
    const actor = webActor(res);
    if (actor.role !== 'provider') throw forbidden('Only providers start bids.');
    const programmeId = String(req.params.programmeId);
    const typed = typeof req.body?.title === 'string' ? (req.body.title as string) : '';
    const eligibility = eligibilityAnswers(req.body);
    const fail = async (status: number, texts: string[]) =>
      renderStart(res, await openCallOr409(db, engine.registry, programmeId), {
        status,
        title: typed,
        errors: texts,
        eligibility,
      });
    const form = bidForm.safeParse({ title: typed });
    if (!form.success)
      return fail(
        422,
        form.error.issues.map((i) => i.message),
      );
    try {
      const created = await startBid(db, engine, actor, programmeId, form.data.title, eligibility);
      res.redirect(303, `/cases/${encodeURIComponent(created.id)}/bid`);
    } catch (error) {
      if (!(error instanceof ProblemError) || ![403, 409, 422].includes(error.status)) throw error;
      const fields = error.extensions.errors as FieldError[] | undefined;
      const call = await openCallOr409(db, engine.registry, programmeId);
      if (error.title === NOT_ELIGIBLE)
        return renderIneligible(
          res,
          call,
          (fields ?? []).map((f) => f.message),
        );
      // Eligibility answers missing (the page was skipped): ask them.
      if (fields?.some((f) => f.field.startsWith('eligibility.')))
        return renderEligibility(res, call, { status: 422, answers: eligibility, errors: fields });
      return fail(error.status, fields?.length ? fields.map((f) => f.message) : [error.detail]);
    }
  });

  return router;
}
