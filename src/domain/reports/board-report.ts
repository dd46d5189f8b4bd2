// The quarterly board report: spend against budget by Police and Crime Plan theme for the quarter's
// financial year (as at the end of the quarter), awards made in the quarter, how the monitoring
// returns due in the quarter stand, and the outcomes they report.

import { machineDefinitions } from '../../../machines/index.ts';
import type { Database } from '../../db/client.ts';
import { adjustmentsRecorded } from '../../db/queries/closed-quarters.ts';
import { type FiguresSource, type OutcomeSum, outcomeSums } from '../../db/queries/outcome-sums.ts';
import {
  awardsMade,
  fundsInScope,
  periodSums,
  planOutcomeList,
  planThemeList,
  programmeThemesOfFunds,
  returnsDue,
} from '../../db/queries/reports.ts';
import { type OutcomeLine, outcomeLines } from './outcomes.ts';
import { type Quarter, quarterOf } from './quarter.ts';
import { themeNames } from './reconciliation.ts';
import { NOT_YET_ALLOCATED, themeBudgets, UNASSIGNED } from './theme-budget.ts';

export interface SpendLine {
  themeId: string;
  name: string;
  /** The theme's share of the year's budgets, by commitment at the end of the quarter. */
  budget: bigint;
  /** Commitment held at the end of the quarter. */
  committed: bigint;
  paidInQuarter: bigint;
  /** Paid against the year's funds up to the end of the quarter. */
  paidToDate: bigint;
}
export interface AwardsLine {
  themeId: string;
  name: string;
  count: number;
  value: bigint;
}
/** Money recorded in the quarter with a day in a quarter already closed: what it adds, per theme. */
export interface AdjustmentLine {
  /** The closed quarter the money is dated into. */
  quarter: string;
  themeId: string;
  name: string;
  committed: bigint;
  paid: bigint;
  returned: bigint;
  entries: number;
}
export interface BoardReport {
  quarter: Quarter;
  spend: SpendLine[];
  spendTotal: Omit<SpendLine, 'themeId' | 'name'>;
  awards: AwardsLine[];
  awardsTotal: { count: number; value: bigint };
  returns: Awaited<ReturnType<typeof returnsDue>>;
  /** What the returns (and reports) due in the quarter gave for their measures, by Plan theme and outcome. */
  outcomes: OutcomeLine[];
  adjustments: AdjustmentLine[];
  /** When and by whom the quarter was closed, for a report produced again as presented. */
  closed?: { at: string; by: string } | null;
}

export interface BoardInput {
  funds: { id: string; budgetPence: bigint }[];
  sums: Awaited<ReturnType<typeof periodSums>>;
  programmeThemes: { fundId: string; themeId: string }[];
  planThemes: { id: string; name: string }[];
  planOutcomes?: { id: string; themeId: string; title: string }[];
  awards: Awaited<ReturnType<typeof awardsMade>>;
  returns: Awaited<ReturnType<typeof returnsDue>>;
  /** The returns' figures, added up by Plan theme, outcome and measure. */
  outcomeSums?: OutcomeSum[];
  adjustments?: Awaited<ReturnType<typeof adjustmentsRecorded>>;
}

export function buildBoardReport(quarter: Quarter, input: BoardInput): BoardReport {
  const keyOf = (themeId: string | null) => themeId ?? UNASSIGNED;
  const planIds = input.planThemes.map((t) => t.id);
  const held = input.sums.map((r) => ({ fundId: r.fundId, themeId: r.themeId, net: r.commit - r.release }));
  const { order, budgets } = themeBudgets(planIds, input.funds, held, input.programmeThemes);
  const names = new Map(input.planThemes.map((t) => [t.id, t.name]));
  const nameOf = (key: string) => names.get(key) ?? themeNames[key] ?? key;
  const shown = (key: string, values: readonly bigint[]) =>
    planIds.includes(key) || values.some((v) => v !== 0n);

  const spend = order
    .map((themeId): SpendLine => {
      const rows = input.sums.filter((r) => keyOf(r.themeId) === themeId);
      const add = (pick: (r: (typeof rows)[number]) => bigint) => rows.reduce((a, r) => a + pick(r), 0n);
      return {
        themeId,
        name: nameOf(themeId),
        budget: budgets.get(themeId) ?? 0n,
        committed: add((r) => r.commit - r.release),
        paidInQuarter: add((r) => r.paidInPeriod),
        paidToDate: add((r) => r.paidToDate),
      };
    })
    .filter((l) => shown(l.themeId, [l.budget, l.committed, l.paidInQuarter, l.paidToDate]));
  const spendTotal = {
    budget: input.funds.reduce((a, f) => a + f.budgetPence, 0n),
    committed: input.sums.reduce((a, r) => a + r.commit - r.release, 0n),
    paidInQuarter: input.sums.reduce((a, r) => a + r.paidInPeriod, 0n),
    paidToDate: input.sums.reduce((a, r) => a + r.paidToDate, 0n),
  };

  const awards = order
    .filter((key) => key !== NOT_YET_ALLOCATED)
    .map((themeId): AwardsLine => {
      const rows = input.awards.filter((a) => keyOf(a.themeId) === themeId);
      return {
        themeId,
        name: nameOf(themeId),
        count: rows.reduce((a, r) => a + r.count, 0),
        value: rows.reduce((a, r) => a + r.value, 0n),
      };
    })
    .filter((l) => shown(l.themeId, [BigInt(l.count), l.value]));
  const awardsTotal = {
    count: input.awards.reduce((a, r) => a + r.count, 0),
    value: input.awards.reduce((a, r) => a + r.value, 0n),
  };
  const adjustments = (input.adjustments ?? []).map(
    (a): AdjustmentLine => ({ ...a, themeId: keyOf(a.themeId), name: nameOf(keyOf(a.themeId)) }),
  );
  const outcomes = outcomeLines(input.outcomeSums ?? [], {
    themes: input.planThemes,
    outcomes: input.planOutcomes ?? [],
  });
  return { quarter, spend, spendTotal, awards, awardsTotal, returns: input.returns, outcomes, adjustments };
}

/** Where each machine that reports figures against measures keeps them (its `reportsMeasures`). */
const FIGURES: FiguresSource[] = machineDefinitions.flatMap((d) =>
  d.reportsMeasures ? [{ machineId: d.id, ...d.reportsMeasures }] : [],
);

/**
 * The board report for a quarter id ("2026-27-Q3") as the ledger stands now, read in one consistent
 * snapshot; a closed quarter's report as presented is `boardReport` in closed-quarters.ts.
 */
export async function liveBoardReport(db: Database, quarterId: string): Promise<BoardReport> {
  const quarter = quarterOf(quarterId);
  const input = await db.transaction(
    async (tx) => {
      const funds = await fundsInScope(tx, { financialYear: quarter.financialYear });
      const ids = funds.map((f) => f.id);
      const [sums, programmeThemes, planThemes, planOutcomes, awards, returns, outcomes, adjustments] =
        await Promise.all([
          periodSums(tx, ids, quarter.startsOn, quarter.endsOn),
          programmeThemesOfFunds(tx, ids),
          planThemeList(tx),
          planOutcomeList(tx),
          awardsMade(tx, quarter.startsOn, quarter.endsOn),
          returnsDue(tx, quarter.startsOn, quarter.endsOn),
          outcomeSums(tx, quarter.startsOn, quarter.endsOn, FIGURES),
          adjustmentsRecorded(tx, quarter.start, quarter.end),
        ]);
      return {
        funds,
        sums,
        programmeThemes,
        planThemes,
        planOutcomes,
        awards,
        returns,
        outcomeSums: outcomes,
        adjustments,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return buildBoardReport(quarter, input);
}

/** The outcome lines; a report closed before they were kept has none. */
const outcomesOf = (r: BoardReport): OutcomeLine[] => r.outcomes ?? [];

// Sums in bigint pence: the API writes them as strings, exact at any size.
const spendJson = (l: Omit<SpendLine, 'themeId' | 'name'>) => ({
  budgetPence: l.budget,
  committedPence: l.committed,
  paidInQuarterPence: l.paidInQuarter,
  paidToDatePence: l.paidToDate,
});

export function boardReportJson(r: BoardReport) {
  const q = r.quarter;
  return {
    quarter: q.id,
    financialYear: q.financialYear,
    startsOn: q.startsOn,
    endsOn: q.endsOn,
    spend: {
      themes: r.spend.map((l) => ({ themeId: l.themeId, name: l.name, ...spendJson(l) })),
      total: spendJson(r.spendTotal),
    },
    awards: {
      themes: r.awards.map((l) => ({
        themeId: l.themeId,
        name: l.name,
        count: l.count,
        valuePence: l.value,
      })),
      total: { count: r.awardsTotal.count, valuePence: r.awardsTotal.value },
    },
    returns: {
      due: r.returns.due,
      onTime: r.returns.onTime,
      late: r.returns.late,
      notYetIn: r.returns.notYetIn,
      overdue: r.returns.overdue,
    },
    outcomes: {
      returnsWithFigures: r.returns.withFigures,
      // Sums as strings, like the money, exact past 2^53; a percentage as text to one decimal place.
      lines: outcomesOf(r),
    },
    // Money recorded in this quarter with a day in a quarter already closed (its report stays as presented).
    adjustments: r.adjustments.map((a) => ({
      quarter: a.quarter,
      themeId: a.themeId,
      name: a.name,
      committedPence: a.committed,
      paidPence: a.paid,
      returnedPence: a.returned,
      entries: a.entries,
    })),
    closed: r.closed ? { closedAt: r.closed.at, closedBy: r.closed.by } : null,
  };
}

export const boardHeader = ['quarter', 'section', 'lineId', 'line', 'measure', 'value'] as const;

/** The report as a long table: one row per figure, so every section fits one set of columns. */
export function boardRows(r: BoardReport): (string | number | bigint | null)[][] {
  const q = r.quarter.id;
  const rows: (string | number | bigint | null)[][] = [];
  const spendMeasures = ['budget', 'committed', 'paidInQuarter', 'paidToDate'] as const;
  for (const l of [...r.spend, { themeId: 'total', name: 'Total', ...r.spendTotal }])
    for (const m of spendMeasures) rows.push([q, 'spend', l.themeId, l.name, `${m}Pence`, l[m]]);
  for (const l of [...r.awards, { themeId: 'total', name: 'Total', ...r.awardsTotal }]) {
    rows.push([q, 'awards', l.themeId, l.name, 'count', l.count]);
    rows.push([q, 'awards', l.themeId, l.name, 'valuePence', l.value]);
  }
  const { returns } = r;
  for (const m of ['due', 'onTime', 'late', 'notYetIn', 'overdue'] as const)
    rows.push([q, 'returns', 'total', 'Monitoring returns due in the quarter', m, returns[m]]);
  rows.push([q, 'outcomes', 'total', 'Returns in', 'returnsWithFigures', returns.withFigures]);
  for (const l of outcomesOf(r)) {
    const lineId = `${l.themeId}/${l.outcomeId ?? 'none'}`;
    const line = `${l.theme}: ${l.outcome}`;
    rows.push([
      q,
      'outcomes',
      lineId,
      line,
      l.unit === 'percent' ? `${l.measureId}Percent` : l.measureId,
      l.value,
    ]);
    for (const p of l.parts) rows.push([q, 'outcomes', lineId, line, `${l.measureId}: ${p.part}`, p.value]);
  }
  for (const a of r.adjustments) {
    const line = `${a.name}, dated into ${a.quarter}`;
    for (const m of ['committed', 'paid', 'returned'] as const)
      rows.push([q, 'adjustments', `${a.quarter} ${a.themeId}`, line, `${m}Pence`, a[m]]);
  }
  return rows;
}
