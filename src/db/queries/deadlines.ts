// Deadlines for the provider pages: the funding calls open now (closing soonest first), and what a
// list of cases waits for — each case's pending timers and the money it holds — one query each.
import { and, asc, eq, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import {
  caseEvents,
  cases,
  fundLedger,
  fundStreams,
  funds,
  netCommitment,
  planThemes,
  programmes,
  timers,
} from '../schema/index.ts';

export interface PendingTimer {
  caseId: string;
  /** The event the timer will send: a machine's own (REPORT_OVERDUE) or XState's delayed one. */
  eventType: string;
  dueAt: Date;
}

/** Every pending timer of these cases, soonest first. */
export async function pendingTimers(db: Db, caseIds: string[]): Promise<PendingTimer[]> {
  if (!caseIds.length) return [];
  const rows = await db
    .select({ caseId: timers.caseId, event: timers.event, timerKey: timers.timerKey, dueAt: timers.dueAt })
    .from(timers)
    .where(inArray(timers.caseId, caseIds))
    .orderBy(asc(timers.dueAt), asc(timers.id));
  return rows.map((r) => {
    const type = (r.event as { type?: unknown } | null)?.type;
    return { caseId: r.caseId, eventType: typeof type === 'string' ? type : r.timerKey, dueAt: r.dueAt };
  });
}

/** What each of these cases holds committed now (commitments less releases), for those holding any. */
export async function heldByCases(db: Db, caseIds: string[]): Promise<Map<string, bigint>> {
  if (!caseIds.length) return new Map();
  const rows = await db
    .select({
      caseId: fundLedger.caseId,
      net: netCommitment,
    })
    .from(fundLedger)
    .where(inArray(fundLedger.caseId, caseIds))
    .groupBy(fundLedger.caseId);
  return new Map(
    rows.filter((r) => r.caseId !== null && BigInt(r.net) > 0n).map((r) => [r.caseId!, BigInt(r.net)]),
  );
}

/**
 * Programmes whose round (the latest case of `roundMachine` under it) is in `state`, closing soonest
 * first, with the round's own deadline: the programme's as set up, or as extended or reopened since.
 */
export async function programmesWithRoundIn(db: Db, roundMachine: string, state: string) {
  const ofRound = (column: SQL) => sql`(select ${column} from ${cases}
    where ${cases.programmeId} = ${programmes.id} and ${cases.machineId} = ${roundMachine}
    order by ${cases.seq} desc limit 1)`;
  const roundState = ofRound(sql`${cases.state}`);
  return db
    .select({
      programme: programmes,
      themeName: planThemes.name,
      roundClosesAt: ofRound(sql`${cases.snapshot} -> 'context' ->> 'closesAt'`).mapWith(String),
      // What the call has to give: its stream's budget where it draws on one, else its fund's.
      budgetPence: sql<string>`coalesce(${fundStreams.budgetPence}, ${funds.budgetPence})::text`,
    })
    .from(programmes)
    .leftJoin(planThemes, eq(planThemes.id, programmes.themeId))
    .innerJoin(funds, eq(funds.id, programmes.fundId))
    .leftJoin(fundStreams, eq(fundStreams.id, programmes.streamId))
    .where(sql`${roundState} = ${state}`)
    .orderBy(sql`${programmes.closesAt} asc nulls last`, asc(programmes.name));
}

/** The day each of these cases is due, for those whose context says (a payment, a monitoring return). */
export async function dueDaysOf(db: Db, caseIds: string[]): Promise<Map<string, string>> {
  if (!caseIds.length) return new Map();
  const rows = await db
    .select({ id: cases.id, dueOn: cases.dueOn })
    .from(cases)
    .where(and(inArray(cases.id, caseIds), isNotNull(cases.dueOn)));
  return new Map(rows.map((r) => [r.id, r.dueOn!]));
}

/**
 * When each of these cases came to the stage it is at (its last step into it from another), and when
 * a decision on it was held for signature, if one is: where the time to answer it is counted from.
 */
export async function answerClocksOf(db: Db, caseIds: string[]) {
  if (!caseIds.length) return new Map<string, { cameAt: Date | null; heldAt: string | null }>();
  const rows = await db
    .select({
      id: cases.id,
      heldAt: sql<string | null>`case when ${cases.decision} ->> 'status' = 'awaitingSignature'
        then ${cases.decision} ->> 'at' end`,
      cameAt: sql<string | null>`(select max(${caseEvents.at}) from ${caseEvents}
        where ${caseEvents.caseId} = ${cases.id} and ${caseEvents.toState} = ${cases.state}
          and ${caseEvents.fromState} is distinct from ${caseEvents.toState})`,
    })
    .from(cases)
    .where(inArray(cases.id, caseIds));
  return new Map(
    rows.map((r) => [r.id, { cameAt: r.cameAt === null ? null : new Date(r.cameAt), heldAt: r.heldAt }]),
  );
}
