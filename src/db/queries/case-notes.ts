import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { caseNotes, users } from '../schema/index.ts';

export async function insertCaseNote(
  db: Db,
  note: { caseId: string; authorId: string; body: string; at: Date },
): Promise<void> {
  await db.insert(caseNotes).values(note);
}

/** A case's notes, oldest first, each with its author's name. */
export async function notesOfCase(db: Db, caseId: string) {
  return notesQuery(db).execute({ caseId });
}
const notesQuery = preparedRead('notes_of_case', (db) =>
  db
    .select({
      body: caseNotes.body,
      at: caseNotes.at,
      authorId: caseNotes.authorId,
      authorName: users.name,
      authorRole: users.role,
    })
    .from(caseNotes)
    .innerJoin(users, eq(users.id, caseNotes.authorId))
    .where(eq(caseNotes.caseId, sql.placeholder('caseId')))
    .orderBy(asc(caseNotes.at), asc(caseNotes.id)),
);

/** Staff's notes may name people too: each keeps its place and author, its words replaced. */
export async function replaceNotesOfCase(db: Db, caseId: string, body: string): Promise<void> {
  await db.update(caseNotes).set({ body }).where(eq(caseNotes.caseId, caseId));
}
