import { type Request, type Response, Router } from 'express';
import type { Db, Tx } from '../../db/client.ts';
import { lockCaseVersion } from '../../db/queries/case-version.ts';
import { awardMoneyByYear } from '../../domain/award-years.ts';
import type { Engine } from '../../engine/engine.ts';
import { forbidden, ProblemError } from '../../engine/errors.ts';
import { once, requestHash, type StoredResponse } from '../../engine/idempotency.ts';
import type { CaseView } from '../../engine/views.ts';
import { actorOf } from '../authenticate.ts';
import { parseBody, parseIdempotencyKey, parseIfMatch, parseQuery } from '../parse.ts';
import { caseListQuery, createCaseBody, encodeCursor, eventBody } from './schemas.ts';

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

/** Lower than any case's version (the database keeps them at 1 or more), so it never matches. */
const NO_VERSION = 0;

/**
 * The one version the engine should insist on for an If-Match of these versions. The engine
 * compares a single number, after it has found the case and checked the caller may see it (404
 * before 412, so a 412 never reveals a case). One strong ETag is passed as it is. For several,
 * the case's version is read under the row lock the engine is about to take in this transaction,
 * so it cannot move in between: when it is one of them it is passed on and the event proceeds;
 * otherwise (and for weak ETags only, which never match) a version no case has is passed, and the
 * engine refuses with 412 in its usual order.
 */
async function expectedVersionFor(tx: Tx, caseId: string, ifMatch: number[] | undefined) {
  if (ifMatch === undefined) return undefined;
  if (ifMatch.length === 1) return ifMatch[0];
  if (ifMatch.length === 0) return NO_VERSION;
  const current = await lockCaseVersion(tx, caseId);
  return current !== undefined && ifMatch.includes(current) ? current : NO_VERSION;
}

/** The engine's 412 names the one version it was given; for a list or weak ETags, say what was sent. */
function explainStale(error: unknown, ifMatch: number[]): unknown {
  if (!(error instanceof ProblemError) || error.status !== 412) return error;
  const current = error.extensions.currentVersion;
  const detail = ifMatch.length
    ? `None of the ETags in If-Match (${ifMatch.map((v) => `"${v}"`).join(', ')}) is the case's version, ${current}. Reload it and try again.`
    : `If-Match compares ETags strongly, so a weak one (W/"…") never matches. Reload the case and send its ETag, "${current}", as given.`;
  return new ProblemError(412, error.title, detail, error.extensions);
}

export function casesRouter(engine: Engine, db: Db): Router {
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
      programmeId: query.programme,
      awardCaseId: query.award,
      limit: query.limit,
      beforeSeq: query.cursor,
    });
    res.json({ items: page.items, nextCursor: page.lastSeq === null ? null : encodeCursor(page.lastSeq) });
  });

  router.get('/:id', async (req, res) => {
    const view = await engine.get(actorOf(res), req.params.id);
    res.set('ETag', etag(view)).json(view);
  });

  // The award's money by financial year (the money glossary's committed, paid and returned): the
  // Commissioner's own accounting, so staff only, of a case they may see.
  router.get('/:id/money', async (req, res) => {
    const actor = actorOf(res);
    const view = await engine.get(actor, req.params.id);
    if (actor.role === 'provider') throw forbidden("An award's money by financial year is for staff.");
    res.json({ caseId: view.id, years: await awardMoneyByYear(db, view.id) });
  });

  router.get('/:id/history', async (req, res) => {
    res.json({ items: await engine.history(actorOf(res), req.params.id) });
  });

  router.post('/:id/events', async (req, res) => {
    parseBody(eventBody, req.body);
    const event = req.body as Record<string, unknown>; // raw, for the strict payload schema (see above)
    const ifMatch = parseIfMatch(req.get('if-match'));
    await post(engine, req, res, async (tx) => {
      const expectedVersion = await expectedVersionFor(tx, req.params.id, ifMatch);
      try {
        const view = await engine.send(actorOf(res), req.params.id, event, { expectedVersion, tx });
        return { status: 200, body: view, headers: { ETag: etag(view) } };
      } catch (error) {
        throw ifMatch && ifMatch.length !== 1 ? explainStale(error, ifMatch) : error;
      }
    });
  });

  return router;
}
