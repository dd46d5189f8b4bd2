// The funding calls, open to anyone: "Find funding" lists the calls organisations can bid for, each
// call has a start page of its own (the GOV.UK start page pattern), and "Start now" leads a signed-in
// provider to name their bid and open it as a draft.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import {
  callsFor,
  type FundingCall,
  mayBid,
  openCallOr409,
  openFundingCall,
  openFundingCalls,
  startBid,
} from '../../domain/funding-calls.ts';
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

  /** The bid's first question: its title. Signed in, as a provider who may bid. */
  async function renderStart(
    res: Response,
    call: FundingCall,
    state: { status?: number; title?: string; errors?: string[] } = {},
  ) {
    const actor = webActor(res);
    const errors = (state.errors ?? []).map((text) => ({ text, href: '#title' }));
    res.status(state.status ?? 200).render('funding-start.njk', {
      title: `Start a bid: ${call.name}`,
      call,
      canBid: await mayBid(db, actor, call),
      typed: state.title ?? '',
      errors,
      fieldError: errors.length ? { text: errors.map((e) => e.text).join('. ') } : undefined,
    });
  }

  router.get('/funding/:programmeId/start', requireSignIn, async (req, res) => {
    await renderStart(res, await callOr404(String(req.params.programmeId)));
  });

  router.post('/funding/:programmeId/bids', requireSignIn, async (req: Request, res: Response) => {
    const actor = webActor(res);
    if (actor.role !== 'provider') throw forbidden('Only providers start bids.');
    const programmeId = String(req.params.programmeId);
    const typed = typeof req.body?.title === 'string' ? (req.body.title as string) : '';
    const fail = async (status: number, texts: string[]) =>
      renderStart(res, await openCallOr409(db, engine.registry, programmeId), {
        status,
        title: typed,
        errors: texts,
      });
    const form = bidForm.safeParse({ title: typed });
    if (!form.success)
      return fail(
        422,
        form.error.issues.map((i) => i.message),
      );
    try {
      const created = await startBid(db, engine, actor, programmeId, form.data.title);
      res.redirect(303, `/cases/${encodeURIComponent(created.id)}`);
    } catch (error) {
      if (!(error instanceof ProblemError) || ![403, 409, 422].includes(error.status)) throw error;
      const fields = error.extensions.errors as FieldError[] | undefined;
      return fail(error.status, fields?.length ? fields.map((f) => f.message) : [error.detail]);
    }
  });

  return router;
}
