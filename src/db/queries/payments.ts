import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.ts';
import {
  bankDetails,
  cases,
  fundLedger,
  isUnpaidPayment,
  organisations,
  paymentSchedules,
  unpaidPaymentRank,
} from '../schema/index.ts';

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

/** Payments not yet paid: the statement names them as the partial index does (cases_unpaid_payments_idx). */
const unpaid = isUnpaidPayment(cases.machineId, cases.state);
/** Their order: approved first (what finance pays next), then held, then scheduled, each soonest due first. */
const unpaidOrder = [unpaidPaymentRank(cases.state), asc(cases.dueOn), asc(cases.seq)];
/** Of those, the approved ones: the first entries of the index. */
const approved = sql`${unpaid} and ${unpaidPaymentRank(cases.state)} = 0`;

const confirmedAccount = and(
  eq(bankDetails.organisationId, cases.organisationId),
  eq(bankDetails.status, 'confirmed'),
);

/**
 * The payments not yet paid, counted and their still to pay summed in SQL over every one, by state
 * and by whether the payee has a confirmed bank account (only an approved payment with one is in the
 * payment run). Pence as bigint.
 */
export async function unpaidPaymentTotals(db: Db) {
  const rows = await db
    .select({
      state: cases.state,
      payeeHasAccount: sql<boolean>`${bankDetails.id} is not null`,
      count: sql<number>`count(*)::int`,
      pence: sql<string>`coalesce(sum(${cases.stillToPayPence}), 0)::text`,
    })
    .from(cases)
    .leftJoin(bankDetails, confirmedAccount)
    .where(unpaid)
    .groupBy(cases.state, sql`${bankDetails.id} is not null`);
  return rows.map((r) => ({ ...r, pence: BigInt(r.pence) }));
}

/**
 * One page of the payments not yet paid, in their order (unpaidOrder), with the payee's name, whether
 * it has confirmed bank details, and what is still to pay of each. The page's ids are found in the
 * index alone, then only their rows are read.
 */
export async function unpaidPaymentsPage(db: Db, page: { offset: number; size: number }) {
  const ids = db
    .select({ id: cases.id })
    .from(cases)
    .where(unpaid)
    .orderBy(...unpaidOrder)
    .limit(page.size)
    .offset(page.offset)
    .as('page_ids');
  const rows = await db
    .select({
      id: cases.id,
      seq: cases.seq,
      state: cases.state,
      dueOn: cases.dueOn,
      organisationId: cases.organisationId,
      payee: organisations.name,
      payeeHasAccount: sql<boolean>`${bankDetails.id} is not null`,
      stillToPayPence: cases.stillToPayPence,
    })
    .from(ids)
    .innerJoin(cases, eq(cases.id, ids.id))
    .innerJoin(organisations, eq(organisations.id, cases.organisationId))
    .leftJoin(bankDetails, confirmedAccount)
    .orderBy(...unpaidOrder);
  return rows;
}

/** How many payments are approved: what a payment run must hold, counted from the index alone. */
export async function countApprovedPayments(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(cases).where(approved);
  return row?.count ?? 0;
}

/** Where a batch of the run ends: the next batch starts after it. */
export interface RunPosition {
  dueOn: string | null;
  seq: number;
}

/**
 * The approved payments after `after` in their order (soonest due first, then oldest first), at most
 * `limit` of them, each with its payee's name, what is still to pay, and the payee's confirmed bank
 * account where it has one. The payment run reads them a batch at a time, in one snapshot. The batch
 * is taken from the index in its order first, and only then joined to its payees' names and accounts.
 */
export async function approvedPaymentsAfter(db: Db, after: RunPosition | null, limit: number) {
  // Every payment is due on a day (the machine requires dueOn), so the position compares as a row.
  const next = after ? sql`(${cases.dueOn}, ${cases.seq}) > (${after.dueOn}, ${after.seq})` : undefined;
  const batch = db
    .select({
      id: cases.id,
      seq: cases.seq,
      dueOn: cases.dueOn,
      organisationId: cases.organisationId,
      stillToPayPence: cases.stillToPayPence,
    })
    .from(cases)
    .where(and(approved, next))
    .orderBy(...unpaidOrder)
    .limit(limit)
    .as('batch');
  return db
    .select({
      id: batch.id,
      seq: batch.seq,
      dueOn: batch.dueOn,
      organisationId: batch.organisationId,
      payee: organisations.name,
      stillToPayPence: batch.stillToPayPence,
      account: {
        accountName: bankDetails.accountName,
        sortCode: bankDetails.sortCode,
        accountNumber: bankDetails.accountNumber,
      },
    })
    .from(batch)
    .innerJoin(organisations, eq(organisations.id, batch.organisationId))
    .leftJoin(
      bankDetails,
      and(eq(bankDetails.organisationId, batch.organisationId), eq(bankDetails.status, 'confirmed')),
    )
    .orderBy(asc(batch.dueOn), asc(batch.seq));
}

/**
 * The payees with approved payments that cannot be paid because they have no confirmed bank account,
 * by name, at most `limit`, each with how many of its payments wait; and how many such payees there
 * are in all. The payments are counted by payee from the index first; only the payees are named.
 */
export async function payeesWaitingForBankDetails(db: Db, limit: number) {
  const waiting = db
    .select({ organisationId: cases.organisationId, payments: sql<number>`count(*)::int`.as('payments') })
    .from(cases)
    .leftJoin(bankDetails, confirmedAccount)
    .where(and(approved, isNull(bankDetails.id)))
    .groupBy(cases.organisationId)
    .as('waiting');
  const rows = await db
    .select({
      organisationId: organisations.id,
      name: organisations.name,
      payments: waiting.payments,
      payees: sql<number>`(count(*) over ())::int`,
    })
    .from(waiting)
    .innerJoin(organisations, eq(organisations.id, waiting.organisationId))
    .orderBy(asc(organisations.name), asc(organisations.id))
    .limit(limit);
  return {
    payees: rows.map(({ payees: _all, ...payee }) => payee),
    total: rows[0]?.payees ?? 0,
  };
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
