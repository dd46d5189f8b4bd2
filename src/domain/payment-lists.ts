// Finance's payments not yet paid, as its pages show them: counted and totalled by state over every
// one of them (in SQL, from the index of unpaid payments), then listed a page at a time, approved first
// (what is paid next), then held, then scheduled, each soonest due first. Finance's home page shows the
// totals and the first few of the list; the payments page the list, page by page.
import type { MachineDefinition } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import {
  payeesWaitingForBankDetails,
  unpaidPaymentsPage,
  unpaidPaymentTotals,
} from '../db/queries/payments.ts';
import { UNPAID_PAYMENT_STATES } from '../db/schema/index.ts';
import { integrity } from '../engine/errors.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { caseReference } from '../engine/views.ts';
import { pageOf } from './paging.ts';
import { PAYMENT_MACHINE } from './payments.ts';

/** Payments on a page of finance's list. */
export const PAYMENTS_PER_PAGE = 50;
/** Payments finance's home page shows: the first of the list. */
export const FIRST_PAYMENTS = 5;
/** Payees named on the payments page as waiting for bank details; the rest are counted. */
export const PAYEES_NAMED = 20;

export interface Tally {
  count: number;
  pence: bigint;
}

const tally = (rows: readonly Tally[]): Tally => ({
  count: rows.reduce((n, r) => n + r.count, 0),
  pence: rows.reduce((sum, r) => sum + r.pence, 0n),
});

/**
 * The payments not yet paid, counted and totalled (what is still to pay of each) by state in the
 * list's order, in all, and the approved ones split between those the payment run pays (the payee has
 * confirmed bank details) and those waiting for bank details.
 */
export async function unpaidTotals(db: Db, definition: MachineDefinition) {
  const rows = await unpaidPaymentTotals(db);
  const approved = rows.filter((r) => r.state === 'approved');
  return {
    byState: UNPAID_PAYMENT_STATES.map((state) => ({
      state,
      label: definition.states[state]?.label ?? state,
      ...tally(rows.filter((r) => r.state === state)),
    })),
    all: tally(rows),
    run: {
      payable: tally(approved.filter((r) => r.payeeHasAccount)),
      waiting: tally(approved.filter((r) => !r.payeeHasAccount)),
    },
  };
}

export type UnpaidTotals = Awaited<ReturnType<typeof unpaidTotals>>;

type UnpaidRow = Awaited<ReturnType<typeof unpaidPaymentsPage>>[number];

/** What is still to pay of a payment, as PostgreSQL keeps it (cases.still_to_pay_pence). */
export function stillToPay(row: { id: string; stillToPayPence: bigint | null }): bigint {
  if (row.stillToPayPence === null) throw integrity(`Payment ${row.id} has no amount still to pay.`);
  return row.stillToPayPence;
}

/** A payment as finance's lists show it: its reference, payee, due date, still to pay and state. */
function listed(definition: MachineDefinition, row: UnpaidRow) {
  return {
    id: row.id,
    reference: caseReference(definition, row.seq),
    payee: row.payee,
    organisationId: row.organisationId,
    /** An approved payment is not paid until its payee's bank details are confirmed. */
    waitsForBankDetails: row.state === 'approved' && !row.payeeHasAccount,
    dueOn: row.dueOn,
    stillToPayPence: stillToPay(row),
    state: definition.states[row.state]?.label ?? row.state,
  };
}

/**
 * Finance's payments page: the totals, the payees whose approved payments wait for bank details (the
 * first by name, and how many in all), and the page asked for of the list (or the nearest there is).
 */
export async function financePaymentsPage(db: Db, registry: MachineRegistry, askedPage: number) {
  const definition = registry.latest(PAYMENT_MACHINE)!;
  const [totals, waitingPayees] = await Promise.all([
    unpaidTotals(db, definition),
    payeesWaitingForBankDetails(db, PAYEES_NAMED),
  ]);
  const page = pageOf(askedPage, totals.all.count, PAYMENTS_PER_PAGE);
  const rows = page.total ? await unpaidPaymentsPage(db, page) : [];
  return { totals, waitingPayees, page, payments: rows.map((row) => listed(definition, row)) };
}

/** Finance's home page: the totals, and the first few payments of the list. */
export async function financePaymentsSummary(db: Db, registry: MachineRegistry) {
  const definition = registry.latest(PAYMENT_MACHINE)!;
  const [totals, rows] = await Promise.all([
    unpaidTotals(db, definition),
    unpaidPaymentsPage(db, { offset: 0, size: FIRST_PAYMENTS }),
  ]);
  return { totals, first: rows.map((row) => listed(definition, row)) };
}
