// What the open data publishes, read in one query each: awarded grants (for 360Giving) and the crime
// and disorder reduction grants made in a period.
import { and, asc, eq, isNotNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { entersState } from '../schema/cases.ts';
import {
  awardValue,
  caseEvents,
  cases,
  fundLedger,
  funds,
  netCommitment,
  organisations,
  paymentSchedules,
  programmes,
} from '../schema/index.ts';

export interface AwardedGrantFilter {
  /** funds.financial_year, e.g. 2026-27. */
  financialYear?: string;
  fundId?: string;
}

/**
 * Awarded grants: cases that have committed money (at least one `commit` in the ledger) and either
 * still hold some (commits less releases above zero) or have been paid. Cases owned by the
 * Commissioner's own office are left out: money it commits on its own cases (the SARC contract) is
 * procurement, not a grant to another organisation. One row a grant, whatever number of financial
 * years' funds its money is in; a filter by fund or year keeps the grants with money in it. Oldest
 * award first.
 */
export async function awardedGrants(db: Db, filter: AwardedGrantFilter = {}) {
  const money = db
    .select({
      caseId: sql<string>`${fundLedger.caseId}`.as('money_case_id'),
      netPence: netCommitment.as('net_pence'),
      // The award's value as varied (schema/ledger.ts).
      valuePence: awardValue.as('value_pence'),
      firstCommitAt: sql<Date>`min(${fundLedger.at}) filter (where ${fundLedger.movement} = 'commit')`
        .mapWith(fundLedger.at)
        .as('first_commit_at'),
    })
    .from(fundLedger)
    .where(isNotNull(fundLedger.caseId))
    .groupBy(fundLedger.caseId)
    .having(
      and(
        sql`count(*) filter (where ${fundLedger.movement} = 'commit') > 0`,
        or(sql`${netCommitment} > 0`, sql`bool_or(${fundLedger.movement} = 'payment')`),
      ),
    )
    .as('money');
  const conditions: SQL[] = [ne(organisations.kind, 'commissioner')];
  if (filter.financialYear || filter.fundId) {
    const inFund = filter.fundId ? sql`and f.id = ${filter.fundId}` : sql``;
    const inYear = filter.financialYear ? sql`and f.financial_year = ${filter.financialYear}` : sql``;
    conditions.push(sql`exists (select 1 from ${fundLedger} l join ${funds} f on f.id = l.fund_id
      where l.case_id = ${cases.id} ${inFund} ${inYear})`);
  }
  const rows = await db
    .select({
      caseId: cases.id,
      seq: cases.seq,
      machineId: cases.machineId,
      machineVersion: cases.machineVersion,
      context: sql<Record<string, unknown> | null>`${cases.snapshot}->'context'`,
      updatedAt: cases.updatedAt,
      netPence: money.netPence,
      valuePence: money.valuePence,
      firstCommitAt: money.firstCommitAt,
      organisation: {
        id: organisations.id,
        name: organisations.name,
        charityNumber: organisations.charityNumber,
        companyNumber: organisations.companyNumber,
      },
      programmeId: programmes.id,
      programmeName: programmes.name,
      scheduleStartsOn: paymentSchedules.startsOn,
      scheduleEndsOn: paymentSchedules.endsOn,
    })
    .from(money)
    .innerJoin(cases, eq(cases.id, money.caseId))
    .innerJoin(organisations, eq(organisations.id, cases.organisationId))
    .leftJoin(programmes, eq(programmes.id, cases.programmeId))
    .leftJoin(paymentSchedules, eq(paymentSchedules.awardCaseId, cases.id))
    .where(and(...conditions))
    .orderBy(asc(money.firstCommitAt), asc(cases.seq));
  return rows.map((row) => ({ ...row, netPence: BigInt(row.netPence), valuePence: BigInt(row.valuePence) }));
}

export type AwardedGrantRow = Awaited<ReturnType<typeof awardedGrants>>[number];

/**
 * Cases of a machine that first entered `state` (from another state) at or after `from` and before
 * `to`, with when they did, their context and their owning organisation; in that order. The period's
 * steps into the state are read first, by when they happened (case_events_entered_live_idx serves
 * `live`; the state is written into the statement so the partial index can), then each case is
 * checked for an earlier step into it through its own history: the work grows with the grants made in
 * the period, not with every grant there has been.
 */
export async function casesEnteringState(db: Db, machineId: string, state: string, from: Date, to: Date) {
  const entered = db
    .select({
      caseId: sql<string>`${caseEvents.caseId}`.as('entered_case_id'),
      at: sql<Date>`min(${caseEvents.at})`.mapWith(caseEvents.at).as('entered_at'),
    })
    .from(caseEvents)
    .where(
      and(
        entersState(caseEvents.toState, caseEvents.fromState, state),
        sql`${caseEvents.at} >= ${from.toISOString()}::timestamptz`,
        sql`${caseEvents.at} < ${to.toISOString()}::timestamptz`,
      ),
    )
    .groupBy(caseEvents.caseId)
    .as('entered');
  const earlier = sql.raw('earlier');
  return db
    .select({
      caseId: cases.id,
      seq: cases.seq,
      machineId: cases.machineId,
      machineVersion: cases.machineVersion,
      context: sql<Record<string, unknown> | null>`${cases.snapshot}->'context'`,
      organisationId: organisations.id,
      organisationName: organisations.name,
      enteredAt: entered.at,
    })
    .from(entered)
    .innerJoin(cases, eq(cases.id, entered.caseId))
    .innerJoin(organisations, eq(organisations.id, cases.organisationId))
    .where(
      and(
        eq(cases.machineId, machineId),
        sql`not exists (select 1 from ${caseEvents} ${earlier}
          where ${earlier}.case_id = ${entered.caseId}
            and ${entersState(sql`${earlier}.to_state`, sql`${earlier}.from_state`, state)}
            and ${earlier}.at < ${from.toISOString()}::timestamptz)`,
      ),
    )
    .orderBy(asc(entered.at), asc(cases.seq));
}
