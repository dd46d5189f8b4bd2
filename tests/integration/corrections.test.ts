// Corrections are new entries with a reason, never edits: a monitoring return re-dated keeps its old
// date beside the new one, in its context and its history, and lets go of the award's payments it was
// holding while overdue; a return waived says why, tells the provider, and holds nothing any more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { type CaseBody, cycleHelpers } from '../helpers/cycles.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';
let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let programmeId: string;
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  ({ programmeId } = await t.programme({ cycle: 'victims-services', delegationThresholdPence: 50_000_000 }));
});
afterAll(() => t.close());

/** A live victims' services award paid quarterly, and a return for its first quarter, overdue. */
async function overdueReturn() {
  const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
  await victimsBidTo('live', h.sender(id, PROVIDER), {
    amountPence: 800_000,
    paymentProfile: 'quarterlyInAdvance',
  });
  const award = (await h.get(id)).body as CaseBody;
  const period = { awardCaseId: id, periodStart: '2027-04-01', periodEnd: '2027-06-30', dueOn: '2027-07-31' };
  const ret = await h.open(OFFICER, 'monitoring-return', period, award.organisationId as string);
  await h.fire(ret.id, 'RETURN_OVERDUE', 'late');
  return { awardId: id, returnId: ret.id };
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
      redates: [{ from: '2027-07-31', to: '2031-08-31', reason: 'The provider’s data system failed' }],
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
    expect(history[0].payload.dueOn).toBe('2027-07-31');
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
    expect(past.errors).toEqual([
      { field: 'closesAt', message: expect.stringContaining('must not have passed') },
    ]);
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
