// The payment run: finance's approved payments, each with its payee's confirmed bank details, in the
// shape a finance system imports (payee, sort code, account number, amount, reference). A payee with
// no confirmed bank account is not in the run: the payment waits, named, until one is confirmed.
//
// The run holds every approved payment. They are read a batch at a time, soonest due first, all in
// one snapshot of the database, so no batch misses or repeats a payment that moves meanwhile, and the
// run is checked against the number of approved payments in that same snapshot before it is given.
import type { Database } from '../db/client.ts';
import { approvedPaymentsAfter, countApprovedPayments, type RunPosition } from '../db/queries/payments.ts';
import { integrity } from '../engine/errors.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { caseReference } from '../engine/views.ts';
import { csvRecords, toCsv } from './csv.ts';
import { poundsText } from './open-data/pounds.ts';
import { stillToPay } from './payment-lists.ts';
import { PAYMENT_MACHINE } from './payments.ts';

/** How many approved payments are read at a time. */
export const RUN_BATCH = 500;

type ApprovedRow = Awaited<ReturnType<typeof approvedPaymentsAfter>>[number];

/** A payment in the run, with its payee's confirmed account, or null when it has none. */
export interface RunLine {
  paymentId: string;
  reference: string;
  organisationId: string;
  payee: string;
  dueOn: string | null;
  /** What is still to pay: a payment paid in part is run for the rest. */
  amountPence: bigint;
  account: { accountName: string; sortCode: string; accountNumber: string } | null;
}

/**
 * Every approved payment, soonest due first, handed to `take` a batch at a time. All of it is read in
 * one read-only REPEATABLE READ transaction; a run that did not read as many payments as that snapshot
 * holds approved is refused rather than given short.
 */
async function eachApprovedPayment(
  db: Database,
  registry: MachineRegistry,
  take: (lines: RunLine[]) => void,
): Promise<void> {
  const definition = registry.latest(PAYMENT_MACHINE)!;
  const lineOf = (row: ApprovedRow): RunLine => ({
    paymentId: row.id,
    reference: caseReference(definition, row.seq),
    organisationId: row.organisationId,
    payee: row.payee,
    dueOn: row.dueOn,
    amountPence: stillToPay(row),
    account: row.account,
  });
  await db.transaction(
    async (tx) => {
      const approved = await countApprovedPayments(tx);
      let read = 0;
      let after: RunPosition | null = null;
      for (;;) {
        const rows = await approvedPaymentsAfter(tx, after, RUN_BATCH);
        read += rows.length;
        if (rows.length) take(rows.map(lineOf));
        if (rows.length < RUN_BATCH) break;
        const last = rows[rows.length - 1]!;
        after = { dueOn: last.dueOn, seq: last.seq };
      }
      if (read !== approved)
        throw integrity(`The payment run read ${read} approved payments, but ${approved} are approved.`);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The run: the approved payments that can be paid (`payable`), and those waiting for bank details. */
export async function paymentRun(db: Database, registry: MachineRegistry) {
  const payable: (Omit<RunLine, 'account'> & NonNullable<RunLine['account']>)[] = [];
  const waiting: Omit<RunLine, 'account'>[] = [];
  await eachApprovedPayment(db, registry, (lines) => {
    for (const { account, ...line } of lines) {
      if (account) payable.push({ ...line, ...account });
      else waiting.push(line);
    }
  });
  return { payable, waiting };
}

export const paymentRunHeader = [
  'payee',
  'accountName',
  'sortCode',
  'accountNumber',
  'amount',
  'reference',
] as const;

/**
 * The run as the finance system imports it: amounts in pounds and pence ("1234.56"), one payment a
 * row. Built whole before it is sent: a file cut short by a failure part-way would be a short run.
 */
export async function paymentRunCsv(db: Database, registry: MachineRegistry): Promise<string> {
  const parts = [toCsv(paymentRunHeader, [])];
  await eachApprovedPayment(db, registry, (lines) => {
    const payable = lines.filter((line) => line.account);
    parts.push(
      csvRecords(
        payable.map(({ payee, account, amountPence, reference }) => [
          payee,
          account!.accountName,
          account!.sortCode,
          account!.accountNumber,
          poundsText(amountPence),
          reference,
        ]),
      ),
    );
  });
  return parts.join('');
}
