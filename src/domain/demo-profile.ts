// Profile documents for the demo organisations (and test organisations): a one-page PDF of each kind,
// in date for a year, so due diligence can be passed in the demo as it would be for real.
import { createHash } from 'node:crypto';
import { addDays } from '../../machines/calendar.ts';
import { type ProfileDocumentKind, profileDocumentKinds } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import {
  completeDocument,
  insertChunk,
  insertDocument,
  insertOrganisationDocument,
} from '../db/queries/documents.ts';

const onePagePdf = (title: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n% ${title}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );

export async function seedProfileDocuments(
  db: Db,
  organisationId: string,
  { at, today, organisationName }: { at: Date; today: string; organisationName: string },
): Promise<void> {
  for (const [kind, words] of Object.entries(profileDocumentKinds) as [ProfileDocumentKind, string][]) {
    const bytes = onePagePdf(`${organisationName}: ${words}`);
    const row = await insertDocument(db, {
      name: `${words}.pdf`,
      contentType: 'application/pdf',
      sizeBytes: bytes.length,
      sha256: '',
      scanned: false,
      store: 'postgres',
      organisationId,
      caseId: null,
      uploadedBy: null,
      uploadedAt: at,
    });
    await insertChunk(db, row.id, 0, bytes);
    await completeDocument(db, row.id, {
      contentType: 'application/pdf',
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      scanned: false,
    });
    await insertOrganisationDocument(db, {
      organisationId,
      kind,
      documentId: row.id,
      expiresOn: addDays(today, 365),
      addedBy: null,
      addedAt: at,
    });
  }
}
