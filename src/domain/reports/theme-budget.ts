// Which part of the Police and Crime Plan a fund's budget serves. A fund is not set per theme; its
// budget follows its money: split across the themes of what it has committed, in proportion to the
// commitment (largest remainder, so no penny is lost or invented). A fund with nothing committed yet
// goes to the theme of its programmes when they all share one, and otherwise to "Not yet allocated".
import { apportion } from '../fund-position.ts';

/** Money whose award case has no programme, so no theme. */
export const UNASSIGNED = 'unassigned';
/** The budget of funds with nothing committed and no single theme to put it under. */
export const NOT_YET_ALLOCATED = 'not-yet-allocated';

export interface FundThemes {
  budget: bigint;
  /** Net commitment (commitments less releases) per theme id, or UNASSIGNED. */
  committedByTheme: ReadonlyMap<string, bigint>;
  /** The themes of the fund's programmes (repeats allowed). */
  programmeThemes: readonly string[];
}

/**
 * The order lines are split in, which settles who gets a penny in a tie: the Plan's themes in the
 * Plan's order, then Unassigned. Any other key follows, sorted, so the answer never depends on the
 * order rows came back from the database.
 */
export function themeOrder(planThemeIds: readonly string[], funds: readonly FundThemes[]): string[] {
  const order = [...planThemeIds, UNASSIGNED];
  const others = new Set<string>();
  for (const fund of funds) for (const key of fund.committedByTheme.keys()) others.add(key);
  for (const key of order) others.delete(key);
  return [...order, ...[...others].sort()];
}

/** One fund's budget by theme (only themes that get something). */
export function fundBudgetByTheme(fund: FundThemes, order: readonly string[]): Map<string, bigint> {
  const shares = order.map((key) => {
    const held = fund.committedByTheme.get(key) ?? 0n;
    // A line cannot take a negative share of the budget: a release beyond its commitment is a
    // ledger fault the reconciliation's checks report, not a reason to move budget elsewhere.
    return held > 0n ? held : 0n;
  });
  const byTheme = new Map<string, bigint>();
  if (shares.some((share) => share > 0n)) {
    apportion(fund.budget, shares).forEach((part, i) => {
      if (part !== 0n) byTheme.set(order[i]!, part);
    });
    return byTheme;
  }
  const themes = new Set(fund.programmeThemes);
  const [only] = themes;
  if (fund.budget !== 0n) byTheme.set(themes.size === 1 ? only! : NOT_YET_ALLOCATED, fund.budget);
  return byTheme;
}

/** Every fund's budget by theme, added up. The parts always make the funds' budgets exactly. */
export function budgetByTheme(funds: readonly FundThemes[], order: readonly string[]): Map<string, bigint> {
  const total = new Map<string, bigint>();
  for (const fund of funds) {
    for (const [theme, part] of fundBudgetByTheme(fund, order)) {
      total.set(theme, (total.get(theme) ?? 0n) + part);
    }
  }
  return total;
}

/**
 * The themes' budgets for a set of funds, from what each holds committed per theme (`held`: net
 * commitment per fund and theme id, null for no programme) and its programmes' themes. `order` is
 * the order the lines go in: the Plan's, then Unassigned, then Not yet allocated.
 */
export function themeBudgets(
  planThemeIds: readonly string[],
  funds: readonly { id: string; budgetPence: bigint }[],
  held: readonly { fundId: string; themeId: string | null; net: bigint }[],
  programmeThemes: readonly { fundId: string; themeId: string }[],
): { order: string[]; budgets: Map<string, bigint> } {
  const fundThemes: FundThemes[] = funds.map((fund) => {
    const committedByTheme = new Map<string, bigint>();
    for (const row of held) {
      if (row.fundId !== fund.id) continue;
      const key = row.themeId ?? UNASSIGNED;
      committedByTheme.set(key, (committedByTheme.get(key) ?? 0n) + row.net);
    }
    return {
      budget: fund.budgetPence,
      committedByTheme,
      programmeThemes: programmeThemes.filter((p) => p.fundId === fund.id).map((p) => p.themeId),
    };
  });
  const order = [...themeOrder(planThemeIds, fundThemes), NOT_YET_ALLOCATED];
  return { order, budgets: budgetByTheme(fundThemes, order) };
}
