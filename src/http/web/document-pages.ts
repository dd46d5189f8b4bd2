// A stored file, downloaded by someone signed in who may see it (documents/access.ts).
import { Router } from 'express';
import type { Db } from '../../db/client.ts';
import { documentFor } from '../../domain/documents/access.ts';
import { bytesOf, type DocumentSettings } from '../../domain/documents/upload.ts';
import type { Engine } from '../../engine/engine.ts';
import { sendStoredFile } from '../downloads.ts';
import { requireSignIn, webActor } from './session.ts';

export function documentPagesRouter(deps: { db: Db; engine: Engine; documents: DocumentSettings }): Router {
  const router = Router();
  router.get('/documents/:id', requireSignIn, async (req, res) => {
    const document = await documentFor(deps.db, deps.engine, webActor(res), String(req.params.id));
    await sendStoredFile(res, document, bytesOf(deps.documents, deps.db, document));
  });
  return router;
}
