// What people write on a case over the API: the staff's internal notes (/api/cases/:id/notes) and
// the messages between the office and the organisation (/api/cases/:id/messages). The rules, and the
// email a message sends, are the domain's (case-notes.ts, case-messages.ts), as for the pages.
import { randomUUID } from 'node:crypto';
import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { caseMessagesFor, sendCaseMessage } from '../../domain/case-messages.ts';
import { addCaseNote, caseNotesFor } from '../../domain/case-notes.ts';
import { writingBody } from '../../domain/case-writing.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, forbidden, invalid, validOr422 } from '../../engine/errors.ts';
import { exchangesMessages, keepsCaseNotes } from '../../engine/view-policy.ts';
import { actorOf } from '../authenticate.ts';
import { parseIdempotencyKey } from '../parse.ts';

const refuseIf = (problems: FieldError[], what: string) => {
  if (problems.length) throw invalid(`The ${what} was not kept: see errors.`, problems);
};

export function caseWritingRouter(db: Database, engine: Engine, publicUrl: string): Router {
  const router = Router();

  async function notes(actor: Actor, id: string) {
    await engine.get(actor, id);
    if (!keepsCaseNotes(actor)) throw forbidden('Only the Commissioner’s staff keep notes on a case.');
    const rows = await caseNotesFor(db, actor, id);
    return { items: rows.map((n) => ({ at: n.at, author: n.authorName, body: n.body })) };
  }

  async function messages(actor: Actor, id: string) {
    await engine.get(actor, id);
    if (!exchangesMessages(actor))
      throw forbidden(
        'Only the Commissioner’s staff and the organisation the case is for read its messages.',
      );
    const rows = await caseMessagesFor(db, actor, id);
    return {
      items: rows.map((m) => ({
        at: m.at,
        from: m.fromOrganisation ? 'organisation' : 'office',
        author: m.authorName,
        body: m.body,
      })),
    };
  }

  const send = async (res: Response, status: number, body: unknown) => res.status(status).json(body);

  router.get('/:id/notes', async (req, res) => send(res, 200, await notes(actorOf(res), req.params.id)));
  router.post('/:id/notes', async (req, res) => {
    const actor = actorOf(res);
    const { body } = validOr422(writingBody, req.body, 'The note was not kept: see errors.');
    refuseIf(await addCaseNote(db, engine, actor, req.params.id, body), 'note');
    await send(res, 201, await notes(actor, req.params.id));
  });

  router.get('/:id/messages', async (req, res) =>
    send(res, 200, await messages(actorOf(res), req.params.id)),
  );
  router.post('/:id/messages', async (req, res) => {
    const actor = actorOf(res);
    // A retry with the same Idempotency-Key is kept and emailed once, as a form sent twice is.
    const sendKey = parseIdempotencyKey(req.get('idempotency-key')) ?? randomUUID();
    const { body } = validOr422(writingBody, req.body, 'The message was not sent: see errors.');
    refuseIf(
      await sendCaseMessage(db, engine, actor, req.params.id, { body, sendKey }, publicUrl),
      'message',
    );
    await send(res, 201, await messages(actor, req.params.id));
  });

  return router;
}
