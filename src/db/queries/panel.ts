import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { NO_ID } from '../../engine/ids.ts';
import type { Db } from '../client.ts';
import { cases, panelDeclarations, panelScores, programmePanel, users } from '../schema/index.ts';
import { ownOrganisation } from './conflicts.ts';

export type PanelDeclarationRow = typeof panelDeclarations.$inferSelect;
export type PanelScoreRow = typeof panelScores.$inferSelect;

/**
 * The case row panel work needs. With `share`, held with a share lock until the transaction ends:
 * members may declare and score side by side, but the case cannot leave its state (the engine takes
 * an update lock to move it) until they are done, so nothing is written against a state that passed.
 */
export async function panelCase(db: Db, id: string, share: boolean) {
  const query = db
    .select({
      id: cases.id,
      state: cases.state,
      machineId: cases.machineId,
      machineVersion: cases.machineVersion,
      organisationId: cases.organisationId,
      programmeId: cases.programmeId,
      decision: cases.decision,
    })
    .from(cases)
    .where(eq(cases.id, id));
  const [row] = share ? await query.for('share') : await query;
  return row;
}

/** One member's declaration for one case, locked so that member's requests run one at a time. */
export async function lockDeclaration(
  db: Db,
  caseId: string,
  userId: string,
): Promise<PanelDeclarationRow | undefined> {
  const [row] = await db
    .select()
    .from(panelDeclarations)
    .where(and(eq(panelDeclarations.caseId, caseId), eq(panelDeclarations.userId, userId)))
    .for('update');
  return row;
}

export async function findDeclaration(
  db: Db,
  caseId: string,
  userId: string,
): Promise<PanelDeclarationRow | undefined> {
  const [row] = await db
    .select()
    .from(panelDeclarations)
    .where(and(eq(panelDeclarations.caseId, caseId), eq(panelDeclarations.userId, userId)));
  return row;
}

/** Inserts a first declaration; undefined when one got there first (the caller locks and re-reads). */
export async function insertDeclaration(
  db: Db,
  row: PanelDeclarationRow,
): Promise<PanelDeclarationRow | undefined> {
  const [inserted] = await db.insert(panelDeclarations).values(row).onConflictDoNothing().returning();
  return inserted;
}

export async function updateDeclaration(db: Db, row: PanelDeclarationRow): Promise<PanelDeclarationRow> {
  const [updated] = await db
    .update(panelDeclarations)
    .set({ conflicted: row.conflicted, reason: row.reason, at: row.at })
    .where(and(eq(panelDeclarations.caseId, row.caseId), eq(panelDeclarations.userId, row.userId)))
    .returning();
  return updated!;
}

export async function findScores(db: Db, caseId: string, userId: string): Promise<PanelScoreRow | undefined> {
  const [row] = await db
    .select()
    .from(panelScores)
    .where(and(eq(panelScores.caseId, caseId), eq(panelScores.userId, userId)));
  return row;
}

/** Writes a member's scores: the first time at version 1, then one version on. */
export async function saveScores(
  db: Db,
  row: Omit<PanelScoreRow, 'version'>,
  previousVersion: number | undefined,
): Promise<PanelScoreRow> {
  if (previousVersion === undefined) {
    const [inserted] = await db
      .insert(panelScores)
      .values({ ...row, version: 1 })
      .returning();
    return inserted!;
  }
  const [updated] = await db
    .update(panelScores)
    .set({ scores: row.scores, comment: row.comment, at: row.at, version: previousVersion + 1 })
    .where(
      and(
        eq(panelScores.caseId, row.caseId),
        eq(panelScores.userId, row.userId),
        eq(panelScores.version, previousVersion),
      ),
    )
    .returning();
  if (!updated) throw new Error(`Panel scores for ${row.caseId} moved while their member was locked`);
  return updated;
}

export async function deleteScores(db: Db, caseId: string, userId: string): Promise<number> {
  const rows = await db
    .delete(panelScores)
    .where(and(eq(panelScores.caseId, caseId), eq(panelScores.userId, userId)))
    .returning({ userId: panelScores.userId });
  return rows.length;
}

/**
 * The scores of the members sitting on the programme's panel now, for a case, with each member's
 * name, in name order: a member taken off the panel no longer counts.
 */
export async function scoresOfCase(db: Db, caseId: string, programmeId: string | null) {
  return db
    .select({ score: panelScores, name: users.name })
    .from(panelScores)
    .innerJoin(users, eq(users.id, panelScores.userId))
    .innerJoin(
      programmePanel,
      and(
        eq(programmePanel.userId, panelScores.userId),
        eq(programmePanel.programmeId, programmeId ?? NO_ID),
        isNull(programmePanel.removedAt),
      ),
    )
    .where(eq(panelScores.caseId, caseId))
    .orderBy(asc(users.name), asc(users.id));
}

/** Every member's declaration for a case, with the member's name, in name order. */
export async function declarationsOfCase(db: Db, caseId: string) {
  return db
    .select({ declaration: panelDeclarations, name: users.name })
    .from(panelDeclarations)
    .innerJoin(users, eq(users.id, panelDeclarations.userId))
    .where(eq(panelDeclarations.caseId, caseId))
    .orderBy(asc(users.name), asc(users.id));
}

/** One person's declarations and scores for some cases (their progress on a list of bids). */
export async function progressOf(db: Db, userId: string, caseIds: readonly string[]) {
  if (!caseIds.length) return { declarations: [], scores: [] };
  const [declarations, scores] = await Promise.all([
    db
      .select()
      .from(panelDeclarations)
      .where(and(eq(panelDeclarations.userId, userId), inArray(panelDeclarations.caseId, [...caseIds]))),
    db
      .select({ caseId: panelScores.caseId, version: panelScores.version })
      .from(panelScores)
      .where(and(eq(panelScores.userId, userId), inArray(panelScores.caseId, [...caseIds]))),
  ]);
  return { declarations, scores };
}

/** The panel members sitting on a programme now, in name order. */
export async function programmePanelOf(db: Db, programmeId: string) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      organisationId: users.organisationId,
      assignedAt: programmePanel.assignedAt,
    })
    .from(programmePanel)
    .innerJoin(users, eq(users.id, programmePanel.userId))
    .where(and(eq(programmePanel.programmeId, programmeId), isNull(programmePanel.removedAt)))
    .orderBy(asc(users.name), asc(users.id));
}

/** Assigns a member; false when they already sit on the programme. */
export async function insertPanelMember(
  db: Db,
  row: { programmeId: string; userId: string; assignedBy: string | null; assignedAt: Date },
): Promise<boolean> {
  const inserted = await db
    .insert(programmePanel)
    .values(row)
    .onConflictDoNothing()
    .returning({ userId: programmePanel.userId });
  return inserted.length > 0;
}

/** Ends a member's assignment; false when they were not sitting on the programme. */
export async function endPanelMember(
  db: Db,
  programmeId: string,
  userId: string,
  by: string | null,
  at: Date,
): Promise<boolean> {
  const ended = await db
    .update(programmePanel)
    .set({ removedAt: at, removedBy: by })
    .where(
      and(
        eq(programmePanel.programmeId, programmeId),
        eq(programmePanel.userId, userId),
        isNull(programmePanel.removedAt),
      ),
    )
    .returning({ userId: programmePanel.userId });
  return ended.length > 0;
}

/**
 * In one round trip, where someone stands on a case: their declaration of interest, if any, and the
 * name of the case's organisation when they belong to it and it is not the Commissioner's office.
 */
export async function conflictOf(
  db: Db,
  caseRow: { id: string; organisationId: string },
  person: { userId: string; organisationId: string | null },
): Promise<{
  declaration: { conflicted: boolean; at: Date; reason: string | null } | null;
  ownOrganisation: string | null;
}> {
  const [row] = await db.execute<{
    conflicted: boolean | null;
    at: string | null;
    reason: string | null;
    own: string | null;
  }>(sql`
    select d.conflicted, d.at, d.reason,
      (${ownOrganisation(caseRow.organisationId, person.organisationId)}) as own
    from (select 1) one
    left join ${panelDeclarations} d on d.case_id = ${caseRow.id} and d.user_id = ${person.userId}`);
  return {
    declaration:
      row && row.conflicted !== null
        ? { conflicted: row.conflicted, at: new Date(row.at!), reason: row.reason }
        : null,
    ownOrganisation: row?.own ?? null,
  };
}
