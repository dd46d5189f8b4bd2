// Money over HTTP with real PostgreSQL: awards commit against the programme's fund with the fund
// row locked, so however many are decided at once a fund (or a ring-fenced stream) is never
// over-committed; offers that end unaccepted, grants closed without being paid in full and money a
// provider returns give money back; the ledger is append-only; positions are exact to the penny, per stream and per contributor; and a
// bid goes in only while its programme's round is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFER_LAPSES_AFTER_MS } from '../../machines/youth-fund.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids, fundOfYear, ledgerOf, openRound, positionOf } from '../helpers/bids.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { penceOf } from '../helpers/pence.ts';
import type { Provider } from '../helpers/refusals.ts';
import { movableClock } from '../helpers/web.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

/** The real time unless a test sets it: the engine's "today" for rules about dates. */
const clock = movableClock();
/** Sets the clock to an instant, whatever the real date. */
const setClock = (iso: string) => clock.move(Date.parse(iso) - clock.now().getTime());

let t: TestApp;
let provider: Provider;
let b: ReturnType<typeof bids>;
let pay: ReturnType<typeof paymentHelpers>;
beforeAll(async () => {
  t = await startTestApp({ clock });
  provider = await t.newProvider('Money Trust');
  b = bids(t, provider);
  pay = paymentHelpers(t);
});
afterAll(() => t.close());

const NOT_ENOUGH = 'Not enough money in the fund';
const caseRow = async (id: string) => {
  const [row] = await t.sql`select state, version from cases where id = ${id}`;
  const [ledger] = await t.sql`select count(*)::int as n from fund_ledger where case_id = ${id}`;
  const [history] = await t.sql`select count(*)::int as n from case_events where case_id = ${id}`;
  return { ...row, ledger: ledger!.n, history: history!.n };
};

/**
 * Seats both demo panel members on a programme made over HTTP, as the officer does (a panel member
 * sees only the programmes they sit on; `t.programme()` seats them on its own).
 */
async function seatPanel(programmeId: string) {
  const members = await t.sql`select id from users
    where email in ('panel@demo.test', 'panel2@demo.test')`;
  expect(members).toHaveLength(2);
  for (const { id } of members) {
    const res = await t.http
      .post(`/api/programmes/${programmeId}/panel`)
      .set(t.as('officer@demo.test'))
      .send({ userId: id });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

describe('fifty awards decided at once against a fund that can afford only some', () => {
  it('commits exactly what was accepted, never more than the budget; each refusal writes nothing', async () => {
    const budget = 10_000_000; // £100,000
    const { programmeId, fundId } = await t.programme({ budgetPence: budget });
    // £2,959.96 to £3,000.00, odd pennies: 33 of the largest fit (£99,000), 34 of the smallest
    // do not (£100,638.64), so exactly 33 are accepted, whatever order the fund lock takes them in.
    const awards = Array.from({ length: 50 }, (_, i) => 300_000 - (i % 5) * 1_001);
    const ids: string[] = [];
    for (let i = 0; i < awards.length; i += 10) {
      const batch = awards.slice(i, i + 10).map((award) => b.inPanelReview(programmeId, award));
      ids.push(...(await Promise.all(batch)));
    }

    const answers = await Promise.all(ids.map((id, i) => b.approve(id, awards[i]!)));
    const accepted = ids.filter((_, i) => answers[i]!.status === 200);
    const refused = ids.filter((_, i) => answers[i]!.status !== 200);
    expect([accepted.length, refused.length]).toEqual([33, 17]);
    const awardOf = (id: string) => awards[ids.indexOf(id)]!;
    const acceptedTotal = accepted.reduce((sum, id) => sum + awardOf(id), 0);
    expect(acceptedTotal).toBeLessThanOrEqual(budget);

    for (const [i, res] of answers.entries()) {
      if (res.status === 200) {
        expect(res.body).toMatchObject({ state: 'offered', version: 4 });
        continue;
      }
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      // Sums of pence: strings in JSON.
      expect(res.body).toMatchObject({ title: NOT_ENOUGH, fundId, requiredPence: String(awards[i]) });
      expect(penceOf(res.body.remainingPence)).toBeGreaterThanOrEqual(0);
      expect(penceOf(res.body.remainingPence)).toBeLessThan(awards[i]!);
    }
    // Nothing written for a refused decision: still with the panel, no history row, no money.
    for (const id of refused)
      expect(await caseRow(id)).toEqual({ state: 'panelReview', version: 3, ledger: 0, history: 3 });
    const [timers] = await t.sql`select count(*)::int as n from timers where case_id = any(${refused})`;
    expect(timers!.n).toBe(0);

    // One commit row per accepted award, at the version the award made.
    const ledger = await ledgerOf(t, fundId);
    expect(ledger.map(([, amount, id]) => [id, amount]).sort()).toEqual(
      accepted.map((id) => [id, awardOf(id)]).sort(),
    );
    expect(ledger.every(([movement]) => movement === 'commit')).toBe(true);

    const remaining = budget - acceptedTotal;
    // No refused award would have fitted even at the end: money left is less than any of them.
    expect(remaining).toBeLessThan(Math.min(...refused.map(awardOf)));
    const expected = {
      budgetPence: budget,
      committedPence: acceptedTotal,
      grossCommittedPence: acceptedTotal,
      releasedPence: 0,
      remainingPence: remaining,
    };
    for (const email of ['officer@demo.test', 'finance@demo.test'] as const) {
      const position = await positionOf(t, fundId, email);
      expect(position).toMatchObject({ fundId, ...expected, streams: [], contributors: [] });
      expect(position.unfenced).toEqual(expected);
    }
  }, 60_000);
});

describe('money given back', () => {
  it('a declined offer and a lapsed one release the award, and money returned after closing is released', async () => {
    const { programmeId, fundId } = await t.programme({ budgetPence: 1_000_000, maxAwardPence: 1_000_000 });
    const [a, d, l, c] = [
      await b.inPanelReview(programmeId, 600_000),
      await b.inPanelReview(programmeId, 500_000),
      await b.inPanelReview(programmeId, 300_000),
      await b.inPanelReview(programmeId, 400_000),
    ];
    const money = async () => {
      const p = await positionOf(t, fundId);
      return [p.grossCommittedPence, p.releasedPence, p.remainingPence];
    };

    // £6,000 is above the £5,000 delegation threshold: it commits when the approver signs it.
    expect((await b.decide(a, 600_000)).status).toBe(200);
    expect(await money()).toEqual([600_000, 0, 400_000]);
    const short = await b.decide(d, 500_000);
    expect(short.status).toBe(409);
    expect(short.body).toMatchObject({
      title: NOT_ENOUGH,
      remainingPence: '400000',
      requiredPence: '500000',
    });
    // The provider declines: the £6,000 goes back, and the award refused a moment ago now fits.
    expect((await b.ok(a, 'owner', ev.DECLINE_OFFER)).state).toBe('offerDeclined');
    expect(await money()).toEqual([600_000, 600_000, 1_000_000]);
    expect((await b.decide(d, 500_000)).status).toBe(200);
    expect(await money()).toEqual([1_100_000, 600_000, 500_000]);

    // An offer nobody answers lapses at 28 days: the worker fires the timer as the system.
    expect((await b.decide(l, 300_000)).status).toBe(200);
    expect(await money()).toEqual([1_400_000, 600_000, 200_000]);
    const [timer] =
      await t.sql`select event from timers where case_id = ${l} and timer_key like '%offerLapsesAfter%'`;
    const lapse = timer!.event as { type: string };
    expect(lapse.type).toBe('xstate.after.offerLapsesAfter.youth-fund.offered');
    const lapsed = await t.engine.transaction((tx) => t.engine.fireTimer(tx, l, lapse));
    expect(lapsed.state).toBe('lapsed');
    expect(await money()).toEqual([1_400_000, 900_000, 500_000]);
    expect(OFFER_LAPSES_AFTER_MS).toBe(28 * 24 * 60 * 60 * 1000);

    // The £4,000 is paid in full through its payment case; £1,500 is spent. Closing records the
    // spend and has nothing unpaid to release: the £2,500 comes back only when the provider returns it.
    expect((await b.decide(c, 400_000)).status).toBe(200);
    await b.ok(c, 'owner', ev.ACCEPT_OFFER);
    const [payment] = await pay.payAward(c, { reference: 'BACS-400' });
    expect(payment).toMatchObject({ state: 'paid', context: { amountPence: 400_000 } });
    expect((await b.ok(c, 'owner', { ...ev.SUBMIT_REPORT, spentPence: 150_000 })).state).toBe(
      'reportSubmitted',
    );
    expect(await money()).toEqual([1_800_000, 900_000, 100_000]);
    expect((await b.ok(c, 'officer@demo.test', ev.ACCEPT_REPORT)).state).toBe('closed');
    expect(await money()).toEqual([1_800_000, 900_000, 100_000]);
    const back = {
      type: 'RECORD_RETURN',
      amountPence: 250_000,
      receivedOn: t.today(),
      reference: 'RET-1',
    };
    const returned = await b.ok(payment!.id, 'finance@demo.test', { ...back, reason: 'Unspent' });
    expect(returned.state).toBe('returned');
    expect(await money()).toEqual([1_800_000, 1_150_000, 350_000]);

    expect(await ledgerOf(t, fundId)).toEqual([
      ['commit', 600_000, a],
      ['release', 600_000, a],
      ['commit', 500_000, d],
      ['commit', 300_000, l],
      ['release', 300_000, l],
      ['commit', 400_000, c],
      ['payment', 400_000, c],
      ['reported', 150_000, c],
      ['repayment', 250_000, c],
      ['release', 250_000, c],
    ]);
    // Each row names the case version that moved the money (none for a payment case's), and who:
    // the lapse was the system, the money returned finance. The declined offer's case went through
    // the approver's signature, a version more than the lapsed one.
    const rows =
      await t.sql`select case_id, movement, case_version, payment_case_id, actor_id is null as by_system
      from fund_ledger where fund_id = ${fundId} and movement = 'release' order by id`;
    expect(rows.map((r) => [r.case_id, r.case_version, r.payment_case_id, r.by_system])).toEqual([
      [a, 6, null, false],
      [l, 5, null, true],
      [c, null, payment!.id, false],
    ]);
  });

  it("closing a victims' services grant gives back what was never paid, and drops the payments not made", async () => {
    const h = cycleHelpers(t);
    const criteria = [{ id: 'quality', label: 'Quality', weight: 100 }];
    const programme = await t.programme({
      cycle: 'victims-services',
      budgetPence: 5_000_000,
      criteria,
      delegationThresholdPence: 5_000_000,
    });
    const { programmeId } = programme;
    // The agreement runs through 2027-28, so its money is in that year's fund, none in the programme's 2026-27.
    const dates = { startsOn: '2027-04-01', endsOn: '2028-03-31' };
    const fundId = await fundOfYear(t, programme.fundId, '2027-28');
    const { id } = await h.open('provider@demo.test', 'victims-services', { programmeId });
    const s = h.on(id);
    const bid = { type: 'SUBMIT', title: 'ISVA service', summary: 'One ISVA', service: 'isva', ...dates };
    await s('provider@demo.test', { ...bid, amountRequestedPence: 1_000_001 }, 'dueDiligence');
    const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };
    await s('officer@demo.test', { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
    // No panel scores this bid: scoring closes with the reason why.
    await s(
      'officer@demo.test',
      { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' },
      'moderation',
    );
    await s(
      'officer@demo.test',
      { type: 'MODERATE', scores: { quality: 4 }, rationale: 'Agreed' },
      'recommendation',
    );
    await s(
      'officer@demo.test',
      { type: 'RECOMMEND_AWARD', amountPence: 1_000_001, rationale: 'Good' },
      'offered',
    );
    await s('provider@demo.test', { type: 'ACCEPT_OFFER' }, 'agreement');
    const terms = { ...dates, amountPence: 1_000_001, paymentProfile: 'instalments', instalments: 4 };
    await s('officer@demo.test', { type: 'SIGN_AGREEMENT', ...terms }, 'live');
    // Four instalments adding up to the award exactly, the odd penny in the last; nothing paid yet.
    const scheduled = await pay.paymentsOf(id);
    expect(scheduled.map((p) => [p.state, p.context.amountPence])).toEqual([
      ['scheduled', 250_000],
      ['scheduled', 250_000],
      ['scheduled', 250_000],
      ['scheduled', 250_001],
    ]);
    // The first instalment is paid, and no other.
    await pay.approve(scheduled[0]!.id);
    await pay.markPaid(scheduled[0]!.id, t.today(), 'BACS-Q1');
    expect((await positionOf(t, fundId)).releasedPence).toBe(0);
    try {
      // Before the agreement ends it cannot be closed (ending it sooner is a termination): nothing
      // is given back and no payment is dropped.
      setClock('2028-03-30T12:00:00Z');
      const early = await t.http
        .post(`/api/cases/${id}/events`)
        .set(t.as('officer@demo.test'))
        .send({ type: 'COMPLETE' });
      expect(early.status, JSON.stringify(early.body)).toBe(422);
      expect(early.body.errors).toMatchObject([{ field: 'agreement.endsOn' }]);
      expect((await positionOf(t, fundId)).releasedPence).toBe(0);
      expect((await pay.paymentsOf(id)).map((p) => p.state)).toEqual([
        'paid',
        'scheduled',
        'scheduled',
        'scheduled',
      ]);
      // The day after the agreement ends, the grant is closed with three instalments never paid.
      setClock('2028-04-01T09:00:00Z');
      await s('officer@demo.test', { type: 'COMPLETE' }, 'closed');
    } finally {
      clock.reset();
    }
    const position = await positionOf(t, fundId);
    expect([position.grossCommittedPence, position.releasedPence, position.remainingPence]).toEqual([
      1_000_001, 750_001, 4_750_000,
    ]);
    expect(position.committedPence).toBe(250_000);
    expect((await pay.paymentsOf(id)).map((p) => p.state)).toEqual([
      'paid',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(await ledgerOf(t, fundId)).toEqual([
      ['commit', 1_000_001, id],
      ['payment', 250_000, id],
      ['release', 750_001, id],
    ]);
    expect(await ledgerOf(t, programme.fundId)).toEqual([]);
  });
});

describe('the ledger', () => {
  it('is append-only: SQL that changes, deletes or truncates rows fails with the trigger’s error', async () => {
    const { programmeId, fundId } = await t.programme();
    expect((await b.approve(await b.inPanelReview(programmeId), 300_000)).status).toBe(200);
    const before = await t.sql`select * from fund_ledger where fund_id = ${fundId}`;
    expect(before).toHaveLength(1);
    const message = 'fund_ledger rows cannot be changed or deleted; record a new movement instead';
    for (const statement of [
      t.sql`update fund_ledger set amount_pence = 1 where fund_id = ${fundId}`,
      t.sql`update fund_ledger set note = 'edited' where id = ${before[0]!.id}`,
      t.sql`delete from fund_ledger where fund_id = ${fundId}`,
    ]) {
      await expect(statement).rejects.toMatchObject({ message, code: '42501' });
    }
    // Even TRUNCATE; in a transaction rolled back regardless, so a broken guard cannot empty it.
    const truncate = t.sql.begin(async (tx) => {
      await tx`truncate fund_ledger`;
      throw new Error('TRUNCATE was allowed');
    });
    await expect(truncate).rejects.toMatchObject({ message, code: '42501' });
    // And a movement is never zero or negative, unless it reverses another row.
    for (const amount of [-5, 0]) {
      const bad = t.sql`insert into fund_ledger (fund_id, movement, amount_pence, note, at)
        values (${fundId}, 'release', ${amount}, 'x', now())`;
      await expect(bad).rejects.toMatchObject({ constraint_name: 'fund_ledger_amount_sign' });
    }
    expect(await t.sql`select * from fund_ledger where fund_id = ${fundId}`).toEqual(before);
  });

  it('a reversal undoes exactly one row, once; a row written by hand takes the London day it was recorded', async () => {
    const { fundId } = await t.programme();
    const [row] = await t.sql`insert into fund_ledger (fund_id, movement, amount_pence, note, at)
      values (${fundId}, 'commit', 500, 'by hand', '2026-06-30T23:30:00Z') returning id, effective_on`;
    // 23:30 GMT on 30 June is 00:30 on 1 July in London.
    expect(row!.effective_on).toBe('2026-07-01');
    const reverse = (amount: number, movement = 'commit', reverses: unknown = row!.id) =>
      t.sql`insert into fund_ledger (fund_id, movement, amount_pence, reverses_id, note, at)
        values (${fundId}, ${movement}, ${amount}, ${reverses as number}, 'reversal', now())`;
    // Not the negated amount, another movement, a positive amount, or a row that does not exist.
    for (const wrong of [
      reverse(-400),
      reverse(-500, 'release'),
      reverse(500),
      reverse(-500, 'commit', 999_999_999),
    ])
      await expect(wrong).rejects.toMatchObject({ code: expect.stringMatching(/^23/) });
    await reverse(-500);
    await expect(reverse(-500)).rejects.toMatchObject({ constraint_name: 'fund_ledger_reverses_key' });
    const [sum] =
      await t.sql`select sum(amount_pence)::int as net from fund_ledger where fund_id = ${fundId}`;
    expect(sum!.net).toBe(0);
  });

  it("names each row's programme, its case's: given by the app, filled in for SQL, refused when another", async () => {
    const { programmeId, fundId } = await t.programme();
    const other = await t.programme();
    const award = await b.inPanelReview(programmeId);
    expect((await b.approve(award, 300_000)).status).toBe(200);
    const programmesOf = async () =>
      (await t.sql`select programme_id from fund_ledger where case_id = ${award} order by id`).map(
        (r) => r.programme_id,
      );
    expect(await programmesOf()).toEqual([programmeId]);
    await t.sql`insert into fund_ledger (fund_id, case_id, movement, amount_pence, note, at)
      values (${fundId}, ${award}, 'reported', 100, 'by hand', now())`;
    expect(await programmesOf()).toEqual([programmeId, programmeId]);
    const elsewhere = t.sql`insert into fund_ledger (fund_id, case_id, programme_id, movement, amount_pence, note, at)
      values (${fundId}, ${award}, ${other.programmeId}, 'reported', 100, 'wrong programme', now())`;
    await expect(elsewhere).rejects.toMatchObject({ code: '23514' });
    expect(await programmesOf()).toEqual([programmeId, programmeId]);
  });
});

describe('a ring-fenced stream', () => {
  it('holds its programme to the stream, and keeps other programmes out of it, though the fund has money', async () => {
    const stream = { name: 'Domestic abuse', budgetPence: 500_000 };
    const fenced = await t.programme({ budgetPence: 2_000_000, streams: [stream], stream: 0 });
    const fundId = fenced.fundId;
    // A second programme on the same fund, outside the stream.
    const created = await t.http
      .post('/api/programmes')
      // An admin, as it sets the limits too.
      .set(t.as('admin@demo.test'))
      .send({
        name: `Unfenced ${fundId}`,
        cycle: 'youth-fund',
        fundId,
        themeId: 'offenders',
        outcomeIds: ['O2'],
        delegationThresholdPence: 500_000,
        maxAwardPence: 2_000_000,
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ fundId, streamId: null, round: null });
    const open = created.body.id as string;
    await seatPanel(open);
    await openRound(t, open);

    const decide = async (programmeId: string, award: number) =>
      b.decide(await b.inPanelReview(programmeId, award), award);
    expect((await decide(fenced.programmeId, 300_000)).status).toBe(200);
    const overStream = await decide(fenced.programmeId, 300_000);
    expect(overStream.status).toBe(409);
    expect(overStream.body).toMatchObject({ title: NOT_ENOUGH, remainingPence: '200000' });
    expect(overStream.body.detail).toContain('in its stream');
    expect((await decide(open, 1_500_000)).status).toBe(200);
    // £2,000 is left in the fund, all of it fenced: the unfenced programme cannot have a penny.
    const intoStream = await decide(open, 1);
    expect(intoStream.status).toBe(409);
    expect(intoStream.body).toMatchObject({ title: NOT_ENOUGH, remainingPence: '0', requiredPence: '1' });
    expect((await decide(fenced.programmeId, 200_000)).status).toBe(200);

    const position = await positionOf(t, fundId);
    const full = (budgetPence: number) => ({
      budgetPence,
      committedPence: budgetPence,
      grossCommittedPence: budgetPence,
      releasedPence: 0,
      remainingPence: 0,
    });
    expect(position).toMatchObject(full(2_000_000));
    expect(position.streams).toEqual([
      { streamId: expect.any(String), name: stream.name, services: [], ...full(500_000) },
    ]);
    expect(position.unfenced).toEqual(full(1_500_000));
  });
});

describe('a jointly commissioned fund', () => {
  it("shows each contributor's share of what is committed and released, the parts adding up exactly", async () => {
    const orgs = await t.http.get('/api/organisations').set(t.as('finance@demo.test'));
    const partners = (orgs.body.items as { id: string; kind: string }[]).filter((o) => o.kind === 'partner');
    expect(partners.length).toBeGreaterThanOrEqual(3);
    const shares = [5_000_000, 3_000_001, 1_999_999]; // £100,000.00 in awkward parts
    const budget = shares.reduce((a, s) => a + s, 0);
    const fund = await t.http
      .post('/api/funds')
      .set(t.as('finance@demo.test'))
      .send({
        name: `Joint fund ${Date.now()}`,
        source: 'Partner contributions',
        financialYear: '2026-27',
        budgetPence: budget,
        contributors: partners.slice(0, 3).map((p, i) => ({ organisationId: p.id, sharePence: shares[i] })),
      });
    expect(fund.status, JSON.stringify(fund.body)).toBe(201);
    const fundId = fund.body.fundId as string;
    const programme = await t.http
      .post('/api/programmes')
      .set(t.as('officer@demo.test'))
      .send({
        name: `Joint ${fundId}`,
        cycle: 'youth-fund',
        fundId,
        themeId: 'transformation',
        outcomeIds: ['T1'],
      });
    expect(programme.status, JSON.stringify(programme.body)).toBe(201);
    await seatPanel(programme.body.id);
    await openRound(t, programme.body.id);

    // A threshold of nothing: every award is signed by the approver, and commits then.
    const first = await b.inPanelReview(programme.body.id, 123_457);
    expect((await b.decide(first, 123_457)).status).toBe(200);
    const second = await b.inPanelReview(programme.body.id, 300_001);
    expect((await b.decide(second, 300_001)).status).toBe(200);
    await b.ok(second, 'owner', ev.DECLINE_OFFER);

    const position = await positionOf(t, fundId);
    // Held now is what was committed less what was released; the gross figure has its own name.
    expect(position).toMatchObject({
      budgetPence: budget,
      committedPence: 123_457,
      grossCommittedPence: 423_458,
      releasedPence: 300_001,
    });
    expect(position.remainingPence).toBe(budget - 123_457);
    const parts = position.contributors as {
      organisationId: string;
      budgetPence: number;
      [k: string]: unknown;
    }[];
    expect(parts.map((p) => p.organisationId).sort()).toEqual(
      partners
        .slice(0, 3)
        .map((p) => p.id)
        .sort(),
    );
    for (const key of ['budgetPence', 'committedPence', 'releasedPence', 'remainingPence'] as const) {
      const whole = position[key] as number;
      // The parts add up to the whole exactly, and each is its share to within a penny.
      expect(
        parts.reduce((sum, p) => sum + (p[key] as number), 0),
        key,
      ).toBe(whole);
      for (const p of parts)
        expect(Math.abs((p[key] as number) - (whole * p.budgetPence) / budget)).toBeLessThan(1);
    }
    for (const p of parts) {
      expect(p.remainingPence).toBe(p.budgetPence - (p.committedPence as number));
      expect(p.grossCommittedPence).toBe((p.committedPence as number) + (p.releasedPence as number));
    }
  });
});

describe('the call for bids', () => {
  it('refuses a SUBMIT (409) while the round is not open, and takes it once the round opens', async () => {
    const { programmeId } = await t.programme({ open: false });
    const id = await b.open(programmeId);
    const outbox = async () =>
      (await t.sql`select count(*)::int as n from outbox where case_id = ${id}`)[0]!.n;
    const early = await b.send(id, 'owner', ev.SUBMIT);
    expect(early.status).toBe(409);
    expect(early.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(early.body).toMatchObject({ title: 'The call for bids is not open', roundState: null });
    expect(await caseRow(id)).toEqual({ state: 'draft', version: 1, ledger: 0, history: 1 });
    expect(await outbox()).toBe(0);

    const round = await openRound(t, programmeId);
    expect((await b.ok(id, 'owner', ev.SUBMIT)).state).toBe('submitted');
    expect(await outbox()).toBe(1); // bidReceived

    // Closed early: the next bid is refused again, naming the round's state.
    await b.ok(round, 'officer@demo.test', { type: 'CLOSE_EARLY', reason: 'Funding withdrawn' });
    const late = await b.open(programmeId);
    const refused = await b.send(late, 'owner', ev.SUBMIT);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ title: 'The call for bids is not open', roundState: 'closed' });
    expect(await caseRow(late)).toEqual({ state: 'draft', version: 1, ledger: 0, history: 1 });
  });
});
