import { and, asc, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { TimerOp } from '../../engine/actions.ts';
import type { Db } from '../client.ts';
import { caseEvents, cases, programmePanel, timers, users } from '../schema/index.ts';
import { jsonParam, postgresOf, timestampParam, timestampValue } from '../statements.ts';
import { declaredConflict, ownOrganisation } from './conflicts.ts';

/**
 * A case as the engine reads it. A payment's still to pay is for finance's lists alone (payments.ts),
 * the report due date for the reports' queries alone.
 */
export type CaseRow = Omit<typeof cases.$inferSelect, 'stillToPayPence' | 'reportDueOn'>;
export type CaseEventRow = typeof caseEvents.$inferSelect;

/**
 * Whose cases a person may see: every case (OPCC staff), one organisation's (a provider), or a panel
 * member's: the bids of the programmes they sit on, less any they declared a conflict in or that
 * their own organisation made (a conflict without asking). One definition serves the case itself,
 * lists, work waiting and counts, so a case hidden from someone is hidden everywhere.
 */
export type CaseScope =
  | { kind: 'all' }
  | { kind: 'organisation'; organisationId: string }
  | { kind: 'panel'; userId: string | SQL; organisationId: string | SQL | null };

interface CaseColumns {
  id: SQL | typeof cases.id;
  organisationId: SQL | typeof cases.organisationId;
  programmeId: SQL | typeof cases.programmeId;
}

/** The scope as a condition on a case's columns (a table or an alias); undefined for every case. */
export function scopeCondition(scope: CaseScope, c: CaseColumns): SQL | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'organisation') return sql`${c.organisationId} = ${scope.organisationId}`;
  return sql`${c.programmeId} in (select ${programmePanel.programmeId} from ${programmePanel}
      where ${programmePanel.userId} = ${scope.userId} and ${programmePanel.removedAt} is null)
    and not ${declaredConflict(c.id, scope.userId)}
    ${scope.organisationId ? sql`and not exists (${ownOrganisation(c.organisationId, scope.organisationId)})` : sql``}`;
}

/** The case's columns as the alias `c`, for queries written in SQL. */
export const aliased: CaseColumns = {
  id: sql`c.id`,
  organisationId: sql`c.organisation_id`,
  programmeId: sql`c.programme_id`,
};

/**
 * The staff of one role to tell about a case: those who may see it (a panel member only within the
 * panel scope above) and have not declared a conflict of interest in it.
 */
export async function staffToTell(db: Db, caseId: string, role: (typeof users.$inferSelect)['role']) {
  const mayDecide = scopeCondition(
    { kind: 'panel', userId: sql`u.id`, organisationId: sql`u.organisation_id` },
    aliased,
  )!;
  return db.execute<{ email: string; name: string }>(sql`
    select u.email, u.name from ${users} u join ${cases} c on c.id = ${caseId}
    where u.role = ${role}
      and (u.role <> 'panel' or (${mayDecide}))
      -- A case officer is told of their own cases; every officer of a case nobody has taken on yet.
      and (u.role <> 'officer' or c.officer_id is null or c.officer_id = u.id)
      and not ${declaredConflict(sql`c.id`, sql`u.id`)}
    order by u.email`);
}

/**
 * Hands the cases about an award (its payments, its returns) that its officer looked after to the
 * award's new officer. The award is locked first, as everywhere, so this cannot deadlock.
 */
export async function reassignCasesAbout(db: Db, awardCaseId: string, from: string | null, to: string) {
  await db
    .update(cases)
    .set({ officerId: to })
    .where(
      and(
        eq(cases.awardCaseId, awardCaseId),
        from === null ? sql`${cases.officerId} is null` : eq(cases.officerId, from),
      ),
    );
}

/** Whether a case is within a scope. */
export async function inScope(db: Db, id: string, scope: CaseScope): Promise<boolean> {
  const condition = scopeCondition(scope, cases);
  if (!condition) return true;
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.id, id), condition));
  return row !== undefined;
}

/** Every column of a case, named as drizzle names them (CaseRow). */
const caseColumns = (pg: postgres.Sql) => pg`
  id, seq, machine_id as "machineId", machine_version as "machineVersion", state, snapshot,
  organisation_id as "organisationId", programme_id as "programmeId", award_case_id as "awardCaseId",
  version, created_by as "createdBy", created_at as "createdAt", updated_at as "updatedAt", due_on as "dueOn",
  decision, officer_id as "officerId", title`;

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

/** A case by its id. Every case page reads several: a prepared statement (see statements.ts). */
export async function findCase(db: Db, id: string): Promise<CaseRow | undefined> {
  const pg = postgresOf(db);
  const [row] = await pg<DriverCaseRow[]>`select ${caseColumns(pg)} from cases where id = ${id}`;
  return row && caseRowOf(row);
}

/**
 * Locks the case row until the transaction ends, so one writer at a time moves it. Every
 * transition runs it: a prepared statement (see statements.ts).
 *
 * Cases are locked in one global order: a case about an award (a payment, a monitoring return) locks
 * its award first, in the same statement (FOR UPDATE locks rows in the ORDER BY's order). An award's
 * own transitions lock the award and then its payments, so the two can never wait on each other.
 */
export async function lockCase(db: Db, id: string): Promise<CaseRow | undefined> {
  const pg = postgresOf(db);
  const rows = await pg<DriverCaseRow[]>`select ${caseColumns(pg)} from cases
    where id = any(array[${id}::uuid, (select award_case_id from cases where id = ${id})])
    order by id = ${id} for update`;
  const row = rows.find((r) => r.id === id);
  return row && caseRowOf(row);
}

/** Where a member of staff stands on a case's conflicts of interest, as stored (see conflicts.ts). */
export interface ConflictFound {
  declaration: { conflicted: boolean; at: Date; reason: string | null } | null;
  /** The case's organisation's name when the person belongs to it and it is not the Commissioner's office. */
  ownOrganisation: string | null;
}

/**
 * lockCase, and in the same prepared statement where this member of staff stands on the case's
 * conflicts of interest: a transition by staff reads its case and their standing in one round trip.
 * The conditions are conflicts.ts's (declaredConflict, ownOrganisation), written for postgres.js.
 */
export async function lockCaseFor(
  db: Db,
  id: string,
  person: { userId: string; organisationId: string | null },
): Promise<{ row: CaseRow; conflict: ConflictFound } | undefined> {
  const pg = postgresOf(db);
  const rows = await pg<
    (DriverCaseRow & { ownOrganisation: string | null; declaration: ConflictJson | null })[]
  >`select ${caseColumns(pg)},
      (select o.name from organisations o where o.id = cases.organisation_id
        and o.id = ${person.organisationId}::uuid and o.kind <> 'commissioner') as "ownOrganisation",
      (select json_build_object('conflicted', d.conflicted, 'at', d.at, 'reason', d.reason)
        from panel_declarations d where d.case_id = cases.id and d.user_id = ${person.userId}::uuid) as declaration
    from cases
    where id = any(array[${id}::uuid, (select award_case_id from cases where id = ${id})])
    order by id = ${id} for update of cases`;
  const found = rows.find((r) => r.id === id);
  if (!found) return undefined;
  const { ownOrganisation, declaration, ...row } = found;
  return {
    row: caseRowOf(row),
    conflict: {
      ownOrganisation,
      declaration: declaration && { ...declaration, at: new Date(declaration.at) },
    },
  };
}
type ConflictJson = { conflicted: boolean; at: string; reason: string | null };

export async function insertCase(db: Db, row: typeof cases.$inferInsert): Promise<CaseRow> {
  const [inserted] = await db.insert(cases).values(row).returning();
  return inserted!;
}

/** The columns of a history row, in the order both writers give them. */
const historyColumns = (pg: postgres.Sql) =>
  pg`(case_id, version, type, payload, from_state, to_state, actor_id, actor_role, effects, at)`;

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
  change: {
    state: string;
    snapshot: unknown;
    at: Date;
    decision?: unknown;
    /** The case's new officer (a reassignment); else it keeps its own, or `claimedBy` if it had none. */
    officerId?: string;
    claimedBy?: string | null;
    /** What the case is called from its new snapshot; it keeps its own when the snapshot is unchanged. */
    title?: string;
  },
  history: HistoryRow,
): Promise<CaseRow> {
  const pg = postgresOf(db);
  const version = locked.version + 1;
  const at = timestampParam(change.at);
  // The rulebook's hold stays as it was unless the change says otherwise; null clears it.
  const decision = change.decision === undefined ? locked.decision : change.decision;
  const officerId = change.officerId ?? locked.officerId ?? change.claimedBy ?? null;
  const title = change.title ?? locked.title;
  const result = await pg`with moved as (
      update cases
      set state = ${change.state}, snapshot = ${jsonParam(change.snapshot)}, version = ${version}, updated_at = ${at},
          decision = ${decision === null ? null : jsonParam(decision)}::jsonb, officer_id = ${officerId}::uuid,
          title = ${title}::text
      where id = ${locked.id} and version = ${locked.version}
      returning id
    )
    insert into case_events ${historyColumns(pg)}
    select id, ${version}::integer, ${history.type}::text, ${jsonParam(history.payload)}::jsonb,
           ${locked.state}::text, ${change.state}::text, ${history.actorId ?? null}::uuid,
           ${history.actorRole}::text, ${jsonParam(history.effects ?? [])}::jsonb, ${at}::timestamptz
    from moved`;
  if (result.count !== 1)
    throw new Error(`Case ${locked.id} was not at version ${locked.version} while locked`);
  return {
    ...locked,
    state: change.state,
    snapshot: change.snapshot,
    version,
    updatedAt: change.at,
    dueOn: dueOnOf(change.snapshot),
    decision,
    officerId,
    title,
  };
}

/** What the generated `due_on` column holds for a snapshot (schema/cases.ts), without reading it back. */
function dueOnOf(snapshot: unknown): string | null {
  const dueOn = (snapshot as { context?: { dueOn?: unknown } } | null)?.context?.dueOn;
  return dueOn === undefined || dueOn === null ? null : String(dueOn);
}

/** Adds a row to a case's history outside a transition: a case's creation, a machine upgrade. */
export async function insertCaseEvent(db: Db, row: typeof caseEvents.$inferInsert): Promise<void> {
  const pg = postgresOf(db);
  await pg`insert into case_events ${historyColumns(pg)}
    values (${row.caseId}, ${row.version}, ${row.type}, ${jsonParam(row.payload)}, ${row.fromState ?? null},
            ${row.toState}, ${row.actorId ?? null}, ${row.actorRole}, ${jsonParam(row.effects ?? [])},
            ${timestampParam(row.at ?? new Date())})`;
}

/** Who last sent an event of this type to a case, as its history records; undefined if no one has. */
export async function lastSenderOf(db: Db, caseId: string, type: string) {
  const [sent] = await db
    .select({ actorId: caseEvents.actorId, actorRole: caseEvents.actorRole })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, type)))
    .orderBy(desc(caseEvents.version))
    .limit(1);
  return sent;
}

/** A case's history, oldest first. Every case page reads it: a prepared statement (see statements.ts). */
export async function caseHistory(db: Db, caseId: string): Promise<CaseEventRow[]> {
  const pg = postgresOf(db);
  const rows = await pg<(Omit<CaseEventRow, 'at'> & { at: string })[]>`select case_id as "caseId", version,
    type, payload, from_state as "fromState", to_state as "toState", actor_id as "actorId",
    actor_role as "actorRole", effects, at
    from case_events where case_id = ${caseId} order by version`;
  return rows.map((row) => ({ ...row, at: timestampValue(row.at) }));
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
  /** Only the cases about this award (its payments, its monitoring returns). */
  awardCaseId?: string;
  state?: string;
  scope: CaseScope;
  /** Only cases older than this position (keyset pagination, newest first). */
  beforeSeq?: number;
  limit: number;
}

export async function listCases(db: Db, filter: CaseFilter): Promise<CaseRow[]> {
  const conditions: SQL[] = [];
  if (filter.machineId) conditions.push(eq(cases.machineId, filter.machineId));
  if (filter.programmeId) conditions.push(eq(cases.programmeId, filter.programmeId));
  if (filter.awardCaseId) conditions.push(eq(cases.awardCaseId, filter.awardCaseId));
  if (filter.state) conditions.push(eq(cases.state, filter.state));
  const scoped = scopeCondition(filter.scope, cases);
  if (scoped) conditions.push(scoped);
  if (filter.beforeSeq !== undefined) conditions.push(lt(cases.seq, filter.beforeSeq));
  return db
    .select()
    .from(cases)
    .where(and(...conditions))
    .orderBy(desc(cases.seq))
    .limit(filter.limit);
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
