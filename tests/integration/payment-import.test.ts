// The finance system's paid transactions, imported as CSV over the API and through the page: a good
// file marks every matched payment paid; a malformed or mismatched one changes nothing and lists
// every problem line with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { csrfOf, pageHolding, signedIn } from '../helpers/web.ts';

const PROVIDER: DemoEmail = 'provider@demo.test';
const OFFICER: DemoEmail = 'officer@demo.test';
const FINANCE: DemoEmail = 'finance@demo.test';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let programmeId = '';
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  ({ programmeId } = await t.programme({ cycle: 'youth-fund', budgetPence: 10_000_000 }));
});
afterAll(() => t?.close());

interface Payment {
  id: string;
  reference: string;
  state: string;
  version: number;
  amountPence: number;
}

/** A Youth Fund grant of `amountPence`, accepted: its one payment, approved unless told not to. */
async function payment(amountPence: number, approve = true): Promise<Payment> {
  const { id } = await h.open(PROVIDER, 'youth-fund', { programmeId, title: 'Club' });
  const s = h.on(id);
  await s(
    PROVIDER,
    { type: 'SUBMIT', title: 'Club', summary: 'Weekly', amountRequestedPence: amountPence },
    'submitted',
  );
  await s(OFFICER, { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
  // No panel scores were recorded: the panel says why it decides without its quorum.
  const quorumReason = 'Decided at the panel meeting';
  await s(
    'panel@demo.test',
    { type: 'APPROVE', amountPence, reportDueOn: '2031-03-31', quorumReason },
    'offered',
  );
  await s(PROVIDER, { type: 'ACCEPT_OFFER' }, 'accepted');
  const [row] =
    await t.sql`select id from cases where award_case_id = ${id} and machine_id = 'award-payment'`;
  if (approve) await h.step(row!.id, FINANCE, { type: 'APPROVE' }, 'approved');
  return current(row!.id);
}

async function current(paymentId: string): Promise<Payment> {
  const { body } = await h.get(paymentId, FINANCE);
  return {
    id: body.id,
    reference: body.reference as string,
    state: body.state,
    version: body.version,
    amountPence: body.context.amountPence,
  };
}

const pounds = (pence: number) => `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;
const importCsv = (csv: string, email: DemoEmail = FINANCE, type = 'text/csv') =>
  t.http.post('/api/payments/import').set(t.as(email)).set('Content-Type', type).send(csv);

async function paymentRowsFor(ids: string[]) {
  const [row] =
    await t.sql`select count(*)::int as n from fund_ledger where payment_case_id = any(${ids}::uuid[])`;
  return row!.n as number;
}

describe('importing paid transactions', () => {
  it('marks every matched approved payment paid, with its date and reference', async () => {
    const a = await payment(123_456);
    const b = await payment(100_001);
    const today = t.today();
    const csv = `payment,amount,paid_on,reference\r\n${a.reference},${pounds(a.amountPence)},${today},"BACS, 991"\r\n${b.reference},£1000.01,${today},BACS-992\r\n`;
    const res = await importCsv(csv);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.imported).toBe(2);
    const paidA = (await h.get(a.id, FINANCE)).body;
    expect(paidA.state).toBe('paid');
    expect(paidA.context.paid).toEqual({ paidOn: today, reference: 'BACS, 991' });
    expect((await current(b.id)).state).toBe('paid');
    expect(await paymentRowsFor([a.id, b.id])).toBe(2);
  });

  it('records a transaction for less than is still to pay as a part; the rest stays due and is imported later', async () => {
    const part = await payment(200_000);
    const today = t.today();
    const first = await importCsv(
      `payment,amount,paid_on,reference\n${part.reference},500.00,${today},BACS-PART-1\n`,
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const after = (await h.get(part.id, FINANCE)).body;
    expect([after.state, after.context.parts.length]).toEqual(['approved', 1]);
    expect(await paymentRowsFor([part.id])).toBe(1);
    // The same export pasted again is refused: that transaction is recorded already.
    const again = await importCsv(
      `payment,amount,paid_on,reference\n${part.reference},500.00,${today},BACS-PART-1\n`,
    );
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([
      {
        line: 2,
        field: 'reference',
        message: expect.stringMatching(/^BACS-PART-1 is already recorded for this payment/),
      },
    ]);
    expect(await paymentRowsFor([part.id])).toBe(1);
    const rest = await importCsv(
      `payment,amount,paid_on,reference\n${part.reference},1500.00,${today},BACS-PART-2\n`,
    );
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    expect((await current(part.id)).state).toBe('paid');
    expect(await paymentRowsFor([part.id])).toBe(2);
  });

  it('refuses a mismatched file whole, listing each problem line, and changes nothing', async () => {
    const good = await payment(50_000);
    const wrongAmount = await payment(60_000);
    const notApproved = await payment(70_000, false);
    const early = await payment(80_000);
    const before = await Promise.all([good, wrongAmount, notApproved, early].map((p) => current(p.id)));
    const today = t.today();
    const csv = [
      'reference,payment,paid_on,amount,extra',
      `R1,${good.reference},${today},500.00,ignored`,
      `R2,${wrongAmount.reference},${today},600.01,`,
      `R3,${notApproved.reference},${today},700.00,`,
      `R4,PAY-999999,${today},1.00,`,
      `R5,${good.reference},${today},500.00,`,
      `R6,${good.reference.toLowerCase()}x,2030-02-30,12.345,`,
      `R7,${early.reference},2199-01-01,800.00,`,
      `R8,${early.reference.replace('PAY-', 'pay-')},2025-01-01,800.00,`,
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.title).toBe('The file was not imported');
    const byLine = res.body.errors.map((e: { line: number; field: string }) => `${e.line}:${e.field}`);
    expect(byLine).toEqual([
      '3:amount',
      '4:payment',
      '5:payment',
      '6:payment',
      '7:payment',
      '7:amount',
      '7:paid_on',
      '8:paid_on',
      '9:payment',
    ]);
    expect(res.body.errors[0].message).toMatch(/^No more than the £600\.00 still to pay of PAY-\d+$/);
    expect(res.body.errors[1].message).toMatch(/still awaiting approval/);
    expect(res.body.errors[3].message).toMatch(/also on line 2/);
    expect(res.body.errors[7].message).toMatch(
      /^Enter the day the payment was made: it cannot be after today/,
    );
    expect(res.body.errors[8].message).toMatch(/also on line 8/);
    const after = await Promise.all([good, wrongAmount, notApproved, early].map((p) => current(p.id)));
    expect(after).toEqual(before);
    expect(await paymentRowsFor([good.id, wrongAmount.id, notApproved.id])).toBe(0);
  });

  it.each([
    ['an unclosed quote', 'payment,amount,paid_on,reference\nPAY-000001,"1.00,2030-01-01,X', 2, 'file'],
    ['a missing column', 'payment,amount,reference\nPAY-000001,1.00,X', 1, 'header'],
    ['no transactions', 'payment,amount,paid_on,reference\r\n', 2, 'file'],
    ['an empty body', '', 1, 'header'],
  ])('refuses %s with the line it is on', async (_name, csv, line, field) => {
    const res = await importCsv(csv);
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ line, field });
  });

  it('takes only text/csv, and only from finance', async () => {
    expect((await importCsv('payment,amount,paid_on,reference', FINANCE, 'application/json')).status).toBe(
      415,
    );
    const asOfficer = await importCsv(
      'payment,amount,paid_on,reference\nPAY-000001,1.00,2030-01-01,X',
      OFFICER,
    );
    expect(asOfficer.status).toBe(403);
  });

  it('on the page, refuses with a GOV.UK error summary naming each line, and imports a good file', async () => {
    const ok = await payment(80_000);
    const agent = await signedIn(t.baseUrl, FINANCE, DEMO_PASSWORD);
    const page = await agent.get('/finance/payments');
    expect(page.status).toBe(200);
    // The payment is in the list of those waiting, on whichever of its pages.
    expect(await pageHolding(agent, '/finance/payments', ok.reference)).toBeDefined();
    const bad = `payment,amount,paid_on,reference\n${ok.reference},800.10,${t.today()},BACS-1`;
    const refused = await agent
      .post('/finance/payments/import')
      .type('form')
      .send({ _csrf: csrfOf(page.text), csv: bad });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('govuk-error-summary');
    expect(refused.text).toContain('Line 2, amount: No more than the £800.00 still to pay of');
    expect((await current(ok.id)).state).toBe('approved');
    const good = `payment,amount,paid_on,reference\n${ok.reference},800.00,${t.today()},BACS-1`;
    const done = await agent
      .post('/finance/payments/import')
      .type('form')
      .send({ _csrf: csrfOf(refused.text), csv: good });
    expect(done.status).toBe(200);
    expect(done.text).toContain('1 payment recorded as paid');
    expect((await current(ok.id)).state).toBe('paid');
  });
});
