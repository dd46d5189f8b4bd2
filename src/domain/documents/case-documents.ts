// Documents kept on a case — the signed agreement, evidence — added by staff or by the organisation
// the case is for, each with what it is; read by whoever may see the case.
import { z } from 'zod';
import { shortText } from '../../../machines/define.ts';
import type { Database, Db } from '../../db/client.ts';
import { documentsOfCase, insertCaseDocument } from '../../db/queries/documents.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { forbidden, invalid } from '../../engine/errors.ts';
import type { CaseView } from '../../engine/views.ts';
import { type DocumentSettings, storeDocument, type Upload } from './upload.ts';

export const caseDocumentDescription = z.strictObject({
  description: shortText(200, 'what the document is').meta({
    title: 'What is it?',
    hint: 'For example “Grant agreement signed by both parties” or “Attendance registers, April to June”',
  }),
});

/** Staff who work cases, and the people of the organisation it is for. Not the panel. */
export const mayAddTo = (actor: Actor, view: CaseView) =>
  ['officer', 'admin', 'approver', 'finance'].includes(actor.role) ||
  (actor.role === 'provider' && actor.organisationId === view.organisationId);

/** The documents of a case this person was already shown (its view authorised them). */
export const documentsOfShownCase = (db: Db, view: CaseView) => documentsOfCase(db, view.id);

export async function caseDocumentsOf(db: Db, engine: Engine, actor: Actor, caseId: string) {
  const view = await engine.get(actor, caseId);
  return documentsOfCase(db, view.id);
}

/** What is wrong with the description as given, before any file is read. */
export function descriptionProblems(given: unknown) {
  const parsed = caseDocumentDescription.safeParse({ description: given ?? '' });
  return parsed.success
    ? []
    : [{ field: 'description', message: parsed.error.issues[0]?.message ?? 'Say what it is' }];
}

export async function addCaseDocument(
  db: Database,
  engine: Engine,
  settings: DocumentSettings,
  actor: Actor,
  caseId: string,
  description: unknown,
  upload: Upload,
  at: Date,
): Promise<void> {
  const view = await engine.get(actor, caseId);
  if (!mayAddTo(actor, view))
    throw forbidden('Only staff and the organisation the case is for add its documents.');
  const problems = descriptionProblems(description);
  if (problems.length) throw invalid('Say what the document is.', problems);
  await storeDocument(
    db,
    settings,
    upload,
    { organisationId: view.organisationId, caseId: view.id, uploadedBy: actor.userId, at },
    (tx, document) =>
      insertCaseDocument(tx, {
        caseId: view.id,
        documentId: document.id,
        description: String(description).trim(),
        addedBy: actor.userId,
        addedAt: at,
      }),
  );
}
