// Actions that cannot be undone ask first: each needs a reason (422 naming it, nothing written),
// pages confirm it on a page of its own with a warning button, and the organisation it happened to
// is told by email exactly once. Dates mean what they say: a grant completes only once its agreement
// has run; a report due date is not in the past.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';
import { csrfOf, errorSummaryOf, movableClock, providerWithPassword, signedIn } from '../helpers/web.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

const clock = movableClock();
let t: TestApp;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
beforeAll(async () => {
  t = await startTestApp({ clock });
  provider = await providerWithPassword(t, 'Irreversible Trust');
  b = bids(t, provider);
});
afterAll(() => t.close());

const OFFICER = 'officer@demo.test';

async function stored(id: string) {
  const [row] = await t.sql`select state, version from cases where id = ${id}`;
  return row!;
}
const mailTo = async (id: string, email: string) =>
  (await t.sql`select message from outbox where case_id = ${id} and to_email = ${email} order by id`).map(
    (r) => r.message as string,
  );

describe('withdrawing a bid over the API', () => {
  it('needs a reason, and tells the organisation once', async () => {
    const id = await b.open(t.youthFund.programmeId, 'Football');
    const before = await stored(id);
    const bare = await b.send(id, 'owner', { type: 'WITHDRAW' });
    expect(bare.status).toBe(422);
    expect(bare.body.errors).toEqual([{ field: 'reason', message: 'Enter why you are withdrawing the bid' }]);
    expect(await stored(id)).toEqual(before);

    await b.ok(id, 'owner', { type: 'WITHDRAW', reason: 'The hall closed' });
    expect(await stored(id)).toMatchObject({ state: 'withdrawn' });
    expect(await mailTo(id, provider.email)).toEqual(['irreversibleAction']);
    const [mail] = await t.sql`select subject, text from outbox where case_id = ${id}`;
    expect(mail!.subject).toMatch(/withdrawn/i);
    expect(mail!.text).toContain('cannot be undone');
  });
});

/** A live victims' services grant of £10,000 for 1 April 2027 to 31 March 2028, paid in one go. */
async function liveGrant(): Promise<string> {
  const { programmeId } = await t.programme({
    cycle: 'victims-services',
    delegationThresholdPence: 50_000_000,
  });
  const open = await t.http
    .post('/api/cases')
    .set(provider.auth)
    .send({ machine: 'victims-services', input: { programmeId } });
  const id = open.body.id as string;
  await victimsBidTo('live', (by, event) => b.ok(id, by === 'owner' ? 'owner' : OFFICER, event));
  return id;
}

describe("terminating a victims' services grant, and completing it", () => {
  it('completes only once the agreement has run; terminating needs a reason and is told once', async () => {
    clock.reset();
    const id = await liveGrant();

    const live = await stored(id);
    const early = await b.send(id, OFFICER, { type: 'COMPLETE' });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([
      {
        field: 'agreement.endsOn',
        message: expect.stringContaining('terminate the grant and give the reasons'),
      },
    ]);
    expect(await stored(id)).toEqual(live);

    // On the agreement's last day it may close.
    clock.move(Date.parse('2028-03-31T12:00:00Z') - Date.now());
    const done = await b.send(id, OFFICER, { type: 'COMPLETE' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe('closed');
    clock.reset();
  });

  it('terminating tells the provider once: the machine already says so, the rulebook adds nothing', async () => {
    const id = await liveGrant();
    expect((await b.send(id, OFFICER, { type: 'TERMINATE' })).status).toBe(422);
    await b.ok(id, OFFICER, { type: 'TERMINATE', reason: 'Service stopped' });
    const told = (await mailTo(id, provider.email)).filter(
      (m) => m === 'terminated' || m === 'irreversibleAction',
    );
    expect(told).toEqual(['terminated']);
  });
});

describe('a report due date', () => {
  it('in the past is refused, naming the field; today is fine', async () => {
    const id = await b.inPanelReview(t.youthFund.programmeId, 100_000);
    const past = await b.send(id, 'panel@demo.test', {
      ...ev.APPROVE,
      amountPence: 100_000,
      reportDueOn: '2020-01-01',
    });
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([
      { field: 'reportDueOn', message: expect.stringContaining('not in the past') },
    ]);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    await b.ok(id, 'panel@demo.test', { ...ev.APPROVE, amountPence: 100_000, reportDueOn: today });
  });
});

describe('cancelling a payment', () => {
  it('needs a reason and tells the provider', async () => {
    const pay = paymentHelpers(t);
    const id = await b.inPanelReview(t.youthFund.programmeId, 100_000);
    await b.ok(id, 'panel@demo.test', { ...ev.APPROVE, amountPence: 100_000, reportDueOn: '2031-03-31' });
    await b.ok(id, 'owner', { type: 'ACCEPT_OFFER' });
    const payment = await pay.openPaymentOf(id);
    const bare = await t.http
      .post(`/api/cases/${payment.id}/events`)
      .set(t.as('finance@demo.test'))
      .send({ type: 'CANCEL' });
    expect(bare.status).toBe(422);
    const done = await t.http
      .post(`/api/cases/${payment.id}/events`)
      .set(t.as('finance@demo.test'))
      .send({ type: 'CANCEL', reason: 'Grant paid by another route' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await mailTo(payment.id, provider.email)).toContain('irreversibleAction');
  });
});

describe('the pages', () => {
  it('confirm on a page of their own with a warning button; nothing happens until confirmed', async () => {
    clock.reset();
    const id = await b.open(t.youthFund.programmeId, 'Drama club');
    const agent = await signedIn(t.baseUrl, provider.email, provider.password);
    const page = await agent.get(`/cases/${id}/events/WITHDRAW`);
    expect(page.text).toContain('Continue to withdraw the bid');
    const form = { _csrf: csrfOf(page.text), version: String((await stored(id)).version) };

    // No reason: the action's page again, with the error summary.
    const bare = await agent.post(`/cases/${id}/events/WITHDRAW`).type('form').send(form);
    expect(bare.status).toBe(422);
    expect(errorSummaryOf(bare.text).map((e) => e.text)).toEqual(['Enter why you are withdrawing the bid']);

    // A reason: the confirmation page, and the case unchanged.
    const before = await stored(id);
    const ask = await agent
      .post(`/cases/${id}/events/WITHDRAW`)
      .type('form')
      .send({ ...form, reason: 'No volunteers this term' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Are you sure you want to withdraw the bid?');
    expect(ask.text).toContain('govuk-button--warning');
    expect(ask.text).toContain('This cannot be undone');
    expect(ask.text).toContain('No volunteers this term');
    expect(await stored(id)).toEqual(before);

    // Confirmed: done, with the reason as given.
    const confirmed = await agent
      .post(`/cases/${id}/events/WITHDRAW`)
      .type('form')
      .send({
        _csrf: csrfOf(ask.text),
        version: form.version,
        reason: 'No volunteers this term',
        _confirmed: 'yes',
      });
    expect(confirmed.status).toBe(303);
    expect(await stored(id)).toMatchObject({ state: 'withdrawn' });
    const [history] =
      await t.sql`select payload from case_events where case_id = ${id} and type = 'WITHDRAW'`;
    expect(history!.payload).toEqual({ reason: 'No volunteers this term' });
  });

  it('ending an award says what ending does to its payments and returns before it is confirmed', async () => {
    clock.reset();
    const id = await liveGrant();
    const agent = await signedIn(t.baseUrl, OFFICER, DEMO_PASSWORD);
    const page = await agent.get(`/cases/${id}`);
    const ask = await agent
      .post(`/cases/${id}/events/TERMINATE`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        version: String((await stored(id)).version),
        reason: 'Service stopped',
      });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Are you sure you want to terminate the grant?');
    expect(ask.text).toContain(
      'Payments not yet made are cancelled and their money goes back to the fund; monitoring returns for periods after today are withdrawn.',
    );
    expect((await stored(id)).state).toBe('live');
  });
});
