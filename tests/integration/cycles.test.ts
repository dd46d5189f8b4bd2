// One full run of each commissioning cycle over HTTP with the demo users: every step's new state,
// the refusals on the way, the timers the system fires, and the money each cycle moves (the fund's
// position as finance sees it, to the penny). Each cycle runs under programmes of this file's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayInWords, endOfLondonDay } from '../../machines/calendar.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { type CaseBody, cycleHelpers } from '../helpers/cycles.ts';
import { victimsFigures } from '../helpers/figures.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { NEXT_FIVE_YEARS } from '../helpers/programmes.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';
const PROVIDER2: DemoEmail = 'provider2@demo.test';
const APPROVER: DemoEmail = 'approver@demo.test';
const CSP: DemoEmail = 'csp@demo.test';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let pay: ReturnType<typeof paymentHelpers>;
const org = { opcc: '', riverside: '', fenlandCsp: '' };
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  pay = paymentHelpers(t);
  org.opcc = await h.organisation((o) => o.kind === 'commissioner');
  org.riverside = await h.organisation((o) => o.name === 'Riverside Youth Trust');
  org.fenlandCsp = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
});
afterAll(() => t?.close());

const youthBid = { type: 'SUBMIT', title: 'Football', summary: 'Weekly', amountRequestedPence: 450_000 };
/** Opens a Youth Fund bid under a programme as the provider; it stays in draft. */
const draftYouthBid = async (programmeId: string) =>
  (await h.open(PROVIDER, 'youth-fund', { programmeId, title: 'Football' })).id;

describe('commissioning-round', () => {
  it('has one round per programme, even when eight officers open it at once', async () => {
    const { programmeId } = await t.programme({ cycle: 'youth-fund', open: false });
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.http
          .post('/api/cases')
          .set(t.as(OFFICER))
          .send({ machine: 'commissioning-round', organisationId: org.opcc, input: { programmeId } }),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const [rounds] = await t.sql`select count(*)::int as n from cases
      where programme_id = ${programmeId} and machine_id = 'commissioning-round'`;
    expect(rounds!.n).toBe(1);
  });

  it('is planned, launched with approval, open for bids, closed early, then assessed to the finish', async () => {
    const { programmeId, fundId, roundId } = await t.programme({ cycle: 'youth-fund', open: false });
    expect(roundId).toBeNull();
    const before = await h.position(fundId);
    const early = await draftYouthBid(programmeId);
    const refused = await h.refuse(early, PROVIDER, youthBid, 409);
    expect(refused).toMatchObject({ title: 'The call for bids is not open', roundState: null });

    const round = await h.open(OFFICER, 'commissioning-round', { programmeId }, org.opcc);
    expect(round.state).toBe('planning');
    const id = round.id;
    const s = h.on(id);
    await h.refuse(id, OFFICER, { type: 'REQUEST_LAUNCH' }, 422); // no needs assessment yet
    const needs = { type: 'RECORD_NEEDS_ASSESSMENT', summary: 'Youth ASB up', evidence: 'Police data' };
    await s(OFFICER, needs, 'planning');
    await s(OFFICER, { type: 'RECORD_INTENTIONS', summary: 'Diversionary sport' }, 'planning');
    await s(OFFICER, { type: 'REQUEST_LAUNCH' }, 'awaitingLaunchApproval');
    const stillShut = await h.refuse(early, PROVIDER, youthBid, 409);
    expect(stillShut.roundState).toBe('awaitingLaunchApproval');
    await h.refuse(id, OFFICER, { type: 'APPROVE_LAUNCH' }, 403);
    await s(APPROVER, { type: 'APPROVE_LAUNCH' }, 'open');

    await h.step(early, PROVIDER, youthBid, 'submitted');
    const late = await draftYouthBid(programmeId);
    const closed = await s(OFFICER, { type: 'CLOSE_EARLY', reason: 'Fully subscribed' }, 'closed');
    expect(closed.context.earlyCloseReason).toBe('Fully subscribed');
    expect(await h.refuse(late, PROVIDER, youthBid, 409)).toMatchObject({ roundState: 'closed' });
    expect((await h.get(late, PROVIDER)).body.state).toBe('draft');

    await s(OFFICER, { type: 'START_ASSESSMENT' }, 'assessment');
    await s(OFFICER, { type: 'START_DECISIONS' }, 'decisions');
    await s(OFFICER, { type: 'START_MONITORING' }, 'monitoring');
    await s(OFFICER, { type: 'START_EVALUATION' }, 'evaluation');
    await h.refuse(id, OFFICER, { type: 'FINISH' }, 422); // not evaluated yet
    const evaluation = { outcomesAchieved: '40 young people', lessons: 'Start earlier', againstPlan: 'O2' };
    await s(OFFICER, { type: 'RECORD_EVALUATION', ...evaluation }, 'evaluation');
    const finished = await s(OFFICER, { type: 'FINISH' }, 'finished');
    expect(finished.context.evaluation).toEqual(evaluation);
    // A round moves no money; a submitted bid commits nothing either.
    expect(await h.position(fundId)).toEqual(before);
  });

  it('closes at its deadline when the system fires BIDS_CLOSED', async () => {
    const closesAt = '2030-06-28T16:00:00.000Z';
    const { programmeId, roundId } = await t.programme({ cycle: 'youth-fund', closesAt });
    const id = roundId!;
    expect((await h.get(id)).body.state).toBe('open');
    expect(await h.timersOf(id)).toEqual({ BIDS_CLOSED: closesAt });
    const bid = await draftYouthBid(programmeId);
    await h.fire(id, 'BIDS_CLOSED', 'closed');
    expect(await h.timersOf(id)).toEqual({});
    await h.refuse(bid, PROVIDER, youthBid, 409);
  });
});

// Shared with the monitoring returns below: a live victims' services award of Riverside's.
let liveAwardId = '';

/** An award's payments as [state, amount], in instalment order; and what its open ones add up to. */
const paymentsAt = async (awardId: string) =>
  (await pay.paymentsOf(awardId)).map((p) => [p.state as string, p.context.amountPence as number] as const);
const stillToPay = async (awardId: string) =>
  (await paymentsAt(awardId))
    .filter(([state]) => ['scheduled', 'held', 'approved'].includes(state))
    .reduce((sum, [, amount]) => sum + amount, 0);

describe('victims-services', () => {
  const THRESHOLD = 5_000_000;
  const BUDGET = 20_000_000;
  const criteria = [
    { id: 'quality', label: 'Quality of service', weight: 50 },
    { id: 'need', label: 'Meeting need', weight: 30 },
    { id: 'value', label: 'Value for money', weight: 20 },
  ];
  const dates = { startsOn: '2027-04-01', endsOn: '2028-03-31' };
  let programme: Awaited<ReturnType<TestApp['programme']>>;
  beforeAll(async () => {
    const cycle = 'victims-services';
    programme = await t.programme({
      cycle,
      budgetPence: BUDGET,
      delegationThresholdPence: THRESHOLD,
      criteria,
    });
  });

  /** A provider's bid, submitted, through due diligence, scoring and moderation to a recommendation. */
  async function bidToRecommendation(amountRequestedPence: number) {
    const { id } = await h.open(PROVIDER, 'victims-services', { programmeId: programme.programmeId });
    const s = h.on(id);
    const bid = { title: 'IDVA service', summary: 'Two IDVAs', ...dates, service: 'idva' };
    await s(PROVIDER, { type: 'SUBMIT', ...bid, amountRequestedPence }, 'dueDiligence');
    const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };
    await s(OFFICER, { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
    // No panel scores this bid: scoring closes with the reason why.
    await s(OFFICER, { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' }, 'moderation');
    const scores = { quality: 4, need: 5, value: 3 };
    const moderated = await s(OFFICER, { type: 'MODERATE', scores, rationale: 'Agreed' }, 'recommendation');
    expect(moderated.context.weightedScore).toBe(82); // 4/5×50 + 5/5×30 + 3/5×20
    return id;
  }
  const award = (amountPence: number) => ({ type: 'RECOMMEND_AWARD', amountPence, rationale: 'Strong' });

  it('goes above the threshold to the approver, is agreed for less, varied up and terminated', async () => {
    const { fundId } = programme;
    const at = async (committed: number, released: number) =>
      expect(await h.lineMoney(fundId)).toEqual({ committedPence: committed, releasedPence: released });
    await at(0, 0);
    const id = await bidToRecommendation(6_000_000);
    const s = h.on(id);
    // Above the threshold: the rulebook holds the recommendation for the approver; nothing moves.
    const held = await h.hold(id, OFFICER, award(6_000_000));
    expect(held.decision).toMatchObject({ amountPence: 6_000_000, thresholdPence: THRESHOLD });
    expect(held.context).toMatchObject({ recommendation: null, awardedPence: null, committedPence: 0 });
    await at(0, 0);
    await h.refuse(id, OFFICER, { type: 'SIGN_DECISION' }, 403);
    await h.refuse(id, PROVIDER, { type: 'SIGN_DECISION' }, 403);
    expect((await h.get(id, PROVIDER)).body.decision, 'the provider does not see the hold').toBeNull();
    const offered = await h.sign(id, 'offered');
    expect(offered.context).toMatchObject({ awardedPence: 6_000_000, committedPence: 6_000_000 });
    await at(6_000_000, 0);

    await s(PROVIDER, { type: 'ACCEPT_OFFER' }, 'agreement');
    const terms = { ...dates, paymentProfile: 'quarterlyInArrears', amountPence: 5_800_000 };
    const live = await s(OFFICER, { type: 'SIGN_AGREEMENT', ...terms }, 'live');
    expect(live.context).toMatchObject({ awardedPence: 5_800_000, committedPence: 5_800_000 });
    await at(6_000_000, 200_000);
    // Signing schedules the agreed amount, quarterly in arrears over the year: four payments.
    expect(await paymentsAt(id)).toEqual(Array.from({ length: 4 }, () => ['scheduled', 1_450_000]));
    // And a monitoring return for each quarter of the agreement, due 30 days after it ends.
    const quarters = [
      ['2027-04-01', '2027-06-30', '2027-07-30'],
      ['2027-07-01', '2027-09-30', '2027-10-30'],
      ['2027-10-01', '2027-12-31', '2028-01-30'],
      ['2028-01-01', '2028-03-31', '2028-04-30'],
    ];
    const returns = async () =>
      (await h.returnsOf(id)).map((r) => [r.state, r.periodStart, r.periodEnd, r.dueOn]);
    expect(await returns()).toEqual(quarters.map((q) => ['due', ...q]));
    // The API lists what is about the award, to whoever may see it.
    const about = async (email: DemoEmail) =>
      (await t.http.get(`/api/cases?award=${id}&limit=100`).set(t.as(email))).body.items as CaseBody[];
    expect((await about(PROVIDER)).map((c) => c.machine).sort()).toEqual([
      ...Array(4).fill('award-payment'),
      ...Array(4).fill('monitoring-return'),
    ]);
    expect(await about(PROVIDER2)).toEqual([]);

    const review = { type: 'ANNUAL_REVIEW', decision: 'continue', notes: 'On track' };
    expect((await s(OFFICER, review, 'live')).context.reviews).toEqual([
      { decision: 'continue', notes: 'On track' },
    ]);
    const increase = { type: 'REQUEST_VARIATION', amountPence: 6_500_000, reason: 'Demand' };
    await s(PROVIDER, increase, 'variationRequested');
    // The officer approves, but the new total is above the threshold: held for the approver.
    const overThreshold = await h.hold(id, OFFICER, { type: 'APPROVE_VARIATION' });
    expect(overThreshold.decision).toMatchObject({ amountPence: 6_500_000, thresholdPence: THRESHOLD });
    expect(overThreshold.context).toMatchObject({ awardedPence: 5_800_000, committedPence: 5_800_000 });
    expect((await h.get(id)).body.state).toBe('variationRequested');
    await at(6_000_000, 200_000);
    await h.refuse(id, OFFICER, { type: 'SIGN_DECISION' }, 403);
    const varied = await h.sign(id, 'live');
    expect(varied.context).toMatchObject({ awardedPence: 6_500_000, committedPence: 6_500_000 });
    expect(varied.context.agreement.amountPence).toBe(6_500_000);
    await at(6_700_000, 200_000);
    // The variation re-profiles the unpaid payments to the new amount.
    expect(await stillToPay(id)).toBe(6_500_000);

    const ended = await s(OFFICER, { type: 'TERMINATE', reason: 'Service ceased' }, 'terminated');
    expect(ended.context.committedPence).toBe(0);
    // Ended before the agreement began: every return after the day it ended is withdrawn, saying why.
    expect(await returns()).toEqual(quarters.map((q) => ['withdrawn', ...q]));
    const why = `The award ended on ${dayInWords(t.today())}, before this period.`;
    expect((await h.returnsOf(id)).map((r) => r.withdrawnReason)).toEqual(Array(4).fill(why));
    await at(6_700_000, 6_700_000); // the whole budget is back: nothing had been paid
    expect((await paymentsAt(id)).map(([state]) => state)).toEqual(Array(4).fill('cancelled'));
  });

  it('offers an award under the threshold straight on the recommendation', async () => {
    const { fundId } = programme;
    const before = await h.lineMoney(fundId);
    const id = await bidToRecommendation(3_000_000);
    const s = h.on(id);
    await s(OFFICER, award(2_500_000), 'offered');
    const after = { ...before, committedPence: before.committedPence + 2_500_000 };
    expect(await h.lineMoney(fundId)).toEqual(after);
    await s(PROVIDER, { type: 'ACCEPT_OFFER' }, 'agreement');
    const terms = { ...dates, paymentProfile: 'oneOff', amountPence: 2_500_000 };
    await s(OFFICER, { type: 'SIGN_AGREEMENT', ...terms }, 'live');
    expect(await h.lineMoney(fundId)).toEqual(after);
    expect(await paymentsAt(id)).toEqual([['scheduled', 2_500_000]]);
    liveAwardId = id;
  });
});

describe('sarc-recommissioning', () => {
  const CONTRACT = 240_000_000;
  /** The bidders: providers on record, by id and name. */
  const bidders = { mountain: '', solace: '' };
  let [MOUNTAIN, SOLACE] = ['', ''];
  beforeAll(async () => {
    const named = async (label: string) => {
      const { organisationId } = await t.newProvider(label);
      const [row] = await t.sql`select name from organisations where id = ${organisationId}`;
      return [organisationId, row!.name as string] as const;
    };
    [bidders.mountain, MOUNTAIN] = await named('Mountain Healthcare');
    [bidders.solace, SOLACE] = await named('Solace Care');
  });
  /** A procurement owned by the OPCC, taken from the specification to the start of the standstill. */
  async function toStandstill(
    programmeId: string,
    dates: { clarification: string; tender: string; notice: string },
    due: { clarification: string; tender: string },
  ) {
    const input = { programmeId, title: 'SARC 2027', contractValuePence: CONTRACT };
    const { id, state } = await h.open(OFFICER, 'sarc-recommissioning', input, org.opcc);
    expect(state).toBe('specification');
    const s = h.on(id);
    const deadlines = { clarificationDeadline: dates.clarification, tenderDeadline: dates.tender };
    // Published before its deadlines (which are past by now): they fire as soon as they are due.
    const published = await t.onDay('2026-01-05', () =>
      s(OFFICER, { type: 'PUBLISH_TENDER', ...deadlines }, 'tendering'),
    );
    expect(published.context).toMatchObject({ qualityWeight: 70, priceWeight: 30 });
    expect(await h.timersOf(id)).toEqual({
      CLARIFICATION_CLOSED: due.clarification,
      TENDER_DEADLINE_PASSED: due.tender,
    });
    const tender = (supplierId: string, pricePence: number) => ({
      type: 'RECORD_TENDER',
      supplierId,
      pricePence,
    });
    await s(OFFICER, tender(bidders.mountain, 210_000_000), 'tendering');
    await s(OFFICER, tender(bidders.solace, 180_000_000), 'tendering');
    const question = { question: 'Is TUPE expected?', answer: 'Yes, for 12 staff' };
    await s(OFFICER, { type: 'ANSWER_CLARIFICATION', ...question }, 'tendering');
    const closed = await h.fire(id, 'CLARIFICATION_CLOSED', 'tendering');
    expect(closed.context).toMatchObject({ clarificationClosed: true, clarifications: [question] });
    // Not possible once the period has closed, whatever is asked: not offered, and refused as such.
    await h.refuse(id, OFFICER, { type: 'ANSWER_CLARIFICATION', ...question }, 409);
    await h.fire(id, 'TENDER_DEADLINE_PASSED', 'evaluation');
    expect(await h.timersOf(id)).toEqual({});

    const scores = { [bidders.mountain]: 80, [bidders.solace]: 60 };
    const scored = await s(OFFICER, { type: 'SCORE_TENDERS', scores }, 'moderation');
    const points = (x: any) => [x.bidder, x.pricePence, x.qualityPoints, x.pricePoints, x.totalPoints];
    expect(scored.context.scores.map(points)).toEqual([
      [MOUNTAIN, 210_000_000, 56, 25.71, 81.71], // 80 × 70%; 180/210 × 30 = 25.714…
      [SOLACE, 180_000_000, 42, 30, 72], // 60 × 70%; the lowest price gets all 30
    ]);
    const moderation = { type: 'MODERATE', preferredBidder: bidders.mountain, rationale: 'Top' };
    expect((await s(OFFICER, moderation, 'boardDecision')).context.preferredBidder).toBe(MOUNTAIN);
    const decision = (partner: string) => ({ type: 'RECORD_PARTNER_DECISION', partner, agrees: true });
    for (const partner of ['opcc', 'nhsEngland', 'countyCouncil'])
      await s(OFFICER, decision(partner), 'boardDecision');
    await s(OFFICER, decision('cityCouncil'), 'awardNotice');
    // A notice is recorded on or after the day it was published.
    return t.onDay(dates.notice, () =>
      s(OFFICER, { type: 'PUBLISH_AWARD_NOTICE', publishedOn: dates.notice }, 'standstill'),
    );
  }

  it('runs a Christmas procurement through a challenge, a new standstill, award, extension, re-procurement and an early end', async () => {
    const { programmeId, fundId } = await t.programme({
      cycle: 'sarc-recommissioning',
      otherYears: NEXT_FIVE_YEARS,
    });
    const dates = { clarification: '2026-11-02', tender: '2026-11-30', notice: '2026-12-18' };
    const due = { clarification: '2026-11-03T00:00:00.000Z', tender: '2026-12-01T00:00:00.000Z' };
    const standstill = await toStandstill(programmeId, dates, due);
    const id = standstill.id;
    const s = h.on(id);
    // 8 working days from 18 December: weekends, Christmas Day and Boxing Day (Monday 28th) skipped.
    expect(standstill.context.standstillEndsOn).toBe('2026-12-31');
    expect(await h.timersOf(id)).toEqual({ STANDSTILL_ENDED: '2027-01-01T00:00:00.000Z' });

    const challenged = await s(
      OFFICER,
      { type: 'RECORD_CHALLENGE', details: 'Scoring queried' },
      'suspended',
    );
    expect(challenged.context.challenges).toHaveLength(1);
    expect(await h.timersOf(id)).toEqual({});
    const resolution = { type: 'RESOLVE_CHALLENGE', outcome: 'dismissed', note: 'No merit' };
    const resolved = await s(OFFICER, resolution, 'awardNotice');
    const challenge = { awardNoticePublishedOn: '2026-12-18', outcome: 'dismissed' };
    expect(resolved.context.challenges[0]).toMatchObject(challenge);
    const notice = (publishedOn: string) => ({ type: 'PUBLISH_AWARD_NOTICE', publishedOn });
    // Recorded on the day: not after it, nor on or before the notice challenged.
    const { future, beforeChallenged, renewed } = await t.onDay('2027-01-08', async () => ({
      future: await h.refuse(id, OFFICER, notice('2027-01-09'), 422),
      beforeChallenged: await h.refuse(id, OFFICER, notice('2026-12-18'), 422),
      renewed: await s(OFFICER, notice('2027-01-08'), 'standstill'),
    }));
    expect(future.errors).toEqual([
      {
        field: 'publishedOn',
        message: 'Enter the day the notice was published: it cannot be after today (8 January 2027)',
      },
    ]);
    expect(beforeChallenged.errors).toEqual([
      {
        field: 'publishedOn',
        message: 'Enter a date after 18 December 2026, when the notice challenged was published',
      },
    ]);
    expect(renewed.context.standstillEndsOn).toBe('2027-01-19');
    expect(await h.timersOf(id)).toEqual({ STANDSTILL_ENDED: '2027-01-20T00:00:00.000Z' });
    await h.fire(id, 'STANDSTILL_ENDED', 'readyToAward');
    expect(await h.timersOf(id)).toEqual({});

    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 0, releasedPence: 0 });
    const contract = { startsOn: '2027-04-01', endsOn: '2030-03-31', valuePence: 230_000_000 };
    const justification = 'TUPE costs agreed after the tender';
    const tooMuch = { type: 'AWARD_CONTRACT', ...contract, justification, valuePence: CONTRACT + 1 };
    await h.refuse(id, OFFICER, tooMuch, 422);
    // £2.3 million is more than Mountain Healthcare tendered (£2.1 million): it must be justified, and
    // the approver signs it for that reason (it is far above the programme's £5,000 threshold too).
    const unjustified = await h.refuse(id, OFFICER, { type: 'AWARD_CONTRACT', ...contract }, 422);
    expect(unjustified.errors).toEqual([{ field: 'justification', message: expect.any(String) }]);
    const held = await h.hold(id, OFFICER, { type: 'AWARD_CONTRACT', ...contract, justification });
    expect(held.decision).toMatchObject({
      amountPence: 230_000_000,
      thresholdPence: 500_000,
      because: 'declared',
      reason: expect.stringContaining('£2,100,000.00'),
    });
    expect(held.context.contract).toBeNull();
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 0, releasedPence: 0 });
    expect(await pay.paymentsOf(id)).toEqual([]);
    await h.sign(id, 'mobilisation');
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 230_000_000, releasedPence: 0 });
    // Paid quarterly in arrears, on the first working day after each quarter: twelve payments that
    // add up to the contract exactly, the odd pence in the last.
    const payments = async () =>
      (await pay.paymentsOf(id)).map((p) => [p.state, p.context.dueOn, p.context.amountPence]);
    const quarterly = [
      '2027-07-01',
      '2027-10-01',
      '2028-01-04',
      '2028-04-03',
      '2028-07-03',
      '2028-10-02',
      '2029-01-02',
      '2029-04-03',
      '2029-07-02',
      '2029-10-01',
      '2030-01-02',
      '2030-04-01',
    ];
    expect(await payments()).toEqual(
      quarterly.map((dueOn, i) => ['scheduled', dueOn, i === 11 ? 19_166_674 : 19_166_666]),
    );
    // The service starts no sooner than the contract: before then it is not offered, and the case says why.
    const waiting = await t.http.get(`/api/cases/${id}`).set(t.as(OFFICER));
    expect(waiting.body.nextEvents.map((e: { type: string }) => e.type)).not.toContain('GO_LIVE');
    expect(waiting.body.notYet).toEqual([
      {
        type: 'GO_LIVE',
        label: 'Start the service',
        reason: 'the contract starts on 1 April 2027',
      },
    ]);
    const early = await h.refuse(id, OFFICER, { type: 'GO_LIVE' }, 409);
    expect(early.detail).toBe('Start the service: the contract starts on 1 April 2027.');
    await t.onDay('2027-04-01', () => s(OFFICER, { type: 'GO_LIVE' }, 'live'));
    const extend = {
      decision: 'extend',
      note: 'Good',
      newEndsOn: '2031-03-31',
      extensionValuePence: 10_000_000,
    };
    // An extension keeps the contract within the £2.4 million budgeted for its whole term.
    const over = await h.refuse(
      id,
      OFFICER,
      { type: 'CONTRACT_REVIEW', ...extend, extensionValuePence: 10_000_001 },
      422,
    );
    expect(over.errors).toEqual([
      {
        field: 'extensionValuePence',
        message:
          'The contract would then be worth £2,400,000.01, more than the £2,400,000.00 budgeted for its whole term',
      },
    ]);
    // An extension is weighed on the contract's new total, £2.4 million: the approver signs it too.
    const extending = await h.hold(id, OFFICER, { type: 'CONTRACT_REVIEW', ...extend });
    expect(extending.decision).toMatchObject({ amountPence: 240_000_000 });
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 230_000_000, releasedPence: 0 });
    const extended = await h.sign(id, 'live');
    expect(extended.context.contract).toEqual({
      ...contract,
      endsOn: '2031-03-31',
      supplierId: bidders.mountain,
      supplier: MOUNTAIN,
    });
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 240_000_000, releasedPence: 0 });
    // The extension re-profiles the unpaid payments over the longer term: four more quarters.
    const extendedQuarters = [...quarterly, '2030-07-01', '2030-10-01', '2031-01-02', '2031-04-01'];
    expect(await payments()).toEqual(extendedQuarters.map((dueOn) => ['scheduled', dueOn, 15_000_000]));
    const reprocure = { type: 'CONTRACT_REVIEW', decision: 'reprocure', note: 'Market has changed' };
    expect((await s(OFFICER, reprocure, 'reprocuring')).context.reprocureNote).toBe('Market has changed');
    // Being re-procured, the contract runs to its end and is paid as agreed.
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 240_000_000, releasedPence: 0 });
    expect(await payments()).toEqual(extendedQuarters.map((dueOn) => ['scheduled', dueOn, 15_000_000]));
    // It is closed only once it has ended; sooner is a termination, with its reasons.
    const unended = await h.refuse(id, OFFICER, { type: 'COMPLETE' }, 409);
    expect(unended.detail).toContain('the contract runs until 31 March 2031');
    await h.refuse(id, OFFICER, { type: 'TERMINATE' }, 422);
    const ended = await s(
      OFFICER,
      { type: 'TERMINATE', reason: 'Provider entered administration' },
      'terminated',
    );
    expect(ended.context.terminateReason).toBe('Provider entered administration');
    // Ended early: nothing was paid, so all of it goes back to the fund and no payment is left to make.
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 240_000_000, releasedPence: 240_000_000 });
    expect((await payments()).every(([state]) => state === 'cancelled')).toBe(true);
  });

  it('ends an Easter standstill at the end of 15 April, London time (BST)', async () => {
    const { programmeId } = await t.programme({ cycle: 'sarc-recommissioning', otherYears: NEXT_FIVE_YEARS });
    const dates = { clarification: '2026-03-02', tender: '2026-03-31', notice: '2026-04-02' };
    const due = { clarification: '2026-03-03T00:00:00.000Z', tender: '2026-03-31T23:00:00.000Z' };
    const standstill = await toStandstill(programmeId, dates, due);
    // 8 working days from 2 April: the weekend, Good Friday and Easter Monday skipped.
    expect(standstill.context.standstillEndsOn).toBe('2026-04-15');
    expect(await h.timersOf(standstill.id)).toEqual({ STANDSTILL_ENDED: '2026-04-15T23:00:00.000Z' });
  });
});

describe('crime-disorder-grant', () => {
  const BUDGET = 4_000_000;
  /** Opens a grant for the Fenland CSP: proposed, nothing committed until it is allocated. */
  const propose = (programmeId: string, allocationPence: number) =>
    t.http
      .post('/api/cases')
      .set(t.as(OFFICER))
      .send({
        machine: 'crime-disorder-grant',
        organisationId: org.fenlandCsp,
        input: { programmeId, allocationPence, financialYear: '2026-27', purpose: 'Reduce rural theft' },
      });

  it('is allocated to the Fenland CSP, conditions queried and agreed, evaluated with an underspend', async () => {
    const { programmeId, fundId } = await t.programme({ cycle: 'crime-disorder-grant', budgetPence: BUDGET });
    const at = async (committed: number, released: number) =>
      expect(await h.lineMoney(fundId)).toEqual({ committedPence: committed, releasedPence: released });
    const created = await propose(programmeId, 2_500_000);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ state: 'proposed', organisationId: org.fenlandCsp });
    const id: string = created.body.id;
    const s = h.on(id);
    await at(0, 0); // proposed: nothing committed yet
    // Allocating £25,000 is above the programme's £5,000 threshold: the approver signs it.
    const held = await h.hold(id, OFFICER, { type: 'ALLOCATE' });
    expect(held.decision).toMatchObject({ amountPence: 2_500_000, thresholdPence: 500_000 });
    await at(0, 0);
    await h.refuse(id, OFFICER, { type: 'SIGN_DECISION' }, 403);
    await h.refuse(id, CSP, { type: 'SIGN_DECISION' }, 403);
    await h.sign(id, 'allocated');
    await at(2_500_000, 0);

    const offer = { type: 'OFFER_CONDITIONS', conditions: 'Quarterly returns', reasons: 'Accountability' };
    await s(OFFICER, offer, 'conditionsOffered');
    const queried = await s(CSP, { type: 'QUERY_CONDITIONS', reason: 'Too often' }, 'allocated');
    expect(queried.context.queries).toEqual(['Too often']);
    await at(2_500_000, 0); // back in `allocated`, not committed twice
    await s(OFFICER, { ...offer, conditions: 'Half-yearly returns' }, 'conditionsOffered');
    await s(CSP, { type: 'ACCEPT_CONDITIONS' }, 'live');
    // Accepted: paid quarterly in advance over the financial year, the four adding up exactly.
    expect(await paymentsAt(id)).toEqual(Array.from({ length: 4 }, () => ['scheduled', 625_000]));
    // A return for each quarter of the grant's year; one whose quarter has already ended (the grant
    // agreed in December for a year from April) falls due at once, by the end of today.
    const today = t.today();
    const returns = await h.returnsOf(id);
    expect(returns.map((r) => [r.periodStart, r.periodEnd])).toEqual([
      ['2026-04-01', '2026-06-30'],
      ['2026-07-01', '2026-09-30'],
      ['2026-10-01', '2026-12-31'],
      ['2027-01-01', '2027-03-31'],
    ]);
    for (const r of returns) expect(r.dueOn).toBe(r.periodEnd < today ? today : addDays(r.periodEnd, 30));
    expect(returns[0]!.dueOn, 'April to June 2026 has ended').toBe(today);
    expect(await h.timersOf(returns[0]!.id)).toMatchObject({
      RETURN_OVERDUE: endOfLondonDay(today).toISOString(),
    });

    expect((await h.get(id, PROVIDER)).status).toBe(404);
    await h.refuse(id, PROVIDER, { type: 'EVALUATE' }, 404);

    const evaluation = { summary: 'Theft down', outcomesAchieved: 'Fewer victims', underspendPence: 300_000 };
    await s(OFFICER, { type: 'EVALUATE', ...evaluation }, 'evaluated');
    await at(2_500_000, 300_000);
    // The underspend comes off the payments not yet made.
    expect(await stillToPay(id)).toBe(2_200_000);
    await s(OFFICER, { type: 'CLOSE' }, 'closed');
    expect((await h.get(id, CSP)).body.state).toBe('closed');
    // Closed: the returns for quarters after today are withdrawn; those already begun are still due.
    const after = await h.returnsOf(id);
    expect(after.map((r) => r.state)).toEqual(
      returns.map((r) => (r.periodStart > today ? 'withdrawn' : 'due')),
    );
  });

  it('takes returns half-yearly where its programme says so', async () => {
    const { programmeId } = await t.programme({ cycle: 'crime-disorder-grant', returnEveryMonths: 6 });
    const id = (await propose(programmeId, 400_000)).body.id as string;
    const s = h.on(id);
    await s(OFFICER, { type: 'ALLOCATE' }, 'allocated');
    await s(
      OFFICER,
      { type: 'OFFER_CONDITIONS', conditions: 'Half-yearly', reasons: 'Small grant' },
      'conditionsOffered',
    );
    await s(CSP, { type: 'ACCEPT_CONDITIONS' }, 'live');
    expect((await h.returnsOf(id)).map((r) => [r.periodStart, r.periodEnd])).toEqual([
      ['2026-04-01', '2026-09-30'],
      ['2026-10-01', '2027-03-31'],
    ]);
    const programme = (await t.http.get(`/api/programmes/${programmeId}`).set(t.as(OFFICER))).body;
    expect(programme).toMatchObject({ returnEveryMonths: 6, returnDueDays: 30 });
  });

  it('refuses an allocation the fund cannot afford, at the decision or at its signature, moving nothing', async () => {
    // A £10,000 threshold: £30,000 and £10,000.01 are the approver's to sign, £10,000 is not.
    const { programmeId, fundId } = await t.programme({
      cycle: 'crime-disorder-grant',
      budgetPence: BUDGET,
      delegationThresholdPence: 1_000_000,
    });
    const first = (await propose(programmeId, 3_000_000)).body.id as string;
    await h.hold(first, OFFICER, { type: 'ALLOCATE' });
    await h.sign(first, 'allocated');
    const before = await h.position(fundId);
    expect(before).toEqual(h.money(BUDGET, 3_000_000, 0));
    const stored = async (id: string) =>
      (await t.sql`select state, version, decision from cases where id = ${id}`)[0];
    const notEnough = (remainingPence: number, requiredPence: number) => ({
      title: 'Not enough money in the fund',
      remainingPence: String(remainingPence),
      requiredPence: String(requiredPence),
    });

    // Above the threshold: held, then refused when the approver signs; still held, nothing written.
    const tooMuch = (await propose(programmeId, 1_000_001)).body.id as string;
    await h.hold(tooMuch, OFFICER, { type: 'ALLOCATE' });
    const held = await stored(tooMuch);
    expect(held).toMatchObject({ state: 'proposed', decision: { status: 'awaitingSignature' } });
    const refused = await h.refuse(tooMuch, APPROVER, { type: 'SIGN_DECISION' }, 409);
    expect(refused).toMatchObject(notEnough(1_000_000, 1_000_001));
    expect(await stored(tooMuch)).toEqual(held);
    expect(await h.position(fundId)).toEqual(before);
    // It can be sent back instead, and withdrawn.
    const back = { type: 'SEND_BACK_DECISION', reason: 'The fund cannot afford it' };
    await h.step(tooMuch, APPROVER, back, 'proposed');
    await h.step(tooMuch, OFFICER, { type: 'WITHDRAW_ALLOCATION', reason: 'Unaffordable' }, 'withdrawn');
    expect(await h.position(fundId)).toEqual(before);

    // At the threshold the officer's decision takes effect at once, and so does the fund's refusal.
    const atThreshold = (await propose(programmeId, 1_000_000)).body.id as string;
    await h.step(atThreshold, OFFICER, { type: 'ALLOCATE' }, 'allocated');
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: BUDGET, releasedPence: 0 });
    const last = (await propose(programmeId, 1)).body.id as string;
    const unallocated = await stored(last);
    expect(unallocated).toMatchObject({ state: 'proposed', decision: null });
    const refusedAtOnce = await h.refuse(last, OFFICER, { type: 'ALLOCATE' }, 409);
    expect(refusedAtOnce).toMatchObject(notEnough(0, 1));
    expect(await stored(last)).toEqual(unallocated);
    expect(await h.casesOf(programmeId, 'crime-disorder-grant')).toBe(4);
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: BUDGET, releasedPence: 0 });
  });
});

describe('monitoring-return', () => {
  const figures = {
    performance: 'On target',
    ...victimsFigures(120, 78.5),
    spendPence: 600_000,
  };
  /** The return the live award's agreement scheduled for the quarter starting on `periodStart`. */
  const scheduled = async (periodStart: string): Promise<{ id: string }> => {
    expect(liveAwardId, 'the victims-services award ran first').not.toBe('');
    const id = await h.returnFor(liveAwardId, periodStart);
    expect((await h.get(id)).body.state).toBe('due');
    return { id };
  };

  it('is submitted by the provider, queried, resubmitted and accepted', async () => {
    const { id } = await scheduled('2028-01-01');
    const s = h.on(id);
    expect(await h.timersOf(id)).toEqual({
      RETURN_DUE_SOON: '2028-04-23T08:00:00.000Z', // 09:00 BST a week before
      RETURN_OVERDUE: '2028-04-30T23:00:00.000Z', // the end of the due day, London
    });
    // Not before the last day of its period (31 March 2028): 422, nothing written.
    const early = await h.refuse(id, PROVIDER, { type: 'SUBMIT_RETURN', ...figures }, 422);
    expect(early.errors).toEqual([
      {
        field: 'periodEnd',
        message: 'This return reports on the period to 31 March 2028: it can be submitted from that day',
      },
    ]);
    expect((await h.get(id)).body).toMatchObject({ state: 'due', version: 1 });
    await t.onDay('2028-03-31', () => s(PROVIDER, { type: 'SUBMIT_RETURN', ...figures }, 'submitted'));
    expect(await h.timersOf(id)).toEqual({});
    expect(await paymentsAt(liveAwardId)).toEqual([['scheduled', 2_500_000]]);
    // Queried: the award's payments are held until the return is accepted, resubmitted or not.
    await s(OFFICER, { type: 'QUERY_RETURN', reason: 'Spend looks low' }, 'queried');
    expect(await paymentsAt(liveAwardId)).toEqual([['held', 2_500_000]]);
    const resubmitted = { ...figures, spendPence: 650_000, narrative: 'Invoice was late' };
    await s(PROVIDER, { type: 'RESUBMIT_RETURN', ...resubmitted }, 'submitted');
    expect(await paymentsAt(liveAwardId)).toEqual([['held', 2_500_000]]);
    // Accepted in the year the spend was reported: its memorandum goes in that year's fund.
    const accepted = await t.onDay('2028-04-02', () => s(OFFICER, { type: 'ACCEPT_RETURN' }, 'accepted'));
    expect(await paymentsAt(liveAwardId)).toEqual([['scheduled', 2_500_000]]);
    // Accepting records the spend the return reports against the award (no money moves).
    const reported = await t.sql`select amount_pence::int as amount from fund_ledger
      where case_id = ${liveAwardId} and movement = 'reported'`;
    expect(reported.map((r) => r.amount)).toEqual([650_000]);
    expect(accepted.context).toMatchObject({
      awardCaseId: liveAwardId,
      submittedLate: false,
      queries: ['Spend looks low'],
      latestReturn: resubmitted,
      submissions: [{ ...figures, narrative: null }, resubmitted],
    });
    expect((await h.get(id, PROVIDER2)).status).toBe(404);
  });

  it('goes late when the system fires RETURN_OVERDUE, and is then taken as late', async () => {
    const { id } = await scheduled('2027-04-01');
    await h.fire(id, 'RETURN_OVERDUE', 'late');
    expect(await h.timersOf(id)).toEqual({});
    // Overdue: the award's payment is held, and finance cannot approve it until the return is accepted.
    expect(await paymentsAt(liveAwardId)).toEqual([['held', 2_500_000]]);
    const [held] = await pay.paymentsOf(liveAwardId);
    await h.refuse(held!.id, 'finance@demo.test', { type: 'APPROVE' }, 409);
    const submitted = await t.onDay('2027-08-02', () =>
      h.step(id, PROVIDER, { type: 'SUBMIT_RETURN', ...figures }, 'submitted'),
    );
    expect(submitted.context.submittedLate).toBe(true);
    expect(await paymentsAt(liveAwardId)).toEqual([['held', 2_500_000]]);
    expect((await h.get(id, PROVIDER2)).status).toBe(404);
    await h.refuse(id, PROVIDER2, { type: 'SUBMIT_RETURN', ...figures }, 404);
  });

  it("asks why when the spend reported comes to more than the award's value, and keeps the answer", async () => {
    const { id } = await scheduled('2027-07-01');
    // The award is £25,000, and the returns above reported £6,500 and £6,000: £13,000 more goes over it.
    const over = { ...figures, spendPence: 1_300_000 };
    // Submitted once its quarter (July to September 2027) has ended.
    await t.onDay('2027-10-01', async () => {
      const refused = await h.refuse(id, PROVIDER, { type: 'SUBMIT_RETURN', ...over }, 422);
      expect(refused.errors).toEqual([
        {
          field: 'spendAboveAward',
          message:
            'The spend reported on this award comes to £25,500.00, more than its value of £25,000.00. Say why',
        },
      ]);
      expect((await h.get(id)).body.state, 'refused: nothing changed').toBe('due');
      // A blank explanation is none.
      await h.refuse(id, PROVIDER, { type: 'SUBMIT_RETURN', ...over, spendAboveAward: '   ' }, 422);
      const why = 'The council match-funded the counsellor; their share was paid from this award first';
      const submitted = await h.step(
        id,
        PROVIDER,
        { type: 'SUBMIT_RETURN', ...over, spendAboveAward: why },
        'submitted',
      );
      expect(submitted.context.latestReturn).toMatchObject({ spendPence: 1_300_000, spendAboveAward: why });
    });
    // The officer reads it and asks about it; it stays on record beside the answer.
    await h.step(id, OFFICER, { type: 'QUERY_RETURN', reason: 'Send the council agreement' }, 'queried');
  });

  it('is opened by hand only inside a live agreement that takes returns', async () => {
    const hand = {
      awardCaseId: liveAwardId,
      periodStart: '2027-05-01',
      periodEnd: '2027-05-31',
      dueOn: '2027-06-30',
    };
    const opened = await h.open(OFFICER, 'monitoring-return', hand, org.riverside);
    expect(opened.state).toBe('due');
    const outside = async (input: object, field: string, words: string) => {
      const res = await t.http
        .post('/api/cases')
        .set(t.as(OFFICER))
        .send({ machine: 'monitoring-return', organisationId: org.riverside, input: { ...hand, ...input } });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors).toEqual([{ field, message: expect.stringContaining(words) }]);
    };
    // July–September 2026, before the agreement starts in April 2027; a quarter after it ends.
    const before = { periodStart: '2026-07-01', periodEnd: '2026-09-30', dueOn: '2026-10-31' };
    await outside(before, 'input.periodStart', '1 April 2027 to 31 March 2028');
    const after = { periodStart: '2028-04-01', periodEnd: '2028-06-30', dueOn: '2028-07-31' };
    await outside(after, 'input.periodEnd', 'must fall within the agreement');
    expect((await h.returnsOf(liveAwardId)).map((r) => r.periodStart)).toEqual([
      '2027-04-01',
      '2027-05-01',
      '2027-07-01',
      '2027-10-01',
      '2028-01-01',
    ]);
  });
});

// The machines name each case's owner (the OPCC a round and a SARC procurement, a CSP its crime and
// disorder grant, the award's provider its monitoring returns), but nothing checks it when staff
// open a case: these fail until creation refuses the wrong owner (422, nothing written).
describe('who owns a case', () => {
  const refused = async (machine: string, organisationId: string, input: object) => {
    const res = await t.http.post('/api/cases').set(t.as(OFFICER)).send({ machine, organisationId, input });
    expect(res.status, `${machine}: ${res.status} ${JSON.stringify(res.body)}`).toBe(422);
  };

  it('is the OPCC for a commissioning round and a SARC procurement', async () => {
    const round = await t.programme({ cycle: 'youth-fund', open: false });
    await refused('commissioning-round', org.riverside, { programmeId: round.programmeId });
    expect(await h.casesOf(round.programmeId, 'commissioning-round')).toBe(0);
    const { programmeId } = await t.programme({ cycle: 'sarc-recommissioning', otherYears: NEXT_FIVE_YEARS });
    await refused('sarc-recommissioning', org.riverside, { programmeId, contractValuePence: 1 });
  });

  it('is a Community Safety Partnership for a crime and disorder grant', async () => {
    const { programmeId, fundId } = await t.programme({ cycle: 'crime-disorder-grant', budgetPence: 1_000 });
    const input = { programmeId, allocationPence: 1_000, financialYear: '2026-27', purpose: 'Not a CSP' };
    await refused('crime-disorder-grant', org.riverside, input);
    expect(await h.position(fundId)).toEqual(h.money(1_000, 0, 0));
  });

  it("is the award's owner for a monitoring return, on an award that exists", async () => {
    const period = { periodStart: '2027-01-01', periodEnd: '2027-03-31', dueOn: '2027-04-30' };
    await refused('monitoring-return', org.fenlandCsp, { awardCaseId: liveAwardId, ...period });
    const noSuchAward = '7d0d1a5e-0000-4000-8000-000000000000';
    await refused('monitoring-return', org.riverside, { awardCaseId: noSuchAward, ...period });
    // A bid that holds no money is not an award.
    const draftBid = await t.openCase('provider@demo.test', 'Not an award');
    await refused('monitoring-return', org.riverside, { awardCaseId: draftBid, ...period });
  });

  it('is one per award per period', async () => {
    const period = {
      awardCaseId: liveAwardId,
      periodStart: '2027-06-01',
      periodEnd: '2027-06-30',
      dueOn: '2027-07-31',
    };
    const attempts = await Promise.all(
      [1, 2, 3].map(() =>
        t.http
          .post('/api/cases')
          .set(t.as(OFFICER))
          .send({ machine: 'monitoring-return', organisationId: org.riverside, input: period }),
      ),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });
});
