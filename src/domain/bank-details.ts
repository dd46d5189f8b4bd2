// Where an organisation is paid: its bank details, changed only with two finance users. One enters a
// change (the organisation's people are told at once, so a change they did not ask for is caught);
// another confirms it, and only then do payments use it, or rejects it. Every change is kept. Account
// numbers are shown masked everywhere but the payment run a finance system imports.
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import {
  type BankDetailsRow,
  bankDetailsHistory,
  decideBankDetails,
  insertBankDetails,
  lockPendingBankDetails,
  payeeCounts,
  payeesPage,
  pendingBankDetailsChanges,
  supersedeConfirmedBankDetails,
} from '../db/queries/bank-details.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import { membersWhoMay } from '../db/queries/people.ts';
import type { Actor } from '../engine/actor.ts';
import { fieldErrors, forbidden, invalid, notFound, ProblemError } from '../engine/errors.ts';
import { isUuid } from '../engine/ids.ts';
import { sendLetters } from './notifications.ts';
import { pageOf } from './paging.ts';

/** Digits as people write them ("12-34-56", "1234 5678"): the separators go. */
const digits = (count: number, what: string) =>
  z
    .string({ error: `Enter the ${what}` })
    .transform((text) => text.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(new RegExp(`^\\d{${count}}$`), { error: `The ${what} is ${count} digits` }));

export const newBankDetails = z.strictObject({
  accountName: z
    .string({ error: 'Enter the name on the account' })
    .trim()
    .min(1, { error: 'Enter the name on the account' })
    .max(140, { error: 'The name on the account is at most 140 characters' }),
  sortCode: digits(6, 'sort code'),
  accountNumber: digits(8, 'account number'),
  reason: z
    .string({ error: 'Say why the bank details are changing' })
    .trim()
    .min(1, { error: 'Say why the bank details are changing' })
    .max(2000),
});
export const rejection = z.strictObject({
  reason: z
    .string({ error: 'Say why the change is rejected' })
    .trim()
    .min(1, { error: 'Say why the change is rejected' })
    .max(2000),
});

/** "**-**-56" and "****5678": enough to recognise an account, not to pay into it. */
export const maskedSortCode = (sortCode: string) => `**-**-${sortCode.slice(4)}`;
export const maskedAccountNumber = (accountNumber: string) => `****${accountNumber.slice(4)}`;

function requireFinance(actor: Actor): string {
  if (actor.role !== 'finance' || !actor.userId) throw forbidden('Only finance staff change bank details.');
  return actor.userId;
}

async function payee(tx: Tx, organisationId: string) {
  const organisation = isUuid(organisationId) ? await findOrganisation(tx, organisationId) : undefined;
  if (!organisation || organisation.kind === 'commissioner') throw notFound();
  return organisation;
}

/** Tells the organisation's people what happened to its bank details, in the same transaction. */
async function tellOrganisation(
  tx: Tx,
  organisation: { id: string; name: string },
  message: 'bankDetailsChangeEntered' | 'bankDetailsChanged' | 'bankDetailsChangeRejected',
  account: BankDetailsRow,
  at: Date,
) {
  const ending = account.accountNumber.slice(4);
  const name = organisation.name;
  const phone =
    "contact the Office of the Police and Crime Commissioner's finance team at once, by phone on a number you already hold";
  const words = {
    bankDetailsChangeEntered: {
      subject: `A change to the bank details of ${name} has been entered`,
      body: `We have entered a change to the bank account we pay ${name} into: to an account ending ${ending}. It takes effect once a second member of our finance team confirms it. If your organisation did not ask for this change, ${phone}, not by replying to this email.`,
    },
    bankDetailsChanged: {
      subject: `The bank details of ${name} have changed`,
      body: `From now on we pay ${name} into the account ending ${ending}. If your organisation did not ask for this change, ${phone}.`,
    },
    bankDetailsChangeRejected: {
      subject: `A change to the bank details of ${name} was not made`,
      body: `The change we told you about, to an account ending ${ending}, was not made: we go on paying ${name} into the account we paid before. If your organisation did ask for the change, contact the Office of the Police and Crime Commissioner's finance team by phone on a number you already hold.`,
    },
  }[message];
  // Whoever deals with its bank account hears of any change to it, as well as those who receive its email.
  const people = [
    ...(await membersWhoMay(tx, organisation.id, 'bankDetails')),
    ...(await membersWhoMay(tx, organisation.id, 'receiveEmail')),
  ].filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
  // No link: a message about bank details asks nothing to be clicked.
  await sendLetters(tx, people, { message, subject: words.subject, body: [words.body] }, at);
}

/** A finance user enters new bank details: pending until a second finance user confirms them. */
export async function enterBankDetails(
  tx: Tx,
  actor: Actor,
  organisationId: string,
  body: unknown,
  at: Date,
) {
  const by = requireFinance(actor);
  const organisation = await payee(tx, organisationId);
  const parsed = newBankDetails.safeParse(body);
  if (!parsed.success) throw invalid('The bank details are not valid.', fieldErrors(parsed.error.issues));
  if (await lockPendingBankDetails(tx, organisation.id)) {
    throw new ProblemError(
      409,
      'A change is waiting',
      `A change to the bank details of ${organisation.name} is waiting for a second finance user. Confirm or reject it first.`,
    );
  }
  const row = await insertBankDetails(tx, {
    organisationId: organisation.id,
    ...parsed.data,
    status: 'pending',
    requestedBy: by,
    requestedAt: at,
  });
  await tellOrganisation(tx, organisation, 'bankDetailsChangeEntered', row, at);
  return row.id;
}

/** A second finance user confirms or rejects the pending change; whoever entered it may do neither. */
export async function decidePendingBankDetails(
  tx: Tx,
  actor: Actor,
  organisationId: string,
  decision: { confirm: true; body: unknown } | { confirm: false; body: unknown },
  at: Date,
) {
  const by = requireFinance(actor);
  const organisation = await payee(tx, organisationId);
  const pending = await lockPendingBankDetails(tx, organisation.id);
  if (!pending) {
    throw new ProblemError(
      409,
      'Nothing waiting',
      `No change to the bank details of ${organisation.name} is waiting.`,
    );
  }
  if (pending.requestedBy === by)
    throw forbidden('You entered this change: a second finance user must confirm or reject it.');
  if (!decision.confirm) {
    const parsed = rejection.safeParse(decision.body);
    if (!parsed.success) throw invalid('Say why the change is rejected.', fieldErrors(parsed.error.issues));
    await decideBankDetails(tx, pending.id, {
      status: 'rejected',
      decidedBy: by,
      decidedAt: at,
      rejectedReason: parsed.data.reason,
    });
    await tellOrganisation(tx, organisation, 'bankDetailsChangeRejected', pending, at);
    return;
  }
  // The second person keys the sort code and account number again from the organisation's letter or
  // call: a mistake or a substitution in the first entry does not get through on a glance at a mask.
  const rekeyed = newBankDetails.pick({ sortCode: true, accountNumber: true }).safeParse(decision.body);
  if (!rekeyed.success)
    throw invalid('Enter the bank details to confirm them.', fieldErrors(rekeyed.error.issues));
  const mismatches = (['sortCode', 'accountNumber'] as const)
    .filter((field) => rekeyed.data[field] !== pending[field])
    .map((field) => ({
      field,
      message: `This is not the ${field === 'sortCode' ? 'sort code' : 'account number'} entered for the change: check it with ${organisation.name}`,
    }));
  if (mismatches.length) throw invalid('The bank details do not match the change entered.', mismatches);
  await supersedeConfirmedBankDetails(tx, organisation.id);
  await decideBankDetails(tx, pending.id, {
    status: 'confirmed',
    decidedBy: by,
    decidedAt: at,
    rejectedReason: null,
  });
  await tellOrganisation(tx, organisation, 'bankDetailsChanged', pending, at);
}

/** An organisation's bank details as finance and the organisation see them: masked, with every change. */
export async function bankDetailsView(tx: Tx, actor: Actor, organisationId: string) {
  const organisation = await payee(tx, organisationId);
  const own = actor.role === 'provider' && actor.organisationId === organisation.id;
  if (!own && !['finance', 'admin'].includes(actor.role)) throw notFound();
  const changes = (await bankDetailsHistory(tx, organisation.id)).map(
    ({ row, requestedByName, decidedByName }) => ({
      id: row.id,
      status: row.status,
      accountName: row.accountName,
      sortCode: maskedSortCode(row.sortCode),
      accountNumber: maskedAccountNumber(row.accountNumber),
      reason: row.reason,
      requestedBy: { id: row.requestedBy, name: requestedByName },
      requestedAt: row.requestedAt.toISOString(),
      decidedBy: row.decidedBy ? { id: row.decidedBy, name: decidedByName } : null,
      decidedAt: row.decidedAt?.toISOString() ?? null,
      rejectedReason: row.rejectedReason,
    }),
  );
  return {
    organisationId: organisation.id,
    name: organisation.name,
    confirmed: changes.find((c) => c.status === 'confirmed') ?? null,
    pending: changes.find((c) => c.status === 'pending') ?? null,
    changes,
    // Whom finance should hear a change from: the organisation's people who deal with bank details.
    dealtWithBy: (await membersWhoMay(tx, organisation.id, 'bankDetails')).map((p) => ({
      name: p.name,
      email: p.email,
    })),
  };
}

/** Payees on a page of finance's list. */
export const PAYEES_PER_PAGE = 50;
/** Changes waiting for confirmation named above the list; the rest are counted. */
export const PENDING_NAMED = 20;

/**
 * Finance's list of payees: how many there are, with confirmed bank details and with a change waiting;
 * the changes waiting for a second finance user, oldest first (the first of them); and the page asked
 * for (or the nearest there is) of every payee by name, with where it is paid, masked.
 */
export async function payeesBankDetailsPage(db: Db, askedPage: number) {
  const [counts, pending] = await Promise.all([
    payeeCounts(db),
    pendingBankDetailsChanges(db, PENDING_NAMED),
  ]);
  const page = pageOf(askedPage, counts.payees, PAYEES_PER_PAGE);
  const rows = page.total ? await payeesPage(db, page) : [];
  return {
    counts,
    pending,
    page,
    payees: rows.map((p) => ({
      id: p.id,
      name: p.name,
      confirmed: p.confirmed
        ? {
            sortCode: maskedSortCode(p.confirmed.sortCode),
            accountNumber: maskedAccountNumber(p.confirmed.accountNumber),
          }
        : null,
      pending: p.pendingId !== null,
    })),
  };
}
