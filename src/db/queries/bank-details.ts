// Organisations' bank details: every change kept, one pending and one confirmed at most.
import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
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

/** Every organisation a payment can go to, by name, with its confirmed and pending accounts. */
export async function payeesWithBankDetails(db: Db) {
  const rows = await db
    .select({ organisation: organisations, account: bankDetails })
    .from(organisations)
    .leftJoin(
      bankDetails,
      and(
        eq(bankDetails.organisationId, organisations.id),
        inArray(bankDetails.status, ['confirmed', 'pending']),
      ),
    )
    .where(ne(organisations.kind, 'commissioner'))
    .orderBy(asc(organisations.name));
  const byOrganisation = new Map<
    string,
    { id: string; name: string; confirmed?: BankDetailsRow; pending?: BankDetailsRow }
  >();
  for (const { organisation, account } of rows) {
    const entry = byOrganisation.get(organisation.id) ?? { id: organisation.id, name: organisation.name };
    if (account?.status === 'confirmed') entry.confirmed = account;
    if (account?.status === 'pending') entry.pending = account;
    byOrganisation.set(organisation.id, entry);
  }
  return [...byOrganisation.values()];
}
