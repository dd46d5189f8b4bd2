// The reports' reads: every money figure is summed in PostgreSQL, grouped by fund, stream, theme,
// movement and cause, so a report costs one pass over the ledger rows of the funds it covers and the
// application only adds up a few dozen grouped rows, however many cases there are.
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { monitoringReturn } from '../../../machines/monitoring-return.ts';
import type { Db } from '../client.ts';
import { isMachine } from '../schema/cases.ts';
import {
  awardValue,
  cases,
  fundContributors,
  fundLedger,
  fundStreams,
  funds,
  organisations,
  planOutcomes,
  planThemes,
  programmes,
} from '../schema/index.ts';

export interface ReportScope {
  financialYear?: string;
  fundId?: string;
}

export async function fundsInScope(db: Db, scope: ReportScope) {
  const where: SQL[] = [];
  if (scope.financialYear) where.push(eq(funds.financialYear, scope.financialYear));
  if (scope.fundId) where.push(eq(funds.id, scope.fundId));
  return db
    .select({
      id: funds.id,
      name: funds.name,
      financialYear: funds.financialYear,
      budgetPence: funds.budgetPence,
    })
    .from(funds)
    .where(and(...where))
    .orderBy(asc(funds.financialYear), asc(funds.name), asc(funds.id));
}

export async function financialYearsWithFunds(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ financialYear: funds.financialYear })
    .from(funds)
    .orderBy(asc(funds.financialYear));
  return rows.map((r) => r.financialYear);
}

export async function streamsOfFunds(db: Db, fundIds: readonly string[]) {
  if (!fundIds.length) return [];
  return db
    .select()
    .from(fundStreams)
    .where(inArray(fundStreams.fundId, [...fundIds]))
    .orderBy(asc(fundStreams.name), asc(fundStreams.id));
}

/** Each jointly funded fund's partners, by name: the order their shares are apportioned in. */
export async function contributorsOfFunds(db: Db, fundIds: readonly string[]) {
  if (!fundIds.length) return [];
  return db
    .select({
      fundId: fundContributors.fundId,
      organisationId: fundContributors.organisationId,
      name: organisations.name,
      sharePence: fundContributors.sharePence,
    })
    .from(fundContributors)
    .innerJoin(organisations, eq(organisations.id, fundContributors.organisationId))
    .where(inArray(fundContributors.fundId, [...fundIds]))
    .orderBy(asc(organisations.name), asc(fundContributors.organisationId));
}

/** The distinct Plan themes of each fund's programmes. */
export async function programmeThemesOfFunds(db: Db, fundIds: readonly string[]) {
  if (!fundIds.length) return [];
  return db
    .selectDistinct({ fundId: programmes.fundId, themeId: programmes.themeId })
    .from(programmes)
    .where(inArray(programmes.fundId, [...fundIds]));
}

export async function planThemeList(db: Db) {
  return db
    .select({ id: planThemes.id, name: planThemes.name })
    .from(planThemes)
    .orderBy(asc(planThemes.position), asc(planThemes.id));
}

/**
 * The ledger of the given funds summed per fund, stream, theme (of the row's programme, which is its
 * award case's; null when the row has no case or its case no programme), movement and cause.
 * Summed per programme first, in the order of fund_ledger_fund_sums_idx (an index-only scan, no
 * sort), then the few hundred sums are put under their programmes' themes.
 */
export async function ledgerSums(db: Db, fundIds: readonly string[]) {
  if (!fundIds.length) return [];
  const perProgramme = db
    .select({
      fundId: fundLedger.fundId,
      programmeId: fundLedger.programmeId,
      streamId: fundLedger.streamId,
      movement: fundLedger.movement,
      cause: fundLedger.cause,
      total: sql<string>`sum(${fundLedger.amountPence})`.as('total'),
    })
    .from(fundLedger)
    .where(inArray(fundLedger.fundId, [...fundIds]))
    .groupBy(
      fundLedger.fundId,
      fundLedger.programmeId,
      fundLedger.streamId,
      fundLedger.movement,
      fundLedger.cause,
    )
    .as('per_programme');
  const rows = await db
    .select({
      fundId: perProgramme.fundId,
      streamId: perProgramme.streamId,
      themeId: programmes.themeId,
      movement: perProgramme.movement,
      cause: perProgramme.cause,
      total: sql<string>`sum(${perProgramme.total})::text`,
    })
    .from(perProgramme)
    .leftJoin(programmes, eq(programmes.id, perProgramme.programmeId))
    .groupBy(
      perProgramme.fundId,
      perProgramme.streamId,
      programmes.themeId,
      perProgramme.movement,
      perProgramme.cause,
    );
  return rows.map((r) => ({ ...r, total: BigInt(r.total) }));
}

const day = (isoDate: string) => sql`${isoDate}::date`;

/**
 * Per fund and theme, as at the last day of a period (London dates, inclusive): commitments and
 * releases to then, payments made in the period and payments made to then. Every row counts on its
 * effective day: a payment on the day it was paid, whenever it was recorded.
 */
export async function periodSums(db: Db, fundIds: readonly string[], startsOn: string, endsOn: string) {
  if (!fundIds.length) return [];
  const sumWhere = (condition: SQL) =>
    sql<string>`coalesce(sum(${fundLedger.amountPence}) filter (where ${condition}), 0)::text`;
  const before = sql`${fundLedger.effectiveOn} <= ${day(endsOn)}`;
  const rows = await db
    .select({
      fundId: fundLedger.fundId,
      themeId: programmes.themeId,
      commit: sumWhere(sql`${fundLedger.movement} = 'commit' and ${before}`),
      release: sumWhere(sql`${fundLedger.movement} = 'release' and ${before}`),
      paidInPeriod: sumWhere(
        sql`${fundLedger.movement} = 'payment' and ${fundLedger.effectiveOn} >= ${day(startsOn)} and ${before}`,
      ),
      paidToDate: sumWhere(sql`${fundLedger.movement} = 'payment' and ${before}`),
    })
    .from(fundLedger)
    .leftJoin(programmes, eq(programmes.id, fundLedger.programmeId))
    .where(inArray(fundLedger.fundId, [...fundIds]))
    .groupBy(fundLedger.fundId, programmes.themeId);
  return rows.map((r) => ({
    fundId: r.fundId,
    themeId: r.themeId,
    commit: BigInt(r.commit),
    release: BigInt(r.release),
    paidInPeriod: BigInt(r.paidInPeriod),
    paidToDate: BigInt(r.paidToDate),
  }));
}

/**
 * Awards made from `startsOn` to `endsOn` (London dates, inclusive): cases whose first commitment
 * falls in it, per theme, each at its award value (as varied) as at the period's last day. Candidates
 * come from the period's commitments alone; each is then checked for an earlier one through the case
 * index.
 */
export async function awardsMade(db: Db, startsOn: string, endsOn: string) {
  const rows = await db.execute<{ theme_id: string | null; awards: number; value: string }>(sql`
    select p.theme_id, count(*)::int as awards, sum(v.value)::text as value
    from (
      select distinct l.case_id, l.programme_id
      from ${fundLedger} l
      where l.movement = 'commit' and l.case_id is not null
        and l.effective_on >= ${day(startsOn)} and l.effective_on <= ${day(endsOn)}
        and not exists (
          select 1 from ${fundLedger} e
          where e.case_id = l.case_id and e.movement = 'commit' and e.effective_on < ${day(startsOn)}
        )
    ) made
    cross join lateral (
      select ${awardValue} as value from ${fundLedger}
      where ${fundLedger.caseId} = made.case_id and ${fundLedger.effectiveOn} <= ${day(endsOn)}
    ) v
    left join ${programmes} p on p.id = made.programme_id
    group by p.theme_id`);
  return [...rows].map((r) => ({ themeId: r.theme_id, count: r.awards, value: BigInt(r.value) }));
}

const context = sql.raw(`c.snapshot -> 'context'`);
const latest = sql`${context} -> 'latestReturn'`;
const isIn = sql`jsonb_typeof(${latest}) = 'object'`;
const wasLate = sql`coalesce((${context} ->> 'submittedLate')::boolean, false)`;

/**
 * Monitoring returns due on a London date from `from` to `to` (inclusive), leaving out those waived
 * or withdrawn (no longer due): how they stand (their figures are added up in outcome-sums.ts). The
 * machine id is written into the query, not bound, so the partial index on the due date of
 * monitoring returns (schema/cases.ts) can serve it.
 */
export async function returnsDue(db: Db, from: string, to: string) {
  const [row] = await db.execute<{
    due: number;
    on_time: number;
    late: number;
    not_in: number;
    overdue: number;
    with_figures: number;
  }>(sql`
    select
      count(*)::int as due,
      count(*) filter (where ${isIn} and not ${wasLate})::int as on_time,
      count(*) filter (where ${isIn} and ${wasLate})::int as late,
      count(*) filter (where not coalesce(${isIn}, false))::int as not_in,
      count(*) filter (where not coalesce(${isIn}, false) and c.state = 'late')::int as overdue,
      count(*) filter (where ${isIn})::int as with_figures
    from ${cases} c
    where ${isMachine(sql.raw('c.machine_id'), monitoringReturn.id)}
      and c.due_on >= ${from} and c.due_on <= ${to}
      and c.state not in ('waived', 'withdrawn')`);
  return {
    due: row!.due,
    onTime: row!.on_time,
    late: row!.late,
    notYetIn: row!.not_in,
    overdue: row!.overdue,
    withFigures: row!.with_figures,
  };
}

/** The Police and Crime Plan's outcomes, by theme. */
export async function planOutcomeList(db: Db) {
  return db
    .select({ id: planOutcomes.id, themeId: planOutcomes.themeId, title: planOutcomes.title })
    .from(planOutcomes)
    .orderBy(asc(planOutcomes.id));
}
