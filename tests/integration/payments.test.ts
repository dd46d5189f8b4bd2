// Payments over HTTP against real PostgreSQL: the schedule a signed agreement builds, separation of
// duties, holds while a return is overdue or queried, re-profiling on a variation and an underspend,
// clawback and cancellation — and after every step, the award's payments add up to what it holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/engine/actor.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { victimsFigures } from '../helpers/figures.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';
const FINANCE: DemoEmail = 'finance@demo.test';
const FINANCE2: DemoEmail = 'finance2@demo.test';
const APPROVER: DemoEmail = 'approver@demo.test';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let programmeId = '';
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  ({ programmeId } = await t.programme({
    cycle: 'victims-services',
    budgetPence: 100_000_000,
    delegationThresholdPence: 90_000_000,
  }));
});
afterAll(() => t?.close());

interface Payment {
  id: string;
  state: string;
  instalment: number;
  dueOn: string;
  amountPence: number;
  /** Paid of it so far (parts). */
  paidPence: number;
}

/** The award's payments, oldest first, as the database holds them. */
async function paymentsOf(awardId: string): Promise<Payment[]> {
  const rows = await t.sql`select id, state, snapshot->'context' as c from cases
    where award_case_id = ${awardId} and machine_id = 'award-payment' order by seq`;
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    instalment: r.c.instalment,
    dueOn: r.c.dueOn,
    amountPence: r.c.amountPence,
    paidPence: ((r.c.parts ?? []) as { amountPence: number }[]).reduce((sum, p) => sum + p.amountPence, 0),
  }));
}

/** What the ledger says of the award: held committed, paid net of money returned. */
async function ledgerOf(awardId: string) {
  const [row] = await t.sql`select
      coalesce(sum(case movement when 'commit' then amount_pence when 'release' then -amount_pence else 0 end), 0)::bigint as held,
      coalesce(sum(case movement when 'payment' then amount_pence when 'repayment' then -amount_pence else 0 end), 0)::bigint as paid
    from fund_ledger where case_id = ${awardId}`;
  return { held: Number(row!.held), paid: Number(row!.paid) };
}

/** The invariant: unpaid payments plus what has been paid (net) is exactly what the award holds. */
async function expectScheduleMatchesAward(awardId: string) {
  const { held, paid } = await ledgerOf(awardId);
  const open = (await paymentsOf(awardId)).filter((p) => ['scheduled', 'held', 'approved'].includes(p.state));
  expect(open.reduce((a, p) => a + p.amountPence - p.paidPence, 0) + paid).toBe(held);
}

/** A victims' services award signed on `terms`; returns its id. */
async function signedAward(amountPence: number, terms: Record<string, unknown>): Promise<string> {
  const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
  const s = h.on(id);
  const dates = { startsOn: '2027-04-01', endsOn: '2028-03-31' };
  const bid = { title: 'ISVA service', summary: 'Two ISVAs', ...dates, service: 'isva' };
  await s(PROVIDER, { type: 'SUBMIT', ...bid, amountRequestedPence: amountPence }, 'dueDiligence');
  const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };
  await s(OFFICER, { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
  // No panel scores this bid: scoring closes with the reason why.
  await s(OFFICER, { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' }, 'moderation');
  const scores = Object.fromEntries(
    ((await h.get(id)).body.context.criteria as Array<{ id: string }>).map((c) => [c.id, 4]),
  );
  await s(OFFICER, { type: 'MODERATE', scores, rationale: 'Agreed' }, 'recommendation');
  await s(OFFICER, { type: 'RECOMMEND_AWARD', amountPence, rationale: 'Strong' }, 'offered');
  await s(PROVIDER, { type: 'ACCEPT_OFFER' }, 'agreement');
  await s(OFFICER, { type: 'SIGN_AGREEMENT', ...dates, amountPence, ...terms }, 'live');
  return id;
}

const send = (id: string, email: DemoEmail, event: Record<string, unknown>) =>
  t.http.post(`/api/cases/${id}/events`).set(t.as(email)).send(event);

async function pay(payment: Payment, reference = `FIN-${payment.instalment}`) {
  await h.step(payment.id, FINANCE, { type: 'APPROVE' }, 'approved');
  return h.step(payment.id, FINANCE, { type: 'MARK_PAID', paidOn: t.today(), reference }, 'paid');
}

describe('a signed agreement builds the schedule', () => {
  it('£10,000.01 quarterly in advance: four payments, the odd penny in the last, on working days', async () => {
    const id = await signedAward(1_000_001, { paymentProfile: 'quarterlyInAdvance' });
    const payments = await paymentsOf(id);
    expect(payments.map((p) => [p.instalment, p.state, p.dueOn, p.amountPence])).toEqual([
      [1, 'scheduled', '2027-04-01', 250_000],
      [2, 'scheduled', '2027-07-01', 250_000],
      [3, 'scheduled', '2027-10-01', 250_000],
      [4, 'scheduled', '2028-01-04', 250_001], // 1 January 2028 is a Saturday; Monday 3rd is the holiday
    ]);
    await expectScheduleMatchesAward(id);
    const [schedule] = await t.sql`select * from payment_schedules where award_case_id = ${id}`;
    expect(schedule).toMatchObject({ profile: 'quarterlyInAdvance', remainder_in: 'last' });
  });

  it('£1 in 3 instalments with the remainder first: 34p, 33p, 33p', async () => {
    const id = await signedAward(100, {
      paymentProfile: 'instalments',
      instalments: 3,
      remainderIn: 'first',
    });
    expect((await paymentsOf(id)).map((p) => p.amountPence)).toEqual([34, 33, 33]);
    await expectScheduleMatchesAward(id);
  });

  it('nobody opens a payment directly', async () => {
    const res = await t.http
      .post('/api/cases')
      .set(t.as(FINANCE))
      .send({
        machine: 'award-payment',
        organisationId: (await h.get(await signedAward(5_000, { paymentProfile: 'oneOff' }))).body
          .organisationId,
        input: {},
      });
    expect(res.status).toBe(403);
  });
});

describe('approval and payment', () => {
  it('finance approves and records the payment; the ledger shows it paid', async () => {
    const id = await signedAward(400_000, { paymentProfile: 'quarterlyInArrears' });
    const [first] = await paymentsOf(id);
    await h.refuse(first!.id, OFFICER, { type: 'APPROVE' }, 403);
    await h.refuse(first!.id, FINANCE, { type: 'MARK_PAID', paidOn: '2027-07-01', reference: 'X' }, 409);
    const paid = await pay(first!, 'BACS-0001');
    expect(paid.context.paid).toEqual({ paidOn: t.today(), reference: 'BACS-0001' });
    expect(await ledgerOf(id)).toEqual({ held: 400_000, paid: 100_000 });
    await expectScheduleMatchesAward(id);
  });

  it('whoever rescheduled a payment cannot approve it; a colleague can', async () => {
    const id = await signedAward(200_000, { paymentProfile: 'quarterlyInAdvance' });
    const [first] = await paymentsOf(id);
    await h.step(
      first!.id,
      FINANCE,
      { type: 'RESCHEDULE', dueOn: '2027-04-06', reason: 'Bank details' },
      'scheduled',
    );
    const refused = await h.refuse(first!.id, FINANCE, { type: 'APPROVE' }, 403);
    expect(refused.detail).toMatch(/varied this payment/);
    // Nor is it offered to them.
    expect((await h.get(first!.id, FINANCE)).body.nextEvents).not.toContainEqual(
      expect.objectContaining({ type: 'APPROVE' }),
    );
    const approved = await h.step(first!.id, FINANCE2, { type: 'APPROVE' }, 'approved');
    expect(approved.context).toMatchObject({ dueOn: '2027-04-06', approvedBy: expect.any(String) });
  });
});

describe('holds while a monitoring return is overdue or queried', () => {
  it('holds unpaid payments, refuses to approve them, and releases them when the return is accepted', async () => {
    const id = await signedAward(800_000, { paymentProfile: 'quarterlyInAdvance' });
    const [first, second] = await paymentsOf(id);
    await h.step(first!.id, FINANCE, { type: 'APPROVE' }, 'approved');
    const ret = { id: await h.returnFor(id, '2027-04-01') };
    await h.fire(ret.id, 'RETURN_OVERDUE', 'late');
    expect((await paymentsOf(id)).map((p) => p.state)).toEqual(['held', 'held', 'held', 'held']);
    const refused = await h.refuse(second!.id, FINANCE, { type: 'APPROVE' }, 409);
    expect(refused.title).toBeTruthy();

    const figures = {
      performance: 'On track',
      ...victimsFigures(40, 81.5),
      spendPence: 190_000,
    };
    // Late: its quarter (April to June 2027) over and its due date passed.
    await t.onDay('2027-08-02', () =>
      h.step(ret.id, PROVIDER, { type: 'SUBMIT_RETURN', ...figures }, 'submitted'),
    );
    // Submitted late is not yet accepted: still held.
    expect((await paymentsOf(id)).every((p) => p.state === 'held')).toBe(true);
    await h.step(ret.id, OFFICER, { type: 'QUERY_RETURN', reason: 'Recount' }, 'queried');
    await h.step(
      ret.id,
      PROVIDER,
      { type: 'RESUBMIT_RETURN', ...figures, underspendPence: 100_000 },
      'submitted',
    );
    await h.step(ret.id, OFFICER, { type: 'ACCEPT_RETURN' }, 'accepted');
    // Released (to be approved again), and the underspend comes off the unpaid instalments.
    const after = await paymentsOf(id);
    expect(after.map((p) => p.state)).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled']);
    expect(after.map((p) => p.amountPence)).toEqual([175_000, 175_000, 175_000, 175_000]);
    const [row] = await t.sql`select
        sum(amount_pence) filter (where movement = 'reported')::int as reported,
        sum(amount_pence) filter (where movement = 'release' and cause = 'underspend')::int as underspend
      from fund_ledger where case_id = ${id}`;
    expect(row).toEqual({ reported: 190_000, underspend: 100_000 });
    await expectScheduleMatchesAward(id);
  });
});

describe('variations, clawback and cancellation', () => {
  it('an increase re-profiles the unpaid part; money returned restores the fund; a cancelled payment is released', async () => {
    const id = await signedAward(400_000, { paymentProfile: 'quarterlyInAdvance' });
    const [first] = await paymentsOf(id);
    await pay(first!);
    await h.step(
      id,
      PROVIDER,
      { type: 'REQUEST_VARIATION', amountPence: 700_001, reason: 'Demand' },
      'variationRequested',
    );
    await h.step(id, OFFICER, { type: 'APPROVE_VARIATION' }, 'live');
    let payments = await paymentsOf(id);
    expect(payments.map((p) => [p.state, p.amountPence])).toEqual([
      ['paid', 100_000],
      ['scheduled', 200_000],
      ['scheduled', 200_000],
      ['scheduled', 200_001],
    ]);
    await expectScheduleMatchesAward(id);

    // Part of the first payment comes back: the fund gets it back as commitment released.
    const back = { amountPence: 30_000, receivedOn: '2027-05-01', reference: 'REFUND-1', reason: 'Overpaid' };
    await h.refuse(first!.id, FINANCE, { ...back, type: 'RECORD_RETURN', amountPence: 100_001 }, 422);
    await h.step(first!.id, FINANCE, { type: 'RECORD_RETURN', ...back }, 'returned');
    expect(await ledgerOf(id)).toEqual({ held: 670_001, paid: 70_000 });
    await expectScheduleMatchesAward(id);

    // An officer cancels one instalment: its money goes back to the fund.
    payments = await paymentsOf(id);
    await h.step(payments[3]!.id, OFFICER, { type: 'CANCEL', reason: 'Service reduced' }, 'cancelled');
    expect(await ledgerOf(id)).toEqual({ held: 470_000, paid: 70_000 });
    await expectScheduleMatchesAward(id);
  });

  it('a decrease below what has been paid is refused, and nothing changes', async () => {
    const id = await signedAward(400_000, { paymentProfile: 'quarterlyInAdvance' });
    const [first] = await paymentsOf(id);
    await pay(first!);
    await h.step(
      id,
      PROVIDER,
      { type: 'REQUEST_VARIATION', amountPence: 50_000, reason: 'Stop' },
      'variationRequested',
    );
    const refused = await h.refuse(id, OFFICER, { type: 'APPROVE_VARIATION' }, 409);
    expect(refused.title).toBe('The award would be less than has been paid');
    expect((await h.get(id)).body.state).toBe('variationRequested');
    expect(await ledgerOf(id)).toEqual({ held: 400_000, paid: 100_000 });
    await expectScheduleMatchesAward(id);
  });

  it('terminating releases only what was not paid and drops the unpaid payments', async () => {
    const id = await signedAward(300_000, { paymentProfile: 'quarterlyInAdvance' });
    const [first] = await paymentsOf(id);
    await pay(first!);
    await h.step(id, OFFICER, { type: 'TERMINATE', reason: 'Provider closed' }, 'terminated');
    expect((await paymentsOf(id)).map((p) => p.state)).toEqual([
      'paid',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(await ledgerOf(id)).toEqual({ held: 75_000, paid: 75_000 });
  });

  it('a signed variation by the approver is also a variation: the approver is on record as varying', async () => {
    const id = await signedAward(400_000, { paymentProfile: 'quarterlyInAdvance' });
    await h.step(
      id,
      PROVIDER,
      { type: 'REQUEST_VARIATION', endsOn: '2028-09-30', reason: 'Longer' },
      'variationRequested',
    );
    await h.step(id, OFFICER, { type: 'APPROVE_VARIATION' }, 'live');
    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(6);
    expect(payments.map((p) => p.amountPence)).toEqual([66_666, 66_666, 66_666, 66_666, 66_666, 66_670]);
    await expectScheduleMatchesAward(id);
    void APPROVER;
  });
});

describe('the Youth Fund is paid through its payment', () => {
  it('accepting the offer schedules one payment; paying it moves the grant on', async () => {
    const id = await t.openCase(PROVIDER, 'Boxing club');
    const s = h.on(id);
    await s(
      PROVIDER,
      { type: 'SUBMIT', title: 'Boxing', summary: 'Weekly', amountRequestedPence: 300_000 },
      'submitted',
    );
    await s(OFFICER, { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
    await s(
      'panel@demo.test',
      {
        type: 'APPROVE',
        amountPence: 250_000,
        reportDueOn: '2027-09-30',
        quorumReason: 'Decided at the panel meeting',
      },
      'offered',
    );
    await s(PROVIDER, { type: 'ACCEPT_OFFER' }, 'accepted');
    const [only] = await paymentsOf(id);
    expect(only).toMatchObject({ instalment: 1, amountPence: 250_000, state: 'scheduled' });
    await h.refuse(
      id,
      FINANCE,
      { type: 'RECORD_PAYMENT', amountPence: 250_000, paidOn: '2027-01-01', reference: 'X' },
      403,
    );
    await pay(only!, 'BACS-YF');
    const grant = (await h.get(id)).body;
    expect(grant.state).toBe('reporting');
    expect(grant.context.payment).toMatchObject({ amountPence: 250_000, reference: 'BACS-YF' });
    // Finance corrects the reference: the grant's record of its payment follows, and it stays in reporting.
    const correction = {
      type: 'CORRECT_PAYMENT',
      paidOn: t.today(),
      reference: 'BACS-YF-2',
      reason: 'Typing slip',
    };
    await h.step(only!.id, FINANCE2, correction, 'paid');
    const restated = (await h.get(id)).body;
    expect([restated.state, restated.context.payment]).toEqual([
      'reporting',
      { amountPence: 250_000, paidOn: t.today(), reference: 'BACS-YF-2' },
    ]);
  });
});

void send;

describe('paid in part', () => {
  it('pays part of a payment: the ledger shows each part, the rest stays due, holds and approvals still apply', async () => {
    const id = await signedAward(300_000, { paymentProfile: 'oneOff' });
    const [only] = await paymentsOf(id);
    await h.step(only!.id, FINANCE, { type: 'APPROVE' }, 'approved');
    const part = (amountPence?: number, reference = 'BACS-P1') => ({
      type: 'MARK_PAID',
      paidOn: t.today(),
      reference,
      ...(amountPence === undefined ? {} : { amountPence }),
    });
    // More than is due is refused, naming the field; nothing is written.
    const tooMuch = await h.refuse(only!.id, FINANCE2, part(300_001), 422);
    expect(tooMuch.errors).toEqual([
      { field: 'amountPence', message: 'No more than the £3,000.00 still to pay' },
    ]);
    expect(await ledgerOf(id)).toEqual({ held: 300_000, paid: 0 });

    const first = await h.step(only!.id, FINANCE2, part(100_000), 'approved');
    expect(first.context).toMatchObject({
      amountPence: 300_000,
      paid: null,
      parts: [{ amountPence: 100_000 }],
    });
    expect(await ledgerOf(id)).toEqual({ held: 300_000, paid: 100_000 });
    await expectScheduleMatchesAward(id);
    // The award is not yet paid: its payment is still open for the rest.
    expect((await h.get(id)).body.state).toBe('live');

    // A hold applies to the rest, and it must be approved again.
    const [paidRows] = await t.sql`select count(*)::int as n from fund_ledger
      where payment_case_id = ${only!.id} and movement = 'payment'`;
    expect(paidRows!.n).toBe(1);
    await t.engine.send(systemActor, only!.id, { type: 'HOLD' });
    await h.refuse(only!.id, FINANCE2, part(), 409);
    await t.engine.send(systemActor, only!.id, { type: 'RELEASE' });
    await h.step(only!.id, FINANCE, { type: 'APPROVE' }, 'approved');

    // The rest: no amount given is all that is still to pay.
    const rest = await h.step(only!.id, FINANCE2, part(undefined, 'BACS-P2'), 'paid');
    expect(
      rest.context.parts.map((p: { amountPence: number; reference: string }) => [p.amountPence, p.reference]),
    ).toEqual([
      [100_000, 'BACS-P1'],
      [200_000, 'BACS-P2'],
    ]);
    const rows = await t.sql`select amount_pence::int as amount, reference from fund_ledger
      where payment_case_id = ${only!.id} and movement = 'payment' order by id`;
    expect(rows.map((r) => [r.amount, r.reference])).toEqual([
      [100_000, 'BACS-P1'],
      [200_000, 'BACS-P2'],
    ]);
    expect(await ledgerOf(id)).toEqual({ held: 300_000, paid: 300_000 });
  });

  it('a decrease re-profiles a part-paid payment to no less than was paid, and cancelling it releases only the rest', async () => {
    const id = await signedAward(400_000, { paymentProfile: 'instalments', instalments: 2 });
    const [first] = await paymentsOf(id);
    await h.step(first!.id, FINANCE, { type: 'APPROVE' }, 'approved');
    await h.step(
      first!.id,
      FINANCE2,
      { type: 'MARK_PAID', paidOn: t.today(), reference: 'P1', amountPence: 50_000 },
      'approved',
    );
    // The rest of the first instalment is cancelled: £500 stays paid, £1,500 goes back to the fund.
    const ended = await h.step(first!.id, FINANCE, { type: 'CANCEL', reason: 'Service paused' }, 'paid');
    expect(ended.context).toMatchObject({ amountPence: 50_000, cancelReason: 'Service paused' });
    expect(await ledgerOf(id)).toEqual({ held: 250_000, paid: 50_000 });
    await expectScheduleMatchesAward(id);
  });
});
