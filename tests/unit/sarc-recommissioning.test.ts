import { describe, expect, it } from 'vitest';
import { standstillEnd, standstillEndsAt } from '../../machines/calendar.ts';
import type { DecisionSpec } from '../../machines/define.ts';
import { sarcRecommissioningTemplates } from '../../machines/mail/sarc-recommissioning.ts';
import {
  awardAboveTender,
  checkAward,
  checkClarification,
  checkModerate,
  checkNotice,
  checkPartnerDecision,
  checkPublish,
  checkReview,
  checkScores,
  checkTender,
  highestScorer,
  preferredNotHighest,
  preferredPrice,
  type SarcContext,
  type SarcInput,
  type SarcScore,
  sarcMessages,
  sarcPartners,
  sarcRecommissioning,
  scoreTenders,
} from '../../machines/sarc-recommissioning.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import { signatureNeeded } from '../../src/engine/rulebook.ts';
import { persist, restore } from '../../src/engine/snapshot.ts';
import {
  type Action,
  actorIdChanges,
  type EventOf,
  handledEffects,
  harness,
  json,
  notify as n,
  notifyMessages,
  ofType,
  payloadOf,
} from '../helpers/machine-harness.ts';

const def = sarcRecommissioning;
type Event = EventOf<typeof def>;

const input: SarcInput = {
  programmeId: '7b0c2f0e-6a8e-4d55-9a43-1f1f0b9f2c11',
  title: 'SARC 2027',
  contractValuePence: 50_000_000,
};
const ev = {
  PUBLISH_TENDER: {
    type: 'PUBLISH_TENDER',
    clarificationDeadline: '2026-06-12',
    tenderDeadline: '2026-07-03',
    qualityWeight: 70,
    priceWeight: 30,
  },
  ANSWER_CLARIFICATION: { type: 'ANSWER_CLARIFICATION', question: 'TUPE?', answer: 'Yes, see annex 4' },
  RECORD_TENDER: { type: 'RECORD_TENDER', bidder: 'Alpha Health', pricePence: 40_000_000 },
  CLARIFICATION_CLOSED: { type: 'CLARIFICATION_CLOSED' },
  TENDER_DEADLINE_PASSED: { type: 'TENDER_DEADLINE_PASSED' },
  SCORE_TENDERS: {
    type: 'SCORE_TENDERS',
    scores: [
      { bidder: 'Beta Care', qualityScore: 80 },
      { bidder: 'alpha health', qualityScore: 60 },
    ],
  },
  ABANDON: { type: 'ABANDON', reason: 'No bids' },
  MODERATE: { type: 'MODERATE', preferredBidder: 'Beta Care', rationale: 'Highest total' },
  RECORD_PARTNER_DECISION: { type: 'RECORD_PARTNER_DECISION', partner: 'opcc', agrees: true },
  RETURN_TO_MODERATION: { type: 'RETURN_TO_MODERATION', reason: 'NHS England disagrees' },
  PUBLISH_AWARD_NOTICE: { type: 'PUBLISH_AWARD_NOTICE', publishedOn: '2026-12-18' },
  STANDSTILL_ENDED: { type: 'STANDSTILL_ENDED' },
  RECORD_CHALLENGE: { type: 'RECORD_CHALLENGE', details: 'Alpha challenges the scoring' },
  RESOLVE_CHALLENGE: { type: 'RESOLVE_CHALLENGE', outcome: 'dismissed', note: 'No merit' },
  AWARD_CONTRACT: {
    type: 'AWARD_CONTRACT',
    startsOn: '2027-04-01',
    endsOn: '2030-03-31',
    valuePence: 45_000_000,
  },
  GO_LIVE: { type: 'GO_LIVE' },
  CONTRACT_REVIEW: {
    type: 'CONTRACT_REVIEW',
    decision: 'extend',
    note: 'Performing well',
    newEndsOn: '2031-03-31',
    extensionValuePence: 15_000_000,
  },
} satisfies Record<string, Event>;
type EventType = keyof typeof ev;
const allEvents = Object.keys(ev) as EventType[];
const tenderB = { ...ev.RECORD_TENDER, bidder: 'Beta Care', pricePence: 50_000_000 };
const agree = (partner: string, agrees = true) => ({ ...ev.RECORD_PARTNER_DECISION, partner, agrees });
const reprocure = { type: 'CONTRACT_REVIEW', decision: 'reprocure', note: 'Market has changed' };

const h = harness(def, input);
const { machine, start, send, run, runFrom, can, roundTrip } = h;
/** The contract is paid quarterly in arrears over its term, remainder in the last payment. */
const contractPayments = (startsOn: string, endsOn: string) => ({
  type: 'schedulePayments',
  params: { profile: 'quarterlyInArrears', instalments: null, remainderIn: 'last', startsOn, endsOn },
});
const commit = (amountPence: number) => ({ type: 'commitFunds', params: { amountPence } });
/** Re-procurement ends the contract: the domain releases what it holds beyond what was paid. */
const releaseUnpaid = { type: 'releaseUnpaid', params: {} };
const PAYMENT_AND_MONEY = ['commitFunds', 'releaseFunds', 'schedulePayments', 'releaseUnpaid'];
const money = (actions: Action[]) =>
  actions.filter((a) => PAYMENT_AND_MONEY.includes(a.type)).map(({ type, params }) => ({ type, params }));

const toEvaluation = [ev.PUBLISH_TENDER, ev.RECORD_TENDER, tenderB, ev.TENDER_DEADLINE_PASSED];
const toBoard = [...toEvaluation, ev.SCORE_TENDERS, ev.MODERATE];
const toNotice = [...toBoard, ...sarcPartners.map((p) => agree(p))];
const toStandstill = [...toNotice, ev.PUBLISH_AWARD_NOTICE];
const toLive = [...toStandstill, ev.STANDSTILL_ENDED, ev.AWARD_CONTRACT, ev.GO_LIVE];
const pathTo: Record<string, Event[]> = {
  specification: [],
  tendering: [ev.PUBLISH_TENDER],
  evaluation: toEvaluation,
  moderation: toBoard.slice(0, -1),
  boardDecision: toBoard,
  awardNotice: toNotice,
  standstill: toStandstill,
  suspended: [...toStandstill, ev.RECORD_CHALLENGE],
  readyToAward: [...toStandstill, ev.STANDSTILL_ENDED],
  mobilisation: toLive.slice(0, -1),
  live: toLive,
  abandoned: [ev.ABANDON],
  closed: [...toLive, reprocure],
};
const reach = (state: string) => run(pathTo[state]!)[0];
// Alpha Health tendered £400,000 and scored 72 points; Beta Care tendered £500,000 and scored 80.
const alpha = { ...ev.MODERATE, preferredBidder: 'Alpha Health', rationale: 'Local provider' };
/** Ready to award, with `moderate` having chosen the preferred bidder. */
const toAward = (moderate: Event) =>
  run([
    ...toEvaluation,
    ev.SCORE_TENDERS,
    moderate,
    ...sarcPartners.map((p) => agree(p)),
    ev.PUBLISH_AWARD_NOTICE,
    ev.STANDSTILL_ENDED,
  ])[0];
const finals = ['abandoned', 'closed'];
/** Every state before the contract is awarded: the procurement may be abandoned in each. */
const beforeAward = [
  'specification',
  'tendering',
  'evaluation',
  'moderation',
  'boardDecision',
  'awardNotice',
  'standstill',
  'suspended',
  'readyToAward',
];
const accepts: Record<string, string[]> = {
  specification: ['PUBLISH_TENDER', 'ABANDON'],
  tendering: 'ANSWER_CLARIFICATION RECORD_TENDER CLARIFICATION_CLOSED TENDER_DEADLINE_PASSED ABANDON'.split(
    ' ',
  ),
  evaluation: ['SCORE_TENDERS', 'ABANDON'],
  moderation: ['MODERATE', 'ABANDON'],
  boardDecision: ['RECORD_PARTNER_DECISION', 'RETURN_TO_MODERATION', 'ABANDON'],
  awardNotice: ['PUBLISH_AWARD_NOTICE', 'ABANDON'],
  standstill: ['STANDSTILL_ENDED', 'RECORD_CHALLENGE', 'ABANDON'],
  suspended: ['RESOLVE_CHALLENGE', 'ABANDON'],
  readyToAward: ['AWARD_CONTRACT', 'ABANDON'],
  mobilisation: ['GO_LIVE'],
  live: ['CONTRACT_REVIEW'],
  abandoned: [],
  closed: [],
};

describe('SARC re-commissioning definition', () => {
  it('describes itself and registers', () => {
    expect(def).toMatchObject({ id: 'sarc-recommissioning', version: 3, referencePrefix: 'SARC' });
    // Cases on version 2 move to 3 as they are: every state is still there and the context unchanged.
    expect(def.upgradeFrom).toEqual({ version: 2 });
    expect(def.createdBy).toEqual(['officer']);
    expect(() => new MachineRegistry([def])).not.toThrow();
    expect(Object.keys(def.states).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(def.states).sort()).toEqual(Object.keys(accepts).sort());
    expect(Object.keys(def.events).sort()).toEqual([...allEvents].sort());
    for (const state of finals) expect(machine.root.states[state]?.type).toBe('final');
  });

  it('only the system sends timer events; officers send the rest', () => {
    for (const type of allEvents) {
      const system = ['CLARIFICATION_CLOSED', 'TENDER_DEADLINE_PASSED', 'STANDSTILL_ENDED'].includes(type);
      expect(def.events[type].sentBy).toEqual([system ? 'system' : 'officer']);
    }
  });

  it('sarcMessages lists exactly the messages the machine can send, each with a template', () => {
    const declared = notifyMessages(machine);
    expect([...new Set(declared)].sort()).toEqual([...sarcMessages].sort());
    expect(Object.keys(sarcRecommissioningTemplates).sort()).toEqual([...sarcMessages].sort());
  });

  it.each(sarcMessages)('template %s starts with the reference and leaks nothing', (message) => {
    const context = { ...reach('live').context, standstillEndsOn: '2026-12-31' };
    const data = {
      recipientName: 'O',
      reference: 'SARC-000007',
      title: 'SARC 2027',
      caseUrl: 'u',
      stateLabel: 's',
      context,
    };
    const t = sarcRecommissioningTemplates[message];
    expect(t.subject(data).startsWith('SARC-000007')).toBe(true);
    const text = [t.subject(data), ...t.body(data)].join('\n');
    expect(text).toContain('SARC 2027');
    for (const secret of ['Beta', 'Alpha', '£', '450', 'scoring', 'Highest', 'Performing'])
      expect(text).not.toContain(secret);
  });

  it('starts in specification with explicit nulls and no actions', () => {
    const [s, actions] = start();
    expect(s.value).toBe('specification');
    expect(actions).toEqual([]);
    expect(s.context).toMatchObject({ title: 'SARC 2027', contractValuePence: 50_000_000, tenders: [] });
    expect(s.context.partnerDecisions).toEqual({
      opcc: null,
      nhsEngland: null,
      countyCouncil: null,
      cityCouncil: null,
    });
    const { title: _t, ...untitled } = input;
    expect(start(untitled)[0].context.title).toBeNull();
    const programme = {
      id: input.programmeId,
      name: 'SARC 2027-32',
      maxAwardPence: null,
      delegationThresholdPence: 0,
      criteria: [],
      closesAt: null,
    };
    expect(start({ ...untitled, programme })[0].context.title).toBe('SARC 2027-32');
    expect(start({ ...input, programme })[0].context.title).toBe('SARC 2027');
  });

  it.each([
    [{ programmeId: input.programmeId, contractValuePence: 1 }, true],
    [input, true],
    [{ ...input, extra: 1 }, false],
    [{ ...input, programmeId: 'nope' }, false],
    [{ ...input, contractValuePence: 0 }, false],
    [{ ...input, contractValuePence: 10.5 }, false],
    [{ ...input, title: '  ' }, false],
  ])('creation input %o valid: %s', (value, ok) => {
    expect(def.input.safeParse(value).success).toBe(ok);
  });
});

describe('transitions', () => {
  it.each([
    ['specification', ev.PUBLISH_TENDER, 'tendering'],
    ['tendering', ev.TENDER_DEADLINE_PASSED, 'evaluation'],
    ['evaluation', ev.SCORE_TENDERS, 'moderation'],
    ['moderation', ev.MODERATE, 'boardDecision'],
    ['boardDecision', ev.RETURN_TO_MODERATION, 'moderation'],
    ['awardNotice', ev.PUBLISH_AWARD_NOTICE, 'standstill'],
    ['standstill', ev.STANDSTILL_ENDED, 'readyToAward'],
    ['standstill', ev.RECORD_CHALLENGE, 'suspended'],
    ['suspended', ev.RESOLVE_CHALLENGE, 'awardNotice'],
    ['suspended', { ...ev.RESOLVE_CHALLENGE, outcome: 'upheld' }, 'moderation'],
    ['readyToAward', ev.AWARD_CONTRACT, 'mobilisation'],
    ['mobilisation', ev.GO_LIVE, 'live'],
    ['live', ev.CONTRACT_REVIEW, 'live'],
    ['live', reprocure, 'closed'],
  ] as [string, Event, string][])('%s —%o→ %s', (from, event, to) => {
    expect(send(reach(from), event)[0].value).toBe(to);
  });

  it('tendering records clarifications until the clarification period closes, and unique tenders', () => {
    let [s, actions] = send(reach('tendering'), ev.ANSWER_CLARIFICATION);
    expect([s.value, actions]).toEqual(['tendering', []]);
    expect(s.context.clarifications).toEqual([{ question: 'TUPE?', answer: 'Yes, see annex 4' }]);
    [s, actions] = runFrom(s, [ev.RECORD_TENDER, ev.CLARIFICATION_CLOSED]);
    expect([s.value, actions, s.context.clarificationClosed]).toEqual(['tendering', [], true]);
    expect(checkClarification(s.context, payloadOf(ev, 'ANSWER_CLARIFICATION') as never)).toEqual([
      { field: 'question', message: 'The clarification period has closed' },
    ]);
    const duplicate = { ...tenderB, bidder: 'ALPHA HEALTH' };
    for (const refused of [ev.ANSWER_CLARIFICATION, duplicate]) {
      expect(can(s, refused)).toBe(false);
      expect(send(s, refused)[0]).toBe(s);
    }
    expect(checkTender(s.context, duplicate as never)[0]?.field).toBe('bidder');
    [s] = runFrom(s, [tenderB, ev.TENDER_DEADLINE_PASSED]);
    expect(s.context.tenders).toEqual([
      payloadOf(ev, 'RECORD_TENDER'),
      { bidder: 'Beta Care', pricePence: 50_000_000 },
    ]);
    // Tenders were received, and the procurement may still be abandoned.
    const [abandoned] = send(s, { ...ev.ABANDON, reason: 'Both tenders unaffordable' });
    expect([abandoned.value, abandoned.context.abandonReason]).toEqual([
      'abandoned',
      'Both tenders unaffordable',
    ]);
  });

  it('evaluation with no tenders can only be abandoned', () => {
    const [s] = run([ev.PUBLISH_TENDER, ev.TENDER_DEADLINE_PASSED]);
    expect(s.value).toBe('evaluation');
    expect(can(s, { ...ev.SCORE_TENDERS, scores: [] })).toBe(false);
    expect(checkScores(s.context, { scores: [] })).toEqual([
      { field: 'scores', message: expect.stringContaining('No tenders') },
    ]);
    const [abandoned] = send(s, ev.ABANDON);
    expect([abandoned.value, abandoned.status, abandoned.context.abandonReason]).toEqual([
      'abandoned',
      'done',
      'No bids',
    ]);
  });
});

describe('evaluation and moderation', () => {
  it('scores quality and price by the published weights, rounding each to 2 dp', () => {
    const s = reach('moderation');
    const row = ({ bidder, pricePence, qualityScore, qualityPoints, pricePoints, totalPoints }: SarcScore) =>
      `${bidder} ${pricePence} ${qualityScore} ${qualityPoints}+${pricePoints}=${totalPoints}`;
    expect(s.context.scores.map(row)).toEqual([
      'Alpha Health 40000000 60 42+30=72',
      'Beta Care 50000000 80 56+24=80',
    ]);
    const [a, b] = [
      { bidder: 'A', pricePence: 3 },
      { bidder: 'B', pricePence: 7 },
    ];
    const odd = scoreTenders(
      [a, b],
      [
        { bidder: 'a', qualityScore: 33 },
        { bidder: 'b', qualityScore: 67 },
      ],
      65,
      35,
    );
    expect(odd.map((x) => [x.qualityPoints, x.pricePoints, x.totalPoints])).toEqual([
      [21.45, 35, 56.45],
      [43.55, 15, 58.55],
    ]);
  });

  it.each([
    [[{ bidder: 'Beta Care', qualityScore: 80 }], ['scores']],
    [[...ev.SCORE_TENDERS.scores, { bidder: 'Beta care', qualityScore: 1 }], ['scores.2.bidder']],
    [[...ev.SCORE_TENDERS.scores, { bidder: 'Gamma', qualityScore: 1 }], ['scores.2.bidder']],
    [[], ['scores', 'scores']],
  ])('refuses scores %o, naming %o', (scores, fields) => {
    const before = reach('evaluation');
    expect(can(before, { type: 'SCORE_TENDERS', scores })).toBe(false);
    expect(checkScores(before.context, { scores }).map((p) => p.field)).toEqual(fields);
  });

  it('moderation must prefer a scored bidder, and records its name as tendered', () => {
    const before = reach('moderation');
    const gamma = { ...ev.MODERATE, preferredBidder: 'Gamma' };
    expect(can(before, gamma)).toBe(false);
    expect(checkModerate(before.context, gamma as never)[0]?.field).toBe('preferredBidder');
    const [s] = send(before, { ...ev.MODERATE, preferredBidder: 'beta care' });
    expect([s.context.preferredBidder, s.context.moderationRationale]).toEqual([
      'Beta Care',
      'Highest total',
    ]);
  });
});

describe('joint commissioning board', () => {
  const refusal = (partner: string, note?: string) => ({ ...agree(partner, false), note });

  it('moves on only when all four partners agree; re-recording replaces a decision', () => {
    let [s, actions] = runFrom(reach('boardDecision'), [
      agree('opcc'),
      agree('countyCouncil'),
      agree('cityCouncil'),
    ]);
    expect([s.value, actions]).toEqual(['boardDecision', []]);
    expect(s.context.partnerDecisions.nhsEngland).toBeNull();
    [s] = send(s, { ...agree('opcc'), note: 'Content' });
    expect(s.context.partnerDecisions.opcc).toEqual({ agrees: true, note: 'Content' });
    [s] = send(s, agree('nhsEngland'));
    expect(s.value).toBe('awardNotice');
    expect(Object.values(s.context.partnerDecisions).every((d) => d?.agrees)).toBe(true);
  });

  it('a refusal without a note is refused, naming the note; agreeing needs none', () => {
    const before = run([...toBoard, agree('opcc')])[0];
    for (const refused of [refusal('nhsEngland'), agree('nhsEngland', false)]) {
      expect(can(before, refused)).toBe(false);
      const [after, actions] = send(before, refused);
      expect([after, actions]).toEqual([before, []]);
      expect(checkPartnerDecision(before.context, refused as never)).toEqual([
        { field: 'note', message: "Give the partner's reasons for not agreeing" },
      ]);
    }
    expect(checkPartnerDecision(before.context, refusal('nhsEngland', 'Too costly') as never)).toEqual([]);
    expect(checkPartnerDecision(before.context, agree('nhsEngland') as never)).toEqual([]);
    // A blank note is no note: the payload refuses it.
    const schema = def.events.RECORD_PARTNER_DECISION.payload;
    expect(schema.safeParse({ partner: 'nhsEngland', agrees: false, note: '  ' }).success).toBe(false);
    expect(schema.safeParse({ partner: 'nhsEngland', agrees: false, note: 'Too costly' }).success).toBe(true);
  });

  it('a refusal with a note sends the case back to moderation with the reasons on record', () => {
    let [s, actions] = runFrom(reach('boardDecision'), [
      agree('opcc'),
      refusal('nhsEngland', 'Clinical governance unclear'),
    ]);
    expect([s.value, actions]).toEqual(['moderation', []]);
    expect(s.context.returnsToModeration).toEqual(['nhsEngland: Clinical governance unclear']);
    expect(s.context.partnerDecisions).toEqual({
      opcc: { agrees: true, note: null },
      nhsEngland: { agrees: false, note: 'Clinical governance unclear' },
      countyCouncil: null,
      cityCouncil: null,
    });
    // Moderated again, the board decides afresh; a second refusal is recorded after the first.
    [s] = runFrom(s, [ev.MODERATE, refusal('cityCouncil', 'Price too high')]);
    expect([s.value, s.context.returnsToModeration]).toEqual([
      'moderation',
      ['nhsEngland: Clinical governance unclear', 'cityCouncil: Price too high'],
    ]);
    [s] = runFrom(s, [ev.MODERATE, ...sarcPartners.map((p) => agree(p))]);
    expect(s.value).toBe('awardNotice');
  });

  it('a return to moderation is recorded, and a new moderation clears the decisions', () => {
    let [s] = runFrom(reach('boardDecision'), [agree('opcc'), agree('cityCouncil'), ev.RETURN_TO_MODERATION]);
    expect([s.value, s.context.returnsToModeration]).toEqual(['moderation', ['NHS England disagrees']]);
    expect(s.context.partnerDecisions.opcc?.agrees).toBe(true);
    [s] = send(s, ev.MODERATE);
    expect(Object.values(s.context.partnerDecisions)).toEqual([null, null, null, null]);
  });
});

describe('abandoning', () => {
  it.each(beforeAward)('%s: ABANDON (with the reasons) ends the procurement', (state) => {
    const before = reach(state);
    expect(can(before, ev.ABANDON)).toBe(true);
    const [s, actions] = send(before, { ...ev.ABANDON, reason: `Abandoned in ${state}` });
    expect([s.value, s.status, s.context.abandonReason]).toEqual([
      'abandoned',
      'done',
      `Abandoned in ${state}`,
    ]);
    // Nothing was committed before the award, so abandoning moves no money and tells no one by itself.
    expect(money(actions)).toEqual([]);
    expect(ofType(actions, 'notify')).toEqual([]);
  });

  it.each(Object.keys(accepts).filter((state) => !beforeAward.includes(state)))(
    '%s: after the award (or the end) ABANDON is not taken',
    (state) => {
      const before = reach(state);
      expect(can(before, ev.ABANDON)).toBe(false);
      expect(send(before, ev.ABANDON)[0]).toBe(before);
    },
  );

  it('is irreversible and asks for the reasons', () => {
    expect(def.events.ABANDON).toMatchObject({ irreversible: true, sentBy: ['officer'] });
    expect(def.events.ABANDON.check).toBeUndefined();
    const schema = def.events.ABANDON.payload;
    for (const reason of [undefined, '', '   ']) expect(schema.safeParse({ reason }).success).toBe(false);
    expect(schema.safeParse({ reason: 'Market failure' }).success).toBe(true);
  });
});

describe('decisions the approver signs whatever their amount', () => {
  /** As the engine decides: held (and why), or null when the decision takes effect at once. */
  const held = (type: 'MODERATE' | 'AWARD_CONTRACT', c: SarcContext, e: Event, thresholdPence: number) => {
    const decision = def.events[type].decision;
    return signatureNeeded(
      decision.amountPence(c, e as never),
      thresholdPence,
      null,
      decision.signatureWhen(c, e as never),
    );
  };

  it('declares MODERATE a decision with no money, and AWARD_CONTRACT one for the contract value', () => {
    const decisions = Object.entries(def.events).flatMap(([type, spec]) =>
      'decision' in spec ? [type] : [],
    );
    expect(decisions).toEqual(['MODERATE', 'AWARD_CONTRACT', 'CONTRACT_REVIEW']);
    const { MODERATE, AWARD_CONTRACT } = def.events;
    expect(MODERATE.decision.signatureWhen).toBe(preferredNotHighest);
    expect(AWARD_CONTRACT.decision.signatureWhen).toBe(awardAboveTender);
    const moderation = reach('moderation').context;
    const moderates: DecisionSpec = MODERATE.decision;
    for (const e of [ev.MODERATE, alpha]) expect(moderates.amountPence(moderation, e)).toBeNull();
    expect(AWARD_CONTRACT.decision.amountPence(reach('readyToAward').context, ev.AWARD_CONTRACT)).toBe(
      45_000_000,
    );
  });

  it('the highest scorer is the scored tender with the most points', () => {
    expect(highestScorer(reach('evaluation').context)).toBeUndefined();
    expect(highestScorer(reach('moderation').context)).toMatchObject({
      bidder: 'Beta Care',
      totalPoints: 80,
    });
  });

  it('preferredNotHighest gives a reason exactly when the preferred bidder scored fewer points than the top', () => {
    const c = reach('moderation').context;
    expect(preferredNotHighest(c, alpha)).toBe(
      'Alpha Health is not the highest scorer: Beta Care scored 80 points',
    );
    expect(preferredNotHighest(c, { ...alpha, preferredBidder: 'alpha HEALTH' })).toBe(
      'alpha HEALTH is not the highest scorer: Beta Care scored 80 points',
    );
    for (const top of ['Beta Care', 'beta care', 'BETA CARE'])
      expect(preferredNotHighest(c, { ...ev.MODERATE, preferredBidder: top })).toBeNull();
    // A bidder tied for the most points is a highest scorer too.
    const tied = { ...c, scores: c.scores.map((s) => ({ ...s, totalPoints: 80 })) };
    expect(preferredNotHighest(tied, alpha)).toBeNull();
    expect(preferredNotHighest(tied, ev.MODERATE)).toBeNull();
    const below = {
      ...c,
      scores: c.scores.map((s) => ({ ...s, totalPoints: s.totalPoints === 80 ? 72.01 : 72 })),
    };
    expect(preferredNotHighest(below, alpha)).toBe(
      'Alpha Health is not the highest scorer: Beta Care scored 72.01 points',
    );
    expect(preferredNotHighest(reach('evaluation').context, alpha)).toBeNull();
  });

  it('the engine would hold a moderation of anyone but the highest scorer, whatever the threshold', () => {
    const c = reach('moderation').context;
    expect(held('MODERATE', c, alpha, 0)).toBe('declared');
    expect(held('MODERATE', c, alpha, Number.MAX_SAFE_INTEGER)).toBe('declared');
    expect(held('MODERATE', c, ev.MODERATE, 0)).toBeNull();
    // The pure machine applies either as sent: holding it is the engine's job.
    for (const e of [ev.MODERATE, alpha]) expect(send(reach('moderation'), e)[0].value).toBe('boardDecision');
  });

  it('preferredPrice is what the preferred bidder tendered', () => {
    expect(preferredPrice(reach('moderation').context)).toBeNull();
    expect(preferredPrice(reach('readyToAward').context)).toBe(50_000_000);
    expect(preferredPrice(toAward(alpha).context)).toBe(40_000_000);
    expect(preferredPrice(toAward({ ...alpha, preferredBidder: 'ALPHA HEALTH' }).context)).toBe(40_000_000);
  });

  it('awardAboveTender gives a reason exactly when the contract is worth more than the preferred tender', () => {
    const c = toAward(alpha).context;
    const worth = (valuePence: number) => awardAboveTender(c, { ...ev.AWARD_CONTRACT, valuePence });
    expect(worth(40_000_001)).toBe(
      'The contract is worth more than the preferred bidder tendered (£400,000.00)',
    );
    expect(worth(45_000_000)).toBe(worth(40_000_001));
    expect(worth(40_000_000)).toBeNull();
    expect(worth(1)).toBeNull();
    // No preferred bidder, no tender to compare with.
    expect(awardAboveTender(reach('moderation').context, ev.AWARD_CONTRACT)).toBeNull();
  });

  it('an award above the preferred tender needs a justification, and is then the approver\u2019s to sign', () => {
    const before = toAward(alpha);
    const unjustified = { ...ev.AWARD_CONTRACT, valuePence: 45_000_000 };
    const justified = { ...unjustified, justification: 'TUPE costs agreed after the tender' };
    expect(checkAward(before.context, unjustified)).toEqual([
      { field: 'justification', message: 'Justify a contract worth more than the preferred tender' },
    ]);
    expect(can(before, unjustified)).toBe(false);
    expect(send(before, unjustified)[0]).toBe(before);
    expect(checkAward(before.context, justified)).toEqual([]);
    // Held whatever the threshold, for its reason; at the tender it is the threshold's to decide.
    expect(held('AWARD_CONTRACT', before.context, justified, Number.MAX_SAFE_INTEGER)).toBe('declared');
    const atTender = { ...ev.AWARD_CONTRACT, valuePence: 40_000_000 };
    expect(checkAward(before.context, atTender)).toEqual([]);
    expect(held('AWARD_CONTRACT', before.context, atTender, 40_000_000)).toBeNull();
    expect(held('AWARD_CONTRACT', before.context, atTender, 39_999_999)).toBe('aboveThreshold');
    // Signed, it awards the contract at the value decided and commits that much.
    const [s, actions] = send(before, justified);
    expect(s.value).toBe('mobilisation');
    expect(s.context.contract).toEqual({
      startsOn: '2027-04-01',
      endsOn: '2030-03-31',
      valuePence: 45_000_000,
    });
    expect(money(actions)).toEqual([commit(45_000_000), contractPayments('2027-04-01', '2030-03-31')]);
  });
});

describe('the upgrade from version 2', () => {
  it('moves cases as they are: no new context, no moved state, nothing held', () => {
    expect(def.upgradeFrom).toEqual({ version: 2 });
    // Every field the context has, a version-2 case already had; new ones would need `context`.
    expect(Object.keys(start()[0].context).sort()).toEqual(
      [
        'title',
        'contractValuePence',
        'clarificationDeadline',
        'tenderDeadline',
        'qualityWeight',
        'priceWeight',
        'clarificationClosed',
        'clarifications',
        'tenders',
        'scores',
        'preferredBidder',
        'moderationRationale',
        'partnerDecisions',
        'returnsToModeration',
        'awardNoticePublishedOn',
        'standstillEndsOn',
        'challenges',
        'contract',
        'extensions',
        'reprocureNote',
        'abandonReason',
      ].sort(),
    );
  });

  it('a version-2 case at the board with a refusal recorded without a note goes on under version 3', () => {
    // Version 2 kept a refusal (with or without a note) at the board; version 3 stores the case as it was.
    const board = reach('boardDecision');
    const v2 = json(persist(def, board));
    const decisions = { ...board.context.partnerDecisions, opcc: { agrees: true, note: null } };
    const context = {
      ...v2.context,
      partnerDecisions: { ...decisions, nhsEngland: { agrees: false, note: null } },
    };
    const moved = restore(def, { ...v2, context }) as typeof board;
    expect([moved.value, moved.context.partnerDecisions.nhsEngland]).toEqual([
      'boardDecision',
      { agrees: false, note: null },
    ]);
    // The others agreeing is not enough; the refusing partner may agree, or refuse again with reasons.
    let [s] = runFrom(moved, [agree('countyCouncil'), agree('cityCouncil')]);
    expect(s.value).toBe('boardDecision');
    expect(send(s, agree('nhsEngland'))[0].value).toBe('awardNotice');
    expect(can(s, agree('nhsEngland', false))).toBe(false);
    [s] = send(s, { ...agree('nhsEngland', false), note: 'Still unclear' });
    expect([s.value, s.context.returnsToModeration]).toEqual(['moderation', ['nhsEngland: Still unclear']]);
    // And it may be returned to moderation, or abandoned, as before.
    expect(send(moved, ev.RETURN_TO_MODERATION)[0].value).toBe('moderation');
    expect(send(moved, ev.ABANDON)[0].value).toBe('abandoned');
  });

  it('an award above the tender held under version 2 no longer fits without a justification', () => {
    // The engine re-checks a held decision when it is signed (409 when it no longer fits): the
    // approver sends it back and the officer decides again, with the justification.
    const c = toAward(alpha).context;
    const heldOnV2 = { startsOn: '2027-04-01', endsOn: '2030-03-31', valuePence: 45_000_000 };
    expect(def.events.AWARD_CONTRACT.check).toBe(checkAward);
    expect(checkAward(c, heldOnV2).map((p) => p.field)).toEqual(['justification']);
    expect(checkAward(c, { ...heldOnV2, valuePence: 40_000_000 })).toEqual([]);
  });
});

describe('timers and the standstill', () => {
  const schedules = (actions: Action[]) => json(ofType(actions, 'schedule'));
  it.each([
    ['summer', '2026-06-12', '2026-07-03', '2026-06-12T23:00:00.000Z', '2026-07-03T23:00:00.000Z'],
    ['winter', '2026-12-04', '2027-01-15', '2026-12-05T00:00:00.000Z', '2027-01-16T00:00:00.000Z'],
  ])(
    'publishing a tender (%s) schedules the two deadlines at the end of the London day',
    (_, c, t, cAt, tAt) => {
      const [s, actions] = send(start()[0], {
        ...ev.PUBLISH_TENDER,
        clarificationDeadline: c,
        tenderDeadline: t,
      });
      expect(s.context).toMatchObject({ clarificationDeadline: c, tenderDeadline: t, qualityWeight: 70 });
      expect(schedules(actions)).toEqual([
        { id: 'clarificationClosed', event: { type: 'CLARIFICATION_CLOSED' }, at: cAt },
        { id: 'tenderDeadlinePassed', event: { type: 'TENDER_DEADLINE_PASSED' }, at: tAt },
      ]);
    },
  );

  it.each([
    ['Christmas 2026', '2026-12-18', '2026-12-31', '2027-01-01T00:00:00.000Z'],
    ['Easter 2026', '2026-04-02', '2026-04-15', '2026-04-15T23:00:00.000Z'],
    ['New Year (Scottish 4 Jan)', '2026-12-24', '2027-01-08', '2027-01-09T00:00:00.000Z'],
  ])('an award notice before %s (%s) ends the standstill on %s, the timer at %s', (_, on, last, at) => {
    const early = { ...ev.PUBLISH_TENDER, tenderDeadline: '2026-03-01', clarificationDeadline: '2026-02-01' };
    const before = run([early, ...toNotice.slice(1)])[0];
    const [s, actions] = send(before, { ...ev.PUBLISH_AWARD_NOTICE, publishedOn: on });
    expect([s.value, s.context.awardNoticePublishedOn, s.context.standstillEndsOn]).toEqual([
      'standstill',
      on,
      last,
    ]);
    expect(standstillEnd(on)).toBe(last);
    expect(schedules(actions)).toEqual([{ id: 'standstillEnded', event: { type: 'STANDSTILL_ENDED' }, at }]);
    expect(at).toBe(standstillEndsAt(on).toISOString());
  });

  it('a notice dated before the tender deadline (or an earlier notice) is refused', () => {
    const before = reach('awardNotice');
    const early = { ...ev.PUBLISH_AWARD_NOTICE, publishedOn: '2026-07-02' };
    expect(can(before, early)).toBe(false);
    expect(checkNotice(before.context, early as never)[0]?.field).toBe('publishedOn');
    expect(can(before, { ...early, publishedOn: '2026-07-03' })).toBe(true);
  });

  it('a dismissed challenge needs a fresh notice and standstill; an upheld one goes back to moderation', () => {
    let [s, actions] = send(reach('suspended'), ev.RESOLVE_CHALLENGE);
    expect([s.value, s.context.standstillEndsOn, actions]).toEqual(['awardNotice', null, []]);
    expect(s.context.challenges).toEqual([
      {
        awardNoticePublishedOn: '2026-12-18',
        details: 'Alpha challenges the scoring',
        outcome: 'dismissed',
        note: 'No merit',
      },
    ]);
    expect(can(s, { ...ev.PUBLISH_AWARD_NOTICE, publishedOn: '2026-12-17' })).toBe(false);
    [s, actions] = send(s, { ...ev.PUBLISH_AWARD_NOTICE, publishedOn: '2027-01-08' });
    expect(schedules(actions)[0].at).toBe('2027-01-20T00:00:00.000Z');
    [s] = runFrom(s, [ev.RECORD_CHALLENGE, { ...ev.RESOLVE_CHALLENGE, outcome: 'upheld' }]);
    expect([s.value, s.context.challenges.map((c) => c.outcome)]).toEqual([
      'moderation',
      ['dismissed', 'upheld'],
    ]);
  });
});

describe('money and payments', () => {
  it('awarding commits the contract value, then schedules its payments; extending commits the extension and re-profiles them; re-procuring releases what was not paid', () => {
    let [s, actions] = send(reach('readyToAward'), ev.AWARD_CONTRACT);
    expect(money(actions)).toEqual([commit(45_000_000), contractPayments('2027-04-01', '2030-03-31')]);
    expect(s.context.contract).toEqual({
      startsOn: '2027-04-01',
      endsOn: '2030-03-31',
      valuePence: 45_000_000,
    });
    [s, actions] = send(s, ev.GO_LIVE);
    expect(actions).toEqual([]);
    [s, actions] = send(s, ev.CONTRACT_REVIEW);
    expect(s.value).toBe('live');
    // The schedule runs to the new end, over the contract's original start.
    expect(money(actions)).toEqual([commit(15_000_000), contractPayments('2027-04-01', '2031-03-31')]);
    expect(s.context.contract?.endsOn).toBe('2031-03-31');
    [s, actions] = send(s, { ...ev.CONTRACT_REVIEW, newEndsOn: '2031-03-31' });
    expect(actions).toEqual([]);
    [s, actions] = send(s, { ...ev.CONTRACT_REVIEW, newEndsOn: '2032-03-31', extensionValuePence: 1 });
    expect(money(actions)).toEqual([commit(1), contractPayments('2027-04-01', '2032-03-31')]);
    expect(s.context.extensions.map((e) => [e.previousEndsOn, e.newEndsOn])).toEqual([
      ['2030-03-31', '2031-03-31'],
      ['2031-03-31', '2032-03-31'],
    ]);
    [s, actions] = send(s, reprocure);
    expect([s.value, s.context.reprocureNote]).toEqual(['closed', 'Market has changed']);
    // The amount is the ledger's (the contract's commitment less what was paid), never the machine's.
    expect(money(actions)).toEqual([releaseUnpaid]);
  });

  it('no other transition moves money or touches payments', () => {
    const seen: string[] = [];
    for (const state of Object.keys(accepts))
      for (const event of [...Object.values(ev), reprocure] as Event[]) {
        const before = reach(state);
        const decision = 'decision' in event ? ` ${event.decision}` : '';
        if (can(before, event) && money(send(before, event)[1]).length)
          seen.push(`${state} ${event.type}${decision}`);
      }
    expect(seen.sort()).toEqual([
      'live CONTRACT_REVIEW extend',
      'live CONTRACT_REVIEW reprocure',
      'readyToAward AWARD_CONTRACT',
    ]);
  });

  // The preferred bidder, Beta Care, tendered £500,000 (the whole contract value).
  it.each<[Partial<typeof ev.AWARD_CONTRACT> & { justification?: string }, string[]]>([
    [{ valuePence: 50_000_000 }, []],
    [{ valuePence: 50_000_001 }, ['valuePence', 'justification']],
    [{ valuePence: 50_000_001, justification: 'Inflation' }, ['valuePence']],
    [{ endsOn: '2027-04-01' }, ['endsOn']],
    [{ valuePence: 50_000_001, endsOn: '2026-01-01' }, ['valuePence', 'justification', 'endsOn']],
  ])('AWARD_CONTRACT with %o: problems %o', (change, fields) => {
    const before = reach('readyToAward');
    const e = { ...ev.AWARD_CONTRACT, ...change };
    expect(checkAward(before.context, e).map((p) => p.field)).toEqual(fields);
    expect(can(before, e)).toBe(fields.length === 0);
  });

  it.each<[Event, string[]]>([
    [{ ...ev.CONTRACT_REVIEW, newEndsOn: '2030-03-31' }, ['newEndsOn']],
    [{ ...ev.CONTRACT_REVIEW, newEndsOn: undefined }, ['newEndsOn']],
    [{ ...ev.CONTRACT_REVIEW, extensionValuePence: undefined }, ['extensionValuePence']],
    [{ ...reprocure, newEndsOn: '2031-03-31', extensionValuePence: 5 }, ['newEndsOn', 'extensionValuePence']],
  ])('CONTRACT_REVIEW %o is refused naming %o', (e, fields) => {
    const before = reach('live');
    expect(checkReview(before.context, e as never).map((p) => p.field)).toEqual(fields);
    expect(can(before, e)).toBe(false);
    expect(send(before, e)[0]).toBe(before);
  });
});

describe('what each state accepts', () => {
  it.each(Object.entries(accepts))('%s takes exactly %o and refuses the rest unchanged', (state, ok) => {
    const before = reach(state);
    expect(before.status).toBe(finals.includes(state) ? 'done' : 'active');
    for (const type of allEvents) {
      expect(can(before, ev[type]), `${state} ${type}`).toBe(ok.includes(type));
      if (ok.includes(type)) continue;
      const [after, actions] = send(before, ev[type]);
      expect(after).toBe(before);
      expect(actions).toEqual([]);
    }
  });
});

describe("the engine's actorId", () => {
  it('changes nothing: every event ends the same with it as without', () => {
    const snapshots = Object.keys(accepts).map((state) => reach(state));
    expect(actorIdChanges(h, snapshots, [...Object.values(ev), reprocure] as Event[])).toEqual([]);
  });
});

describe('notifications and effects', () => {
  it.each<[string, Event, object[], string[]]>([
    ['specification', ev.PUBLISH_TENDER, [n('tenderPublished', 'officer')], ['notify']],
    ['awardNotice', ev.PUBLISH_AWARD_NOTICE, [n('standstillStarted', 'officer')], ['notify']],
    ['standstill', ev.RECORD_CHALLENGE, [n('challengeRecorded', 'officer', 'approver')], ['notify']],
    [
      'readyToAward',
      ev.AWARD_CONTRACT,
      [n('contractAwarded', 'officer', 'finance')],
      ['commitFunds', 'schedulePayments', 'notify'],
    ],
    ['live', ev.CONTRACT_REVIEW, [], ['commitFunds', 'schedulePayments']],
    ['live', reprocure, [], ['releaseUnpaid']],
    ['standstill', ev.STANDSTILL_ENDED, [], []],
    ['boardDecision', agree('cityCouncil'), [], []],
  ])('%s —%o→ notifies %o', (state, event, expected, effects) => {
    const [, actions] = send(reach(state), event);
    expect(json(ofType(actions, 'notify'))).toEqual(expected);
    const emitted = interpretActions(actions, new Date()).effects.map((e) => e.type);
    expect(emitted).toEqual(effects);
    for (const type of emitted) expect(handledEffects).toContain(type);
  });

  it('the exported checks are the specs\u2019 checks', () => {
    const checks = {
      checkPublish,
      checkClarification,
      checkTender,
      checkScores,
      checkModerate,
      checkPartnerDecision,
    };
    const more = { checkNotice, checkAward, checkReview };
    const specs = Object.values(def.events as Record<string, { check?: unknown }>);
    const used = specs.flatMap((spec) => (spec.check ? [spec.check] : []));
    expect(used).toEqual(Object.values({ ...checks, ...more }));
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its example and refuses extra fields', (type) => {
    const schema = def.events[type].payload;
    expect(schema.safeParse(payloadOf(ev, type)).success).toBe(true);
    expect(schema.safeParse({ ...payloadOf(ev, type), extra: 1 }).success).toBe(false);
  });

  const bad: [EventType, string, unknown[]][] = [
    ['PUBLISH_TENDER', 'clarificationDeadline', ['2026-02-30', '12/06/2026', '2026-06-12T00:00:00Z']],
    ['PUBLISH_TENDER', 'qualityWeight', [49, 91, 70.5, '70']],
    ['RECORD_TENDER', 'pricePence', [0, -1, 10.5]],
    ['RECORD_TENDER', 'bidder', [' ', 'x'.repeat(201)]],
    [
      'SCORE_TENDERS',
      'scores',
      [
        [{ bidder: 'A', qualityScore: 101 }],
        [{ bidder: 'A', qualityScore: 5.5 }],
        [{ bidder: 'A', qualityScore: 1, x: 1 }],
      ],
    ],
    ['RECORD_PARTNER_DECISION', 'partner', ['police']],
    ['RECORD_PARTNER_DECISION', 'agrees', ['yes', undefined]],
    ['RECORD_PARTNER_DECISION', 'note', ['', ' ', 'x'.repeat(2001)]],
    ['RESOLVE_CHALLENGE', 'outcome', ['withdrawn']],
    ['AWARD_CONTRACT', 'valuePence', [0, 1.5, -5]],
    ['AWARD_CONTRACT', 'justification', ['', '  ', 'x'.repeat(2001), 5]],
    ['CONTRACT_REVIEW', 'extensionValuePence', [0, 0.5]],
    ['CONTRACT_REVIEW', 'decision', ['terminate']],
    ['ABANDON', 'reason', ['', undefined]],
  ];
  it.each(bad.flatMap(([type, field, values]) => values.map((v) => [type, field, v] as const)))(
    '%s refuses %s: %o',
    (type, field, value) => {
      expect(def.events[type].payload.safeParse({ ...payloadOf(ev, type), [field]: value }).success).toBe(
        false,
      );
    },
  );

  it('weights default to 70/30 and must add up to 100, with clarification closing first', () => {
    const parsed = def.events.PUBLISH_TENDER.payload.parse({
      clarificationDeadline: '2026-06-12',
      tenderDeadline: '2026-07-03',
    });
    expect(parsed).toMatchObject({ qualityWeight: 70, priceWeight: 30 });
    const fields = (change: object) =>
      checkPublish(start()[0].context, { ...parsed, ...change } as never).map((p) => p.field);
    expect(fields({})).toEqual([]);
    expect(fields({ qualityWeight: 60 })).toEqual(['priceWeight']);
    expect(fields({ clarificationDeadline: '2026-07-03' })).toEqual(['clarificationDeadline']);
    expect(fields({ tenderDeadline: '1900-01-01' })).toEqual(['tenderDeadline']);
    expect(can(start()[0], { ...ev.PUBLISH_TENDER, priceWeight: 31 })).toBe(false);
  });
});

describe("persistence through the engine's persist and restore", () => {
  it.each(Object.keys(accepts))(
    '%s survives a JSON round trip and takes every accepted event as before',
    (state) => {
      const before = reach(state);
      const restored = roundTrip(before);
      expect([restored.value, restored.context, restored.status]).toEqual([
        before.value,
        before.context,
        before.status,
      ]);
      for (const type of allEvents) {
        expect(can(restored, ev[type])).toBe(can(before, ev[type]));
        if (!can(before, ev[type])) continue;
        const [[a, aActions], [b, bActions]] = [send(restored, ev[type]), send(before, ev[type])];
        expect([a.value, a.context, json(ofType(aActions, 'schedule')), json(money(aActions))]).toEqual([
          b.value,
          b.context,
          json(ofType(bActions, 'schedule')),
          json(money(bActions)),
        ]);
      }
    },
  );

  it('a case restored at every step runs from specification to closed', () => {
    let s = start()[0];
    for (const e of [...toLive, ev.CONTRACT_REVIEW, reprocure]) s = send(roundTrip(s), e)[0];
    expect([s.value, s.status, s.context.extensions.length]).toEqual(['closed', 'done', 1]);
  });
});
