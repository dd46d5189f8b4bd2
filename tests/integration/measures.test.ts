// Measures fit their cycle: a return (or a Youth Fund report) gives a figure for each measure its
// programme had when it was opened, and no cycle enters another's. Through the API, on real cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { figuresFor, victimsFigures } from '../helpers/figures.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';
import { providerWithPassword } from '../helpers/web.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';
const CSP: DemoEmail = 'csp@demo.test';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let fenlandCsp = '';
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  fenlandCsp = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
});
afterAll(() => t?.close());

type Measure = { id: string; name: string; unit: string; breakdowns: string[] };
const measuresOfReturn = async (id: string) =>
  ((await h.get(id)).body as { context: { measures: Measure[] } }).context.measures;
const fields = (problem: { errors?: { field: string }[] }) => (problem.errors ?? []).map((e) => e.field);

/** A crime and disorder grant for the Fenland CSP, live for 2026-27, with its returns opened. */
async function liveGrant(programmeId: string): Promise<string> {
  const created = await t.http
    .post('/api/cases')
    .set(t.as(OFFICER))
    .send({
      machine: 'crime-disorder-grant',
      organisationId: fenlandCsp,
      input: { programmeId, allocationPence: 400_000, financialYear: '2026-27', purpose: 'Rural theft' },
    });
  expect(created.status).toBe(201);
  const s = h.on(created.body.id);
  await s(OFFICER, { type: 'ALLOCATE' }, 'allocated');
  await s(
    OFFICER,
    { type: 'OFFER_CONDITIONS', conditions: 'Quarterly', reasons: 'Small grant' },
    'conditionsOffered',
  );
  await s(CSP, { type: 'ACCEPT_CONDITIONS' }, 'live');
  return created.body.id;
}

describe('measures fit their cycle', () => {
  it("a crime and disorder grant's return asks its own measures, and refuses a victims' service's", async () => {
    const { programmeId } = await t.programme({ cycle: 'crime-disorder-grant' });
    const grant = await liveGrant(programmeId);
    const [first] = await h.returnsOf(grant);
    const measures = await measuresOfReturn(first!.id);
    expect(measures.map((m) => m.id)).toEqual(['crimesInArea', 'peopleReached', 'residentsFeelingSafe']);
    // The April to June 2026 quarter has ended (the suite runs after it): it can be submitted.
    const report = { type: 'SUBMIT_RETURN', performance: 'On track', spendPence: 10_000 };
    const victims = await h.refuse(first!.id, CSP, { ...report, ...victimsFigures(10, 80) }, 422);
    expect(fields(victims)).toEqual([
      'measures.crimesInArea',
      'measures.peopleReached',
      'measures.residentsFeelingSafe',
      'measures.victimsSupported',
      'measures.copeAndRecover',
    ]);
    expect(victims.errors![3]!.message).toBe('"victimsSupported" is not one of the measures this asks for');
    expect((await h.get(first!.id)).body.state).toBe('due');
    const own = { ...report, measures: figuresFor(measures as never, 7) };
    const filed = await h.step(first!.id, CSP, own, 'submitted');
    expect(filed.context.latestReturn.measures.crimesInArea).toEqual({
      value: 7,
      breakdown: { 'Rural theft': 7, 'Anti-social behaviour': 0, 'Other crime': 0 },
    });
  });

  it("a victims' service's return asks the Ministry of Justice's, parts adding up to the whole", async () => {
    const { programmeId } = await t.programme({ cycle: 'victims-services' });
    const { id: award } = await h.open(PROVIDER, 'victims-services', { programmeId });
    await victimsBidTo('live', h.sender(award, PROVIDER), { amountPence: 100_000 });
    const ret = await h.returnFor(award, '2027-04-01');
    expect((await measuresOfReturn(ret)).map((m) => m.id)).toEqual(['victimsSupported', 'copeAndRecover']);
    const report = { type: 'SUBMIT_RETURN', performance: 'Fine', spendPence: 1_000 };
    const wrong = victimsFigures(10, 80);
    wrong.measures.victimsSupported!.breakdown!['Other crime'] = 4;
    await t.onDay('2027-07-01', async () => {
      const refused = await h.refuse(ret, PROVIDER, { ...report, ...wrong }, 422);
      expect(refused.errors).toEqual([
        {
          field: 'measures.victimsSupported',
          message: 'Victims supported: the parts add up to 11, but the total is 10',
        },
      ]);
      await h.step(ret, PROVIDER, { ...report, ...victimsFigures(10, 80) }, 'submitted');
    });
  });

  it("a return keeps the measures it was opened with; one opened after a change to the programme's gets the new ones", async () => {
    const { programmeId } = await t.programme({ cycle: 'crime-disorder-grant' });
    const grant = await liveGrant(programmeId);
    const before = await h.returnsOf(grant);
    // The programme drops a measure (its setup pages will do this; here, as they would store it).
    await t.sql`delete from programme_measures where programme_id = ${programmeId} and measure_id = 'peopleReached'`;
    await t.sql`update programme_measures set weighted_by = null where programme_id = ${programmeId}`;
    expect((await measuresOfReturn(before[0]!.id)).map((m) => m.id)).toEqual([
      'crimesInArea',
      'peopleReached',
      'residentsFeelingSafe',
    ]);
    // An officer opens a return by hand for one day of the agreement: it has the programme's measures now.
    const byHand = await h.open(
      OFFICER,
      'monitoring-return',
      { awardCaseId: grant, periodStart: '2026-05-05', periodEnd: '2026-05-05', dueOn: '2026-06-05' },
      fenlandCsp,
    );
    expect((await measuresOfReturn(byHand.id)).map((m) => m.id)).toEqual([
      'crimesInArea',
      'residentsFeelingSafe',
    ]);
  });

  it("the Youth Fund's end-of-grant report gives a figure for each of its measures", async () => {
    const programme = (await t.http.get(`/api/programmes/${t.youthFund.programmeId}`).set(t.as(OFFICER)))
      .body;
    expect(programme.measures.map((m: Measure) => m.id)).toEqual([
      'youngPeopleTakingPart',
      'youngPeopleCompleting',
      'feelLessLikelyToOffend',
    ]);
    const provider = await providerWithPassword(t, 'Measures Youth Trust');
    const b = bids(t, provider);
    const pay = paymentHelpers(t);
    const bid = await b.inPanelReview(t.youthFund.programmeId, 100_000);
    await b.ok(bid, 'panel@demo.test', { ...ev.APPROVE, amountPence: 100_000, reportDueOn: '2031-03-31' });
    await b.ok(bid, 'owner', { type: 'ACCEPT_OFFER' });
    await pay.payAward(bid);
    const { measures } = (await h.get(bid)).body.context as { measures: Measure[] };
    const report = {
      type: 'SUBMIT_REPORT',
      summary: 'Ran 30 sessions',
      spentPence: 1,
      outcomes: 'Fewer incidents',
    };
    const refused = await b.send(bid, 'owner', report);
    expect(refused.status).toBe(422);
    expect(fields(refused.body)).toEqual([
      'measures.youngPeopleTakingPart',
      'measures.youngPeopleCompleting',
      'measures.feelLessLikelyToOffend',
    ]);
    const sent = await b.ok(bid, 'owner', { ...report, measures: figuresFor(measures as never, 20) });
    expect(sent.state).toBe('reportSubmitted');
    expect(sent.context.report.measures.youngPeopleCompleting).toEqual({ value: 20 });
  });
});
