// Generated portfolios for the finance reports: funds (some with ring-fenced streams, some jointly
// funded), programmes across the Plan's themes, award cases and ledger rows of every movement and
// cause, inserted straight into the tables, and what the reconciliation must say about them,
// summed here from the generated rows alone.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type postgres from 'postgres';
import { apportion } from '../../src/domain/fund-position.ts';

export const THEMES = ['victims', 'offenders', 'communities', 'transformation'] as const;
export const RELEASE_CAUSES = ['decision', 'underspend', 'clawback', 'cancelled'] as const;
/** Award cases here run on no registered machine, so no list or queue of the app picks them up. */
export const TEST_MACHINE = 'report-test-award';

const amount = (max: number) => fc.integer({ min: 1, max });
const fundArb = fc.record({
  streams: fc.integer({ min: 0, max: 3 }),
  contributors: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
  weights: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 4, maxLength: 4 }),
  programmes: fc.array(
    fc.record({ theme: fc.constantFrom(...THEMES), stream: fc.option(fc.nat(), { nil: null }) }),
    { maxLength: 4 },
  ),
  slack: fc.array(fc.integer({ min: 0, max: 20_000_000 }), { minLength: 4, maxLength: 4 }),
});
const caseArb = fc.record({
  fund: fc.nat(),
  programme: fc.option(fc.nat(), { nil: null }),
  stream: fc.option(fc.nat(), { nil: null }),
  commits: fc.array(amount(5_000_000), { maxLength: 3 }),
  releases: fc.array(fc.record({ amount: amount(4_000_000), cause: fc.constantFrom(...RELEASE_CAUSES) }), {
    maxLength: 3,
  }),
  payments: fc.array(amount(3_000_000), { maxLength: 3 }),
  repayments: fc.array(amount(500_000), { maxLength: 2 }),
  reported: fc.array(amount(3_000_000), { maxLength: 2 }),
  days: fc.array(fc.integer({ min: 0, max: 364 }), { minLength: 12, maxLength: 12 }),
});
export const portfolioArb = fc.record({
  funds: fc.array(fundArb, { minLength: 1, maxLength: 5 }),
  cases: fc.array(caseArb, { maxLength: 40 }),
  /** Rows with no case at all (a correction): they belong to no theme. */
  loose: fc.array(
    fc.record({
      fund: fc.nat(),
      movement: fc.constantFrom('commit', 'payment', 'reported'),
      amount: amount(1_000_000),
    }),
    { maxLength: 3 },
  ),
});
export type PortfolioSpec = typeof portfolioArb extends fc.Arbitrary<infer T> ? T : never;

export interface LedgerRow {
  fundId: string;
  streamId: string | null;
  caseId: string | null;
  movement: 'commit' | 'release' | 'payment' | 'repayment' | 'reported';
  cause: (typeof RELEASE_CAUSES)[number];
  amount: bigint;
  at: Date;
}
export interface Fund {
  id: string;
  name: string;
  budget: bigint;
  streams: { id: string; name: string; budget: bigint }[];
  contributors: { organisationId: string; name: string; share: bigint }[];
  programmes: { id: string; themeId: string; streamId: string | null }[];
}
export interface Portfolio {
  financialYear: string;
  funds: Fund[];
  /** Award case id → its programme's theme (absent: no programme). */
  caseTheme: Map<string, string>;
  cases: { id: string; programmeId: string | null }[];
  rows: LedgerRow[];
}

const pick = <T>(list: readonly T[], n: number | null): T | undefined =>
  n === null || list.length === 0 ? undefined : list[n % list.length];

/** Turns a generated spec into funds, cases and rows with ids, and budgets that fit the money. */
export function buildPortfolio(
  spec: PortfolioSpec,
  financialYear: string,
  partners: readonly { id: string; name: string }[],
): Portfolio {
  const tag = randomUUID().slice(0, 8);
  const yearStart = Date.UTC(Number(financialYear.slice(0, 4)), 3, 1, 9);
  const funds: Fund[] = spec.funds.map((f, i) => {
    const streams = Array.from({ length: f.streams }, (_, s) => ({
      id: randomUUID(),
      name: `Stream ${s + 1}, "ring-fenced"`,
      budget: 0n,
    }));
    return {
      id: randomUUID(),
      name: i === 0 ? `=Fund ${tag}, "joint" ${financialYear}` : `Fund ${i} ${tag}`,
      budget: 0n,
      streams,
      contributors: [],
      programmes: f.programmes.map((p) => ({
        id: randomUUID(),
        themeId: p.theme,
        streamId: pick(streams, p.stream)?.id ?? null,
      })),
    };
  });
  const rows: LedgerRow[] = [];
  const cases: Portfolio['cases'] = [];
  const caseTheme = new Map<string, string>();
  for (const c of spec.cases) {
    const fund = funds[c.fund % funds.length]!;
    const programme = pick(fund.programmes, c.programme);
    const id = randomUUID();
    cases.push({ id, programmeId: programme?.id ?? null });
    if (programme) caseTheme.set(id, programme.themeId);
    const streamId = programme ? programme.streamId : (pick(fund.streams, c.stream)?.id ?? null);
    let day = 0;
    const at = () => new Date(yearStart + c.days[day++ % c.days.length]! * 86_400_000);
    const row = (movement: LedgerRow['movement'], value: number, cause: LedgerRow['cause'] = 'decision') =>
      rows.push({ fundId: fund.id, streamId, caseId: id, movement, cause, amount: BigInt(value), at: at() });
    let held = 0;
    for (const value of c.commits) {
      row('commit', value);
      held += value;
    }
    // Never more released than the case holds: the ledger the app writes cannot do that either.
    for (const release of c.releases) {
      const value = Math.min(release.amount, held);
      if (value <= 0) continue;
      row('release', value, release.cause);
      held -= value;
    }
    for (const value of c.payments) row('payment', value);
    for (const value of c.repayments) row('repayment', value);
    for (const value of c.reported) row('reported', value);
  }
  for (const l of spec.loose) {
    const fund = funds[l.fund % funds.length]!;
    rows.push({
      fundId: fund.id,
      streamId: null,
      caseId: null,
      movement: l.movement,
      cause: 'decision',
      amount: BigInt(l.amount),
      at: new Date(yearStart),
    });
  }
  // Budgets that hold what is committed, with some slack: the app never over-commits a fund.
  spec.funds.forEach((f, i) => {
    const fund = funds[i]!;
    const held = (streamId: string | null) =>
      rows
        .filter((r) => r.fundId === fund.id && r.streamId === streamId)
        .reduce(
          (a, r) => a + (r.movement === 'commit' ? r.amount : r.movement === 'release' ? -r.amount : 0n),
          0n,
        );
    fund.streams.forEach((s, k) => {
      s.budget = held(s.id) + BigInt(f.slack[k]!);
    });
    const unfenced = held(null) + BigInt(f.slack[3]!);
    fund.budget = fund.streams.reduce((a, s) => a + s.budget, 0n) + unfenced;
    const n = Math.min(f.contributors, partners.length);
    if (n > 0 && fund.budget >= BigInt(n)) {
      const parts = apportion(fund.budget - BigInt(n), f.weights.slice(0, n).map(BigInt));
      fund.contributors = partners
        .slice(0, n)
        .map((p, k) => ({ organisationId: p.id, name: p.name, share: parts[k]! + 1n }));
    }
  });
  return { financialYear, funds, caseTheme, cases, rows };
}

/** Inserts a portfolio straight into the tables: this tests the report against raw rows. */
export async function insertPortfolio(sql: postgres.Sql, p: Portfolio, organisationId: string) {
  const year = p.financialYear;
  const startsOn = `${year.slice(0, 4)}-04-01`;
  const endsOn = `${Number(year.slice(0, 4)) + 1}-03-31`;
  await sql.begin(async (tx) => {
    for (const f of p.funds) {
      await tx`insert into funds (id, name, source, financial_year, starts_on, ends_on, budget_pence)
        values (${f.id}, ${f.name}, 'Generated', ${year}, ${startsOn}, ${endsOn}, ${f.budget.toString()})`;
      for (const s of f.streams)
        await tx`insert into fund_streams (id, fund_id, name, budget_pence)
          values (${s.id}, ${f.id}, ${s.name}, ${s.budget.toString()})`;
      for (const c of f.contributors)
        await tx`insert into fund_contributors (fund_id, organisation_id, share_pence)
          values (${f.id}, ${c.organisationId}, ${c.share.toString()})`;
      for (const pr of f.programmes)
        await tx`insert into programmes (id, name, cycle, fund_id, stream_id, theme_id, delegation_threshold_pence, criteria)
          values (${pr.id}, ${`Programme ${pr.id.slice(0, 8)}`}, 'youth-fund', ${f.id}, ${pr.streamId},
            ${pr.themeId}, 0, '[]'::jsonb)`;
    }
    if (p.cases.length)
      await tx`insert into cases ${tx(
        p.cases.map((c) => ({
          id: c.id,
          machine_id: TEST_MACHINE,
          machine_version: 1,
          state: 'live',
          snapshot: JSON.stringify({ status: 'active', value: 'live', context: {} }),
          organisation_id: organisationId,
          programme_id: c.programmeId,
          version: 1,
        })),
      )}`;
    if (p.rows.length)
      await tx`insert into fund_ledger ${tx(
        p.rows.map((r) => ({
          fund_id: r.fundId,
          stream_id: r.streamId,
          case_id: r.caseId,
          movement: r.movement,
          cause: r.cause,
          amount_pence: r.amount.toString(),
          note: 'generated',
          at: r.at.toISOString(),
        })),
      )}`;
  });
}

export interface ExpectedFigures {
  budgetPence: number;
  committedPence: number;
  paidPence: number;
  reportedSpendPence: number;
  underspendPence: number;
  returnedPence: number;
  remainingPence: number;
}

/** The figures of a set of rows, summed here one row at a time. */
export function figuresOfRows(budget: bigint, rows: readonly LedgerRow[]): ExpectedFigures {
  const sum = (keep: (r: LedgerRow) => boolean) => rows.filter(keep).reduce((a, r) => a + r.amount, 0n);
  const committed = sum((r) => r.movement === 'commit') - sum((r) => r.movement === 'release');
  return {
    budgetPence: Number(budget),
    committedPence: Number(committed),
    paidPence: Number(sum((r) => r.movement === 'payment')),
    reportedSpendPence: Number(sum((r) => r.movement === 'reported')),
    underspendPence: Number(sum((r) => r.movement === 'release' && r.cause === 'underspend')),
    returnedPence: Number(sum((r) => r.movement === 'repayment')),
    remainingPence: Number(budget - committed),
  };
}

const net = (rows: readonly LedgerRow[]) =>
  rows.reduce(
    (a, r) => a + (r.movement === 'commit' ? r.amount : r.movement === 'release' ? -r.amount : 0n),
    0n,
  );

/** What the reconciliation of some of a portfolio's funds must say, worked out from its rows. */
export function expectedReconciliation(p: Portfolio, funds: readonly Fund[] = p.funds) {
  const rowsOf = (fund: Fund) => p.rows.filter((r) => r.fundId === fund.id);
  const themeOf = (r: LedgerRow) => (r.caseId && p.caseTheme.get(r.caseId)) || 'unassigned';
  const byFund = funds.map((fund) => {
    const rows = rowsOf(fund);
    const whole = figuresOfRows(fund.budget, rows);
    const shares = fund.contributors.map((c) => c.share);
    const split = (name: keyof ExpectedFigures) => apportion(BigInt(whole[name]), shares);
    const parts = {
      committedPence: split('committedPence'),
      paidPence: split('paidPence'),
      reportedSpendPence: split('reportedSpendPence'),
      underspendPence: split('underspendPence'),
      returnedPence: split('returnedPence'),
    };
    return {
      fundId: fund.id,
      name: fund.name,
      financialYear: p.financialYear,
      ...whole,
      streams: fund.streams.map((s) => ({
        streamId: s.id,
        name: s.name,
        ...figuresOfRows(
          s.budget,
          rows.filter((r) => r.streamId === s.id),
        ),
      })),
      unfenced: figuresOfRows(
        fund.budget - fund.streams.reduce((a, s) => a + s.budget, 0n),
        rows.filter((r) => r.streamId === null),
      ),
      contributors: fund.contributors.map((c, i) => ({
        organisationId: c.organisationId,
        name: c.name,
        budgetPence: Number(c.share),
        committedPence: Number(parts.committedPence[i]!),
        paidPence: Number(parts.paidPence[i]!),
        reportedSpendPence: Number(parts.reportedSpendPence[i]!),
        underspendPence: Number(parts.underspendPence[i]!),
        returnedPence: Number(parts.returnedPence[i]!),
        remainingPence: Number(c.share - parts.committedPence[i]!),
      })),
    };
  });

  // A theme's budget: each fund's budget in proportion to what it holds committed per theme; with
  // nothing committed, its programmes' one theme, or "not yet allocated".
  const keys = [...THEMES, 'unassigned'];
  const budgets = new Map<string, bigint>();
  const addBudget = (key: string, value: bigint) => budgets.set(key, (budgets.get(key) ?? 0n) + value);
  for (const fund of funds) {
    const rows = rowsOf(fund);
    const shares = keys.map((key) => {
      const held = net(rows.filter((r) => themeOf(r) === key));
      return held > 0n ? held : 0n;
    });
    if (shares.some((s) => s > 0n)) {
      for (const [i, part] of apportion(fund.budget, shares).entries()) addBudget(keys[i]!, part);
    } else {
      const themes = new Set(fund.programmes.map((pr) => pr.themeId));
      addBudget(themes.size === 1 ? [...themes][0]! : 'not-yet-allocated', fund.budget);
    }
  }
  const allRows = funds.flatMap(rowsOf);
  const themes = [...keys, 'not-yet-allocated']
    .map((themeId) => ({
      themeId,
      ...figuresOfRows(
        budgets.get(themeId) ?? 0n,
        allRows.filter((r) => themeOf(r) === themeId),
      ),
    }))
    .filter(
      (t) =>
        (THEMES as readonly string[]).includes(t.themeId) ||
        Object.entries(t).some(([k, v]) => k !== 'themeId' && v !== 0),
    );
  const total = figuresOfRows(
    funds.reduce((a, f) => a + f.budget, 0n),
    allRows,
  );
  return { funds: byFund, themes, total };
}
