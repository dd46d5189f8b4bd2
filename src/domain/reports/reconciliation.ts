// Reconciliation to the penny, from the ledger alone: each fund with its ring-fenced streams, the
// unfenced rest and its partners' shares; each Police and Crime Plan theme; the total; and checks
// that state the invariants and say whether they hold. PostgreSQL sums the ledger (see
// src/db/queries/reports.ts); this module only arranges and checks a few dozen grouped sums.
import type { Database, Db } from '../../db/client.ts';
import { findFund } from '../../db/queries/funds.ts';
import {
  contributorsOfFunds,
  fundsInScope,
  ledgerSums,
  planThemeList,
  programmeThemesOfFunds,
  type ReportScope,
  streamsOfFunds,
} from '../../db/queries/reports.ts';
import { invalid, ProblemError } from '../../engine/errors.ts';
import { apportion } from '../fund-position.ts';
import { reconciliationChecks } from './checks.ts';
import {
  addMovement,
  type Figures,
  figureNames,
  figuresOf,
  type LedgerSums,
  type MovementSum,
  movementFigures,
  noSums,
} from './figures.ts';
import { NOT_YET_ALLOCATED, themeBudgets, UNASSIGNED } from './theme-budget.ts';

export interface StreamLine {
  streamId: string;
  name: string;
  figures: Figures;
}
export interface ContributorLine {
  organisationId: string;
  name: string;
  figures: Figures;
}
export interface FundLine {
  fundId: string;
  name: string;
  financialYear: string;
  figures: Figures;
  streams: StreamLine[];
  /** The part of the fund outside every ring-fenced stream. */
  unfenced: Figures;
  contributors: ContributorLine[];
}
export interface ThemeLine {
  /** A Plan theme's id, or `unassigned` / `not-yet-allocated`. */
  themeId: string;
  name: string;
  figures: Figures;
}
export interface Check {
  id: string;
  statement: string;
  holds: boolean;
  /** What does not hold, first few only. */
  failures: string[];
}
export interface Reconciliation {
  financialYear: string | null;
  fundId: string | null;
  funds: FundLine[];
  themes: ThemeLine[];
  total: Figures;
  checks: Check[];
}

/** What the report is built from: rows as the queries give them. */
export interface ReconciliationInput {
  funds: { id: string; name: string; financialYear: string; budgetPence: bigint }[];
  streams: { id: string; fundId: string; name: string; budgetPence: bigint }[];
  contributors: { fundId: string; organisationId: string; name: string; sharePence: bigint }[];
  sums: (MovementSum & { fundId: string; streamId: string | null; themeId: string | null })[];
  programmeThemes: { fundId: string; themeId: string }[];
  planThemes: { id: string; name: string }[];
}

export const themeNames: Record<string, string> = {
  [UNASSIGNED]: 'Unassigned',
  [NOT_YET_ALLOCATED]: 'Not yet allocated',
};

/** Splits an amount by shares (largest remainder); a negative amount splits as its opposite. */
function split(amount: bigint, shares: readonly bigint[]): bigint[] {
  return amount < 0n ? apportion(-amount, shares).map((part) => -part) : apportion(amount, shares);
}

function contributorLines(fund: Figures, rows: ReconciliationInput['contributors']): ContributorLine[] {
  const shares = rows.map((c) => c.sharePence);
  const parts = Object.fromEntries(movementFigures.map((name) => [name, split(fund[name], shares)]));
  return rows.map((c, i) => {
    const figures = { budget: c.sharePence } as Figures;
    for (const name of movementFigures) figures[name] = parts[name]![i]!;
    figures.remaining = figures.budget - figures.committed;
    return { organisationId: c.organisationId, name: c.name, figures };
  });
}

/** Arranges and checks the grouped sums. Pure: the same input always gives the same report. */
export function buildReconciliation(input: ReconciliationInput, scope: ReportScope = {}): Reconciliation {
  const sumsWhere = (keep: (row: ReconciliationInput['sums'][number]) => boolean): LedgerSums =>
    input.sums.filter(keep).reduce(addMovement, noSums());

  const funds: FundLine[] = input.funds.map((fund) => {
    const streams = input.streams.filter((s) => s.fundId === fund.id);
    const figures = figuresOf(
      fund.budgetPence,
      sumsWhere((r) => r.fundId === fund.id),
    );
    const fenced = streams.reduce((a, s) => a + s.budgetPence, 0n);
    return {
      fundId: fund.id,
      name: fund.name,
      financialYear: fund.financialYear,
      figures,
      streams: streams.map((s) => ({
        streamId: s.id,
        name: s.name,
        figures: figuresOf(
          s.budgetPence,
          sumsWhere((r) => r.fundId === fund.id && r.streamId === s.id),
        ),
      })),
      unfenced: figuresOf(
        fund.budgetPence - fenced,
        sumsWhere((r) => r.fundId === fund.id && r.streamId === null),
      ),
      contributors: contributorLines(
        figures,
        input.contributors.filter((c) => c.fundId === fund.id),
      ),
    };
  });

  // Themes: money by the theme of its award's programme; budgets by theme-budget.ts.
  const held = input.sums.map((r) => ({
    fundId: r.fundId,
    themeId: r.themeId,
    net: r.movement === 'commit' ? r.total : r.movement === 'release' ? -r.total : 0n,
  }));
  const planIds = input.planThemes.map((t) => t.id);
  const { order, budgets } = themeBudgets(planIds, input.funds, held, input.programmeThemes);
  const names = new Map(input.planThemes.map((t) => [t.id, t.name]));
  const themes: ThemeLine[] = order
    .map((themeId) => ({
      themeId,
      name: names.get(themeId) ?? themeNames[themeId] ?? themeId,
      figures: figuresOf(
        budgets.get(themeId) ?? 0n,
        sumsWhere((r) => (r.themeId ?? UNASSIGNED) === themeId),
      ),
    }))
    // The Plan's themes always show; the other lines only when they hold something.
    .filter((t) => planIds.includes(t.themeId) || figureNames.some((name) => t.figures[name] !== 0n));

  // The total straight from every grouped row, so that "the funds make the total" is a real check.
  const total = figuresOf(
    input.funds.reduce((a, f) => a + f.budgetPence, 0n),
    sumsWhere(() => true),
  );

  const checks = reconciliationChecks(funds, themes, total);

  return {
    financialYear: scope.financialYear ?? null,
    fundId: scope.fundId ?? null,
    funds,
    themes,
    total,
    checks,
  };
}

/** Whether a fund the caller named exists, and is in the year they named: refusals name `fund`. */
async function checkScope(db: Db, scope: ReportScope) {
  if (!scope.fundId) return;
  const fund = await findFund(db, scope.fundId);
  if (!fund)
    throw new ProblemError(404, 'Not found', 'There is no fund with that id.', {
      errors: [{ field: 'fund', message: 'No fund has this id' }],
    });
  if (scope.financialYear && fund.financialYear !== scope.financialYear)
    throw invalid(`That fund is for ${fund.financialYear}, not ${scope.financialYear}.`, [
      {
        field: 'fund',
        message: `The fund is for ${fund.financialYear}; choose a fund of ${scope.financialYear}`,
      },
    ]);
}

/** The reconciliation of the funds in scope, read in one consistent snapshot of the database. */
export async function reconciliation(db: Database, scope: ReportScope): Promise<Reconciliation> {
  await checkScope(db, scope);
  const input = await db.transaction(
    async (tx) => {
      const funds = await fundsInScope(tx, scope);
      const ids = funds.map((f) => f.id);
      const [streams, contributors, sums, programmeThemes, planThemes] = await Promise.all([
        streamsOfFunds(tx, ids),
        contributorsOfFunds(tx, ids),
        ledgerSums(tx, ids),
        programmeThemesOfFunds(tx, ids),
        planThemeList(tx),
      ]);
      return { funds, streams, contributors, sums, programmeThemes, planThemes };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return buildReconciliation(input, scope);
}
