import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
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
