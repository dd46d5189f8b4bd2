// Finance's long lists a page at a time: the payments waiting to be approved or paid (50 a page, in
// their order, with totals over every one of them), finance's home page (the totals and the first few,
// linked to the list), and the payees' bank details (50 a page, the changes waiting above them). A
// page number that is not one, or is past the last page, is redirected to the page there is. The file
// has a database of its own, so the lists hold exactly what it made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYEES_PER_PAGE } from '../../src/domain/bank-details.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { FIRST_PAYMENTS, PAYMENTS_PER_PAGE } from '../../src/domain/payment-lists.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { PAYMENT_MACHINE, payeeWithApprovedPayment } from '../helpers/payments.ts';
import { signedIn } from '../helpers/web.ts';

const FINANCE: DemoEmail = 'finance@demo.test';
const FINANCE2: DemoEmail = 'finance2@demo.test';

let own: OwnDatabase;
let t: TestApp;
let finance: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  own = await createOwnDatabase('finance_paging');
  t = await startTestApp({ databaseUrl: own.url });
  finance = await signedIn(t.baseUrl, FINANCE, DEMO_PASSWORD);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await own?.drop();
});

async function confirmAccount(organisationId: string) {
  const path = `/api/organisations/${organisationId}/bank-details`;
  const account = { accountName: 'Main', sortCode: '200000', accountNumber: '55556666', reason: 'Letter' };
  expect((await t.http.post(path).set(t.as(FINANCE)).send(account)).status).toBe(201);
  const confirmed = await t.http
    .post(`${path}/confirm`)
    .set(t.as(FINANCE2))
    .send({ sortCode: account.sortCode, accountNumber: account.accountNumber });
  expect(confirmed.status).toBe(200);
}

/**
 * Copies of a real payment in `state`, numbered from `from`: copy g is for £100 and g pence, due g % 40
 * days into 2030 (so several fall due on one day, and their order is the oldest first).
 */
async function copiesOf(paymentId: string, state: string, from: number, count: number) {
  await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id,
      programme_id, award_case_id, version, created_by, officer_id, title)
    select machine_id, machine_version, ${state},
      jsonb_set(jsonb_set(jsonb_set(snapshot, '{value}', to_jsonb(${state}::text)),
        '{context,amountPence}', to_jsonb(10000 + g)),
        '{context,dueOn}', to_jsonb(to_char(date '2030-01-01' + g % 40, 'YYYY-MM-DD'))),
      organisation_id, programme_id, award_case_id, version, created_by, officer_id, title
    from cases, generate_series(${from}::int, ${from + count - 1}::int) g
    where id = ${paymentId}`;
}

/** Every payment not yet paid, in the order the list promises, worked out here rather than in SQL. */
async function unpaidInOrder() {
  const rows = await t.sql`select seq, state, due_on,
      (snapshot -> 'context' ->> 'amountPence')::bigint as amount from cases
    where machine_id = ${PAYMENT_MACHINE} and state in ('approved', 'held', 'scheduled')`;
  const rank = { approved: 0, held: 1, scheduled: 2 } as Record<string, number>;
  return rows
    .map((r) => ({
      reference: `PAY-${String(r.seq).padStart(6, '0')}`,
      state: r.state as string,
      dueOn: r.due_on as string,
      seq: Number(r.seq),
      pence: BigInt(r.amount as string),
    }))
    .sort(
      (a, b) =>
        rank[a.state]! - rank[b.state]! ||
        (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0) ||
        a.seq - b.seq,
    );
}

const tableOf = (html: string, id: string) =>
  new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
/** The table's body rows, each as the text of its cells. */
const rowsOf = (table: string) =>
  [...(table.split('<tbody')[1] ?? '').matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) => text(cell[1]!)),
  );
const paginationOf = (html: string) => /<nav class="govuk-pagination"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
const pounds = (p: bigint) => `£${(p / 100n).toLocaleString('en-GB')}.${String(p % 100n).padStart(2, '0')}`;

describe("finance's payments, a page at a time", () => {
  let all: Awaited<ReturnType<typeof unpaidInOrder>>;
  let waitingPayee: string;

  beforeAll(async () => {
    const paid = await payeeWithApprovedPayment(t, 'Paging Trust');
    await confirmAccount(paid.organisationId);
    const unconfirmed = await payeeWithApprovedPayment(t, 'Unconfirmed Trust');
    waitingPayee = unconfirmed.organisationId;
    await copiesOf(paid.payment.id, 'approved', 1, 30);
    await copiesOf(paid.payment.id, 'held', 31, 20);
    await copiesOf(paid.payment.id, 'scheduled', 51, 70);
    all = await unpaidInOrder();
    expect(all).toHaveLength(122);
  }, 120_000);

  it('lists 50 a page in their order, says which ones, and links the other pages the GOV.UK way', async () => {
    const first = await finance.get('/finance/payments');
    expect(first.status).toBe(200);
    expect(text(/<p class="govuk-body" id="showing">[\s\S]*?<\/p>/.exec(first.text)![0])).toBe(
      'Showing 1 to 50 of 122 payments: approved ones first, then held, then scheduled, each soonest due first.',
    );
    const rows = rowsOf(tableOf(first.text, 'payments-waiting'));
    expect(rows.map((r) => r[0])).toEqual(all.slice(0, PAYMENTS_PER_PAGE).map((p) => p.reference));
    expect(rows[0]![3]).toBe(pounds(all[0]!.pence));
    const nav = paginationOf(first.text);
    expect(nav).toContain('aria-label="Pages of payments waiting"');
    expect(hrefs(nav)).toEqual([
      '/finance/payments#waiting',
      '/finance/payments?page=2#waiting',
      '/finance/payments?page=3#waiting',
      '/finance/payments?page=2#waiting',
    ]);
    expect(nav).toMatch(/aria-current="page"[^>]*>\s*1\s*</);
    expect(nav).not.toContain('rel="prev"');

    const last = await finance.get('/finance/payments?page=3');
    expect(last.status).toBe(200);
    expect(text(/<p class="govuk-body" id="showing">[\s\S]*?<\/p>/.exec(last.text)![0])).toContain(
      'Showing 101 to 122 of 122 payments',
    );
    expect(rowsOf(tableOf(last.text, 'payments-waiting')).map((r) => r[0])).toEqual(
      all.slice(100).map((p) => p.reference),
    );
    expect(paginationOf(last.text)).toContain('rel="prev"');
    expect(paginationOf(last.text)).not.toContain('rel="next"');
    const middle = await finance.get('/finance/payments?page=2');
    expect(rowsOf(tableOf(middle.text, 'payments-waiting')).map((r) => r[0])).toEqual(
      all.slice(50, 100).map((p) => p.reference),
    );
  });

  it('totals every payment waiting, not the page: by status and in all', async () => {
    const page = await finance.get('/finance/payments?page=3');
    const sum = (state?: string) => {
      const some = all.filter((p) => !state || p.state === state);
      return [String(some.length), pounds(some.reduce((s, p) => s + p.pence, 0n))];
    };
    expect(rowsOf(tableOf(page.text, 'payment-totals'))).toEqual([
      ['Approved, awaiting payment', ...sum('approved')],
      ['Held: a monitoring return is overdue or queried', ...sum('held')],
      ['Scheduled, awaiting approval', ...sum('scheduled')],
      ['All waiting', ...sum()],
    ]);
  });

  it('marks an approved payment whose payee has no confirmed bank details, linking to them', async () => {
    const page = await finance.get('/finance/payments');
    const row = /<tr[^>]*>(?:(?!<\/tr>)[\s\S])*Unconfirmed Trust[\s\S]*?<\/tr>/.exec(
      tableOf(page.text, 'payments-waiting'),
    )?.[0];
    expect(row).toContain(`href="/finance/bank-details/${waitingPayee}"`);
    expect(text(row ?? '')).toContain('Bank details not confirmed');
    const paging = /<tr[^>]*>(?:(?!<\/tr>)[\s\S])*Paging Trust[\s\S]*?<\/tr>/.exec(
      tableOf(page.text, 'payments-waiting'),
    )?.[0];
    expect(paging).toBeDefined();
    expect(paging).not.toContain('Bank details not confirmed');
  });

  it('sends a page number that is not one to the first page, and one past the last to the last', async () => {
    for (const [asked, shown] of [
      ['abc', '/finance/payments#waiting'],
      ['0', '/finance/payments#waiting'],
      ['-2', '/finance/payments#waiting'],
      ['1.5', '/finance/payments#waiting'],
      ['02', '/finance/payments?page=2#waiting'],
      ['4', '/finance/payments?page=3#waiting'],
      ['99999999999999999999999', '/finance/payments?page=3#waiting'],
    ]) {
      const res = await finance.get(`/finance/payments?page=${asked}`);
      expect([asked, res.status, res.headers.location]).toEqual([asked, 303, shown]);
    }
    const twice = await finance.get('/finance/payments?page=2&page=3');
    expect([twice.status, twice.headers.location]).toEqual([303, '/finance/payments#waiting']);
    expect((await finance.get('/finance/payments?page=1')).status).toBe(200);
  });

  it("finance's home page sums them up: the totals, the first few, and a link to them all", async () => {
    const home = await finance.get('/finance');
    expect(home.status).toBe(200);
    const totals = rowsOf(tableOf(home.text, 'payment-totals'));
    expect(totals.at(-1)).toEqual(['All waiting', '122', pounds(all.reduce((s, p) => s + p.pence, 0n))]);
    expect(rowsOf(tableOf(home.text, 'first-payments')).map((r) => r[0])).toEqual(
      all.slice(0, FIRST_PAYMENTS).map((p) => p.reference),
    );
    expect(home.text).toMatch(/href="\/finance\/payments#waiting">All 122 payments waiting<\/a>/);
    expect(home.text).not.toContain('id="payments-waiting"');
  });
});

describe("finance's bank details of payees, a page at a time", () => {
  let pages: number;

  beforeAll(async () => {
    await t.sql`insert into organisations (name, kind)
      select 'Payee ' || lpad(g::text, 3, '0'), 'provider' from generate_series(1, 70) g`;
    const [{ payees }] = (await t.sql`select count(*)::int as payees from organisations
      where kind <> 'commissioner'`) as unknown as [{ payees: number }];
    pages = Math.ceil(payees / PAYEES_PER_PAGE);
    expect(pages).toBeGreaterThan(1);
    // A change waiting for a second finance user.
    const [late] = await t.sql`select id from organisations where name = 'Payee 070'`;
    const entered = await t.http
      .post(`/api/organisations/${late!.id}/bank-details`)
      .set(t.as(FINANCE))
      .send({ accountName: 'Payee 070', sortCode: '200000', accountNumber: '12345678', reason: 'Letter' });
    expect(entered.status).toBe(201);
  });

  it('lists 50 payees a page by name, every one once, with the changes waiting for confirmation above them', async () => {
    const byName = (
      await t.sql`select name from organisations where kind <> 'commissioner' order by name, id`
    ).map((r) => r.name as string);
    const first = await finance.get('/finance/bank-details');
    expect(first.status).toBe(200);
    expect(text(/<p class="govuk-body" id="showing">[\s\S]*?<\/p>/.exec(first.text)![0])).toBe(
      `Showing 1 to 50 of ${byName.length} payees, by name.`,
    );
    expect(rowsOf(tableOf(first.text, 'pending-changes')).map((r) => r[0])).toEqual(['Payee 070']);
    expect(hrefs(paginationOf(first.text))).toContain(`/finance/bank-details?page=${pages}`);
    const listed: string[][] = [];
    for (let n = 1; n <= pages; n++) {
      const page = n === 1 ? first : await finance.get(`/finance/bank-details?page=${n}`);
      const rows = rowsOf(tableOf(page.text, 'payees'));
      expect(rows.length).toBe(n < pages ? PAYEES_PER_PAGE : byName.length - (pages - 1) * PAYEES_PER_PAGE);
      listed.push(...rows);
      // The account is masked here, as everywhere but the payment run.
      expect(page.text).not.toContain('12345678');
    }
    expect(listed.map((r) => r[0])).toEqual(byName);
    expect(listed.find((r) => r[0] === 'Payee 070')).toEqual([
      'Payee 070',
      'None',
      'Change waiting for confirmation',
    ]);
  });

  it('sends a page number that is not one to the first page, and one past the last to the last', async () => {
    const abc = await finance.get('/finance/bank-details?page=abc');
    expect([abc.status, abc.headers.location]).toEqual([303, '/finance/bank-details']);
    const beyond = await finance.get('/finance/bank-details?page=50');
    expect([beyond.status, beyond.headers.location]).toEqual([303, `/finance/bank-details?page=${pages}`]);
  });
});
