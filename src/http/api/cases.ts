import { type Request, type Response, Router } from 'express';
import type { Tx } from '../../db/client.ts';
import type { CaseView, Engine } from '../../engine/engine.ts';
import { once, requestHash, type StoredResponse } from '../../engine/idempotency.ts';
import { actorOf } from '../authenticate.ts';
import { parseBody, parseIdempotencyKey, parseIfMatch, parseQuery } from '../parse.ts';
import { caseListQuery, createCaseBody, eventBody } from './schemas.ts';

const etag = (view: CaseView) => `"${view.version}"`;

function reply(res: Response, answer: StoredResponse & { replayed?: boolean }): void {
  res.status(answer.status).set(answer.headers);
  if (answer.replayed) res.set('Idempotent-Replayed', 'true');
  res.json(answer.body);
}

/**
 * Runs a POST's work in one transaction; with an Idempotency-Key the work happens once per key and
 * a retry gets the stored answer.
 */
async function post(engine: Engine, req: Request, res: Response, work: (tx: Tx) => Promise<StoredResponse>) {
  const key = parseIdempotencyKey(req.get('idempotency-key'));
  const actor = actorOf(res);
  if (key === undefined || !actor.userId) return reply(res, await engine.transaction(work));
  const hash = requestHash([req.method, req.originalUrl, req.get('if-match') ?? null, req.body]);
  const answer = await engine.transaction((tx) =>
    once(tx, { userId: actor.userId!, key, hash }, () => work(tx)),
  );
  reply(res, answer);
}

export function casesRouter(engine: Engine): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseBody(createCaseBody, req.body);
    await post(engine, req, res, async (tx) => {
      // The raw input goes on: zod drops a `__proto__` key from records, and the machine's strict
      // input schema must see every key the client sent to refuse the unknown ones.
      const view = await engine.create(actorOf(res), { ...body, input: req.body.input }, tx);
      return { status: 201, body: view, headers: { ETag: etag(view), Location: `/api/cases/${view.id}` } };
    });
  });

  router.get('/', async (req, res) => {
    const query = parseQuery(caseListQuery, req.query);
    const page = await engine.list(actorOf(res), {
      machine: query.machine,
      state: query.state,
      limit: query.limit,
      beforeSeq: query.cursor === undefined ? undefined : Number(query.cursor),
    });
    res.json({ items: page.items, nextCursor: page.lastSeq === null ? null : String(page.lastSeq) });
  });

  router.get('/:id', async (req, res) => {
    const view = await engine.get(actorOf(res), req.params.id);
    res.set('ETag', etag(view)).json(view);
  });

  router.get('/:id/history', async (req, res) => {
    res.json({ items: await engine.history(actorOf(res), req.params.id) });
  });

  router.post('/:id/events', async (req, res) => {
    parseBody(eventBody, req.body);
    const event = req.body as Record<string, unknown>; // raw, for the strict payload schema (see above)
    const expectedVersion = parseIfMatch(req.get('if-match'));
    await post(engine, req, res, async (tx) => {
      const view = await engine.send(actorOf(res), req.params.id, event, { expectedVersion, tx });
      return { status: 200, body: view, headers: { ETag: etag(view) } };
    });
  });

  return router;
}
