import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { applicationForms, bidAnswers } from '../schema/index.ts';

export type ApplicationFormRow = typeof applicationForms.$inferSelect;
export type BidAnswersRow = typeof bidAnswers.$inferSelect;

/** The programme's latest form version, if it has one yet. */
export async function latestFormOf(db: Db, programmeId: string): Promise<ApplicationFormRow | undefined> {
  const [row] = await db
    .select()
    .from(applicationForms)
    .where(eq(applicationForms.programmeId, programmeId))
    .orderBy(desc(applicationForms.version))
    .limit(1);
  return row;
}

export async function formById(db: Db, id: string): Promise<ApplicationFormRow | undefined> {
  const [row] = await formByIdQuery(db).execute({ id });
  return row;
}
const formByIdQuery = preparedRead('form_by_id', (db) =>
  db
    .select()
    .from(applicationForms)
    .where(eq(applicationForms.id, sql.placeholder('id'))),
);

/** A new version of the programme's form; two at once for the same version, one gets a unique violation. */
export async function insertFormVersion(
  db: Db,
  row: { programmeId: string; version: number; form: unknown; changedBy: string | null; changedAt: Date },
): Promise<ApplicationFormRow> {
  const [inserted] = await db.insert(applicationForms).values(row).returning();
  return inserted!;
}

/** Changes a version no bid was started on yet, in place. */
export async function rewriteFormVersion(
  db: Db,
  id: string,
  change: { form: unknown; changedBy: string | null; changedAt: Date },
): Promise<ApplicationFormRow> {
  const [row] = await db.update(applicationForms).set(change).where(eq(applicationForms.id, id)).returning();
  return row!;
}

/** Whether any bid was started on this version (which freezes it). */
export async function formInUse(db: Db, formId: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql`1` })
    .from(bidAnswers)
    .where(eq(bidAnswers.formId, formId))
    .limit(1);
  return !!row;
}

export async function bidAnswersOf(db: Db, caseId: string): Promise<BidAnswersRow | undefined> {
  const [row] = await bidAnswersQuery(db).execute({ caseId });
  return row;
}
const bidAnswersQuery = preparedRead('bid_answers_of', (db) =>
  db
    .select()
    .from(bidAnswers)
    .where(eq(bidAnswers.caseId, sql.placeholder('caseId'))),
);

export async function insertBidAnswers(db: Db, row: BidAnswersRow): Promise<void> {
  await db.insert(bidAnswers).values(row);
}

/**
 * Merges answers into the bid's (a null clears one) in one statement, so colleagues saving different
 * sections at once both keep their answers.
 */
export async function mergeBidAnswers(
  db: Db,
  caseId: string,
  answers: Record<string, unknown>,
  by: { userId: string | null; at: Date },
): Promise<BidAnswersRow | undefined> {
  const [row] = await db
    .update(bidAnswers)
    .set({
      answers: sql`jsonb_strip_nulls(${bidAnswers.answers} || ${JSON.stringify(answers)}::jsonb)`,
      updatedBy: by.userId,
      updatedAt: by.at,
    })
    .where(and(eq(bidAnswers.caseId, caseId)))
    .returning();
  return row;
}

/** Replaces a bid's answers (the retention job's removal of free text, nothing else). */
export async function rewriteBidAnswers(
  db: Db,
  caseId: string,
  answers: Record<string, unknown>,
): Promise<void> {
  await db.update(bidAnswers).set({ answers }).where(eq(bidAnswers.caseId, caseId));
}
