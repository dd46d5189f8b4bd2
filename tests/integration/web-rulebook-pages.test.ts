// The rulebook through the pages, as people use them: a decision held for signature says so instead
// of "Done"; a deadline is asked as a day (the end of it, UK time), not as a machine timestamp; the
// reasons given for ending a case are read on its page; ids mean nothing to people and are not shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';
import { csrfOf, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
beforeAll(async () => {
  t = await startTestApp();
  provider = await providerWithPassword(t, 'Rulebook Pages Trust');
  b = bids(t, provider);
});
afterAll(() => t.close());

const version = async (id: string) =>
  String((await t.sql`select version from cases where id = ${id}`)[0]!.version);

/**
 * Declares no conflict of interest with the case page's own form, as whoever decides or signs must
 * first; returns the case page as it then reads.
 */
async function declaredOnPage(agent: Awaited<ReturnType<typeof signedIn>>, id: string) {
  const before = await agent.get(`/cases/${id}`);
  expect(before.text).toContain(`action="/cases/${id}/declaration"`);
  const declared = await agent
    .post(`/cases/${id}/declaration`)
    .type('form')
    .send({ _csrf: csrfOf(before.text), conflicted: 'no' });
  expect(declared.status, declared.text).toBe(303);
  const after = await agent.get(declared.headers.location!);
  expect(after.text).not.toContain(`action="/cases/${id}/declaration"`);
  return after;
}

describe('a decision held for signature, on the page', () => {
  it('tells the panel member it waits for the approver, not that it is done', async () => {
    const { programmeId } = await t.programme({ maxAwardPence: 500_000, delegationThresholdPence: 200_000 });
    const id = await b.inPanelReview(programmeId, 300_000);
    const panel = await signedIn(t.baseUrl, 'panel@demo.test', DEMO_PASSWORD);
    // The panel member declares no conflict of interest on the page before deciding.
    await declaredOnPage(panel, id);
    const page = await panel.get(`/cases/${id}/events/APPROVE`);
    // The form says before it is sent that a decision above the threshold waits for an approver.
    expect(page.text).toContain(
      'If it commits money that leaves the case holding more than £2,000.00, the programme’s delegation threshold, an approver signs it before it takes effect.',
    );
    const sent = await panel
      .post(`/cases/${id}/events/APPROVE`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        version: await version(id),
        amountPence: '3000.00',
        'reportDueOn-day': '31',
        'reportDueOn-month': '3',
        'reportDueOn-year': '2031',
        quorumReason: 'Decided at the panel meeting',
      });
    expect(sent.status, sent.text).toBe(303);
    expect(sent.headers.location).toBe(`/cases/${id}?held=APPROVE`);
    const after = await panel.get(sent.headers.location!);
    expect(after.text).toContain('Your decision (“Approve a grant”) now waits for an approver’s signature');
    expect(after.text).not.toContain('Approve a grant: done');
    // The approver's signing form has nothing to type, so nothing to save and come back to.
    const approver = await signedIn(t.baseUrl, 'approver@demo.test', DEMO_PASSWORD);
    await declaredOnPage(approver, id);
    const section = async (type: string) => (await approver.get(`/cases/${id}/events/${type}`)).text;
    expect(await section('SIGN_DECISION')).not.toContain('Save and come back later');
    expect(await section('SEND_BACK_DECISION')).toContain('Save and come back later');
  });
});

describe('a decision that an approver must sign whatever is typed', () => {
  it('is offered as "Send to the approver", and one the officer may take as itself', async () => {
    const { programmeId } = await t.programme({
      cycle: 'victims-services',
      maxAwardPence: 5_000_000,
      delegationThresholdPence: 2_000_000,
    });
    const opened = await t.http
      .post('/api/cases')
      .set(provider.auth)
      .send({ machine: 'victims-services', input: { programmeId } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    await victimsBidTo('live', (by, event) =>
      b.ok(id, by === 'owner' ? 'owner' : 'officer@demo.test', event),
    );
    // The officer declared no conflict when they took the bid's decisions.
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const approveVariation = async () => (await officer.get(`/cases/${id}/events/APPROVE_VARIATION`)).text;
    const button = /<button[^>]*class="govuk-button"[^>]*>\s*([^<]+?)\s*<\/button>/;

    // Within the threshold (£15,000 in all): the officer approves it themselves.
    await b.ok(id, 'officer@demo.test', {
      type: 'REQUEST_VARIATION',
      amountPence: 1_500_000,
      reason: 'More',
    });
    expect(button.exec(await approveVariation())?.[1]).toBe('Approve the variation');

    // Above it (£25,000 in all): it can only go to the approver, and says so before and after.
    await b.ok(id, 'officer@demo.test', { type: 'REJECT_VARIATION', reason: 'Not yet' });
    await b.ok(id, 'officer@demo.test', {
      type: 'REQUEST_VARIATION',
      amountPence: 2_500_000,
      reason: 'Much more',
    });
    const page = (await officer.get(`/cases/${id}`)).text;
    expect(page).toMatch(
      /events\/APPROVE_VARIATION"[^>]*>Approve the variation<\/a>\s*<p class="govuk-hint[^"]*">An approver signs it before it takes effect\./,
    );
    const form = await approveVariation();
    expect(button.exec(form)?.[1]).toBe('Send to the approver');
    expect(form).toContain(
      'An approver signs this decision before it takes effect. Nothing changes until they sign it.',
    );
    const sent = await officer
      .post(`/cases/${id}/events/APPROVE_VARIATION`)
      .type('form')
      .send({ _csrf: csrfOf(form), version: await version(id) });
    expect(sent.status, sent.text).toBe(303);
    expect(sent.headers.location).toBe(`/cases/${id}?held=APPROVE_VARIATION`);
    const [row] = await t.sql`select decision->>'status' as status from cases where id = ${id}`;
    expect(row!.status).toBe('awaitingSignature');
  });
});

describe('a deadline on a page', () => {
  it('is asked as a day, and taken as the end of that day, UK time', async () => {
    const own = await t.programme({ cycle: 'youth-fund' });
    await b.ok(own.roundId!, 'officer@demo.test', { type: 'CLOSE_EARLY', reason: 'Closed by mistake' });
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = await officer.get(`/cases/${own.roundId}/events/REOPEN`);
    expect(page.text).toContain('Until the end of this day, UK time');
    const sent = await officer
      .post(`/cases/${own.roundId}/events/REOPEN`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        version: await version(own.roundId!),
        'closesAt-day': '30',
        'closesAt-month': '6',
        'closesAt-year': '2031',
        reason: 'Closed a week early by mistake',
      });
    expect(sent.status, sent.text).toBe(303);
    const [row] =
      await t.sql`select state, snapshot->'context'->>'closesAt' as closes from cases where id = ${own.roundId}`;
    // Midnight at the end of 30 June 2031, British Summer Time.
    expect(row).toEqual({ state: 'open', closes: '2031-06-30T23:00:00.000Z' });
    const shown = await officer.get(`/cases/${own.roundId}`);
    expect(shown.text).toContain('the end of 30 June 2031 (midnight)');
    expect(shown.text).not.toContain('2031-06-30T23:00:00.000Z');
    // Providers and the programme page see the round's new deadline, not the one first set up.
    const [programme] = await t.sql`select name from programmes where id = ${own.programmeId}`;
    const funding = await (await signedIn(t.baseUrl, provider.email, provider.password)).get('/funding');
    const call = funding.text.slice(funding.text.indexOf(programme!.name as string));
    expect(call.slice(0, 2000)).toContain('the end of 30 June 2031 (midnight)');
    const programmePage = await officer.get(`/programmes/${own.programmeId}`);
    expect(programmePage.text).toContain('the end of 30 June 2031 (midnight)');
  });
});

describe('what a case page shows a person', () => {
  it('reads the reasons given for ending a case, with what they were given for', async () => {
    const id = await b.open(t.youthFund.programmeId, 'Drama club');
    await b.ok(id, 'owner', { type: 'WITHDRAW', reason: 'No volunteers this term' });
    const page = await (await signedIn(t.baseUrl, provider.email, provider.password)).get(`/cases/${id}`);
    expect(page.text).toContain('Withdraw the bid');
    expect(page.text).toContain('No volunteers this term');
    expect(page.text).not.toMatch(/Reasons<\/dt>\s*<dd[^>]*>\s*1 entry/);
  });

  it('leaves out ids: a payment names no award case id or finance user id', async () => {
    const pay = paymentHelpers(t);
    const award = await b.inPanelReview(t.youthFund.programmeId, 100_000);
    await b.ok(award, 'panel@demo.test', {
      type: 'APPROVE',
      amountPence: 100_000,
      reportDueOn: '2031-03-31',
      quorumReason: 'Decided at the panel meeting',
    });
    await b.ok(award, 'owner', { type: 'ACCEPT_OFFER' });
    const payment = await pay.openPaymentOf(award);
    const page = await (await signedIn(t.baseUrl, 'finance@demo.test', DEMO_PASSWORD)).get(
      `/cases/${payment.id}`,
    );
    expect(page.status).toBe(200);
    const details = /id="case-details"[\s\S]*?<\/dl>/.exec(page.text)?.[0] ?? '';
    expect(details).toContain('£1,000.00');
    expect(details).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});
