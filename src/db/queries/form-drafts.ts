import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { formDrafts } from '../schema/index.ts';

export type DraftFields = Record<string, string | string[]>;

/**
 * The saved forms on one case, by event type: one person's own, or (for the owning organisation's
 * people, who prepare its work together) the newest any of them saved. Never staff's and owners' mixed.
 */
export async function draftsFor(
  db: Db,
  caseId: string,
  userId: string,
  sharedWithOrganisation = false,
): Promise<Map<string, DraftFields>> {
  const rows = sharedWithOrganisation
    ? await providersDraftsQuery(db).execute({ caseId })
    : await ownDraftsQuery(db).execute({ caseId, userId });
  // Newest last, so it is the one kept for its event type.
  return new Map(rows.map((r) => [r.eventType, r.fields]));
}

const draftsWhere = (db: Db, whose: SQL) =>
  db
    .select({ eventType: formDrafts.eventType, fields: formDrafts.fields })
    .from(formDrafts)
    .where(and(eq(formDrafts.caseId, sql.placeholder('caseId')), whose))
    .orderBy(asc(formDrafts.savedAt));
const ownDraftsQuery = preparedRead('own_drafts', (db) =>
  draftsWhere(db, eq(formDrafts.userId, sql.placeholder('userId'))),
);
const providersDrafts = sql`${formDrafts.userId} in (select id from users where role = 'provider')`;
const providersDraftsQuery = preparedRead('providers_drafts', (db) => draftsWhere(db, providersDrafts));

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

/** A form sent: its draft is done with (for the owning organisation, every member's of it). */
export async function deleteDraft(
  db: Db,
  caseId: string,
  userId: string,
  eventType: string,
  sharedWithOrganisation = false,
): Promise<void> {
  await db
    .delete(formDrafts)
    .where(
      and(
        eq(formDrafts.caseId, caseId),
        sharedWithOrganisation ? providersDrafts : eq(formDrafts.userId, userId),
        eq(formDrafts.eventType, eventType),
      ),
    );
}
