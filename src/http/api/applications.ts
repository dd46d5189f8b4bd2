// Application forms as data: a programme's form (read by anyone signed in, changed by officers and
// admins), and a bid's application (its answers, saved by anyone of its organisation, and sending it).
import { Router } from 'express';
import { z } from 'zod';
import type { Database, Db } from '../../db/client.ts';
import { questionTypes } from '../../domain/application-form.ts';
import {
  attachToBid,
  type BidApplication,
  bidApplication,
  saveBidAnswers,
  submitBid,
} from '../../domain/bid-application.ts';
import type { DocumentSettings } from '../../domain/documents/upload.ts';
import { changeForm, type ProgrammeForm, programmeForm } from '../../domain/programme-form.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { invalid } from '../../engine/errors.ts';
import { actorOf } from '../authenticate.ts';
import { readMultipart } from '../multipart.ts';
import { parseBody, parseIfMatch } from '../parse.ts';

const anObject = z.record(z.string(), z.unknown());

const formBody = (found: ProgrammeForm) => ({
  programmeId: found.programme.id,
  version: found.version,
  inUse: found.inUse,
  form: found.form,
  questionTypes,
});

const applicationBody = (found: BidApplication) => ({
  caseId: found.view.id,
  formVersion: found.formVersion,
  form: found.form,
  eligibility: found.eligibility,
  answers: found.answers,
  mayChange: found.mayChange,
  maySend: found.maySend,
  sent: found.sent,
  files: found.files,
});

export function applicationsRouter(db: Db, engine: Engine, clock: Clock): Router {
  const router = Router();

  router.get('/programmes/:id/form', async (req, res) => {
    actorOf(res);
    res.json(formBody(await programmeForm(db, engine.registry, req.params.id)));
  });

  router.put('/programmes/:id/form', async (req, res) => {
    parseBody(anObject, req.body);
    res.json(
      formBody(await changeForm(db, engine.registry, actorOf(res), req.params.id, req.body, clock.now())),
    );
  });

  router.get('/cases/:id/application', async (req, res) => {
    res.json(applicationBody(await bidApplication(db, engine, actorOf(res), req.params.id)));
  });

  router.put('/cases/:id/application/answers', async (req, res) => {
    parseBody(anObject, req.body);
    res.json(applicationBody(await saveBidAnswers(db, engine, actorOf(res), req.params.id, req.body)));
  });

  router.post('/cases/:id/application/send', async (req, res) => {
    const ifMatch = parseIfMatch(req.get('if-match'));
    const view = await submitBid(
      db,
      engine,
      actorOf(res),
      req.params.id,
      ifMatch === undefined ? undefined : ifMatch.length === 1 ? ifMatch[0] : 0,
    );
    res.set('ETag', `"${view.version}"`).json(view);
  });

  return router;
}

/** Uploads, before the API's JSON-only check: a file answering one of a bid's file questions. */
export function applicationUploadsRouter(db: Database, engine: Engine, documents: DocumentSettings): Router {
  const router = Router();
  router.post('/cases/:id/application/files/:question', async (req, res) => {
    const actor = actorOf(res);
    const { stored } = await readMultipart(req, {
      onFile: (file) => attachToBid(db, engine, documents, actor, req.params.id, req.params.question, file),
    });
    if (!stored)
      throw invalid('No file was sent.', [
        { field: 'file', message: 'Send the file in the form field named file' },
      ]);
    res.json(applicationBody(stored));
  });
  return router;
}
