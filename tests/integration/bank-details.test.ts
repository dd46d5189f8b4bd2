// Payments go to the right payee: an organisation's bank details are changed by one finance user and
// confirmed by another before any payment uses them, the organisation's people are told, every change
// is kept, accounts are shown masked, and the payment run exports the approved payments with the
// confirmed accounts in the shape a finance system imports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { payeeWithApprovedPayment } from '../helpers/payments.ts';
import { csrfOf, errorSummaryOf, pageHolding, signedIn } from '../helpers/web.ts';

const FINANCE: DemoEmail = 'finance@demo.test';
const FINANCE2: DemoEmail = 'finance2@demo.test';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const path = (organisationId: string, rest = '') =>
  `/api/organisations/${organisationId}/bank-details${rest}`;
const account = {
  accountName: 'Bank Trust General Account',
  sortCode: '20-00-00',
  accountNumber: '1234 5678',
  reason: 'Letter of 1 December on headed paper, checked by phone',
};
const outboxOf = async (organisationId: string, message: string) =>
  t.sql`select o.to_email, o.subject, o.text from outbox o join users u on u.email = o.to_email
    where u.organisation_id = ${organisationId} and o.message = ${message} and o.case_id is null`;

describe('bank details', () => {
  it('change with two finance users: one enters, the organisation is told, another confirms; masked throughout', async () => {
    const { organisationId, auth, payment } = await payeeWithApprovedPayment(t, 'Bank Trust');
    const enter = (email: DemoEmail, body: object = account) =>
      t.http.post(path(organisationId)).set(t.as(email)).send(body);

    // Bad input names the field and changes nothing.
    const bad = await enter(FINANCE, { ...account, sortCode: '20-00-0', accountNumber: '1234567X' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'accountNumber',
      'sortCode',
    ]);
    expect((await enter('officer@demo.test')).status).toBe(403);
    expect((await t.http.get(path(organisationId)).set(t.as(FINANCE))).body.changes).toEqual([]);

    const entered = await enter(FINANCE);
    expect(entered.status, JSON.stringify(entered.body)).toBe(201);
    expect(entered.body.pending).toMatchObject({
      status: 'pending',
      accountName: account.accountName,
      sortCode: '**-**-00',
      accountNumber: '****5678',
    });
    expect(entered.body.confirmed).toBeNull();
    expect(JSON.stringify(entered.body)).not.toContain('12345678');
    // The organisation's people are told at once, with the account's last digits only.
    const told = await outboxOf(organisationId, 'bankDetailsChangeEntered');
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain('an account ending 5678');
    expect(told[0]!.text).not.toContain('12345678');
    // Not yet confirmed: the payment run leaves the payment waiting.
    const waiting = (await t.http.get('/api/payments/run').set(t.as(FINANCE))).body;
    expect(waiting.waiting.map((l: { paymentId: string }) => l.paymentId)).toContain(payment.id);

    // One change waits at a time; whoever entered it cannot confirm it.
    expect((await enter(FINANCE2)).status).toBe(409);
    const own = await t.http.post(path(organisationId, '/confirm')).set(t.as(FINANCE));
    expect([own.status, own.body.detail]).toEqual([
      403,
      'You entered this change: a second finance user must confirm or reject it.',
    ]);
    // The second person keys the details again from the source: a mismatch is refused, naming the field.
    const misread = await t.http
      .post(path(organisationId, '/confirm'))
      .set(t.as(FINANCE2))
      .send({ sortCode: '200000', accountNumber: '12345687' });
    expect(misread.status).toBe(422);
    expect(misread.body.errors).toEqual([
      {
        field: 'accountNumber',
        message: expect.stringContaining('This is not the account number entered for the change'),
      },
    ]);
    expect((await t.http.get(path(organisationId)).set(t.as(FINANCE))).body.pending).not.toBeNull();
    const confirmed = await t.http
      .post(path(organisationId, '/confirm'))
      .set(t.as(FINANCE2))
      .send({ sortCode: '20 00 00', accountNumber: '12345678' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.pending).toBeNull();
    expect(confirmed.body.confirmed).toMatchObject({
      accountNumber: '****5678',
      decidedBy: { name: expect.any(String) },
    });
    expect(await outboxOf(organisationId, 'bankDetailsChanged')).toHaveLength(1);

    // A later change, rejected with the reason: the confirmed account stays; both changes are kept.
    await enter(FINANCE2, {
      ...account,
      accountNumber: '87654321',
      reason: 'Email asking for a new account',
    });
    const noReason = await t.http.post(path(organisationId, '/reject')).set(t.as(FINANCE)).send({});
    expect([noReason.status, noReason.body.errors?.[0]?.field]).toEqual([422, 'reason']);
    const rejected = await t.http
      .post(path(organisationId, '/reject'))
      .set(t.as(FINANCE))
      .send({ reason: 'The organisation says it did not ask for this' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.changes.map((c: { status: string }) => c.status)).toEqual(['rejected', 'confirmed']);
    expect(rejected.body.confirmed.accountNumber).toBe('****5678');
    expect(rejected.body.changes[0].rejectedReason).toBe('The organisation says it did not ask for this');
    // And the organisation is told the change was not made.
    const notMade = await outboxOf(organisationId, 'bankDetailsChangeRejected');
    expect(notMade).toHaveLength(1);
    expect(notMade[0]!.text).toContain('an account ending 4321, was not made');

    // The organisation sees its own, masked; another provider does not see it at all.
    const mine = await t.http.get(path(organisationId)).set(auth);
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.body)).not.toMatch(/12345678|87654321/);
    expect((await t.http.get(path(organisationId)).set(t.as('provider@demo.test'))).status).toBe(404);
  });

  it('the payment run exports approved payments with confirmed accounts, as a finance system imports them', async () => {
    const paid = await payeeWithApprovedPayment(t, 'Run Trust');
    const unpaid = await payeeWithApprovedPayment(t, 'No Account Trust');
    await t.http
      .post(path(paid.organisationId))
      .set(t.as(FINANCE))
      .send({ ...account, accountNumber: '00112233' });
    await t.http
      .post(path(paid.organisationId, '/confirm'))
      .set(t.as(FINANCE2))
      .send({ sortCode: '200000', accountNumber: '00112233' });

    const run = await t.http.get('/api/payments/run').set(t.as(FINANCE));
    expect(run.status).toBe(200);
    const line = run.body.payable.find((l: { paymentId: string }) => l.paymentId === paid.payment.id);
    expect(line).toMatchObject({
      payee: expect.stringContaining('Run Trust'),
      sortCode: '200000',
      accountNumber: '00112233',
      amountPence: '300000',
      reference: paid.payment.reference,
    });
    expect(run.body.waiting.map((l: { paymentId: string }) => l.paymentId)).toContain(unpaid.payment.id);
    expect(run.body.payable.map((l: { paymentId: string }) => l.paymentId)).not.toContain(unpaid.payment.id);

    const csv = await t.http.get('/api/payments/run.csv').set(t.as(FINANCE));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('payee,accountName,sortCode,accountNumber,amount,reference');
    expect(csv.text).toContain(
      `,${account.accountName},200000,00112233,3000.00,${paid.payment.reference}\r\n`,
    );
    for (const email of ['officer@demo.test', 'provider@demo.test'] as const)
      expect((await t.http.get('/api/payments/run.csv').set(t.as(email))).status).toBe(403);
  });

  it('through the pages: one finance user enters a change, keeps what was typed when it is wrong, another confirms it', async () => {
    const { organisationId, payment } = await payeeWithApprovedPayment(t, 'Page Bank Trust');
    const first = await signedIn(t.baseUrl, FINANCE, DEMO_PASSWORD);
    const second = await signedIn(t.baseUrl, FINANCE2, DEMO_PASSWORD);
    const page = `/finance/bank-details/${organisationId}`;
    // The payees' list, 50 a page by name: the payee is on one of its pages, linked to theirs.
    expect(await pageHolding(first, '/finance/bank-details', `href="${page}"`)).toBeDefined();
    // The payments page says approved payments wait for confirmed bank details, and the payment's
    // row in its list (on whichever page) links to its payee's.
    const payments = await first.get('/finance/payments');
    expect(payments.text).toMatch(/approved payments? \([^)]*\) cannot be paid until/);
    const listed = await pageHolding(first, '/finance/payments', payment.reference as string);
    const row = (listed ?? '').split('<tr').find((r) => r.includes(`>${payment.reference}</a>`));
    expect(row).toMatch(new RegExp(`href="${page}"[^>]*>Bank details not confirmed`));

    const form = await first.get(page);
    const typed = {
      accountName: 'Page Bank Trust',
      sortCode: '11-22-3',
      accountNumber: '99887766',
      reason: 'Letter',
    };
    const wrong = await first
      .post(page)
      .type('form')
      .send({ _csrf: csrfOf(form.text), ...typed });
    expect(wrong.status).toBe(422);
    expect(errorSummaryOf(wrong.text)).toEqual([{ href: '#sortCode', text: 'The sort code is 6 digits' }]);
    expect(wrong.text).toContain('value="99887766"'); // nothing typed is lost
    const entered = await first
      .post(page)
      .type('form')
      .send({ _csrf: csrfOf(form.text), ...typed, sortCode: '11-22-33' });
    expect([entered.status, entered.headers.location]).toEqual([303, `${page}?done=entered`]);
    const mine = await first.get(page);
    expect(mine.text).toContain(
      'You entered this change: a second member of the finance team must confirm or reject it.',
    );
    expect(mine.text).toContain('****7766');
    expect(mine.text).not.toContain('99887766');
    const theirs = await second.get(page);
    const wrongly = await second
      .post(`${page}/confirm`)
      .type('form')
      .send({ _csrf: csrfOf(theirs.text), sortCode: '11-22-33', accountNumber: '99887767' });
    expect(wrongly.status).toBe(422);
    expect(errorSummaryOf(wrongly.text)[0]).toMatchObject({ href: '#confirm-accountNumber' });
    expect(wrongly.text).toContain('value="99887767"');
    const confirmed = await second
      .post(`${page}/confirm`)
      .type('form')
      .send({ _csrf: csrfOf(theirs.text), sortCode: '11-22-33', accountNumber: '99887766' });
    expect([confirmed.status, confirmed.headers.location]).toEqual([303, `${page}?done=confirmed`]);
    const after = await second.get(String(confirmed.headers.location));
    expect(after.text).toContain('The new bank details are confirmed.');
    expect(after.text).toMatch(/\*\*-\*\*-33/);
    const ready = await first.get('/finance/payments');
    expect(ready.text).toContain('href="/finance/payments/run.csv"');
    expect((await first.get('/finance/payments/run.csv')).text).toContain(
      `,112233,99887766,3000.00,${payment.reference}`,
    );
  });
});
