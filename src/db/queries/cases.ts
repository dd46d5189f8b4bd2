import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import type { TimerOp } from '../../engine/actions.ts';
import type { Db } from '../client.ts';
import { caseEvents, cases, timers } from '../schema/index.ts';
import { jsonParam, postgresOf, timestampParam, timestampValue } from '../statements.ts';

export type CaseRow = typeof cases.$inferSelect;
export type CaseEventRow = typeof caseEvents.$inferSelect;

export async function findCase(db: Db, id: string): Promise<CaseRow | undefined> {
  const [row] = await db.select().from(cases).where(eq(cases.id, id));
  return row;
}

/** Every column of a case, named as drizzle names them (CaseRow). */
const caseColumns = (pg: postgres.Sql) => pg`
  id, seq, machine_id as "machineId", machine_version as "machineVersion", state, snapshot,
  organisation_id as "organisationId", programme_id as "programmeId", award_case_id as "awardCaseId",
  version, created_by as "createdBy", created_at as "createdAt", updated_at as "updatedAt"`;

type DriverCaseRow = Omit<CaseRow, 'seq' | 'createdAt' | 'updatedAt'> & {
  seq: string;
  createdAt: string;
  updatedAt: string;
};

const caseRowOf = (row: DriverCaseRow): CaseRow => ({
  ...row,
  seq: Number(row.seq),
  createdAt: timestampValue(row.createdAt),
  updatedAt: timestampValue(row.updatedAt),
});

/**
 * Locks the case row until the transaction ends, so one writer at a time moves it. Every
 * transition runs it: a prepared statement (see statements.ts).
 */
export async function lockCase(db: Db, id: string): Promise<CaseRow | undefined> {
  const pg = postgresOf(db);
  const [row] = await pg<DriverCaseRow[]>`select ${caseColumns(pg)} from cases where id = ${id} for update`;
  return row && caseRowOf(row);
}

export async function insertCase(db: Db, row: typeof cases.$inferInsert): Promise<CaseRow> {
  const [inserted] = await db.insert(cases).values(row).returning();
  return inserted!;
}

/** What a transition writes to a case's history besides the case, version and states. */
export type HistoryRow = Pick<
  typeof caseEvents.$inferInsert,
  'type' | 'payload' | 'actorId' | 'actorRole' | 'effects'
>;

/**
 * Moves a locked case on one version and adds the history row for it, in one prepared statement
 * (one round trip, one plan), and gives the row as it now is. The version in the WHERE is a second
 * guard against lost updates: if it does not match, neither row is written.
 */
export async function moveCase(
  db: Db,
  locked: CaseRow,
  change: { state: string; snapshot: unknown; at: Date },
  history: HistoryRow,
): Promise<CaseRow> {
  const pg = postgresOf(db);
  const version = locked.version + 1;
  const at = timestampParam(change.at);
  const result = await pg`with moved as (
      update cases
      set state = ${change.state}, snapshot = ${jsonParam(change.snapshot)}, version = ${version}, updated_at = ${at}
      where id = ${locked.id} and version = ${locked.version}
      returning id
    )
    insert into case_events
      (case_id, version, type, payload, from_state, to_state, actor_id, actor_role, effects, at)
    select id, ${version}::integer, ${history.type}::text, ${jsonParam(history.payload)}::jsonb,
           ${locked.state}::text, ${change.state}::text, ${history.actorId ?? null}::uuid,
           ${history.actorRole}::text, ${jsonParam(history.effects ?? [])}::jsonb, ${at}::timestamptz
    from moved`;
  if (result.count !== 1)
    throw new Error(`Case ${locked.id} was not at version ${locked.version} while locked`);
  return { ...locked, state: change.state, snapshot: change.snapshot, version, updatedAt: change.at };
}

/** Adds a row to a case's history (prepared: every transition writes one). */
export async function insertCaseEvent(db: Db, row: typeof caseEvents.$inferInsert): Promise<void> {
  const pg = postgresOf(db);
  await pg`insert into case_events
    (case_id, version, type, payload, from_state, to_state, actor_id, actor_role, effects, at)
    values (${row.caseId}, ${row.version}, ${row.type}, ${jsonParam(row.payload)}, ${row.fromState ?? null},
            ${row.toState}, ${row.actorId ?? null}, ${row.actorRole}, ${jsonParam(row.effects ?? [])},
            ${timestampParam(row.at ?? new Date())})`;
}

export async function caseHistory(db: Db, caseId: string): Promise<CaseEventRow[]> {
  return db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.version));
}

/** Sets and cancels a case's timers in the order given; setting an existing key moves it. */
export async function applyTimerOps(db: Db, caseId: string, state: string, ops: TimerOp[]): Promise<void> {
  for (const op of ops) {
    if (op.kind === 'cancel') {
      await db.delete(timers).where(and(eq(timers.caseId, caseId), eq(timers.timerKey, op.key)));
      continue;
    }
    await db
      .insert(timers)
      .values({ caseId, state, timerKey: op.key, event: op.event, dueAt: op.dueAt })
      .onConflictDoUpdate({
        target: [timers.caseId, timers.timerKey],
        set: {
          event: sql`excluded.event`,
          dueAt: sql`excluded.due_at`,
          state: sql`excluded.state`,
          attempts: 0,
        },
      });
  }
}

export async function deleteStateTimers(db: Db, caseId: string, state: string): Promise<void> {
  await db.delete(timers).where(and(eq(timers.caseId, caseId), eq(timers.state, state)));
}

export async function caseTimers(db: Db, caseId: string) {
  return db.select().from(timers).where(eq(timers.caseId, caseId)).orderBy(asc(timers.dueAt));
}

export interface CaseFilter {
  machineId?: string;
  programmeId?: string;
  state?: string;
  organisationId?: string;
  /** Only cases older than this position (keyset pagination, newest first). */
  beforeSeq?: number;
  limit: number;
}

export async function listCases(db: Db, filter: CaseFilter): Promise<CaseRow[]> {
  const conditions: SQL[] = [];
  if (filter.machineId) conditions.push(eq(cases.machineId, filter.machineId));
  if (filter.programmeId) conditions.push(eq(cases.programmeId, filter.programmeId));
  if (filter.state) conditions.push(eq(cases.state, filter.state));
  if (filter.organisationId) conditions.push(eq(cases.organisationId, filter.organisationId));
  if (filter.beforeSeq !== undefined) conditions.push(lt(cases.seq, filter.beforeSeq));
  return db
    .select()
    .from(cases)
    .where(and(...conditions))
    .orderBy(desc(cases.seq))
    .limit(filter.limit);
}

/** Cases in any of the given states of each machine, newest first; and how many there are per state. */
export async function casesInStates(
  db: Db,
  where: { machineId: string; states: string[] }[],
  organisationId: string | undefined,
  limit: number,
) {
  if (!where.length)
    return { rows: [] as CaseRow[], counts: [] as { machineId: string; state: string; count: number }[] };
  const inStates = or(
    ...where.map((w) => and(eq(cases.machineId, w.machineId), inArray(cases.state, w.states))),
  );
  const filter = and(inStates, organisationId ? eq(cases.organisationId, organisationId) : undefined);
  // The newest `limit` of each (machine, state), each from the (machine, state, seq) index, merged:
  // one OR across states would walk every case newest-first instead.
  const owned = organisationId ? eq(cases.organisationId, organisationId) : undefined;
  const newest = where.flatMap((w) =>
    w.states.map((state) =>
      db
        .select()
        .from(cases)
        .where(and(eq(cases.machineId, w.machineId), eq(cases.state, state), owned))
        .orderBy(desc(cases.seq))
        .limit(limit),
    ),
  );
  const [first, second, ...rest] = newest;
  const [rows, counts] = await Promise.all([
    second
      ? unionAll(first!, second, ...rest)
          .orderBy(desc(cases.seq))
          .limit(limit)
      : first!,
    db
      .select({ machineId: cases.machineId, state: cases.state, count: sql<number>`count(*)::int` })
      .from(cases)
      .where(filter)
      .groupBy(cases.machineId, cases.state)
      .orderBy(cases.machineId, cases.state),
  ]);
  return { rows, counts };
}

/** Cases of a machine whose context has these values (for rules like one return per award per period). */
export async function casesWithContext(
  db: Db,
  machineId: string,
  values: Record<string, string>,
): Promise<CaseRow[]> {
  const matches = Object.entries(values).map(
    ([key, value]) => sql`${cases.snapshot}->'context'->>${key} = ${value}`,
  );
  return db
    .select()
    .from(cases)
    .where(and(eq(cases.machineId, machineId), ...matches));
}
