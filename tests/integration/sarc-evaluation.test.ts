// SARC re-commissioning (version 4) over HTTP with the demo users: the rulebook holds a moderation
// that prefers anyone but the highest scorer, and an award above the preferred bidder's tender, for
// the approver's signature with the machine's own reasons; a partner's refusal needs its reasons and
// sends the case back to moderation; the procurement may be abandoned at any stage before award.
// Bidders are organisations on record, and the contract's payments go to the one awarded it.
// Every refusal writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { type CaseBody, cycleHelpers } from '../helpers/cycles.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { NEXT_FIVE_YEARS } from '../helpers/programmes.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const APPROVER: DemoEmail = 'approver@demo.test';
const CONTRACT = 240_000_000;

let t: TestApp;
/** The two bidders: providers on record, each with a person who signs in. */
let mountain: Awaited<ReturnType<TestApp['newProvider']>> & { name: string };
let solace: typeof mountain;
let [MOUNTAIN, SOLACE] = ['', ''];
let h: ReturnType<typeof cycleHelpers>;
let pay: ReturnType<typeof paymentHelpers>;
let opcc = '';
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  pay = paymentHelpers(t);
  opcc = await h.organisation((o) => o.kind === 'commissioner');
  const named = async (label: string) => {
    const provider = await t.newProvider(label);
    const [org] = await t.sql`select name from organisations where id = ${provider.organisationId}`;
    return { ...provider, name: org!.name as string };
  };
  mountain = await named('Mountain Healthcare');
  solace = await named('Solace Care');
  [MOUNTAIN, SOLACE] = [mountain.name, solace.name];
});
afterAll(() => t?.close());

/** The case as stored, and how many history rows it has: what a refusal must leave alone. */
async function stored(id: string) {
  const [row] = await t.sql`select state, version, snapshot, decision from cases where id = ${id}`;
  const [events] = await t.sql`select count(*)::int as n from case_events where case_id = ${id}`;
  const { state, version, snapshot, decision } = row!;
  return { state, version, snapshot, decision, events: events!.n as number };
}

async function history(id: string) {
  const res = await t.http.get(`/api/cases/${id}/history`).set(t.as(OFFICER));
  expect(res.status).toBe(200);
  return res.body.items as { type: string; payload: any; fromState: string; toState: string }[];
}

/**
 * A procurement under a programme of its own (the default £5,000 threshold unless given), tendered by
 * Mountain Healthcare (£2.1 million, 81.71 points) and Solace Care (£1.8 million, 72 points), scored
 * and waiting for moderation.
 */
async function toModeration(options: { delegationThresholdPence?: number } = {}) {
  // The contract runs from 2027 and its extension to 2033: the budget line runs that far.
  const otherYears = [...NEXT_FIVE_YEARS, '2032-33', '2033-34'];
  const { programmeId, fundId } = await t.programme({
    cycle: 'sarc-recommissioning',
    otherYears,
    ...options,
  });
  const input = { programmeId, title: 'SARC 2028', contractValuePence: CONTRACT };
  const { id } = await h.open(OFFICER, 'sarc-recommissioning', input, opcc);
  const s = h.on(id);
  const deadlines = { clarificationDeadline: '2027-11-02', tenderDeadline: '2027-11-30' };
  await s(OFFICER, { type: 'PUBLISH_TENDER', ...deadlines }, 'tendering');
  const tender = (supplierId: string, pricePence: number) => ({
    type: 'RECORD_TENDER',
    supplierId,
    pricePence,
  });
  await s(OFFICER, tender(mountain.organisationId, 210_000_000), 'tendering');
  await s(OFFICER, tender(solace.organisationId, 180_000_000), 'tendering');
  await h.fire(id, 'TENDER_DEADLINE_PASSED', 'evaluation');
  const scores = { [mountain.organisationId]: 80, [solace.organisationId]: 60 };
  const scored = await s(OFFICER, { type: 'SCORE_TENDERS', scores }, 'moderation');
  expect(scored.context.scores.map((x: any) => [x.bidder, x.totalPoints])).toEqual([
    [MOUNTAIN, 81.71],
    [SOLACE, 72],
  ]);
  return { id, s, fundId };
}

describe('what cannot be done now, whatever is typed', () => {
  it('is not offered, and is refused with the reason: a clarification once the period closed, scores with no tenders', async () => {
    const { programmeId } = await t.programme({
      cycle: 'sarc-recommissioning',
      otherYears: [...NEXT_FIVE_YEARS],
    });
    const input = { programmeId, title: 'SARC with no bidders', contractValuePence: CONTRACT };
    const { id } = await h.open(OFFICER, 'sarc-recommissioning', input, opcc);
    const s = h.on(id);
    await s(
      OFFICER,
      { type: 'PUBLISH_TENDER', clarificationDeadline: '2027-11-02', tenderDeadline: '2027-11-30' },
      'tendering',
    );
    const offered = async () =>
      ((await t.http.get(`/api/cases/${id}`).set(t.as(OFFICER))).body.nextEvents as { type: string }[]).map(
        (e) => e.type,
      );
    expect(await offered()).toContain('ANSWER_CLARIFICATION');
    await h.fire(id, 'CLARIFICATION_CLOSED', 'tendering');
    expect(await offered()).not.toContain('ANSWER_CLARIFICATION');
    const before = await stored(id);
    const late = await t.http
      .post(`/api/cases/${id}/events`)
      .set(t.as(OFFICER))
      .send({ type: 'ANSWER_CLARIFICATION', question: 'Is TUPE expected?', answer: 'Yes' });
    expect(late.status).toBe(409);
    expect(late.body.detail).toBe('Answer a clarification question: the clarification period has closed.');
    expect(await stored(id)).toEqual(before);
    // Nobody tendered: at evaluation there is nothing to score, only the procurement to abandon.
    await h.fire(id, 'TENDER_DEADLINE_PASSED', 'evaluation');
    expect(await offered()).not.toContain('SCORE_TENDERS');
    expect(await offered()).toContain('ABANDON');
  });
});

/** The moderation choosing a bidder (by its organisation on record). */
const moderate = (preferredBidder: string) => ({
  type: 'MODERATE',
  preferredBidder,
  rationale: 'Moderated by the panel',
});
const partner = (name: string, agrees = true, note?: string) => ({
  type: 'RECORD_PARTNER_DECISION',
  partner: name,
  agrees,
  ...(note === undefined ? {} : { note }),
});

/** Moderated on the highest scorer (Mountain Healthcare): with the board. */
async function toBoard(options: { delegationThresholdPence?: number } = {}) {
  const procurement = await toModeration(options);
  await procurement.s(OFFICER, moderate(mountain.organisationId), 'boardDecision');
  return procurement;
}

/** Through the board, the award notice and the standstill: ready to award to Mountain Healthcare. */
async function toReadyToAward(options: { delegationThresholdPence?: number } = {}) {
  const procurement = await toBoard(options);
  const { id, s } = procurement;
  for (const name of ['opcc', 'nhsEngland', 'countyCouncil'])
    await s(OFFICER, partner(name), 'boardDecision');
  await s(OFFICER, partner('cityCouncil'), 'awardNotice');
  await t.onDay('2027-12-10', () =>
    s(OFFICER, { type: 'PUBLISH_AWARD_NOTICE', publishedOn: '2027-12-10' }, 'standstill'),
  );
  await h.fire(id, 'STANDSTILL_ENDED', 'readyToAward');
  return procurement;
}

describe('moderation', () => {
  it('holds a preferred bidder other than the highest scorer for the approver, with the reason', async () => {
    const { id } = await toModeration();
    const held = await h.hold(id, OFFICER, moderate(solace.organisationId));
    expect(held.decision).toMatchObject({
      status: 'awaitingSignature',
      event: 'MODERATE',
      payload: { preferredBidder: solace.organisationId, rationale: 'Moderated by the panel' },
      decidedByRole: 'officer',
      amountPence: null,
      because: 'declared',
      reason: `${SOLACE} is not the highest scorer: ${MOUNTAIN} scored 81.71 points`,
    });
    // Not yet moderated: the case waits in moderation, with no preferred bidder.
    expect(held.context).toMatchObject({ preferredBidder: null, moderationRationale: null });
    const waiting = await stored(id);
    expect(waiting).toMatchObject({ state: 'moderation', decision: { status: 'awaitingSignature' } });

    // The officer who moderated cannot sign it; nothing else happens to the case meanwhile.
    await h.refuse(id, OFFICER, { type: 'SIGN_DECISION' }, 403);
    await h.refuse(id, OFFICER, { type: 'ABANDON', reason: 'Changed our minds' }, 409);
    await h.refuse(id, OFFICER, moderate(mountain.organisationId), 409);
    expect(await stored(id)).toEqual(waiting);

    const signed = await h.sign(id, 'boardDecision');
    expect(signed.context).toMatchObject({
      preferredBidder: SOLACE,
      moderationRationale: 'Moderated by the panel',
    });
    const moves = (await history(id)).slice(-2).map((e) => [e.type, e.fromState, e.toState]);
    expect(moves).toEqual([
      ['MODERATE', 'moderation', 'moderation'],
      ['SIGN_DECISION', 'moderation', 'boardDecision'],
    ]);
  });

  it('a moderation sent back stays in moderation; the highest scorer then goes straight on', async () => {
    const { id, s } = await toModeration();
    await h.hold(id, OFFICER, moderate(solace.organisationId));
    await h.refuse(id, APPROVER, { type: 'SEND_BACK_DECISION' }, 422);
    const back = { type: 'SEND_BACK_DECISION', reason: 'The scores do not support it' };
    const sentBack = await h.step(id, APPROVER, back, 'moderation');
    expect(sentBack.decision).toMatchObject({ status: 'sentBack', reason: 'The scores do not support it' });
    expect(sentBack.context.preferredBidder).toBeNull();
    const moved = await s(OFFICER, moderate(mountain.organisationId), 'boardDecision');
    expect(moved.context.preferredBidder).toBe(MOUNTAIN);
  });

  it('choosing the highest scorer goes straight on to the board; a bidder who did not tender is refused', async () => {
    const { id, s } = await toModeration();
    const before = await stored(id);
    for (const stranger of [MOUNTAIN, opcc]) {
      const refused = await h.refuse(id, OFFICER, moderate(stranger), 422);
      expect(refused.errors).toEqual([
        { field: 'preferredBidder', message: 'Choose one of the scored bidders' },
      ]);
    }
    expect(await stored(id)).toEqual(before);
    const moved = await s(OFFICER, moderate(mountain.organisationId), 'boardDecision');
    expect(moved.decision).toBeNull();
    expect(moved.context.preferredBidder).toBe(MOUNTAIN);
    expect((await stored(id)).decision).toBeNull();
  });
});

describe('the joint commissioning board', () => {
  it('refuses a refusal without a note, writing nothing; with one, returns the case to moderation', async () => {
    const { id, s } = await toBoard();
    await s(OFFICER, partner('opcc'), 'boardDecision');
    const before = await stored(id);
    const refused = await h.refuse(id, OFFICER, partner('nhsEngland', false), 422);
    expect(refused.errors).toEqual([{ field: 'note', message: expect.any(String) }]);
    await h.refuse(id, OFFICER, partner('nhsEngland', false, '   '), 422);
    expect(await stored(id)).toEqual(before);

    const back = await s(OFFICER, partner('nhsEngland', false, 'Clinical governance unclear'), 'moderation');
    expect(back.context.returnsToModeration).toEqual(['nhsEngland: Clinical governance unclear']);
    expect(back.context.partnerDecisions).toMatchObject({
      opcc: { agrees: true, note: null },
      nhsEngland: { agrees: false, note: 'Clinical governance unclear' },
    });
    // Moderated again, the board decides afresh.
    const again = await s(OFFICER, moderate(mountain.organisationId), 'boardDecision');
    expect(Object.values(again.context.partnerDecisions)).toEqual([null, null, null, null]);
    expect(again.context.returnsToModeration).toEqual(['nhsEngland: Clinical governance unclear']);
  });
});

describe('abandoning', () => {
  const abandon = { type: 'ABANDON', reason: 'The market cannot deliver the service' };

  it.each([
    ['boardDecision', toBoard],
    ['readyToAward', toReadyToAward],
  ] as const)('is taken from %s with the reasons, and refused without them', async (state, reach) => {
    const { id, fundId } = await reach();
    const before = await stored(id);
    expect(before.state).toBe(state);
    for (const reasonless of [{ type: 'ABANDON' }, { type: 'ABANDON', reason: ' ' }]) {
      const refused = await h.refuse(id, OFFICER, reasonless, 422);
      expect(refused.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    }
    expect(await stored(id)).toEqual(before);
    const abandoned: CaseBody = await h.step(id, OFFICER, abandon, 'abandoned');
    expect(abandoned.context.abandonReason).toBe(abandon.reason);
    expect(abandoned.nextEvents).toEqual([]);
    // Nothing was committed before the award, and nothing is now.
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 0, releasedPence: 0 });
    await h.refuse(id, OFFICER, abandon, 409);
  });

  it('is not taken once the contract is awarded', async () => {
    const { id } = await toReadyToAward({ delegationThresholdPence: CONTRACT });
    const award = {
      type: 'AWARD_CONTRACT',
      startsOn: '2028-04-01',
      endsOn: '2031-03-31',
      valuePence: 210_000_000,
    };
    await h.step(id, OFFICER, award, 'mobilisation');
    await h.refuse(id, OFFICER, abandon, 409);
  });
});

describe('awarding above the preferred tender', () => {
  const dates = { startsOn: '2028-04-01', endsOn: '2031-03-31' };
  const award = { type: 'AWARD_CONTRACT', ...dates, valuePence: 230_000_000 };
  const justification = 'TUPE costs agreed after the tender';

  it('needs a justification, is held for the approver with the reason, and commits only when signed', async () => {
    // A threshold above the contract: only the machine's reason can hold this award.
    const { id, fundId } = await toReadyToAward({ delegationThresholdPence: CONTRACT });
    const before = await stored(id);
    const refused = await h.refuse(id, OFFICER, award, 422);
    expect(refused.errors).toEqual([
      {
        field: 'justification',
        message:
          'Enter the reasons: the contract is worth more than the £2,100,000.00 the preferred bidder tendered',
      },
    ]);
    expect(await stored(id)).toEqual(before);
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 0, releasedPence: 0 });

    const held = await h.hold(id, OFFICER, { ...award, justification });
    expect(held.decision).toMatchObject({
      event: 'AWARD_CONTRACT',
      payload: { ...dates, valuePence: 230_000_000, justification },
      amountPence: 230_000_000,
      thresholdPence: CONTRACT,
      because: 'declared',
      reason: 'The contract is worth more than the preferred bidder tendered (£2,100,000.00)',
    });
    expect(held.context.contract).toBeNull();
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 0, releasedPence: 0 });
    expect(await pay.paymentsOf(id)).toEqual([]);

    await h.refuse(id, OFFICER, { type: 'SIGN_DECISION' }, 403);
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 0, releasedPence: 0 });
    const signed = await h.sign(id, 'mobilisation');
    expect(signed.context.contract).toEqual({
      ...dates,
      valuePence: 230_000_000,
      supplierId: mountain.organisationId,
      supplier: MOUNTAIN,
    });
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 230_000_000, releasedPence: 0 });
    expect((await pay.paymentsOf(id)).length).toBeGreaterThan(0);
  });

  it('at or below the preferred tender needs no justification, and under the threshold goes straight on', async () => {
    const { id, fundId } = await toReadyToAward({ delegationThresholdPence: CONTRACT });
    const atTender = { ...award, valuePence: 210_000_000 };
    const awarded = await h.step(id, OFFICER, atTender, 'mobilisation');
    expect(awarded.decision).toBeNull();
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 210_000_000, releasedPence: 0 });
  });
});

describe('bidders on record', () => {
  it('a tender names an organisation on record: anything else is refused naming the field, writing nothing', async () => {
    const { programmeId } = await t.programme({
      cycle: 'sarc-recommissioning',
      otherYears: [...NEXT_FIVE_YEARS, '2032-33', '2033-34'],
    });
    const input = { programmeId, title: 'SARC 2029', contractValuePence: CONTRACT };
    const { id } = await h.open(OFFICER, 'sarc-recommissioning', input, opcc);
    const deadlines = { clarificationDeadline: '2027-11-02', tenderDeadline: '2027-11-30' };
    await h.on(id)(OFFICER, { type: 'PUBLISH_TENDER', ...deadlines }, 'tendering');
    const before = await stored(id);
    const notOnRecord = '00000000-0000-4000-8000-000000000000';
    // A made-up id, the commissioner itself (not a supplier), a name, nothing.
    for (const supplierId of [notOnRecord, opcc, 'Mountain Healthcare', undefined]) {
      const refused = await h.refuse(id, OFFICER, { type: 'RECORD_TENDER', supplierId, pricePence: 1 }, 422);
      expect(refused.errors).toEqual([{ field: 'supplierId', message: expect.any(String) }]);
    }
    expect(await stored(id)).toEqual(before);
    const recorded = await h.on(id)(
      OFFICER,
      { type: 'RECORD_TENDER', supplierId: solace.organisationId, pricePence: 1 },
      'tendering',
    );
    expect(recorded.context.tenders).toEqual([
      { supplierId: solace.organisationId, bidder: SOLACE, pricePence: 1 },
    ]);
    // The same bidder twice is refused, named.
    const twice = await h.refuse(
      id,
      OFFICER,
      { type: 'RECORD_TENDER', supplierId: solace.organisationId, pricePence: 2 },
      422,
    );
    expect(twice.errors).toEqual([
      { field: 'supplierId', message: `A tender from ${SOLACE} is already recorded` },
    ]);
  });

  it('the contract is paid to the supplier awarded it, who sees its payments and not the procurement', async () => {
    const { id, fundId } = await toReadyToAward({ delegationThresholdPence: CONTRACT });
    const award = {
      type: 'AWARD_CONTRACT',
      startsOn: '2028-04-01',
      endsOn: '2031-03-31',
      valuePence: 210_000_000,
    };
    await h.step(id, OFFICER, award, 'mobilisation');
    expect(await h.lineMoney(fundId)).toEqual({ committedPence: 210_000_000, releasedPence: 0 });
    const rows = await t.sql`select id, organisation_id from cases
      where award_case_id = ${id} and machine_id = 'award-payment'`;
    expect(rows.length).toBe(12);
    expect(new Set(rows.map((r) => r.organisation_id))).toEqual(new Set([mountain.organisationId]));
    // Its monitoring returns, a quarter each over the three years, are the supplier's too.
    const returns = await h.returnsOf(id);
    expect(returns.map((r) => r.periodStart)).toEqual(
      ['2028', '2029', '2030'].flatMap((y) => [
        `${y}-04-01`,
        `${y}-07-01`,
        `${y}-10-01`,
        `${Number(y) + 1}-01-01`,
      ]),
    );
    const owners = await t.sql`select distinct organisation_id from cases
      where award_case_id = ${id} and machine_id = 'monitoring-return'`;
    expect(owners.map((o) => o.organisation_id)).toEqual([mountain.organisationId]);
    const [schedule] =
      await t.sql`select payee_organisation_id from payment_schedules where award_case_id = ${id}`;
    expect(schedule!.payee_organisation_id).toBe(mountain.organisationId);

    // The supplier sees its payments in its list; the procurement (the OPCC's) stays out of sight.
    const list = await t.http.get('/api/cases?machine=award-payment').set(mountain.auth);
    expect(list.status).toBe(200);
    const listed = new Set(list.body.items.map((item: { id: string }) => item.id));
    expect(rows.filter((r) => !listed.has(r.id))).toEqual([]);
    expect((await t.http.get(`/api/cases/${id}`).set(mountain.auth)).status).toBe(404);
    const other = await t.http.get('/api/cases?machine=award-payment').set(solace.auth);
    expect(other.body.items).toHaveLength(0);

    // Extended, the contract's new payments go to the same supplier.
    await t.onDay('2028-04-01', () => h.step(id, OFFICER, { type: 'GO_LIVE' }, 'live'));
    const extend = {
      type: 'CONTRACT_REVIEW',
      decision: 'extend',
      note: 'Good performance',
      newEndsOn: '2032-03-31',
      extensionValuePence: 20_000_000,
    };
    await h.step(id, OFFICER, extend, 'live');
    const after = await t.sql`select distinct organisation_id from cases where award_case_id = ${id}`;
    expect(after.map((r) => r.organisation_id)).toEqual([mountain.organisationId]);
    expect(
      (await t.sql`select count(*)::int as n from cases where award_case_id = ${id}`)[0]!.n,
    ).toBeGreaterThan(12);
  });
});
