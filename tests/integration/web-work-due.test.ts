// "Your work" leads with what falls due, soonest first: an offer that lapses, marked "This week" in
// its last week and "Overdue" once its day has gone; a payment on the day it is due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, londonDate } from '../../machines/calendar.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
beforeAll(async () => {
  t = await startTestApp();
  provider = await providerWithPassword(t, 'Due Work Trust');
  b = bids(t, provider);
});
afterAll(() => t.close());

/** The rows of the "Due and overdue" table as their cells' words. */
function dueRows(html: string): string[][] {
  const table = /<table[^>]*id="due-work"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)]
    .map((row) =>
      [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
        cell[1]!
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      ),
    )
    .filter((cells) => cells.length);
}

const offered = async () => {
  const id = await b.inPanelReview(t.youthFund.programmeId, 100_000);
  await b.ok(id, 'panel@demo.test', {
    type: 'APPROVE',
    amountPence: 100_000,
    reportDueOn: '2031-03-31',
    quorumReason: 'Decided at the panel meeting',
  });
  return id;
};

describe('what falls due, on "Your work"', () => {
  it('leads with the offers to accept, soonest to lapse first, marked this week and then overdue', async () => {
    const today = londonDate(new Date());
    const later = await t.onDay(addDays(today, 3), () => offered());
    const sooner = await offered();
    const reference = async (id: string) =>
      (await t.http.get(`/api/cases/${id}`).set(provider.auth)).body.reference as string;
    const [soonerRef, laterRef] = [await reference(sooner), await reference(later)];
    const agent = await signedIn(t.baseUrl, provider.email, provider.password);

    const now = dueRows((await agent.get('/')).text);
    expect(now.map((cells) => cells[1])).toEqual([
      expect.stringContaining(soonerRef),
      expect.stringContaining(laterRef),
    ]);
    expect(now[0]![2]).toBe('Offer lapses');
    // Four weeks away: no mark yet.
    expect(now[0]![0]).not.toMatch(/This week|Overdue/);
    expect(now[0]![0]).toMatch(/\d{1,2} [A-Z][a-z]+ \d{4}/);

    // Signed in on the day (a session lasts hours, not weeks).
    const on = (day: string) =>
      t.onDay(day, async () =>
        dueRows((await (await signedIn(t.baseUrl, provider.email, provider.password)).get('/')).text),
      );
    const lastWeek = await on(addDays(today, 24));
    expect(lastWeek[0]![0]).toMatch(/^This week /);
    const gone = await on(addDays(today, 29));
    expect(gone[0]![0]).toMatch(/^Overdue /);
    expect(gone[1]![0]).toMatch(/^This week /);
  });

  it("shows finance a payment to approve on the day it is due, by the payment's own words", async () => {
    const pay = paymentHelpers(t);
    const award = await offered();
    await b.ok(award, 'owner', { type: 'ACCEPT_OFFER' });
    const payment = await pay.openPaymentOf(award);
    const finance = await signedIn(t.baseUrl, 'finance@demo.test', DEMO_PASSWORD);
    const rows = dueRows((await finance.get('/')).text);
    const { reference } = (await t.http.get(`/api/cases/${payment.id}`).set(t.as('finance@demo.test'))).body;
    const row = rows.find((cells) => cells[1]!.includes(reference));
    expect(row, JSON.stringify(rows)).toBeDefined();
    expect(row![2]).toBe('Payment due');
    // Due by a day: the day in words, not a moment.
    const { context } = (await t.http.get(`/api/cases/${payment.id}`).set(t.as('finance@demo.test'))).body;
    expect(row![0]).toMatch(/\d{1,2} [A-Z][a-z]+ \d{4}$/);
    expect(row![0]).not.toContain('midnight');
    expect(context.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
