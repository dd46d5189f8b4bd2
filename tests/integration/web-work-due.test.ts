// "Your work" leads with what falls due, soonest first: an offer that lapses, marked "This week" in
// its last week and "Overdue" once its day has gone; a payment on the day it is due; a decision to
// sign within the rulebook's working days of being held; a return to check within its stage's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addWorkingDays, dayInWords, londonDate } from '../../machines/calendar.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { SIGN_WITHIN_WORKING_DAYS } from '../../src/engine/rulebook.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { figuresFor } from '../helpers/figures.ts';
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

  it('shows the approver a decision to sign within the working days the rulebook gives, then overdue', async () => {
    const h = cycleHelpers(t);
    const { programmeId } = await t.programme({
      cycle: 'crime-disorder-grant',
      delegationThresholdPence: 100_000,
    });
    const fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
    const today = londonDate(new Date());
    const proposed = await h.open(
      'officer@demo.test',
      'crime-disorder-grant',
      { programmeId, allocationPence: 900_000, financialYear: '2026-27', purpose: 'Due work signing' },
      fenland,
    );
    await h.hold(proposed.id, 'officer@demo.test', { type: 'ALLOCATE' });
    const { reference } = (await t.http.get(`/api/cases/${proposed.id}`).set(t.as('officer@demo.test'))).body;
    const due = addWorkingDays(today, SIGN_WITHIN_WORKING_DAYS);
    const rowOn = (day: string) =>
      t.onDay(day, async () => {
        const approver = await signedIn(t.baseUrl, 'approver@demo.test', DEMO_PASSWORD);
        return dueRows((await approver.get('/')).text).find((cells) => cells[1]!.includes(reference));
      });
    const row = await rowOn(today);
    expect(row?.[2]).toBe('Sign or send back the decision');
    expect(row?.[0]).toContain(dayInWords(due));
    expect(row?.[3]).toBe('Decision awaiting your signature');
    expect((await rowOn(addDays(due, 1)))?.[0]).toMatch(/^Overdue /);
  });

  it("shows the officer a submitted return to check within its stage's working days, not as the provider's overdue return", async () => {
    const h = cycleHelpers(t);
    const { programmeId } = await t.programme({
      cycle: 'crime-disorder-grant',
      delegationThresholdPence: 5_000_000,
    });
    const fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
    const granted = await h.allocate(fenland, {
      programmeId,
      allocationPence: 400_000,
      financialYear: '2026-27',
      purpose: 'Due work returns',
    });
    const s = h.on(granted.id);
    await s(
      'officer@demo.test',
      { type: 'OFFER_CONDITIONS', conditions: 'Quarterly returns', reasons: 'Accountability' },
      'conditionsOffered',
    );
    await s('csp@demo.test', { type: 'ACCEPT_CONDITIONS' }, 'live');
    // April to June has ended: its return falls due today, and is sent in a week later.
    const first = await h.returnFor(granted.id, '2026-04-01');
    const today = londonDate(new Date());
    const sentOn = addDays(today, 7);
    const { context, reference } = (await t.http.get(`/api/cases/${first}`).set(t.as('officer@demo.test')))
      .body;
    await t.onDay(sentOn, () =>
      h.step(
        first,
        'csp@demo.test',
        {
          type: 'SUBMIT_RETURN',
          performance: 'On target',
          measures: figuresFor(context.measures),
          spendPence: 0,
        },
        'submitted',
      ),
    );
    const row = await t.onDay(sentOn, async () => {
      const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
      return dueRows((await officer.get('/')).text).find((cells) => cells[1]!.includes(reference));
    });
    expect(row?.[2]).toBe('Check the return');
    expect(row?.[0]).toContain(dayInWords(addWorkingDays(sentOn, 10)));
    expect(row?.[0]).not.toMatch(/Overdue/);
  });
});
