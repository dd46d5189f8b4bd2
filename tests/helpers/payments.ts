// Pays an award the way finance does: its payment cases (opened by the domain when the agreement
// was signed or the offer accepted) are each approved by one finance user and recorded as paid by
// another, over HTTP. Only then does the money show as paid; an award that waits for its money (the
// Youth Fund) is told by the system when the last of its payments is made.
import { expect } from 'vitest';
import type { DemoEmail, TestApp } from './app.ts';
import { bids } from './bids.ts';
import type { CaseBody } from './cycles.ts';

export const PAYMENT_MACHINE = 'award-payment';

export interface PayOptions {
  /** The day each payment was made; by default today on the app's clock (it cannot be later, nor before its approval). */
  paidOn?: string | ((payment: CaseBody) => string);
  /** The finance system's reference; by default `BACS-` and the payment's own reference. */
  reference?: string | ((payment: CaseBody) => string);
  /** Who approves: never the person who scheduled or varied the payment. */
  approvedBy?: DemoEmail;
  /** Who records it paid. */
  paidBy?: DemoEmail;
}

export function paymentHelpers(t: TestApp) {
  const show = (res: { status: number; body: unknown }) => `${res.status} ${JSON.stringify(res.body)}`;

  async function view(id: string, email: DemoEmail = 'finance@demo.test'): Promise<CaseBody> {
    const res = await t.http.get(`/api/cases/${id}`).set(t.as(email));
    if (res.status !== 200) throw new Error(`GET payment ${id}: ${show(res)}`);
    return res.body as CaseBody;
  }

  async function send(id: string, email: DemoEmail, event: { type: string } & Record<string, unknown>) {
    const res = await t.http.post(`/api/cases/${id}/events`).set(t.as(email)).send(event);
    if (res.status !== 200) throw new Error(`${email} ${event.type} to payment ${id}: ${show(res)}`);
    return res.body as CaseBody;
  }

  /** The award's payment cases, in instalment order (cancelled and paid ones too), as finance sees them. */
  async function paymentsOf(awardCaseId: string): Promise<CaseBody[]> {
    const rows = await t.sql`select id from cases
      where award_case_id = ${awardCaseId} and machine_id = ${PAYMENT_MACHINE}`;
    const payments = await Promise.all(rows.map((row) => view(row.id as string)));
    return payments.sort(
      (a, b) => a.context.instalment - b.context.instalment || String(a.id).localeCompare(String(b.id)),
    );
  }

  /** The one payment case a one-off award has open (scheduled, held or approved). */
  async function openPaymentOf(awardCaseId: string): Promise<CaseBody> {
    const open = (await paymentsOf(awardCaseId)).filter((p) =>
      ['scheduled', 'held', 'approved'].includes(p.state),
    );
    if (open.length !== 1) throw new Error(`award ${awardCaseId} has ${open.length} open payments, not one`);
    return open[0]!;
  }

  /** Finance approves one scheduled payment (as `approvedBy`, finance@demo.test unless said). */
  const approve = (id: string, email: DemoEmail = 'finance@demo.test') =>
    send(id, email, { type: 'APPROVE' });

  /** Finance records one approved payment as paid. */
  const markPaid = (id: string, paidOn: string, reference: string, email: DemoEmail = 'finance2@demo.test') =>
    send(id, email, { type: 'MARK_PAID', paidOn, reference });

  /**
   * Pays every payment of the award not yet paid: approves the scheduled ones as one finance user,
   * then records each paid as another. Held payments cannot be paid, so they fail the call. Returns
   * the award's payments afterwards, in instalment order.
   */
  async function payAward(awardCaseId: string, options: PayOptions = {}): Promise<CaseBody[]> {
    const { approvedBy = 'finance@demo.test', paidBy = 'finance2@demo.test' } = options;
    const pick = (value: PayOptions['paidOn'], payment: CaseBody, otherwise: string) =>
      value === undefined ? otherwise : typeof value === 'function' ? value(payment) : value;
    const payments = await paymentsOf(awardCaseId);
    const open = payments.filter(
      (p) => p.state === 'scheduled' || p.state === 'approved' || p.state === 'held',
    );
    if (!open.length) throw new Error(`award ${awardCaseId} has no payment left to pay`);
    for (let payment of open) {
      if (payment.state === 'held')
        throw new Error(`payment ${payment.reference} is held: ${show({ status: 200, body: payment })}`);
      if (payment.state === 'scheduled') payment = await approve(payment.id, approvedBy);
      const paidOn = pick(options.paidOn, payment, t.today());
      const reference = pick(options.reference, payment, `BACS-${payment.reference as string}`);
      await markPaid(payment.id, paidOn, reference, paidBy);
    }
    return paymentsOf(awardCaseId);
  }

  return { paymentsOf, openPaymentOf, approve, markPaid, payAward };
}

/**
 * An organisation of its own, with a provider user, and a Youth Fund grant of £3,000 whose one
 * payment finance has approved (and which waits, unpaid, for the payee's bank details).
 */
export async function payeeWithApprovedPayment(t: TestApp, label: string) {
  const provider = await t.newProvider(label);
  const b = bids(t, provider);
  const id = await b.inPanelReview(t.youthFund.programmeId, 300_000);
  expect((await b.decide(id, 300_000)).status).toBe(200);
  await b.ok(id, 'owner', { type: 'ACCEPT_OFFER' });
  const pay = paymentHelpers(t);
  const payment = await pay.openPaymentOf(id);
  await pay.approve(payment.id, 'finance@demo.test');
  return { ...provider, payment };
}
