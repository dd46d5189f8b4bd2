import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.ts';
import { cases, fundLedger, organisations, paymentSchedules } from '../schema/index.ts';

export type ScheduleRow = typeof paymentSchedules.$inferSelect;

export async function findSchedule(db: Db, awardCaseId: string): Promise<ScheduleRow | undefined> {
  const [row] = await db.select().from(paymentSchedules).where(eq(paymentSchedules.awardCaseId, awardCaseId));
  return row;
}

export async function saveSchedule(db: Db, row: typeof paymentSchedules.$inferInsert): Promise<void> {
  const { awardCaseId: _, createdAt: __, scheduledBy: ___, ...terms } = row;
  await db
    .insert(paymentSchedules)
    .values(row)
    .onConflictDoUpdate({ target: paymentSchedules.awardCaseId, set: terms });
}

/**
 * The cases of one machine about an award (its payments, its returns), oldest first, locked in that
 * order (one order everywhere: no deadlock among them).
 */
export async function lockCasesAbout(db: Db, awardCaseId: string, machineId: string) {
  return db
    .select()
    .from(cases)
    .where(and(eq(cases.awardCaseId, awardCaseId), eq(cases.machineId, machineId)))
    .orderBy(asc(cases.seq))
    .for('update');
}

/**
 * The spend reported on an award in its returns as last submitted (`latestReturn.spendPence`), leaving
 * out one return (the one being submitted) and any waived or withdrawn: bigint pence.
 */
export async function spendReportedOn(db: Db, awardCaseId: string, machineId: string, except: string) {
  const [row] = await db
    .select({
      spend: sql<string>`coalesce(sum((${cases.snapshot}->'context'->'latestReturn'->>'spendPence')::bigint), 0)::text`,
    })
    .from(cases)
    .where(
      and(
        eq(cases.awardCaseId, awardCaseId),
        eq(cases.machineId, machineId),
        sql`${cases.id} <> ${except}`,
        sql`${cases.state} not in ('waived', 'withdrawn')`,
      ),
    );
  return BigInt(row?.spend ?? '0');
}

/** Cases about the award whose context flag is true (e.g. returns that hold its payments). */
export async function countCasesAboutWithFlag(db: Db, awardCaseId: string, machineId: string, flag: string) {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(cases)
    .where(
      and(
        eq(cases.awardCaseId, awardCaseId),
        eq(cases.machineId, machineId),
        sql`(${cases.snapshot}->'context'->>${flag}) = 'true'`,
      ),
    );
  return row?.count ?? 0;
}

/** What has gone to the provider and stayed there: payments less repayments. */
export async function paidNetByCase(db: Db, awardCaseId: string): Promise<bigint> {
  const [row] = await db
    .select({
      net: sql<string>`coalesce(sum(case ${fundLedger.movement} when 'payment' then ${fundLedger.amountPence} when 'repayment' then -${fundLedger.amountPence} else 0 end), 0)`,
    })
    .from(fundLedger)
    .where(and(eq(fundLedger.caseId, awardCaseId), inArray(fundLedger.movement, ['payment', 'repayment'])));
  return BigInt(row?.net ?? 0);
}

/**
 * Payments not yet paid, with the recipient's name: the approved ones first (what finance pays next),
 * then held, then scheduled, each soonest due first.
 */
export async function unpaidPayments(db: Db, paymentMachine: string, limit = 500) {
  return db
    .select({ row: cases, organisation: organisations.name })
    .from(cases)
    .innerJoin(organisations, eq(organisations.id, cases.organisationId))
    .where(and(eq(cases.machineId, paymentMachine), inArray(cases.state, ['scheduled', 'held', 'approved'])))
    .orderBy(
      sql`case ${cases.state} when 'approved' then 0 when 'held' then 1 else 2 end`,
      sql`${cases.dueOn} asc nulls last`,
      asc(cases.seq),
    )
    .limit(limit);
}

const reversal = alias(fundLedger, 'reversal');

/** A payment's `payment` rows that stand: neither reversals nor reversed, oldest first. */
export async function standingPaymentRows(db: Db, paymentCaseId: string) {
  const rows = await db
    .select({ row: fundLedger })
    .from(fundLedger)
    .leftJoin(reversal, eq(reversal.reversesId, fundLedger.id))
    .where(
      and(
        eq(fundLedger.paymentCaseId, paymentCaseId),
        eq(fundLedger.movement, 'payment'),
        isNull(fundLedger.reversesId),
        isNull(reversal.id),
      ),
    )
    .orderBy(asc(fundLedger.id));
  return rows.map((r) => r.row);
}

/** The cases with these reference numbers (PAY-000042 is 42), of whatever machine. */
export async function casesBySeq(db: Db, seqs: readonly number[]) {
  if (!seqs.length) return [];
  return db
    .select()
    .from(cases)
    .where(inArray(cases.seq, [...seqs]));
}
