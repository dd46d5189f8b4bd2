// A payment run holds every approved payment it says it holds, however many there are: more than the
// 500 the run once stopped at, each once, for what is still to pay of it, and adding up to the total
// the payments page states. The file has a database of its own: 563 approved payments in the run's
// shared database would fill other files' payment runs and lists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { RUN_BATCH } from '../../src/domain/payment-run.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { PAYMENT_MACHINE, payeeWithApprovedPayment } from '../helpers/payments.ts';
import { signedIn } from '../helpers/web.ts';

const FINANCE: DemoEmail = 'finance@demo.test';
const FINANCE2: DemoEmail = 'finance2@demo.test';

let own: OwnDatabase;
let t: TestApp;
beforeAll(async () => {
  own = await createOwnDatabase('payment_run');
  t = await startTestApp({ databaseUrl: own.url });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await own?.drop();
});

/** Bank details entered by one finance user and confirmed by another, as the run needs. */
async function confirmAccount(organisationId: string, accountNumber: string) {
  const path = `/api/organisations/${organisationId}/bank-details`;
  const account = { accountName: 'General account', sortCode: '20-00-00', accountNumber, reason: 'Letter' };
  expect((await t.http.post(path).set(t.as(FINANCE)).send(account)).status).toBe(201);
  const confirmed = await t.http
    .post(`${path}/confirm`)
    .set(t.as(FINANCE2))
    .send({ sortCode: account.sortCode, accountNumber });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
}

/**
 * `count` more approved payments to the payee of `paymentId`, copies of it each with an amount and
 * due day of its own: payment g (from 1) is for £100 and g pence, due g % 90 days into 2030.
 */
async function copiesOf(paymentId: string, count: number) {
  await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id,
      programme_id, award_case_id, version, created_by, officer_id, title)
    select machine_id, machine_version, state,
      jsonb_set(jsonb_set(snapshot, '{context,amountPence}', to_jsonb(10000 + g)),
        '{context,dueOn}', to_jsonb(to_char(date '2030-01-01' + g % 90, 'YYYY-MM-DD'))),
      organisation_id, programme_id, award_case_id, version, created_by, officer_id, title
    from cases, generate_series(1, ${count}::int) g
    where id = ${paymentId}`;
}
const copiesPence = (count: number) => BigInt(count * 10_000 + (count * (count + 1)) / 2);

/** Pounds and pence as the CSV writes them, as pence. */
const pence = (amount: string) => {
  const [pounds, part] = amount.split('.');
  return BigInt(pounds!) * 100n + BigInt(part!);
};
/** "£1,234.56" as the page writes it, for pence. */
const poundsOnPage = (p: bigint) =>
  `£${(p / 100n).toLocaleString('en-GB')}.${String(p % 100n).padStart(2, '0')}`;

describe('the payment run', () => {
  it('holds every approved payment with a confirmed account, well past 500, each once, adding up to the total the page states', async () => {
    // Two payees with confirmed accounts: 540 copies of one's payment beside the real two; the other's
    // paid in part (£1,000 of £3,000), so the run pays the £2,000 still to pay.
    const many = await payeeWithApprovedPayment(t, 'Many Payments Trust');
    const part = await payeeWithApprovedPayment(t, 'Part Paid Trust');
    const none = await payeeWithApprovedPayment(t, 'No Account Trust');
    await confirmAccount(many.organisationId, '11112222');
    await confirmAccount(part.organisationId, '33334444');
    const partly = await t.http
      .post(`/api/cases/${part.payment.id}/events`)
      .set(t.as(FINANCE2))
      .send({ type: 'MARK_PAID', paidOn: t.today(), reference: 'BACS-PART', amountPence: 100_000 });
    expect(partly.status, JSON.stringify(partly.body)).toBe(200);
    expect(partly.body.state).toBe('approved');
    await copiesOf(many.payment.id, 540);
    // And the payee with no confirmed account has 20 more: they wait, named, outside the run.
    await copiesOf(none.payment.id, 20);

    const approvedWithAccounts = await t.sql`select c.id from cases c
      join bank_details b on b.organisation_id = c.organisation_id and b.status = 'confirmed'
      where c.machine_id = ${PAYMENT_MACHINE} and c.state = 'approved'`;
    expect(approvedWithAccounts).toHaveLength(542);
    expect(approvedWithAccounts.length).toBeGreaterThan(RUN_BATCH);
    const expectedPence = 300_000n + copiesPence(540) + 200_000n;

    // The CSV: one row for each of those payments, each reference once, adding up to the expected sum.
    const csv = await t.http.get('/api/payments/run.csv').set(t.as(FINANCE));
    expect(csv.status).toBe(200);
    const [header, ...rows] = csv.text.trimEnd().split('\r\n');
    expect(header).toBe('payee,accountName,sortCode,accountNumber,amount,reference');
    const lines = rows.map((row) => row.split(','));
    expect(lines).toHaveLength(542);
    expect(new Set(lines.map((l) => l[5])).size).toBe(542);
    expect(lines.reduce((sum, l) => sum + pence(l[4]!), 0n)).toBe(expectedPence);
    expect(lines.filter((l) => l[3] === '33334444').map((l) => l[4])).toEqual(['2000.00']);
    expect(lines.some((l) => l[3] === undefined || l[0]!.startsWith('No Account Trust'))).toBe(false);

    // The JSON: the same payments, soonest due first, and the 21 waiting for bank details.
    const run = (await t.http.get('/api/payments/run').set(t.as(FINANCE))).body as {
      payable: { paymentId: string; reference: string; dueOn: string; amountPence: string }[];
      waiting: { paymentId: string }[];
    };
    expect(run.payable.map((l) => l.paymentId).sort()).toEqual(
      approvedWithAccounts.map((r) => r.id as string).sort(),
    );
    expect(run.payable.map((l) => l.reference)).toEqual(lines.map((l) => l[5]));
    const dues = run.payable.map((l) => l.dueOn);
    expect(dues).toEqual([...dues].sort());
    expect(run.waiting).toHaveLength(21);
    expect(run.payable.reduce((sum, l) => sum + BigInt(l.amountPence), 0n)).toBe(expectedPence);

    // The page states the same count and total, worked out in SQL over every payment.
    const finance = await signedIn(t.baseUrl, FINANCE, DEMO_PASSWORD);
    const page = await finance.get('/finance/payments');
    const said = /<p class="govuk-body" id="payment-run">([\s\S]*?)<\/p>/.exec(page.text)?.[1] ?? '';
    expect(said.replace(/\s+/g, ' ')).toContain(
      `542 approved payments ready to pay into confirmed bank accounts, ${poundsOnPage(expectedPence)} in all.`,
    );
    const waiting = /<div class="govuk-warning-text" id="waiting-for-bank-details">[\s\S]*?<\/div>/.exec(
      page.text,
    )?.[0];
    expect(waiting?.replace(/\s+/g, ' ')).toContain(
      `21 approved payments (${poundsOnPage(300_000n + copiesPence(20))}) cannot be paid until the payee's bank details are confirmed.`,
    );
    expect(waiting).toContain(`href="/finance/bank-details/${none.organisationId}"`);
    // The page's own download is the same file.
    expect((await finance.get('/finance/payments/run.csv')).text).toBe(csv.text);
  });
});
