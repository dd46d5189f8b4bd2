import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { caseMessages, users } from '../schema/index.ts';

export type NewCaseMessage = typeof caseMessages.$inferInsert;

/** Keeps a message; false when one with the same send key is already kept (sent twice). */
export async function insertCaseMessage(db: Db, message: NewCaseMessage): Promise<boolean> {
  const kept = await db
    .insert(caseMessages)
    .values(message)
    .onConflictDoNothing({ target: [caseMessages.caseId, caseMessages.sendKey] })
    .returning({ id: caseMessages.id });
  return kept.length > 0;
}

/** A case's messages, oldest first, each with its writer's name. */
export async function messagesOfCase(db: Db, caseId: string) {
  return messagesQuery(db).execute({ caseId });
}
const messagesQuery = preparedRead('messages_of_case', (db) =>
  db
    .select({
      body: caseMessages.body,
      at: caseMessages.at,
      fromOrganisation: caseMessages.fromOrganisation,
      authorName: users.name,
      authorRole: users.role,
    })
    .from(caseMessages)
    .innerJoin(users, eq(users.id, caseMessages.authorId))
    .where(eq(caseMessages.caseId, sql.placeholder('caseId')))
    .orderBy(asc(caseMessages.at), asc(caseMessages.id)),
);

/** Messages may name people too: each keeps its place and writer, its words replaced. */
export async function replaceMessagesOfCase(db: Db, caseId: string, body: string): Promise<void> {
  await db.update(caseMessages).set({ body }).where(eq(caseMessages.caseId, caseId));
}
