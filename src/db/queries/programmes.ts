import { and, asc, count, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import { cases, programmeMeasures, programmeOutcomes, programmes } from '../schema/index.ts';

export type ProgrammeRow = typeof programmes.$inferSelect;

export async function findProgramme(db: Db, id: string): Promise<ProgrammeRow | undefined> {
  const [row] = await programmeQuery(db).execute({ id });
  return row;
}
const programmeQuery = preparedRead('find_programme', (db) =>
  db
    .select()
    .from(programmes)
    .where(eq(programmes.id, sql.placeholder('id'))),
);

export async function listProgrammes(db: Db): Promise<ProgrammeRow[]> {
  return db.select().from(programmes).orderBy(desc(programmes.createdAt), asc(programmes.name));
}

/** A page of the programmes, newest first, as listProgrammes orders them all. */
export async function programmesAt(db: Db, page: { offset: number; limit: number }): Promise<ProgrammeRow[]> {
  return db
    .select()
    .from(programmes)
    .orderBy(desc(programmes.createdAt), asc(programmes.name), asc(programmes.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function countProgrammes(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(programmes);
  return row?.n ?? 0;
}

export async function outcomesOf(db: Db, programmeId: string): Promise<string[]> {
  const rows = await db
    .select({ id: programmeOutcomes.outcomeId })
    .from(programmeOutcomes)
    .where(eq(programmeOutcomes.programmeId, programmeId))
    .orderBy(asc(programmeOutcomes.outcomeId));
  return rows.map((r) => r.id);
}

/** What the programme pages show of a round. */
const roundColumns = {
  id: cases.id,
  state: cases.state,
  /** The round's deadline as it stands (extended or reopened since the programme was set up). */
  closesAt: sql<string | null>`${cases.snapshot} -> 'context' ->> 'closesAt'`,
};

/**
 * The case that runs a programme's round (the commissioning-round machine), if one was opened.
 * `share` locks it until the transaction ends, so the round cannot close while a bid relies on it.
 */
export async function roundCaseOf(db: Db, programmeId: string, roundMachine: string, share = false) {
  const query = db
    .select(roundColumns)
    .from(cases)
    .where(and(eq(cases.programmeId, programmeId), eq(cases.machineId, roundMachine)))
    .orderBy(desc(cases.seq))
    .limit(1);
  const [row] = share ? await query.for('share') : await query;
  return row;
}

/** The latest round of each of these programmes, in one query (the programmes list). */
export async function roundCasesOf(db: Db, programmeIds: readonly string[], roundMachine: string) {
  if (!programmeIds.length) return new Map<string, { id: string; state: string; closesAt: string | null }>();
  const rows = await db
    .selectDistinctOn([cases.programmeId], { programmeId: cases.programmeId, ...roundColumns })
    .from(cases)
    .where(and(inArray(cases.programmeId, [...programmeIds]), eq(cases.machineId, roundMachine)))
    .orderBy(cases.programmeId, desc(cases.seq));
  return new Map(rows.map(({ programmeId, ...round }) => [programmeId!, round]));
}

/** A programme's outcome measures, in its order. */
export async function measuresOf(db: Db, programmeId: string) {
  const rows = await db
    .select()
    .from(programmeMeasures)
    .where(eq(programmeMeasures.programmeId, programmeId))
    .orderBy(asc(programmeMeasures.position));
  return rows.map((r) => ({
    id: r.measureId,
    name: r.name,
    unit: r.unit,
    target: r.target === null ? null : Number(r.target),
    breakdowns: r.breakdowns,
    weightedBy: r.weightedBy,
  }));
}

/** Whether any case but the round has been opened on the programme: a bid, or a grant. */
export async function hasCasesBesidesRound(db: Db, programmeId: string, roundMachine: string) {
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.programmeId, programmeId), sql`${cases.machineId} <> ${roundMachine}`))
    .limit(1);
  return !!row;
}

export async function setCriteria(db: Db, programmeId: string, criteria: unknown[]) {
  await db.update(programmes).set({ criteria }).where(eq(programmes.id, programmeId));
}

export async function setMeasureTarget(
  db: Db,
  programmeId: string,
  measureId: string,
  target: number | null,
) {
  await db
    .update(programmeMeasures)
    .set({ target: target === null ? null : String(target) })
    .where(and(eq(programmeMeasures.programmeId, programmeId), eq(programmeMeasures.measureId, measureId)));
}

/** A programme's words and dates, as changed after it was set up. */
export async function setProgrammeDetails(
  db: Db,
  programmeId: string,
  details: Pick<
    ProgrammeRow,
    | 'name'
    | 'summary'
    | 'opensAt'
    | 'closesAt'
    | 'decisionOn'
    | 'serviceStartsOn'
    | 'serviceEndsOn'
    | 'maxServiceMonths'
  >,
) {
  await db.update(programmes).set(details).where(eq(programmes.id, programmeId));
}

/** Each programme's cases but its round's, counted by machine and state, in one query. */
export async function caseCountsOf(db: Db, programmeIds: readonly string[], roundMachine: string) {
  if (!programmeIds.length) return [];
  return db
    .select({
      programmeId: cases.programmeId,
      machine: cases.machineId,
      state: cases.state,
      count: count(),
    })
    .from(cases)
    .where(and(inArray(cases.programmeId, [...programmeIds]), ne(cases.machineId, roundMachine)))
    .groupBy(cases.programmeId, cases.machineId, cases.state)
    .orderBy(cases.programmeId, cases.machineId, cases.state);
}
