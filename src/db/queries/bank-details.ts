// Organisations' bank details: every change kept, one pending and one confirmed at most.
import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.ts';
import { bankDetails, organisations, users } from '../schema/index.ts';

export type BankDetailsRow = typeof bankDetails.$inferSelect;

const requester = alias(users, 'requester');
const decider = alias(users, 'decider');

/** Every change of an organisation's bank details, newest first, with who entered and decided it. */
export async function bankDetailsHistory(db: Db, organisationId: string) {
  return db
    .select({ row: bankDetails, requestedByName: requester.name, decidedByName: decider.name })
    .from(bankDetails)
    .innerJoin(requester, eq(requester.id, bankDetails.requestedBy))
    .leftJoin(decider, eq(decider.id, bankDetails.decidedBy))
    .where(eq(bankDetails.organisationId, organisationId))
    .orderBy(desc(bankDetails.requestedAt));
}

/** The organisation's pending change, locked (a confirmation and a rejection do not cross). */
export async function lockPendingBankDetails(db: Db, organisationId: string) {
  const [row] = await db
    .select()
    .from(bankDetails)
    .where(and(eq(bankDetails.organisationId, organisationId), eq(bankDetails.status, 'pending')))
    .for('update');
  return row;
}

export async function insertBankDetails(db: Db, row: typeof bankDetails.$inferInsert) {
  const [inserted] = await db.insert(bankDetails).values(row).returning();
  return inserted!;
}

export async function decideBankDetails(
  db: Db,
  id: string,
  decision: Pick<BankDetailsRow, 'status' | 'decidedBy' | 'decidedAt' | 'rejectedReason'>,
) {
  await db.update(bankDetails).set(decision).where(eq(bankDetails.id, id));
}

/** The confirmed account becomes history when a new one is confirmed. */
export async function supersedeConfirmedBankDetails(db: Db, organisationId: string) {
  await db
    .update(bankDetails)
    .set({ status: 'superseded' })
    .where(and(eq(bankDetails.organisationId, organisationId), eq(bankDetails.status, 'confirmed')));
}

/** An organisation a payment can go to: any but the Commissioner's office. */
const payee = ne(organisations.kind, 'commissioner');
const confirmed = alias(bankDetails, 'confirmed');
const pending = alias(bankDetails, 'pending');

/** How many organisations a payment can go to; how many have confirmed bank details, and a change waiting. */
export async function payeeCounts(db: Db) {
  const [row] = await db
    .select({
      payees: sql<number>`count(*)::int`,
      confirmed: sql<number>`count(${confirmed.id})::int`,
      pending: sql<number>`count(${pending.id})::int`,
    })
    .from(organisations)
    .leftJoin(
      confirmed,
      and(eq(confirmed.organisationId, organisations.id), eq(confirmed.status, 'confirmed')),
    )
    .leftJoin(pending, and(eq(pending.organisationId, organisations.id), eq(pending.status, 'pending')))
    .where(payee);
  return row ?? { payees: 0, confirmed: 0, pending: 0 };
}

/**
 * One page of the organisations a payment can go to, by name, each with its confirmed account and
 * its pending change where it has them (at most one of each: bank_details_one_confirmed, _one_pending).
 */
export async function payeesPage(db: Db, page: { offset: number; size: number }) {
  return db
    .select({
      id: organisations.id,
      name: organisations.name,
      confirmed,
      pendingId: pending.id,
    })
    .from(organisations)
    .leftJoin(
      confirmed,
      and(eq(confirmed.organisationId, organisations.id), eq(confirmed.status, 'confirmed')),
    )
    .leftJoin(pending, and(eq(pending.organisationId, organisations.id), eq(pending.status, 'pending')))
    .where(payee)
    .orderBy(asc(organisations.name), asc(organisations.id))
    .limit(page.size)
    .offset(page.offset);
}

/** The changes of bank details waiting for a second finance user, oldest first, at most `limit`. */
export async function pendingBankDetailsChanges(db: Db, limit: number) {
  return db
    .select({
      organisationId: organisations.id,
      name: organisations.name,
      requestedAt: bankDetails.requestedAt,
      requestedByName: requester.name,
    })
    .from(bankDetails)
    .innerJoin(organisations, eq(organisations.id, bankDetails.organisationId))
    .innerJoin(requester, eq(requester.id, bankDetails.requestedBy))
    .where(eq(bankDetails.status, 'pending'))
    .orderBy(asc(bankDetails.requestedAt), asc(organisations.id))
    .limit(limit);
}
