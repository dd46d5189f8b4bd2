import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { caseDocuments, documentChunks, documents, organisationDocuments, users } from '../schema/index.ts';

export type DocumentRow = typeof documents.$inferSelect;
export type NewDocument = typeof documents.$inferInsert;

export async function insertDocument(db: Db, row: NewDocument): Promise<DocumentRow> {
  const [inserted] = await db.insert(documents).values(row).returning();
  return inserted!;
}

/** What the upload's content showed, once all of it has been read and checked. */
export async function completeDocument(
  db: Db,
  id: string,
  facts: { contentType: string; sizeBytes: number; sha256: string; scanned: boolean },
): Promise<DocumentRow> {
  const [row] = await db.update(documents).set(facts).where(eq(documents.id, id)).returning();
  return row!;
}

export async function insertChunk(db: Db, documentId: string, seq: number, bytes: Buffer): Promise<void> {
  await db.insert(documentChunks).values({ documentId, seq, bytes });
}

/** The chunk after `seq` (-1 for the first), or undefined at the end: a file is read a chunk at a time. */
export async function chunkAfter(db: Db, documentId: string, seq: number) {
  const [row] = await db
    .select({ seq: documentChunks.seq, bytes: documentChunks.bytes })
    .from(documentChunks)
    .where(and(eq(documentChunks.documentId, documentId), gt(documentChunks.seq, seq)))
    .orderBy(asc(documentChunks.seq))
    .limit(1);
  return row;
}

export async function findDocument(db: Db, id: string): Promise<DocumentRow | undefined> {
  const [row] = await db.select().from(documents).where(eq(documents.id, id));
  return row;
}

export async function documentsByIds(db: Db, ids: readonly string[]): Promise<DocumentRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(documents)
    .where(inArray(documents.id, [...ids]));
}

export async function insertOrganisationDocument(
  db: Db,
  row: typeof organisationDocuments.$inferInsert,
): Promise<void> {
  await db.insert(organisationDocuments).values(row);
}

/** The latest document of each kind on the organisation's profile, with its file's name and size. */
export async function currentProfileDocuments(db: Db, organisationId: string) {
  return db
    .selectDistinctOn([organisationDocuments.kind], {
      kind: organisationDocuments.kind,
      expiresOn: organisationDocuments.expiresOn,
      addedAt: organisationDocuments.addedAt,
      documentId: documents.id,
      name: documents.name,
      sizeBytes: documents.sizeBytes,
    })
    .from(organisationDocuments)
    .innerJoin(documents, eq(documents.id, organisationDocuments.documentId))
    .where(eq(organisationDocuments.organisationId, organisationId))
    .orderBy(organisationDocuments.kind, desc(organisationDocuments.addedAt));
}

export async function insertCaseDocument(db: Db, row: typeof caseDocuments.$inferInsert): Promise<void> {
  await db.insert(caseDocuments).values(row);
}

/** A case's documents, oldest first, with their files' names and sizes and who added them. */
export async function documentsOfCase(db: Db, caseId: string) {
  return db
    .select({
      documentId: documents.id,
      description: caseDocuments.description,
      name: documents.name,
      sizeBytes: documents.sizeBytes,
      addedAt: caseDocuments.addedAt,
      addedByName: users.name,
    })
    .from(caseDocuments)
    .innerJoin(documents, eq(documents.id, caseDocuments.documentId))
    .leftJoin(users, eq(users.id, caseDocuments.addedBy))
    .where(eq(caseDocuments.caseId, caseId))
    .orderBy(asc(caseDocuments.addedAt));
}
