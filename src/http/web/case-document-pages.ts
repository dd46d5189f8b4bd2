// Adding a document to a case in pages (the signed agreement, evidence): what it is, then the file, on
// a multipart form whose CSRF token comes first and is checked before the file is read.
import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { addCaseDocument, descriptionProblems, mayAddTo } from '../../domain/documents/case-documents.ts';
import { ACCEPTED_IN_WORDS } from '../../domain/documents/file-kinds.ts';
import type { DocumentSettings } from '../../domain/documents/upload.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, forbidden } from '../../engine/errors.ts';
import type { CaseView } from '../../engine/views.ts';
import { sizeInWords } from './bid-answers.ts';
import { readPageUpload } from './page-upload.ts';
import { requireSignIn, webActor } from './session.ts';

export function caseDocumentPagesRouter(deps: {
  db: Database;
  engine: Engine;
  clock: Clock;
  documents: DocumentSettings;
}): Router {
  const router = Router();
  const { db, engine, clock, documents } = deps;

  function render(
    res: Response,
    view: CaseView,
    state: { status?: number; description?: string; errors?: FieldError[] } = {},
  ) {
    const errorOf = (field: string) => state.errors?.find((e) => e.field === field)?.message;
    res.status(state.status ?? 200).render('case-document-new.njk', {
      title: `Add a document: ${view.reference}`,
      caseView: view,
      description: state.description ?? '',
      descriptionError: errorOf('description') && { text: errorOf('description') },
      fileError: errorOf('file') && { text: errorOf('file') },
      errors: (state.errors ?? []).map((e) => ({
        text: e.message,
        href: e.field === 'description' ? '#description' : '#file',
      })),
      hint: `It must be ${ACCEPTED_IN_WORDS}, ${sizeInWords(documents.maxBytes)} or smaller.`,
    });
  }

  router.get('/cases/:id/documents/new', requireSignIn, async (req, res) => {
    const actor = webActor(res);
    const view = await engine.get(actor, String(req.params.id));
    if (!mayAddTo(actor, view))
      throw forbidden('Only staff and the organisation the case is for add its documents.');
    render(res, view);
  });

  router.post('/cases/:id/documents/new', requireSignIn, async (req, res) => {
    const actor = webActor(res);
    const view = await engine.get(actor, String(req.params.id));
    const upload = await readPageUpload(req, res, {
      problems: (fields) => descriptionProblems(fields.description),
      onFile: (file, fields) =>
        addCaseDocument(db, engine, documents, actor, view.id, fields.description, file, clock.now()),
    });
    if (!upload.ok)
      return render(res, view, {
        status: upload.status,
        description: upload.fields.description,
        errors: upload.errors,
      });
    res.redirect(303, `/cases/${encodeURIComponent(view.id)}?done=document#case-documents`);
  });

  return router;
}
