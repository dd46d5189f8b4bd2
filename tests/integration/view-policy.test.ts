// One view policy per role, declared in the definitions (staffOnly context and payload fields) and
// applied by the engine to the case view and its history alike, so the API and the pages agree:
// providers see what is addressed to them, never the moderation, scores, the delegation threshold,
// a decision awaiting signature or who in finance did what; staff see all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';
import { providerWithPassword, signedIn } from '../helpers/web.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

let t: TestApp;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
let caseId: string;
const OFFICER = 'officer@demo.test';
const MODERATION = 'Panel agreed after discussing the risks in the delivery plan';

beforeAll(async () => {
  t = await startTestApp();
  provider = await providerWithPassword(t, 'View Policy Trust');
  b = bids(t, provider);
  // A victims' services bid moderated and awaiting the approver's signature on its recommendation.
  const { programmeId } = await t.programme({
    cycle: 'victims-services',
    delegationThresholdPence: 1_000_000,
  });
  const open = await t.http
    .post('/api/cases')
    .set(provider.auth)
    .send({ machine: 'victims-services', input: { programmeId } });
  caseId = open.body.id as string;
  await victimsBidTo(
    'recommendation',
    (by, event) => b.ok(caseId, by === 'owner' ? 'owner' : OFFICER, event),
    {
      amountPence: 3_000_000,
      moderation: { scores: { need: 4, value: 2 }, rationale: MODERATION },
    },
  );
  await b.ok(caseId, OFFICER, { type: 'RECOMMEND_AWARD', amountPence: 2_000_000, rationale: 'Fund it' });
});
afterAll(() => t.close());

const INTERNAL = ['delegationThresholdPence', 'moderatedScores', 'weightedScore', 'rationale'];

describe('the case view', () => {
  it('gives staff the deliberation and the hold; gives the provider neither', async () => {
    for (const email of [OFFICER, 'approver@demo.test', 'finance@demo.test', 'panel@demo.test'] as const) {
      const res = await t.http.get(`/api/cases/${caseId}`).set(t.as(email));
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.context), email).toEqual(expect.arrayContaining(INTERNAL));
      expect(res.body.decision, email).toMatchObject({ status: 'awaitingSignature' });
    }
    const mine = await t.http.get(`/api/cases/${caseId}`).set(provider.auth);
    expect(mine.status).toBe(200);
    for (const field of INTERNAL) expect(mine.body.context).not.toHaveProperty(field);
    expect(mine.body.decision).toBeNull();
    // What is addressed to them is still there.
    expect(mine.body.context).toMatchObject({ title: 'ISVA service', amountRequestedPence: 3_000_000 });
  });
});

describe('the history', () => {
  it("keeps the moderation's payload and the held recommendation from the provider", async () => {
    const asStaff = (await t.http.get(`/api/cases/${caseId}/history`).set(t.as(OFFICER))).body.items;
    const moderated = asStaff.find((e: { type: string }) => e.type === 'MODERATE');
    expect(moderated.payload).toMatchObject({ rationale: MODERATION, scores: { need: 4, value: 2 } });
    expect(asStaff.map((e: { type: string }) => e.type)).toContain('RECOMMEND_AWARD');

    const asProvider = (await t.http.get(`/api/cases/${caseId}/history`).set(provider.auth)).body.items;
    expect(asProvider.find((e: { type: string }) => e.type === 'MODERATE').payload).toEqual({});
    expect(asProvider.map((e: { type: string }) => e.type)).not.toContain('RECOMMEND_AWARD');
    expect(JSON.stringify(asProvider)).not.toContain(MODERATION);
  });
});

describe('the case page', () => {
  it('shows the officer the moderation and the decision awaiting signature, and the provider neither', async () => {
    const officerPage = await (await signedIn(t.baseUrl, OFFICER, 'demo-commissioning-2026')).get(
      `/cases/${caseId}`,
    );
    expect(officerPage.status).toBe(200);
    expect(officerPage.text).toContain(MODERATION);
    expect(officerPage.text).toContain('Decision awaiting an approver');

    const providerPage = await (await signedIn(t.baseUrl, provider.email, provider.password)).get(
      `/cases/${caseId}`,
    );
    expect(providerPage.status).toBe(200);
    expect(providerPage.text).toContain('ISVA service');
    expect(providerPage.text).not.toContain(MODERATION);
    expect(providerPage.text).not.toContain('signature');
    expect(providerPage.text).not.toContain('£10,000.00'); // the delegation threshold
  });
});

describe('a payment', () => {
  it('hides from the provider who in finance scheduled, varied and approved it', async () => {
    const pay = paymentHelpers(t);
    await b.ok(caseId, 'approver@demo.test', { type: 'SIGN_DECISION' });
    await b.ok(caseId, 'owner', { type: 'ACCEPT_OFFER' });
    await b.ok(caseId, OFFICER, {
      type: 'SIGN_AGREEMENT',
      startsOn: '2027-04-01',
      endsOn: '2028-03-31',
      amountPence: 2_000_000,
      paymentProfile: 'oneOff',
    });
    const [payment] = await pay.paymentsOf(caseId);
    await pay.approve(payment!.id);
    const staff = await t.http.get(`/api/cases/${payment!.id}`).set(t.as('finance@demo.test'));
    expect(staff.body.context.approvedBy).toEqual(expect.any(String));
    const mine = await t.http.get(`/api/cases/${payment!.id}`).set(provider.auth);
    expect(mine.status).toBe(200);
    for (const field of ['scheduledBy', 'variedBy', 'approvedBy'])
      expect(mine.body.context).not.toHaveProperty(field);
    expect(mine.body.context.amountPence).toBe(2_000_000);
  });
});

describe('what is addressed to the provider', () => {
  it('shows them the query on their report, in full, on the case page', async () => {
    const pay = paymentHelpers(t);
    const id = await b.inPanelReview(t.youthFund.programmeId, 100_000);
    await b.ok(id, 'panel@demo.test', { ...ev.APPROVE, amountPence: 100_000, reportDueOn: '2031-03-31' });
    await b.ok(id, 'owner', { type: 'ACCEPT_OFFER' });
    await pay.payAward(id);
    const report = { ...ev.SUBMIT_REPORT, summary: 'Ran', spentPence: 100_000, outcomes: 'Good' };
    await b.ok(id, 'owner', report);
    const query = 'Please send the attendance figures for August';
    await b.ok(id, OFFICER, { type: 'QUERY_REPORT', reason: query });
    const page = await (await signedIn(t.baseUrl, provider.email, provider.password)).get(`/cases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(query);
  });
});
