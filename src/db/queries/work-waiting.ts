// Work waiting: the cases in the stages where a person acts, newest first, with how many wait in
// each stage; and the decisions awaiting an approver's signature. Read from indexes, never by
// walking every case.
import { desc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { cases } from '../schema/index.ts';
import { aliased, type CaseRow, type CaseScope, scopeCondition } from './cases.ts';
import { declaredConflict, notConflictedIn } from './conflicts.ts';

/** Counts of work waiting stop here: past it a stage says "more than 1,000", so no count walks every case. */
export const WAITING_COUNT_CAP = 1000;

/** How many cases wait in one state: exact up to WAITING_COUNT_CAP; `more` when there are more. */
export interface WaitingCount {
  machineId: string;
  state: string;
  count: number;
  more: boolean;
}

/**
 * The stages (machine, state) as rows, and the condition that a case `c` is in one within the scope.
 * Each (machine, state) is read on its own, from the (machine, state, seq) index, or for one
 * organisation from its entries in the (organisation, seq, machine, state) index, without reading the
 * cases themselves: one OR across the states would walk every case newest first, and one count(*)
 * every case waiting. The stages are array parameters, so the SQL stays the same size however many
 * there are.
 */
function stagesOf(where: { machineId: string; states: string[] }[], scope: CaseScope, person?: Person) {
  const stages = stageArrays(where);
  if (!stages) return undefined;
  const stage = sql`${stages} with ordinality as stage (machine_id, state, position)`;
  const scoped = scopeCondition(scope, aliased);
  const inStage = sql`c.machine_id = stage.machine_id and c.state = stage.state
    ${scoped ? sql`and ${scoped}` : sql``} ${person ? sql`and ${theirs(person)}` : sql``}`;
  return { stage, inStage };
}

/** The stages as two arrays, machine and state, unnested as rows; undefined for none. */
function stageArrays(where: { machineId: string; states: string[] }[]) {
  const stages = where.flatMap((w) => w.states.map((state) => ({ machineId: w.machineId, state })));
  if (!stages.length) return undefined;
  return sql`unnest(${sql.param(stages.map((s) => s.machineId))}::text[],
    ${sql.param(stages.map((s) => s.state))}::text[])`;
}

/** A member of staff whose work waiting is read: an officer's is their own cases and those nobody has. */
export interface Person {
  userId: string;
  officer: boolean;
}

/** The cases that are this person's work: not those they declared a conflict in; an officer's own or nobody's. */
const theirs = (person: Person) =>
  sql`${notConflictedIn(sql`c.id`, person.userId)}
    ${person.officer ? sql`and (c.officer_id is null or c.officer_id = ${person.userId})` : sql``}`;

/** The newest `limit` cases in any of the stages, within the scope, newest first. */
export async function newestInStates(
  db: Db,
  where: { machineId: string; states: string[] }[],
  scope: CaseScope,
  limit: number,
  person?: Person,
): Promise<CaseRow[]> {
  const found = stagesOf(where, scope, person);
  if (!found) return [];
  const { stage, inStage } = found;
  // The newest `limit` of each stage, and the newest `limit` of those.
  const newest = sql`(select newest.seq from ${stage} cross join lateral (
      select c.seq from ${cases} c where ${inStage} order by c.seq desc limit ${limit}) newest
    order by newest.seq desc limit ${limit})`;
  return db.select().from(cases).where(inArray(cases.seq, newest)).orderBy(desc(cases.seq));
}

/** How many cases are in each stage within the scope, counted up to WAITING_COUNT_CAP. */
async function countsInStates(
  db: Db,
  where: { machineId: string; states: string[] }[],
  scope: CaseScope,
  person?: Person,
): Promise<WaitingCount[]> {
  const found = stagesOf(where, scope, person);
  if (!found) return [];
  const { stage, inStage } = found;
  const counted = await db.execute<{ machine_id: string; state: string; found: number }>(sql`
      select stage.machine_id, stage.state, capped.found from ${stage} cross join lateral (
        select count(*)::int as found from (select 1 from ${cases} c where ${inStage}
          limit ${WAITING_COUNT_CAP + 1}) entries) capped
      where capped.found > 0
      order by stage.position`);
  return [...counted].map((c) => ({
    machineId: c.machine_id,
    state: c.state,
    count: Math.min(c.found, WAITING_COUNT_CAP),
    more: c.found > WAITING_COUNT_CAP,
  }));
}

/**
 * How many of the cases in each stage (within the scope, this person's) await an approver's signature:
 * they wait for the approver, not for whoever acts in the stage. Read from the few held cases
 * (cases_awaiting_signature_idx), never from the stages.
 */
async function heldInStates(
  db: Db,
  where: { machineId: string; states: string[] }[],
  scope: CaseScope,
  person?: Person,
): Promise<Map<string, number>> {
  const stages = stageArrays(where);
  if (!stages) return new Map();
  const scoped = scopeCondition(scope, aliased);
  const held = await db.execute<{ machine_id: string; state: string; held: number }>(sql`
    select c.machine_id, c.state, count(*)::int as held from ${cases} c
    where c.decision ->> 'status' = 'awaitingSignature'
      and (c.machine_id, c.state) in (select * from ${stages})
      ${scoped ? sql`and ${scoped}` : sql``} ${person ? sql`and ${theirs(person)}` : sql``}
    group by c.machine_id, c.state`);
  return new Map([...held].map((h) => [`${h.machine_id} ${h.state}`, h.held]));
}

/**
 * Cases in any of the given states of each machine, newest first; and how many there are per state
 * (in the order the states are given), each counted up to WAITING_COUNT_CAP: a person's work waiting.
 * Cases awaiting an approver's signature are the approver's: the counts leave them out.
 */
export async function casesInStates(
  db: Db,
  where: { machineId: string; states: string[] }[],
  scope: CaseScope,
  limit: number,
  person?: Person,
): Promise<{ rows: CaseRow[]; counts: WaitingCount[] }> {
  const [rows, counts, held] = await Promise.all([
    newestInStates(db, where, scope, limit, person),
    countsInStates(db, where, scope, person),
    heldInStates(db, where, scope, person),
  ]);
  const waiting = counts
    .map((c) => (c.more ? c : { ...c, count: c.count - (held.get(`${c.machineId} ${c.state}`) ?? 0) }))
    .filter((c) => c.more || c.count > 0);
  return { rows, counts: waiting };
}

/**
 * Cases whose decision awaits an approver's signature, newest first (the partial index
 * cases_awaiting_signature_idx), and how many there are, counted up to WAITING_COUNT_CAP: for one
 * approver, less those they declared a conflict in.
 */
export async function casesAwaitingSignature(
  db: Db,
  limit: number,
  approverId: string,
): Promise<{ rows: CaseRow[]; count: number; more: boolean }> {
  // Not the cases this approver declared a conflict in: someone else signs those.
  const awaiting = sql`${cases.decision} ->> 'status' = 'awaitingSignature'
    and not ${declaredConflict(cases.id, approverId)}`;
  const [rows, [counted]] = await Promise.all([
    db.select().from(cases).where(awaiting).orderBy(desc(cases.seq)).limit(limit),
    db.execute<{ found: number }>(sql`
      select count(*)::int as found from (
        select 1 from ${cases} where ${awaiting} limit ${WAITING_COUNT_CAP + 1}) capped`),
  ]);
  const found = counted?.found ?? 0;
  return { rows, count: Math.min(found, WAITING_COUNT_CAP), more: found > WAITING_COUNT_CAP };
}
