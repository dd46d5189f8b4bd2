// Stored files through the API: downloading one, and the documents on an organisation's profile (read
// by staff and its own people; added by them, or by officers and admins, as multipart/form-data with
// `kind` and `expiresOn` before the file). Mounted before the API's JSON-only check.
import { Router } from 'express';
import { londonDate } from '../../../machines/calendar.ts';
import type { Database } from '../../db/client.ts';
import { documentFor } from '../../domain/documents/access.ts';
import {
  addCaseDocument,
  caseDocumentsOf,
  descriptionProblems,
} from '../../domain/documents/case-documents.ts';
import {
  addProfileDocument,
  organisationProfile,
  profileFieldProblems,
} from '../../domain/documents/profile.ts';
import { bytesOf, type DocumentSettings } from '../../domain/documents/upload.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { invalid } from '../../engine/errors.ts';
import { actorOf } from '../authenticate.ts';
import { sendStoredFile } from '../downloads.ts';
import { readMultipart } from '../multipart.ts';

export function documentsRouter(
  db: Database,
  engine: Engine,
  documents: DocumentSettings,
  clock: Clock,
): Router {
  const router = Router();

  router.get('/documents/:id', async (req, res) => {
    const document = await documentFor(db, engine, actorOf(res), req.params.id);
    await sendStoredFile(res, document, bytesOf(documents, db, document));
  });

  router.get('/organisations/:id/documents', async (req, res) => {
    const today = londonDate(clock.now());
    res.json({ items: await organisationProfile(db, actorOf(res), req.params.id, today) });
  });

  router.post('/organisations/:id/documents', async (req, res) => {
    const actor = actorOf(res);
    const now = clock.now();
    const today = londonDate(now);
    const { fields, received } = await readMultipart(req, {
      // The kind and date come before the file: a wrong one is refused before the file is read.
      beforeFile: (given) => {
        const problems = profileFieldProblems(given.kind ?? '', given.expiresOn, today);
        if (problems.length) throw invalid('The document’s details are not valid.', problems);
      },
      onFile: (file, given) =>
        addProfileDocument(
          db,
          documents,
          actor,
          req.params.id,
          { kind: given.kind ?? '', expiresOn: given.expiresOn, today, at: now },
          file,
        ),
    });
    if (!received) {
      const problems = profileFieldProblems(fields.kind ?? '', fields.expiresOn, today);
      throw invalid('No file was sent.', [
        ...problems,
        { field: 'file', message: 'Send the file in the form field named file' },
      ]);
    }
    res.status(201).json({ items: await organisationProfile(db, actor, req.params.id, today) });
  });

  router.get('/cases/:id/documents', async (req, res) => {
    res.json({ items: await caseDocumentsOf(db, engine, actorOf(res), req.params.id) });
  });

  router.post('/cases/:id/documents', async (req, res) => {
    const actor = actorOf(res);
    const { fields, received } = await readMultipart(req, {
      beforeFile: (given) => {
        const problems = descriptionProblems(given.description);
        if (problems.length) throw invalid('Say what the document is.', problems);
      },
      onFile: (file, given) =>
        addCaseDocument(db, engine, documents, actor, req.params.id, given.description, file, clock.now()),
    });
    if (!received)
      throw invalid('No file was sent.', [
        ...descriptionProblems(fields.description),
        { field: 'file', message: 'Send the file in the form field named file' },
      ]);
    res.status(201).json({ items: await caseDocumentsOf(db, engine, actor, req.params.id) });
  });

  return router;
}
