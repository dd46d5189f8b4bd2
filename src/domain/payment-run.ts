// The payment run: finance's approved payments, each with its payee's confirmed bank details, in the
// shape a finance system imports (payee, sort code, account number, amount, reference). A payee with
// no confirmed bank account is not in the run: the payment waits, named, until one is confirmed.
import { formatPounds, type MachineDefinition } from '../../machines/define.ts';
import { type PaymentContext, paidSoFar } from '../../machines/payment.ts';
import type { Db } from '../db/client.ts';
import { confirmedBankDetailsOf } from '../db/queries/bank-details.ts';
import { unpaidPayments } from '../db/queries/payments.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { caseReference } from '../engine/views.ts';
import { toCsv } from './csv.ts';
import { poundsText } from './open-data/pounds.ts';
import { PAYMENT_MACHINE } from './payments.ts';

type UnpaidRows = Awaited<ReturnType<typeof unpaidPayments>>;

/** The run from the payments not yet paid: the approved ones, with their payees' confirmed accounts. */
async function runOf(db: Db, definition: MachineDefinition, unpaid: UnpaidRows) {
  const approved = unpaid.filter(({ row }) => row.state === 'approved');
  const accounts = await confirmedBankDetailsOf(db, [
    ...new Set(approved.map(({ row }) => row.organisationId)),
  ]);
  const lines = approved.map(({ row, organisation }) => {
    const context = (row.snapshot as { context: PaymentContext }).context;
    return {
      paymentId: row.id,
      reference: caseReference(definition, row.seq),
      organisationId: row.organisationId,
      payee: organisation,
      dueOn: context.dueOn,
      // What is still to pay: a payment paid in part is run for the rest.
      amountPence: BigInt(context.amountPence - paidSoFar(context)),
      account: accounts.get(row.organisationId),
    };
  });
  return {
    payable: lines
      .filter((l) => l.account)
      .map(({ account, ...l }) => ({
        ...l,
        accountName: account!.accountName,
        sortCode: account!.sortCode,
        accountNumber: account!.accountNumber,
      })),
    waiting: lines.filter((l) => !l.account).map(({ account: _none, ...l }) => l),
  };
}

export async function paymentRun(db: Db, registry: MachineRegistry) {
  return runOf(db, registry.latest(PAYMENT_MACHINE)!, await unpaidPayments(db, PAYMENT_MACHINE));
}

/**
 * Finance's payments page in one read: every payment not yet paid (approved first, then held, then
 * scheduled, soonest due first), and the run of the approved ones.
 */
export async function financePayments(db: Db, registry: MachineRegistry) {
  const definition = registry.latest(PAYMENT_MACHINE)!;
  const unpaid = await unpaidPayments(db, PAYMENT_MACHINE);
  return {
    payments: unpaid.map(({ row, organisation }) => {
      const c = (row.snapshot as { context: PaymentContext }).context;
      return {
        id: row.id,
        reference: caseReference(definition, row.seq),
        organisation,
        dueOn: c.dueOn,
        amount: formatPounds(c.amountPence),
        state: definition.states[row.state]?.label ?? row.state,
      };
    }),
    run: await runOf(db, definition, unpaid),
  };
}

export const paymentRunHeader = [
  'payee',
  'accountName',
  'sortCode',
  'accountNumber',
  'amount',
  'reference',
] as const;

/** The run as the finance system imports it: amounts in pounds and pence ("1234.56"), one payment a row. */
export function paymentRunCsv(run: Awaited<ReturnType<typeof paymentRun>>): string {
  return toCsv(
    paymentRunHeader,
    run.payable.map((l) => [
      l.payee,
      l.accountName,
      l.sortCode,
      l.accountNumber,
      poundsText(l.amountPence),
      l.reference,
    ]),
  );
}
