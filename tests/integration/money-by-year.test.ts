// Money by financial year: an award is committed against the fund of each year it pays in — by the
// days of its period until it has a payment schedule, then by when each payment falls due — and a
// year with no fund, or too little in it, refuses the decision and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { NEXT_FIVE_YEARS } from '../helpers/programmes.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';

const PROVIDER: DemoEmail = 'provider@demo.test';
const OFFICER: DemoEmail = 'officer@demo.test';
let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
});
afterAll(() => t.close());

/** A victims' services programme on a budget line of its own, £50,000 a year from 2026-27 to 2031-32. */
async function programme() {
  const p = await t.programme({
    cycle: 'victims-services',
    budgetPence: 5_000_000,
    delegationThresholdPence: 100_000_000,
    otherYears: NEXT_FIVE_YEARS,
  });
  const line = await t.sql`select id, financial_year from funds
    where name = (select name from funds where id = ${p.fundId}) order by financial_year`;
  const fundOf = Object.fromEntries(line.map((f) => [f.financial_year as string, f.id as string]));
  return { ...p, fundOf };
}

/** What the case holds committed (commitments less releases) in each financial year's fund. */
async function committedByYear(caseId: string) {
  const rows = await t.sql`select f.financial_year as year,
      sum(case l.movement when 'commit' then l.amount_pence else -l.amount_pence end)::int as net
    from fund_ledger l join funds f on f.id = l.fund_id
    where l.case_id = ${caseId} and l.movement in ('commit', 'release')
    group by f.financial_year having sum(case l.movement when 'commit' then l.amount_pence else -l.amount_pence end) <> 0
    order by 1`;
  return Object.fromEntries(rows.map((r) => [r.year as string, r.net as number]));
}

const ledgerCount = async (caseId: string) =>
  (await t.sql`select count(*)::int as n from fund_ledger where case_id = ${caseId}`)[0]!.n as number;

describe('an award over two financial years', () => {
  it('is committed by days at the offer, by payment due dates once signed, and each year is reconciled', async () => {
    const { programmeId, fundOf } = await programme();
    const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
    const period = { startsOn: '2027-04-01', endsOn: '2029-03-31' };
    await victimsBidTo('recommendation', h.sender(id, PROVIDER), { amountPence: 7_310_000, ...period });
    // £73,100 over 731 days: 366 of them in 2027-28 (29 February 2028), 365 in 2028-29. Neither year's
    // £50,000 could hold it all, and the programme's own 2026-27 fund holds none of it.
    await h.step(
      id,
      OFFICER,
      { type: 'RECOMMEND_AWARD', amountPence: 7_310_000, rationale: 'Strong' },
      'offered',
    );
    expect(await committedByYear(id)).toEqual({ '2027-28': 3_660_000, '2028-29': 3_650_000 });

    // Signed, paid quarterly in advance: eight payments of £9,137.50, four due in each year.
    await h.step(id, PROVIDER, { type: 'ACCEPT_OFFER' }, 'agreement');
    const terms = { ...period, amountPence: 7_310_000, paymentProfile: 'quarterlyInAdvance' };
    await h.step(id, OFFICER, { type: 'SIGN_AGREEMENT', ...terms }, 'live');
    const payments = await paymentHelpers(t).paymentsOf(id);
    expect(payments.map((p) => p.context.amountPence)).toEqual(Array(8).fill(913_750));
    expect(await committedByYear(id)).toEqual({ '2027-28': 3_655_000, '2028-29': 3_655_000 });
    // The move is a release in one year and a commitment in the other, on the signing's version.
    const moved =
      await t.sql`select f.financial_year as year, l.movement, l.cause, l.amount_pence::int as amount
      from fund_ledger l join funds f on f.id = l.fund_id where l.case_id = ${id} order by l.id`;
    expect(moved.slice(2)).toEqual([
      { year: '2027-28', movement: 'release', cause: 'rephased', amount: 5_000 },
      { year: '2028-29', movement: 'commit', cause: 'decision', amount: 5_000 },
    ]);

    // A variation up to £80,000 re-profiles the unpaid payments and each year follows them.
    await h.step(
      id,
      OFFICER,
      { type: 'REQUEST_VARIATION', amountPence: 8_000_000, reason: 'More demand' },
      'variationRequested',
    );
    await h.step(id, OFFICER, { type: 'APPROVE_VARIATION' }, 'live');
    expect(await committedByYear(id)).toEqual({ '2027-28': 4_000_000, '2028-29': 4_000_000 });

    // The first payment is paid from 2027-28's fund, where it fell due.
    await paymentHelpers(t).approve(payments[0]!.id);
    await paymentHelpers(t).markPaid(payments[0]!.id, t.today(), 'BACS-1');
    const [paid] =
      await t.sql`select f.financial_year as year from fund_ledger l join funds f on f.id = l.fund_id
      where l.payment_case_id = ${payments[0]!.id} and l.movement = 'payment'`;
    expect(paid!.year).toBe('2027-28');

    // Each year's reconciliation shows its own part, and the checks hold.
    for (const [year, committed] of [
      ['2026-27', 0],
      ['2027-28', 4_000_000],
      ['2028-29', 4_000_000],
    ] as const) {
      const res = await t.http
        .get(`/api/reports/reconciliation?financialYear=${year}&fund=${fundOf[year]}`)
        .set(t.as('finance@demo.test'));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.total.committedPence, year).toBe(String(committed));
      expect(res.body.checks.allHold, JSON.stringify(res.body.checks)).toBe(true);
    }

    // Published once, whole, under either year it has money in.
    const reference = (await h.get(id)).body.reference as string;
    for (const year of ['2027-28', '2028-29']) {
      const res = await t.http
        .get(`/api/exports/360giving.json?fund=${fundOf[year]}`)
        .set(t.as('finance@demo.test'));
      expect(res.status).toBe(200);
      const grants = (res.body.grants as Array<{ id: string; amountAwarded: number }>).filter((g) =>
        g.id.endsWith(reference),
      );
      expect(
        grants.map((g) => g.amountAwarded),
        year,
      ).toEqual([80_000]);
    }
  });

  it('refuses, writing nothing, when a year it pays in has no fund or too little money', async () => {
    const { programmeId } = await programme();
    // The test line runs to 2031-32: an agreement into 2032-33 has no fund for that year.
    const { id: beyond } = await h.open(PROVIDER, 'victims-services', { programmeId });
    await victimsBidTo('recommendation', h.sender(beyond, PROVIDER), {
      amountPence: 1_000_000,
      startsOn: '2031-10-01',
      endsOn: '2032-09-30',
    });
    const before = await ledgerCount(beyond);
    const none = await h.refuse(
      beyond,
      OFFICER,
      { type: 'RECOMMEND_AWARD', amountPence: 1_000_000, rationale: 'Strong' },
      409,
    );
    expect(none).toMatchObject({ title: 'No fund for that financial year', financialYear: '2032-33' });
    expect(none.detail).toMatch(/there is no “Test fund .*” fund for 2032-33/);
    expect(await ledgerCount(beyond)).toBe(before);

    // £60,000 in one year is more than that year's £50,000.
    const { id: big } = await h.open(PROVIDER, 'victims-services', { programmeId });
    await victimsBidTo('recommendation', h.sender(big, PROVIDER), {
      amountPence: 6_000_000,
      startsOn: '2028-04-01',
      endsOn: '2029-03-31',
    });
    const short = await h.refuse(
      big,
      OFFICER,
      { type: 'RECOMMEND_AWARD', amountPence: 6_000_000, rationale: 'Strong' },
      409,
    );
    expect(short).toMatchObject({
      title: 'Not enough money in the fund',
      financialYear: '2028-29',
      remainingPence: '5000000', // a sum of pence: a string in JSON
    });
    expect(await committedByYear(big)).toEqual({});
  });

  it("commits against a future year's indicative budget, flagged until finance confirms it", async () => {
    const { programmeId, fundOf } = await programme();
    const next = fundOf['2027-28']!;
    await t.sql`update funds set indicative = true where id = ${next}`;
    const position = async () =>
      (await t.http.get(`/api/funds/${next}/position`).set(t.as('finance@demo.test'))).body;
    const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
    await victimsBidTo('recommendation', h.sender(id, PROVIDER), {
      amountPence: 2_000_000,
      startsOn: '2027-04-01',
      endsOn: '2028-03-31',
    });
    await h.step(
      id,
      OFFICER,
      { type: 'RECOMMEND_AWARD', amountPence: 2_000_000, rationale: 'Strong' },
      'offered',
    );
    expect(await position()).toMatchObject({ indicative: true, committedPence: '2000000' });

    const confirm = (budgetPence: unknown, email: DemoEmail = 'finance@demo.test') =>
      t.http.post(`/api/funds/${next}/confirm`).set(t.as(email)).send({ budgetPence });
    expect((await confirm(5_000_000, OFFICER)).status).toBe(403);
    const below = await confirm(1_999_999);
    expect(below.status).toBe(422);
    expect(below.body.errors).toEqual([
      {
        field: 'budgetPence',
        message: expect.stringMatching(
          /^Awards have already committed £20,000\.00 against Test fund \w+ 2027-28: confirm at least that$/,
        ),
      },
    ]);
    expect((await confirm('lots')).status).toBe(422);
    expect(await position()).toMatchObject({ indicative: true, budgetPence: '5000000' });
    const confirmed = await confirm(4_500_000);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({
      indicative: false,
      budgetPence: '4500000',
      remainingPence: '2500000',
    });
    expect((await confirm(4_500_000)).status).toBe(409);
  });
});
