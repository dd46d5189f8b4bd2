import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { formDrafts } from '../schema/index.ts';

export type DraftFields = Record<string, string | string[]>;

/** One person's saved forms on one case, by event type. Nobody else's. */
export async function draftsFor(db: Db, caseId: string, userId: string): Promise<Map<string, DraftFields>> {
  const rows = await db
    .select({ eventType: formDrafts.eventType, fields: formDrafts.fields })
    .from(formDrafts)
    .where(and(eq(formDrafts.caseId, caseId), eq(formDrafts.userId, userId)));
  return new Map(rows.map((r) => [r.eventType, r.fields]));
}

/** Saves (or replaces) what one person typed into one form. */
export async function saveDraft(
  db: Db,
  draft: { caseId: string; userId: string; eventType: string; fields: DraftFields; at: Date },
): Promise<void> {
  await db
    .insert(formDrafts)
    .values({
      caseId: draft.caseId,
      userId: draft.userId,
      eventType: draft.eventType,
      fields: draft.fields,
      savedAt: draft.at,
    })
    .onConflictDoUpdate({
      target: [formDrafts.caseId, formDrafts.userId, formDrafts.eventType],
      set: { fields: draft.fields, savedAt: draft.at },
    });
}

export async function deleteDraft(db: Db, caseId: string, userId: string, eventType: string): Promise<void> {
  await db
    .delete(formDrafts)
    .where(
      and(eq(formDrafts.caseId, caseId), eq(formDrafts.userId, userId), eq(formDrafts.eventType, eventType)),
    );
}
