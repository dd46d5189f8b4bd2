// A fund's position, derived from the ledger alone, to the penny: overall, per ring-fenced stream
// (and the unfenced rest), and per contributor for jointly commissioned budgets.
import type { Db } from '../db/client.ts';
import { type FundRow, findFund, ledgerTotalsOfFunds, listFunds } from '../db/queries/funds.ts';
import { contributorsOfFunds, streamsOfFunds } from '../db/queries/reports.ts';
import { isUuid } from '../engine/ids.ts';

/** Sums of pence, exact at any size: the API writes them as strings of whole pence (src/http/app.ts). */
export interface Position {
  budgetPence: bigint;
  /** Held now: commitments less releases (the reconciliation's "committed"). */
  committedPence: bigint;
  /** Every commitment ever made, before releases. */
  grossCommittedPence: bigint;
  /** Every release: reductions, terminations, underspends, clawback, cancelled payments, re-phasing. */
  releasedPence: bigint;
  /** Budget less committed. */
  remainingPence: bigint;
}

const position = (budget: bigint, committed: bigint, released: bigint): Position => ({
  budgetPence: budget,
  committedPence: committed - released,
  grossCommittedPence: committed,
  releasedPence: released,
  remainingPence: budget - committed + released,
});

/**
 * Splits `total` across `shares` in proportion, largest remainders first, so the parts always add
 * up to the total exactly (no penny lost or invented by rounding).
 */
export function apportion(total: bigint, shares: readonly bigint[]): bigint[] {
  const whole = shares.reduce((a, b) => a + b, 0n);
  if (whole === 0n) return shares.map(() => 0n);
  const exact = shares.map((share) => ({ floor: (total * share) / whole, rest: (total * share) % whole }));
  let left = total - exact.reduce((a, e) => a + e.floor, 0n);
  const order = exact
    .map((_share, i) => i)
    .sort((a, b) => (exact[b]!.rest > exact[a]!.rest ? 1 : exact[b]!.rest < exact[a]!.rest ? -1 : a - b));
  const parts = exact.map((e) => e.floor);
  for (const i of order) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts;
}

export async function fundPosition(db: Db, fund: FundRow) {
  const [position] = await fundPositions(db, [fund]);
  return position!;
}

/** One fund's position, by an id as typed (undefined when there is no such fund). */
export async function fundPositionById(db: Db, id: string) {
  const fund = isUuid(id) ? await findFund(db, id) : undefined;
  return fund && fundPosition(db, fund);
}

/** Every fund's position, oldest year first. */
export async function allFundPositions(db: Db) {
  return fundPositions(db, await listFunds(db));
}

/** Many funds' positions in three queries, however many funds (the finance page lists every year's). */
export async function fundPositions(db: Db, funds: readonly FundRow[]) {
  const ids = funds.map((f) => f.id);
  const [streams, totals, contributors] = await Promise.all([
    streamsOfFunds(db, ids),
    ledgerTotalsOfFunds(db, ids),
    contributorsOfFunds(db, ids),
  ]);
  const byFund = <T extends { fundId: string }>(rows: readonly T[]) => {
    const grouped = new Map<string, T[]>();
    for (const row of rows) grouped.set(row.fundId, [...(grouped.get(row.fundId) ?? []), row]);
    return (fundId: string) => grouped.get(fundId) ?? [];
  };
  const [streamsOf, totalsOf, contributorsOf] = [byFund(streams), byFund(totals), byFund(contributors)];
  return funds.map((fund) =>
    positionOf(fund, streamsOf(fund.id), totalsOf(fund.id), contributorsOf(fund.id)),
  );
}

function positionOf(
  fund: FundRow,
  streams: Awaited<ReturnType<typeof streamsOfFunds>>,
  totals: Awaited<ReturnType<typeof ledgerTotalsOfFunds>>,
  contributors: Awaited<ReturnType<typeof contributorsOfFunds>>,
) {
  const of = (streamId: string | null) => {
    const row = totals.find((t) => t.streamId === streamId);
    return { committed: BigInt(row?.committed ?? 0), released: BigInt(row?.released ?? 0) };
  };
  const committed = totals.reduce((a, t) => a + BigInt(t.committed), 0n);
  const released = totals.reduce((a, t) => a + BigInt(t.released), 0n);
  const fenced = streams.reduce((a, s) => a + s.budgetPence, 0n);
  const general = of(null);
  // Each partner's share of what is held (net) and of what was released, apportioned exactly; its
  // gross commitment is the two together, so every part adds up within itself.
  const heldShares = apportion(
    committed - released,
    contributors.map((c) => c.sharePence),
  );
  const releasedShares = apportion(
    released,
    contributors.map((c) => c.sharePence),
  );
  return {
    fundId: fund.id,
    name: fund.name,
    financialYear: fund.financialYear,
    /** The budget is a planning figure finance has not yet confirmed. */
    indicative: fund.indicative,
    ...position(fund.budgetPence, committed, released),
    streams: streams.map((stream) => {
      const t = of(stream.id);
      return {
        streamId: stream.id,
        name: stream.name,
        /** The services it may fund; empty for any. */
        services: stream.services,
        ...position(stream.budgetPence, t.committed, t.released),
      };
    }),
    /** The part of the fund outside any ring-fenced stream. */
    unfenced: position(fund.budgetPence - fenced, general.committed, general.released),
    contributors: contributors.map((c, i) => ({
      organisationId: c.organisationId,
      name: c.name,
      ...position(c.sharePence, heldShares[i]! + releasedShares[i]!, releasedShares[i]!),
    })),
  };
}
