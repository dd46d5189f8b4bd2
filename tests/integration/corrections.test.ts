// Corrections are new entries with a reason, never edits: a monitoring return re-dated keeps its old
// date beside the new one, in its context and its history, and lets go of the award's payments it was
// holding while overdue; a return waived says why, tells the provider, and holds nothing any more.
// A payment's paid date or reference recorded wrongly is corrected as a reversal and a new ledger
// entry, and the money moves to the day it was really paid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../machines/calendar.ts';
import { periodSums } from '../../src/db/queries/reports.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';
const FINANCE: DemoEmail = 'finance@demo.test';
const FINANCE2: DemoEmail = 'finance2@demo.test';
const DAY_MS = 24 * 60 * 60 * 1000;
// The real time, until a test moves it on to record a payment some days after its approval.
const clock = { daysOn: 0, now: () => new Date(Date.now() + clock.daysOn * DAY_MS) };
let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let programmeId: string;
let fundId: string;
beforeAll(async () => {
  t = await startTestApp({ clock });
  h = cycleHelpers(t);
  ({ programmeId, fundId } = await t.programme({
    cycle: 'victims-services',
    delegationThresholdPence: 50_000_000,
  }));
});
afterAll(() => t.close());

/** A live victims' services award paid quarterly, and a return for its first quarter, overdue. */
async function overdueReturn() {
  const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
  await victimsBidTo('live', h.sender(id, PROVIDER), {
    amountPence: 800_000,
    paymentProfile: 'quarterlyInAdvance',
  });
  const returnId = await h.returnFor(id, '2027-04-01');
  await h.fire(returnId, 'RETURN_OVERDUE', 'late');
  return { awardId: id, returnId };
}

const paymentStates = async (awardId: string) =>
  (
    await t.sql`select state from cases where award_case_id = ${awardId} and machine_id = 'award-payment' order by seq`
  ).map((r) => r.state as string);

describe('re-dating a monitoring return', () => {
  it('keeps the old date beside the new, makes it due again and lets the payments go', async () => {
    const { awardId, returnId } = await overdueReturn();
    expect(await paymentStates(awardId)).toEqual(['held', 'held', 'held', 'held']);

    const past = await h.refuse(
      returnId,
      OFFICER,
      { type: 'REDATE_RETURN', dueOn: '2020-01-31', reason: 'x' },
      422,
    );
    expect(past.errors).toContainEqual({
      field: 'dueOn',
      message: expect.stringContaining('not in the past'),
    });
    await h.refuse(returnId, OFFICER, { type: 'REDATE_RETURN', dueOn: '2031-08-31' }, 422);
    await h.refuse(returnId, PROVIDER, { type: 'REDATE_RETURN', dueOn: '2031-08-31', reason: 'Mine' }, 403);

    const redated = await h.step(
      returnId,
      OFFICER,
      { type: 'REDATE_RETURN', dueOn: '2031-08-31', reason: 'The provider’s data system failed' },
      'due',
    );
    expect(redated.context).toMatchObject({
      dueOn: '2031-08-31',
      holdsPayments: false,
      redates: [{ from: '2027-07-30', to: '2031-08-31', reason: 'The provider’s data system failed' }],
    });
    expect(await paymentStates(awardId)).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled']);
    // The new deadline is set; the history has the original and the correction.
    expect(Object.keys(await h.timersOf(returnId)).sort()).toEqual(['RETURN_DUE_SOON', 'RETURN_OVERDUE']);
    const history = (await t.http.get(`/api/cases/${returnId}/history`).set(t.as(OFFICER))).body.items;
    expect(history.map((e: { type: string }) => e.type)).toEqual([
      'CREATE',
      'RETURN_OVERDUE',
      'REDATE_RETURN',
    ]);
    expect(history[0].payload.dueOn).toBe('2027-07-30');
    const [told] =
      await t.sql`select count(*)::int as n from outbox where case_id = ${returnId} and message = 'returnRedated'`;
    expect(told!.n).toBeGreaterThan(0);
  });
});

describe('waiving a monitoring return', () => {
  it('needs a reason, holds nothing any more, and tells the provider', async () => {
    const { awardId, returnId } = await overdueReturn();
    await h.refuse(returnId, OFFICER, { type: 'WAIVE_RETURN' }, 422);
    const waived = await h.step(
      returnId,
      OFFICER,
      { type: 'WAIVE_RETURN', reason: 'Service paused by agreement' },
      'waived',
    );
    expect(waived.context).toMatchObject({
      waivedReason: 'Service paused by agreement',
      holdsPayments: false,
    });
    expect(await paymentStates(awardId)).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled']);
    const [told] =
      await t.sql`select count(*)::int as n from outbox where case_id = ${returnId} and message = 'irreversibleAction'`;
    expect(told!.n).toBeGreaterThan(0);
  });
});

describe('reopening a round closed early', () => {
  it('takes bids again, with the reason on record; not once assessment has started', async () => {
    const own = await t.programme({ cycle: 'youth-fund' });
    const bid = await h.open(PROVIDER, 'youth-fund', { programmeId: own.programmeId, title: 'Skate park' });
    const submit = {
      type: 'SUBMIT',
      title: 'Skate park',
      summary: 'Sessions',
      amountRequestedPence: 100_000,
    };
    await h.step(own.roundId!, OFFICER, { type: 'CLOSE_EARLY', reason: 'Closed by mistake' }, 'closed');
    const refused = await h.refuse(bid.id, PROVIDER, submit, 409);
    expect(refused.title).toBe('The call for bids is not open');

    await h.refuse(own.roundId!, OFFICER, { type: 'REOPEN', closesAt: '2031-01-31T17:00:00+00:00' }, 422);
    await h.refuse(
      own.roundId!,
      OFFICER,
      { type: 'REOPEN', closesAt: '2020-01-31T17:00:00+00:00', reason: 'x' },
      422,
    );
    const reopened = await h.step(
      own.roundId!,
      OFFICER,
      { type: 'REOPEN', closesAt: '2031-01-31T17:00:00+00:00', reason: 'Closed a week early by mistake' },
      'open',
    );
    expect(reopened.context).toMatchObject({
      earlyCloseReason: 'Closed by mistake',
      reopenings: [{ closesAt: '2031-01-31T17:00:00.000Z', reason: 'Closed a week early by mistake' }],
    });
    await h.step(bid.id, PROVIDER, submit, 'submitted');

    await h.step(own.roundId!, OFFICER, { type: 'CLOSE_EARLY', reason: 'Enough bids' }, 'closed');
    await h.step(own.roundId!, OFFICER, { type: 'START_ASSESSMENT' }, 'assessment');
    await h.refuse(
      own.roundId!,
      OFFICER,
      { type: 'REOPEN', closesAt: '2031-02-28T17:00:00+00:00', reason: 'Late' },
      409,
    );
  });
});

describe('a later deadline for one applicant', () => {
  it('lets that applicant alone bid after the round has closed, until their own deadline', async () => {
    const own = await t.programme({ cycle: 'youth-fund' });
    const theirs = await h.open(PROVIDER, 'youth-fund', {
      programmeId: own.programmeId,
      title: 'Cycle repair',
    });
    const others = await h.open('provider2@demo.test', 'youth-fund', {
      programmeId: own.programmeId,
      title: 'Choir',
    });
    const submit = {
      type: 'SUBMIT',
      title: 'Cycle repair',
      summary: 'Weekly',
      amountRequestedPence: 100_000,
    };
    await h.step(own.roundId!, OFFICER, { type: 'CLOSE_EARLY', reason: 'Deadline reached' }, 'closed');

    await h.refuse(
      theirs.id,
      OFFICER,
      { type: 'EXTEND_OWN_DEADLINE', closesAt: '2031-01-31T17:00:00+00:00' },
      422,
    );
    const past = await h.refuse(
      theirs.id,
      OFFICER,
      { type: 'EXTEND_OWN_DEADLINE', closesAt: '2020-01-31T17:00:00+00:00', reason: 'x' },
      422,
    );
    expect(past.errors).toEqual([{ field: 'closesAt', message: expect.stringContaining('has not passed') }]);
    await h.refuse(
      theirs.id,
      PROVIDER,
      { type: 'EXTEND_OWN_DEADLINE', closesAt: '2031-01-31T17:00:00+00:00', reason: 'Mine' },
      403,
    );
    const extended = await h.step(
      theirs.id,
      OFFICER,
      {
        type: 'EXTEND_OWN_DEADLINE',
        closesAt: '2031-01-31T17:00:00+00:00',
        reason: 'Their treasurer was in hospital',
      },
      'draft',
    );
    expect(extended.context.ownDeadline).toEqual({
      closesAt: '2031-01-31T17:00:00.000Z',
      reason: 'Their treasurer was in hospital',
    });
    const [told] =
      await t.sql`select count(*)::int as n from outbox where case_id = ${theirs.id} and message = 'deadlineExtended'`;
    expect(told!.n).toBeGreaterThan(0);

    await h.step(theirs.id, PROVIDER, submit, 'submitted');
    const refused = await h.refuse(others.id, 'provider2@demo.test', { ...submit, title: 'Choir' }, 409);
    expect(refused.title).toBe('The call for bids is not open');
  });
});

describe('correcting a recorded payment', () => {
  const ledgerRows = async (paymentId: string) =>
    (
      await t.sql`select id, amount_pence::int as amount, effective_on, reference, reverses_id, note
        from fund_ledger where payment_case_id = ${paymentId} and movement = 'payment' order by id`
    ).map((r) => ({ ...r }));
  /** Paid from the programme's budget line (its funds of every year) on exactly one day, as the board report sums it. */
  const paidOnDay = async (day: string) => {
    const line = await t.sql`select id from funds where name = (select name from funds where id = ${fundId})`;
    const sums = await periodSums(
      t.db,
      line.map((f) => f.id as string),
      day,
      day,
    );
    return sums.reduce((sum, r) => sum + r.paidInPeriod, 0n);
  };

  it('reverses the payment and enters it again as corrected; the history keeps both; the money moves to the day it was paid', async () => {
    const { id: awardId } = await h.open(PROVIDER, 'victims-services', { programmeId });
    await victimsBidTo('live', h.sender(awardId, PROVIDER), { amountPence: 500_000 });
    const [row] =
      await t.sql`select id from cases where award_case_id = ${awardId} and machine_id = 'award-payment'`;
    const paymentId = row!.id as string;
    await h.step(paymentId, FINANCE, { type: 'APPROVE' }, 'approved');
    const approvedOn = t.today();
    clock.daysOn = 40;
    try {
      const today = t.today();
      const paid = (paidOn: string, reference = 'BACS-1') => ({ type: 'MARK_PAID', paidOn, reference });
      // A paid day is a fact: not one still to come, not before the payment was approved.
      const future = await h.refuse(paymentId, FINANCE2, paid(addDays(today, 1)), 422);
      expect(future.errors?.[0]).toMatchObject({
        field: 'paidOn',
        message: expect.stringContaining('after today'),
      });
      const early = await h.refuse(paymentId, FINANCE2, paid(addDays(approvedOn, -1)), 422);
      expect(early.errors?.[0]).toMatchObject({
        field: 'paidOn',
        message: expect.stringContaining('approved on'),
      });

      const wrongDay = addDays(approvedOn, 35);
      const rightDay = addDays(approvedOn, 3);
      await h.step(paymentId, FINANCE2, paid(wrongDay, 'BACS-WRONG'), 'paid');
      expect([await paidOnDay(wrongDay), await paidOnDay(rightDay)]).toEqual([500_000n, 0n]);
      const [original] = await ledgerRows(paymentId);

      const correction = {
        type: 'CORRECT_PAYMENT',
        paidOn: rightDay,
        reference: 'BACS-RIGHT',
        reason: 'Keyed from the wrong bank run',
      };
      // Only finance corrects; a reason is needed; a correction must change something and be a possible day.
      await h.refuse(paymentId, OFFICER, correction, 403);
      await h.refuse(paymentId, PROVIDER, correction, 403);
      await h.refuse(paymentId, FINANCE, { ...correction, reason: ' ' }, 422);
      await h.refuse(paymentId, FINANCE, { ...correction, paidOn: wrongDay, reference: 'BACS-WRONG' }, 422);
      await h.refuse(paymentId, FINANCE, { ...correction, paidOn: addDays(today, 1) }, 422);
      expect(await ledgerRows(paymentId)).toEqual([original]);

      const corrected = await h.step(paymentId, FINANCE, correction, 'paid');
      expect(corrected.context.paid).toEqual({ paidOn: rightDay, reference: 'BACS-RIGHT' });
      expect(corrected.context.corrections).toEqual([
        { paidOn: wrongDay, reference: 'BACS-WRONG', reason: correction.reason, correctedOn: today },
      ]);
      // The ledger: the original stands, a reversal on its day undoes it, a new entry on the right day.
      const note = `Correction: ${correction.reason}`;
      expect(await ledgerRows(paymentId)).toEqual([
        original,
        {
          id: expect.any(String),
          amount: -500_000,
          effective_on: wrongDay,
          reference: 'BACS-WRONG',
          reverses_id: original!.id,
          note,
        },
        {
          id: expect.any(String),
          amount: 500_000,
          effective_on: rightDay,
          reference: 'BACS-RIGHT',
          reverses_id: null,
          note,
        },
      ]);
      expect([await paidOnDay(wrongDay), await paidOnDay(rightDay)]).toEqual([0n, 500_000n]);
      const [net] = await t.sql`select sum(amount_pence)::int as paid from fund_ledger
        where case_id = ${awardId} and movement = 'payment'`;
      expect(net!.paid).toBe(500_000);

      // The history shows the payment as first recorded and the correction, with its reason.
      const history = await t.http.get(`/api/cases/${paymentId}/history`).set(t.as(FINANCE));
      const entries = (history.body.items ?? history.body) as Array<{ type: string; payload: object }>;
      expect(
        entries.filter((e) => ['MARK_PAID', 'CORRECT_PAYMENT'].includes(e.type)).map((e) => e.payload),
      ).toEqual([
        { paidOn: wrongDay, reference: 'BACS-WRONG' },
        { paidOn: rightDay, reference: 'BACS-RIGHT', reason: correction.reason },
      ]);
      // The provider is told the record changed.
      const [mail] = await t.sql`select count(*)::int as n from outbox
        where case_id = ${paymentId} and message = 'paymentCorrected' and to_email = ${PROVIDER}`;
      expect(mail!.n).toBe(1);
      // A second correction reverses the corrected entry, not the original again.
      await h.step(
        paymentId,
        FINANCE2,
        { ...correction, reference: 'BACS-RIGHT-2', reason: 'Typing slip' },
        'paid',
      );
      const rows = await ledgerRows(paymentId);
      expect(rows.map((r) => [r.amount, r.reference, r.reverses_id])).toEqual([
        [500_000, 'BACS-WRONG', null],
        [-500_000, 'BACS-WRONG', original!.id],
        [500_000, 'BACS-RIGHT', null],
        [-500_000, 'BACS-RIGHT', rows[2]!.id],
        [500_000, 'BACS-RIGHT-2', null],
      ]);
    } finally {
      clock.daysOn = 0;
    }
  });
});
