import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedRead } from '../prepared.ts';
import {
  fundContributors,
  fundLedger,
  fundStreams,
  funds,
  netCommitment,
  organisations,
} from '../schema/index.ts';

export type FundRow = typeof funds.$inferSelect;
export type StreamRow = typeof fundStreams.$inferSelect;

export async function findFund(db: Db, id: string): Promise<FundRow | undefined> {
  const [row] = await db.select().from(funds).where(eq(funds.id, id));
  return row;
}

/** Locks the fund until the transaction ends: commitments against one fund happen one at a time. */
export async function lockFund(db: Db, id: string): Promise<FundRow | undefined> {
  const [row] = await db.select().from(funds).where(eq(funds.id, id)).for('update');
  return row;
}

export async function listFunds(db: Db): Promise<FundRow[]> {
  return db.select().from(funds).orderBy(asc(funds.financialYear), asc(funds.name));
}

export async function streamsOf(db: Db, fundId: string): Promise<StreamRow[]> {
  return db.select().from(fundStreams).where(eq(fundStreams.fundId, fundId)).orderBy(asc(fundStreams.name));
}

export async function contributorsOf(db: Db, fundId: string) {
  return db
    .select({
      organisationId: fundContributors.organisationId,
      name: organisations.name,
      sharePence: fundContributors.sharePence,
    })
    .from(fundContributors)
    .innerJoin(organisations, eq(organisations.id, fundContributors.organisationId))
    .where(eq(fundContributors.fundId, fundId))
    .orderBy(asc(organisations.name));
}

/** Committed and released pence per stream (null: not in a stream), summed from the ledger. */
export async function ledgerTotals(db: Db, fundId: string) {
  return db
    .select({
      streamId: fundLedger.streamId,
      committed: sql<string>`coalesce(sum(${fundLedger.amountPence}) filter (where ${fundLedger.movement} = 'commit'), 0)`,
      released: sql<string>`coalesce(sum(${fundLedger.amountPence}) filter (where ${fundLedger.movement} = 'release'), 0)`,
    })
    .from(fundLedger)
    .where(eq(fundLedger.fundId, fundId))
    .groupBy(fundLedger.streamId);
}

/** Committed and released pence per fund and stream, for many funds in one query. */
export async function ledgerTotalsOfFunds(db: Db, fundIds: readonly string[]) {
  if (!fundIds.length) return [];
  return db
    .select({
      fundId: fundLedger.fundId,
      streamId: fundLedger.streamId,
      committed: sql<string>`coalesce(sum(${fundLedger.amountPence}) filter (where ${fundLedger.movement} = 'commit'), 0)`,
      released: sql<string>`coalesce(sum(${fundLedger.amountPence}) filter (where ${fundLedger.movement} = 'release'), 0)`,
    })
    .from(fundLedger)
    .where(inArray(fundLedger.fundId, [...fundIds]))
    .groupBy(fundLedger.fundId, fundLedger.streamId);
}

/** What one case holds committed now: its commitments less its releases. */
export async function netCommittedByCase(db: Db, caseId: string): Promise<bigint> {
  const [row] = await db
    .select({
      net: netCommitment,
    })
    .from(fundLedger)
    .where(eq(fundLedger.caseId, caseId));
  return BigInt(row?.net ?? 0);
}

export async function insertLedgerRow(db: Db, row: typeof fundLedger.$inferInsert): Promise<void> {
  await db.insert(fundLedger).values(row);
}

export async function ledgerOf(db: Db, fundId: string, limit = 500) {
  return db
    .select()
    .from(fundLedger)
    .where(and(eq(fundLedger.fundId, fundId)))
    .orderBy(asc(fundLedger.id))
    .limit(limit);
}

/** The fund of this name for that financial year: the same budget line in another year. */
export async function fundNamedFor(
  db: Db,
  name: string,
  financialYear: string,
): Promise<FundRow | undefined> {
  const [row] = await db
    .select()
    .from(funds)
    .where(and(eq(funds.name, name), eq(funds.financialYear, financialYear)));
  return row;
}

/** Locks the funds in one order (by id), so two transactions locking several cannot deadlock. */
export async function lockFunds(db: Db, ids: readonly string[]): Promise<FundRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(funds)
    .where(inArray(funds.id, [...ids]))
    .orderBy(asc(funds.id))
    .for('update');
}

/** What one case holds committed in each fund and stream it has ledger rows in. */
export async function netCommittedByFund(db: Db, caseId: string) {
  const rows = await db
    .select({ fundId: fundLedger.fundId, streamId: fundLedger.streamId, net: netCommitment })
    .from(fundLedger)
    .where(and(eq(fundLedger.caseId, caseId), inArray(fundLedger.movement, ['commit', 'release'])))
    .groupBy(fundLedger.fundId, fundLedger.streamId);
  return rows.map((r) => ({ fundId: r.fundId, streamId: r.streamId, net: BigInt(r.net) }));
}

/** What has been paid on one case and stayed paid (payments less repayments), per fund's financial year. */
export async function paidNetByYear(db: Db, caseId: string) {
  const rows = await db
    .select({
      financialYear: funds.financialYear,
      net: sql<string>`coalesce(sum(case ${fundLedger.movement} when 'payment' then ${fundLedger.amountPence} else -${fundLedger.amountPence} end), 0)`,
    })
    .from(fundLedger)
    .innerJoin(funds, eq(funds.id, fundLedger.fundId))
    .where(and(eq(fundLedger.caseId, caseId), inArray(fundLedger.movement, ['payment', 'repayment'])))
    .groupBy(funds.financialYear);
  return rows.map((r) => ({ financialYear: r.financialYear, net: BigInt(r.net) }));
}

/** Finance confirms an indicative budget, at the figure given. */
export async function confirmFundBudget(
  db: Db,
  id: string,
  budgetPence: bigint,
  by: string | null,
  at: Date,
) {
  await db
    .update(funds)
    .set({ budgetPence, indicative: false, confirmedAt: at, confirmedBy: by })
    .where(eq(funds.id, id));
}

/**
 * One case's money in each fund it has ledger rows in, by financial year: what it holds committed
 * (net of releases) and what has been paid from it (net of repayments), with the fund's standing.
 */
export async function caseMoneyByFund(db: Db, caseId: string) {
  const rows = await caseMoneyQuery(db).execute({ caseId });
  return rows.map((r) => ({
    ...r,
    committed: BigInt(r.committed),
    paid: BigInt(r.paid),
    returned: BigInt(r.returned),
  }));
}
const caseMoneyQuery = preparedRead('case_money_by_fund', (db) =>
  db
    .select({
      fundId: funds.id,
      name: funds.name,
      financialYear: funds.financialYear,
      indicative: funds.indicative,
      committed: netCommitment,
      paid: sql<string>`coalesce(sum(${fundLedger.amountPence}) filter (where ${fundLedger.movement} = 'payment'), 0)`,
      returned: sql<string>`coalesce(sum(${fundLedger.amountPence}) filter (where ${fundLedger.movement} = 'repayment'), 0)`,
    })
    .from(fundLedger)
    .innerJoin(funds, eq(funds.id, fundLedger.fundId))
    .where(eq(fundLedger.caseId, sql.placeholder('caseId')))
    .groupBy(funds.id, funds.name, funds.financialYear, funds.indicative)
    .orderBy(asc(funds.financialYear), asc(funds.name)),
);

/** Every ring-fenced stream of every fund, with its fund's name and year. */
export async function allStreams(db: Db) {
  return db
    .select({
      id: fundStreams.id,
      name: fundStreams.name,
      fundId: fundStreams.fundId,
      fundName: funds.name,
      financialYear: funds.financialYear,
    })
    .from(fundStreams)
    .innerJoin(funds, eq(funds.id, fundStreams.fundId))
    .orderBy(asc(funds.financialYear), asc(funds.name), asc(fundStreams.name));
}
