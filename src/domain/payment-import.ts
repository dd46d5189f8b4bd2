// The finance system's paid transactions, imported: every row must match an approved payment by its
// reference, for no more than is still to pay of it (less is a part payment), or nothing is imported
// and each problem row is listed with its reason. The
// matched payments are marked paid through the engine, in one transaction, as the importing person.
import { z } from 'zod';
import { isoDate, shortText } from '../../machines/define.ts';
import { checkPaid, type PaymentContext } from '../../machines/payment.ts';
import type { Database } from '../db/client.ts';
import { casesBySeq } from '../db/queries/payments.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { ProblemError } from '../engine/errors.ts';
import { CsvSyntaxError, readCsv } from './csv-read.ts';
import { PAYMENT_MACHINE } from './payments.ts';

/** The columns the file must have (in any order; others are ignored). */
export const IMPORT_COLUMNS = ['payment', 'amount', 'paid_on', 'reference'] as const;
export const MAX_IMPORT_ROWS = 5000;

export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

const row = z.object({
  payment: z
    .string()
    .trim()
    .regex(/^PAY-\d{6,}$/i, { error: 'Enter the payment reference, such as PAY-000123' }),
  amount: z
    .string()
    .trim()
    .regex(/^£?\d{1,13}(\.\d{1,2})?$/, { error: 'Enter the amount in pounds, such as 2500.00' }),
  paid_on: isoDate,
  reference: shortText(100, 'the payment reference'),
});

/** "2,500.5" is not accepted; "2500.5" is £2,500.50: exact, by string arithmetic, never floats. */
function pence(amount: string): number {
  const [whole, fraction = ''] = amount.replace('£', '').split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

const refused = (problems: ImportProblem[]) =>
  new ProblemError(
    422,
    'The file was not imported',
    `Nothing was imported: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} to fix first.`,
    { errors: problems },
  );

export async function importPaidTransactions(db: Database, engine: Engine, actor: Actor, csv: string) {
  let records: ReturnType<typeof readCsv>;
  try {
    records = readCsv(csv);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw refused([{ line: error.line, field: 'file', message: error.message }]);
    throw error;
  }
  const [header, ...data] = records;
  const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const missing = IMPORT_COLUMNS.filter((c) => !names.includes(c));
  if (!header || missing.length)
    throw refused([
      {
        line: 1,
        field: 'header',
        message: `The first line must name the columns ${IMPORT_COLUMNS.join(', ')}; missing ${missing.join(', ')}`,
      },
    ]);
  if (!data.length) throw refused([{ line: 2, field: 'file', message: 'The file has no transactions' }]);
  if (data.length > MAX_IMPORT_ROWS)
    throw refused([
      {
        line: MAX_IMPORT_ROWS + 2,
        field: 'file',
        message: `Import at most ${MAX_IMPORT_ROWS} transactions at a time`,
      },
    ]);

  const problems: ImportProblem[] = [];
  const parsed: Array<{ line: number; seq: number; amountPence: number; paidOn: string; reference: string }> =
    [];
  for (const record of data) {
    const values = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, record.fields[names.indexOf(c)] ?? '']));
    const result = row.safeParse(values);
    if (!result.success) {
      for (const issue of result.error.issues)
        problems.push({ line: record.line, field: String(issue.path[0]), message: issue.message });
      continue;
    }
    const { payment, amount, paid_on, reference } = result.data;
    parsed.push({
      line: record.line,
      seq: Number(payment.slice(4)),
      amountPence: pence(amount),
      paidOn: paid_on,
      reference,
    });
  }

  const seqs = [...new Set(parsed.map((p) => p.seq))];
  const found = await casesBySeq(db, seqs);
  const bySeq = new Map(found.filter((c) => c.machineId === PAYMENT_MACHINE).map((c) => [c.seq, c]));
  const seen = new Map<number, number>();
  for (const p of parsed) {
    const ref = `PAY-${String(p.seq).padStart(6, '0')}`;
    const payment = bySeq.get(p.seq);
    if (seen.has(p.seq)) {
      problems.push({ line: p.line, field: 'payment', message: `${ref} is also on line ${seen.get(p.seq)}` });
      continue;
    }
    seen.set(p.seq, p.line);
    if (!payment) {
      problems.push({ line: p.line, field: 'payment', message: `There is no payment ${ref}` });
      continue;
    }
    const context = (payment.snapshot as { context: PaymentContext }).context;
    if (payment.state !== 'approved')
      problems.push({
        line: p.line,
        field: 'payment',
        message: `${ref} is ${describeState(payment.state)}, not approved`,
      });
    // The machine's own rules, per line: no more than is still to pay (less is a part payment, the
    // rest staying due), and a paid date not after today nor before the approval.
    else
      for (const problem of checkPaid(
        context,
        { paidOn: p.paidOn, reference: p.reference, amountPence: p.amountPence },
        engine.now(),
      ))
        problems.push({
          line: p.line,
          field:
            problem.field === 'paidOn'
              ? 'paid_on'
              : problem.field === 'amountPence'
                ? 'amount'
                : problem.field,
          message: problem.field === 'amountPence' ? `${problem.message} of ${ref}` : problem.message,
        });
  }
  if (problems.length) throw refused(problems.sort((a, b) => a.line - b.line));

  // All or nothing: any refusal now (a payment changed since it was read) rolls every row back.
  return engine.transaction(async (tx) => {
    const imported = [];
    for (const p of parsed) {
      const payment = bySeq.get(p.seq)!;
      try {
        const view = await engine.send(
          actor,
          payment.id,
          { type: 'MARK_PAID', paidOn: p.paidOn, reference: p.reference, amountPence: p.amountPence },
          { tx, expectedVersion: payment.version },
        );
        imported.push({ line: p.line, paymentId: view.id, reference: view.reference, version: view.version });
      } catch (error) {
        if (error instanceof ProblemError) {
          const fields = (error.extensions.errors ?? []) as Array<{ field: string; message: string }>;
          const message = fields.length ? fields.map((f) => f.message).join('; ') : error.detail;
          throw refused([{ line: p.line, field: 'payment', message: `${error.title}: ${message}` }]);
        }
        throw error;
      }
    }
    return { imported: imported.length, payments: imported };
  });
}

const stateNames: Record<string, string> = {
  scheduled: 'still awaiting approval',
  held: 'held while a monitoring return is overdue or queried',
  paid: 'already paid',
  returned: 'already paid (and money returned)',
  cancelled: 'cancelled',
};
const describeState = (state: string) => stateNames[state] ?? state;
