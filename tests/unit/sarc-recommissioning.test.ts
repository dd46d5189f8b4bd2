import { describe, expect, it } from 'vitest';
import { standstillEnd, standstillEndsAt } from '../../machines/calendar.ts';
import { type DecisionSpec, payloadOf as sentPayload } from '../../machines/define.ts';
import { sarcRecommissioningTemplates } from '../../machines/mail/sarc-recommissioning.ts';
import {
  awardAboveTender,
  checkAward,
  checkClarification,
  checkComplete,
  checkGoLive,
  checkModerate,
  checkNotice,
  checkPartnerDecision,
  checkPublish,
  checkReview,
  checkScores,
  checkTender,
  highestScorer,
  notStarted,
  preferredNotHighest,
  preferredPrice,
  type SarcContext,
  type SarcContextV3,
  type SarcInput,
  type SarcScore,
  sarcMessages,
  sarcPartners,
  sarcRecommissioning,
  scoreTenders,
  tenderKey,
  upgradeFromVersion3,
} from '../../machines/sarc-recommissioning.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import { undescribedFields } from '../../src/engine/field-meta.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import { signatureNeeded } from '../../src/engine/rulebook.ts';
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
} from '../helpers/machine-harness.ts';

const def = sarcRecommissioning;
type Event = EventOf<typeof def>;

const input: SarcInput = {
  programmeId: '7b0c2f0e-6a8e-4d55-9a43-1f1f0b9f2c11',
  title: 'SARC 2027',
  contractValuePence: 50_000_000,
};
// Bidders are organisations on record; the engine adds their names (`suppliers`) to the event.
const ALPHA = '11111111-1111-4111-8111-111111111111';
const BETA = '22222222-2222-4222-8222-222222222222';
const GAMMA = '33333333-3333-4333-8333-333333333333';
const ev = {
  PUBLISH_TENDER: {
    type: 'PUBLISH_TENDER',
    clarificationDeadline: '2026-06-12',
    tenderDeadline: '2026-07-03',
    qualityWeight: 70,
    priceWeight: 30,
  },
  ANSWER_CLARIFICATION: { type: 'ANSWER_CLARIFICATION', question: 'TUPE?', answer: 'Yes, see annex 4' },
  RECORD_TENDER: {
    type: 'RECORD_TENDER',
    supplierId: ALPHA,
    pricePence: 40_000_000,
    suppliers: { [ALPHA]: 'Alpha Health' },
  },
  CLARIFICATION_CLOSED: { type: 'CLARIFICATION_CLOSED' },
  TENDER_DEADLINE_PASSED: { type: 'TENDER_DEADLINE_PASSED' },
  SCORE_TENDERS: { type: 'SCORE_TENDERS', scores: { [BETA]: 80, [ALPHA]: 60 } },
  ABANDON: { type: 'ABANDON', reason: 'No bids' },
  MODERATE: { type: 'MODERATE', preferredBidder: BETA, rationale: 'Highest total' },
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
  TERMINATE: { type: 'TERMINATE', reason: 'Provider insolvent' },
  COMPLETE: { type: 'COMPLETE' },
  CONTRACT_REVIEW: {
    type: 'CONTRACT_REVIEW',
    decision: 'extend',
    note: 'Performing well',
    newEndsOn: '2031-03-31',
    extensionValuePence: 4_000_000,
  },
} satisfies Record<string, Event>;
type EventType = keyof typeof ev;
const allEvents = Object.keys(ev) as EventType[];
/** What the officer sent as `type`: the example without its type and the names the engine adds. */
const payload = <T extends EventType>(type: T) => sentPayload(ev[type]);
const tenderB = {
  ...ev.RECORD_TENDER,
  supplierId: BETA,
  pricePence: 50_000_000,
  suppliers: { [BETA]: 'Beta Care' },
};
const agree = (partner: string, agrees = true) => ({ ...ev.RECORD_PARTNER_DECISION, partner, agrees });
const reprocure = { type: 'CONTRACT_REVIEW', decision: 'reprocure', note: 'Market has changed' };

const h = harness(def, input);
const { machine, start, send, run, runFrom, can, roundTrip } = h;
/** The contract is paid quarterly in arrears over its term, remainder in the last payment, to its supplier. */
const contractPayments = (startsOn: string, endsOn: string, payeeOrganisationId: string | null = BETA) => ({
  type: 'schedulePayments',
  params: {
    payeeOrganisationId,
    profile: 'quarterlyInArrears',
    instalments: null,
    remainderIn: 'last',
    startsOn,
    endsOn,
  },
});
const commit = (amountPence: number) => ({ type: 'commitFunds', params: { amountPence } });
/** Ending the contract: the domain releases what it holds beyond what was paid. */
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
  reprocuring: [...toLive, reprocure],
  abandoned: [ev.ABANDON],
  terminated: [...toLive, ev.TERMINATE],
  closed: [...toLive, reprocure, ev.COMPLETE],
};
const reach = (state: string) => run(pathTo[state]!)[0];
// Alpha Health tendered £400,000 and scored 72 points; Beta Care tendered £500,000 and scored 80.
const alpha = { ...ev.MODERATE, preferredBidder: ALPHA, rationale: 'Local provider' };
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
const finals = ['abandoned', 'terminated', 'closed'];
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
/** Every state with a contract awarded and not yet ended: it may be terminated in each. */
const contracted = ['mobilisation', 'live', 'reprocuring'];
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
  mobilisation: ['GO_LIVE', 'TERMINATE'],
  live: ['CONTRACT_REVIEW', 'TERMINATE'],
  reprocuring: ['COMPLETE', 'TERMINATE'],
  abandoned: [],
  terminated: [],
  closed: [],
};

describe('SARC re-commissioning definition', () => {
  it('describes itself and registers', () => {
    expect(def).toMatchObject({ id: 'sarc-recommissioning', version: 5, referencePrefix: 'SARC' });
    // Cases on version 4 move to 5 as they are; cases on version 3 first move to 4 through
    // upgradeFromVersion3, each in the state it is in.
    expect(def.upgradeFrom).toEqual({
      version: 4,
      previous: { version: 3, context: upgradeFromVersion3, state: expect.any(Function) },
    });
    expect(def.createdBy).toEqual(['officer']);
    expect(() => new MachineRegistry([def])).not.toThrow();
    expect(Object.keys(def.states).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(def.states).sort()).toEqual(Object.keys(accepts).sort());
    expect(Object.keys(def.events).sort()).toEqual([...allEvents].sort());
    for (const state of finals) expect(machine.root.states[state]?.type).toBe('final');
    expect(machine.root.states.reprocuring?.type).toBe('atomic');
    expect([def.states.reprocuring.label, def.states.terminated.label, def.states.closed.label]).toEqual([
      'Contract live, being re-procured',
      'Contract ended early',
      'Contract ended',
    ]);
  });

  it('its criteria are the tenders, by key and bidder; the award ends when the contract does', () => {
    expect(def.criteria?.(reach('tendering').context)).toEqual([]);
    const moderation = reach('moderation').context;
    expect(def.criteria?.(moderation)).toEqual([
      { id: ALPHA, label: 'Alpha Health', weight: 0 },
      { id: BETA, label: 'Beta Care', weight: 0 },
    ]);
    expect(moderation.tenders.map(tenderKey)).toEqual([ALPHA, BETA]);
    expect(tenderKey({ supplierId: null, bidder: 'Alpha Health', pricePence: 1 })).toBe('Alpha Health');
    expect(def.awardEndsOn?.(reach('readyToAward').context)).toBeNull();
    expect(def.awardEndsOn?.(reach('live').context)).toBe('2030-03-31');
    const extended = send(reach('live'), ev.CONTRACT_REVIEW)[0];
    expect(def.awardEndsOn?.(extended.context)).toBe('2031-03-31');
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
    for (const secret of ['Beta', 'Alpha', ALPHA, BETA, '£', '450', 'scoring', 'Highest', 'Performing'])
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
    ['live', reprocure, 'reprocuring'],
    ['reprocuring', ev.COMPLETE, 'closed'],
    ['mobilisation', ev.TERMINATE, 'terminated'],
    ['live', ev.TERMINATE, 'terminated'],
    ['reprocuring', ev.TERMINATE, 'terminated'],
  ] as [string, Event, string][])('%s —%o→ %s', (from, event, to) => {
    expect(send(reach(from), event)[0].value).toBe(to);
  });

  it('tendering records clarifications until the clarification period closes, and unique tenders', () => {
    let [s, actions] = send(reach('tendering'), ev.ANSWER_CLARIFICATION);
    expect([s.value, actions]).toEqual(['tendering', []]);
    expect(s.context.clarifications).toEqual([{ question: 'TUPE?', answer: 'Yes, see annex 4' }]);
    [s, actions] = runFrom(s, [ev.RECORD_TENDER, ev.CLARIFICATION_CLOSED]);
    expect([s.value, actions, s.context.clarificationClosed]).toEqual(['tendering', [], true]);
    expect(checkClarification(s.context, payload('ANSWER_CLARIFICATION'))).toEqual([
      { field: 'question', message: 'The clarification period has closed' },
    ]);
    // The same organisation again, even under a name changed since, is the same bidder.
    const duplicate = { ...tenderB, supplierId: ALPHA, suppliers: { [ALPHA]: 'Alpha Health Ltd' } };
    for (const refused of [ev.ANSWER_CLARIFICATION, duplicate]) {
      expect(can(s, refused)).toBe(false);
      expect(send(s, refused)[0]).toBe(s);
    }
    expect(checkTender(s.context, duplicate)).toEqual([
      { field: 'supplierId', message: 'A tender from Alpha Health is already recorded' },
    ]);
    expect(checkTender(s.context, tenderB)).toEqual([]);
    [s] = runFrom(s, [tenderB, ev.TENDER_DEADLINE_PASSED]);
    // Each tender keeps its organisation and the name on record when it was recorded.
    expect(s.context.tenders).toEqual([
      { supplierId: ALPHA, bidder: 'Alpha Health', pricePence: 40_000_000 },
      { supplierId: BETA, bidder: 'Beta Care', pricePence: 50_000_000 },
    ]);
    // Tenders were received, and the procurement may still be abandoned.
    const [abandoned] = send(s, { ...ev.ABANDON, reason: 'Both tenders unaffordable' });
    expect([abandoned.value, abandoned.context.abandonReason]).toEqual([
      'abandoned',
      'Both tenders unaffordable',
    ]);
  });

  it('a duplicate supplierId is refused, naming the field and the bidder already recorded', () => {
    const before = run([ev.PUBLISH_TENDER, ev.RECORD_TENDER, tenderB])[0];
    const again = { ...ev.RECORD_TENDER, supplierId: BETA, pricePence: 45_000_000, suppliers: {} };
    expect(can(before, again)).toBe(false);
    const [after, actions] = send(before, again);
    expect([after, actions]).toEqual([before, []]);
    expect(after.context.tenders.map((t) => [t.supplierId, t.pricePence])).toEqual([
      [ALPHA, 40_000_000],
      [BETA, 50_000_000],
    ]);
    expect(checkTender(before.context, again)).toEqual([
      { field: 'supplierId', message: 'A tender from Beta Care is already recorded' },
    ]);
    // Another organisation is a new bidder; without its name from the engine, it is named by its id.
    const gamma = { type: 'RECORD_TENDER', supplierId: GAMMA, pricePence: 45_000_000 };
    expect(checkTender(before.context, gamma)).toEqual([]);
    expect(send(before, gamma)[0].context.tenders.at(-1)).toEqual({
      supplierId: GAMMA,
      bidder: GAMMA,
      pricePence: 45_000_000,
    });
  });

  it('evaluation with no tenders can only be abandoned', () => {
    const [s] = run([ev.PUBLISH_TENDER, ev.TENDER_DEADLINE_PASSED]);
    expect(s.value).toBe('evaluation');
    expect(can(s, { ...ev.SCORE_TENDERS, scores: {} })).toBe(false);
    expect(can(s, ev.SCORE_TENDERS)).toBe(false);
    expect(checkScores(s.context, { scores: {} })).toEqual([
      { field: 'scores', message: 'No tenders were received: abandon the procurement' },
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
    expect(s.context.scores.map((x) => x.supplierId)).toEqual([ALPHA, BETA]);
    // Scores are by tender key: the supplier's id, or a version-3 tender's bidder.
    const [a, b] = [
      { supplierId: null, bidder: 'A', pricePence: 3 },
      { supplierId: 'b-id', bidder: 'B', pricePence: 7 },
    ];
    const odd = scoreTenders([a, b], { A: 33, 'b-id': 67 }, 65, 35);
    expect(odd.map((x) => [x.bidder, x.qualityScore, x.qualityPoints, x.pricePoints, x.totalPoints])).toEqual(
      [
        ['A', 33, 21.45, 35, 56.45],
        ['B', 67, 43.55, 15, 58.55],
      ],
    );
  });

  it.each<[string, Record<string, number>, [string, string][]]>([
    ['a tender unscored', { [BETA]: 80 }, [[`scores.${ALPHA}`, 'Score the tender from Alpha Health']]],
    [
      'a bidder by name, not key',
      { ...ev.SCORE_TENDERS.scores, 'Beta Care': 1 },
      [['scores.Beta Care', 'Score only the tenders received']],
    ],
    [
      'an organisation that did not tender',
      { ...ev.SCORE_TENDERS.scores, [GAMMA]: 1 },
      [[`scores.${GAMMA}`, 'Score only the tenders received']],
    ],
    [
      'nothing',
      {},
      [
        [`scores.${ALPHA}`, 'Score the tender from Alpha Health'],
        [`scores.${BETA}`, 'Score the tender from Beta Care'],
      ],
    ],
    [
      'names instead of keys',
      { 'Alpha Health': 60, 'Beta Care': 80 },
      [
        ['scores.Alpha Health', 'Score only the tenders received'],
        ['scores.Beta Care', 'Score only the tenders received'],
        [`scores.${ALPHA}`, 'Score the tender from Alpha Health'],
        [`scores.${BETA}`, 'Score the tender from Beta Care'],
      ],
    ],
  ])('refuses scores with %s, naming each field', (_, scores, problems) => {
    const before = reach('evaluation');
    expect(can(before, { type: 'SCORE_TENDERS', scores })).toBe(false);
    expect(send(before, { type: 'SCORE_TENDERS', scores })[0]).toBe(before);
    expect(checkScores(before.context, { scores }).map((p) => [p.field, p.message])).toEqual(problems);
    expect(checkScores(before.context, payload('SCORE_TENDERS'))).toEqual([]);
  });

  it('moderation must prefer a scored bidder by its key, and records its name as tendered', () => {
    const before = reach('moderation');
    for (const stranger of [GAMMA, 'Beta Care']) {
      const e = { ...ev.MODERATE, preferredBidder: stranger };
      expect(can(before, e)).toBe(false);
      expect(send(before, e)[0]).toBe(before);
      expect(checkModerate(before.context, e)).toEqual([
        { field: 'preferredBidder', message: 'Choose one of the scored bidders' },
      ]);
    }
    expect(checkModerate(before.context, payload('MODERATE'))).toEqual([]);
    const [s] = send(before, ev.MODERATE);
    expect([s.value, s.context.preferredBidder, s.context.moderationRationale]).toEqual([
      'boardDecision',
      'Beta Care',
      'Highest total',
    ]);
    expect(send(before, alpha)[0].context.preferredBidder).toBe('Alpha Health');
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
    expect(preferredNotHighest(c, ev.MODERATE)).toBeNull();
    // A key that names no scored tender (a name, another organisation) is for checkModerate to refuse.
    for (const stranger of ['Alpha Health', GAMMA])
      expect(preferredNotHighest(c, { ...alpha, preferredBidder: stranger })).toBeNull();
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
    // The context names the preferred bidder in words, as moderation recorded it.
    expect(toAward(alpha).context.preferredBidder).toBe('Alpha Health');
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
      {
        field: 'justification',
        message:
          'Enter the reasons: the contract is worth more than the £400,000.00 the preferred bidder tendered',
      },
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
      supplierId: ALPHA,
      supplier: 'Alpha Health',
      startsOn: '2027-04-01',
      endsOn: '2030-03-31',
      valuePence: 45_000_000,
    });
    expect(money(actions)).toEqual([commit(45_000_000), contractPayments('2027-04-01', '2030-03-31', ALPHA)]);
  });
});

describe('the upgrade from version 3', () => {
  /** A case's context as version 3 kept it: bidders in words, no supplier on the contract, no termination. */
  const asVersion3 = ({
    tenders,
    scores,
    contract,
    terminateReason: _t,
    preferredTender: _p,
    ...c
  }: SarcContext): SarcContextV3 =>
    json({
      ...c,
      tenders: tenders.map(({ supplierId: _s, ...t }) => t),
      scores: scores.map(({ supplierId: _s, ...t }) => t),
      contract: contract && (({ supplierId: _s, supplier: _n, ...terms }) => terms)(contract),
    });
  /** A version-3 case in `state`, as version 4 has it after the upgrade. */
  const upgraded = (state: string) => {
    const before = reach(state);
    const context = upgradeFromVersion3(asVersion3(before.context));
    return roundTrip({ ...before, context } as typeof before);
  };
  const v3States = Object.keys(accepts).filter((s) => s !== 'reprocuring' && s !== 'terminated');

  it('maps a version-3 context in words: tenders, scores and contract get supplierId null, the contract its supplier', () => {
    const v3 = asVersion3(send(reach('live'), ev.CONTRACT_REVIEW)[0].context);
    expect(v3.tenders).toEqual([
      { bidder: 'Alpha Health', pricePence: 40_000_000 },
      { bidder: 'Beta Care', pricePence: 50_000_000 },
    ]);
    expect(v3.contract).toEqual({ startsOn: '2027-04-01', endsOn: '2031-03-31', valuePence: 45_000_000 });
    const c = upgradeFromVersion3(v3);
    expect(c.tenders).toEqual([
      { supplierId: null, bidder: 'Alpha Health', pricePence: 40_000_000 },
      { supplierId: null, bidder: 'Beta Care', pricePence: 50_000_000 },
    ]);
    expect(c.scores).toEqual([
      {
        supplierId: null,
        bidder: 'Alpha Health',
        pricePence: 40_000_000,
        qualityScore: 60,
        qualityPoints: 42,
        pricePoints: 30,
        totalPoints: 72,
      },
      {
        supplierId: null,
        bidder: 'Beta Care',
        pricePence: 50_000_000,
        qualityScore: 80,
        qualityPoints: 56,
        pricePoints: 24,
        totalPoints: 80,
      },
    ]);
    // The supplier is the preferred bidder, in words, with no organisation on record to pay.
    expect(c.contract).toEqual({
      supplierId: null,
      supplier: 'Beta Care',
      startsOn: '2027-04-01',
      endsOn: '2031-03-31',
      valuePence: 45_000_000,
    });
    expect(c.terminateReason).toBeNull();
    // Nothing else changes.
    const { tenders: _t, scores: _s, contract: _c, ...rest } = v3;
    expect(c).toEqual({
      ...rest,
      tenders: c.tenders,
      scores: c.scores,
      contract: c.contract,
      terminateReason: null,
      // A version-3 tender's key is its bidder's name.
      preferredTender: 'Beta Care',
    });
    expect(v3.preferredBidder).toBe('Beta Care');
    expect(c.extensions).toEqual(v3.extensions);
    // A contract with no preferred bidder on record has a blank supplier; no contract stays none.
    expect(upgradeFromVersion3({ ...v3, preferredBidder: null }).contract?.supplier).toBe('');
    expect(upgradeFromVersion3({ ...v3, contract: null }).contract).toBeNull();
  });

  it.each(v3States)(
    'a version-3 case %s gets every field version 4 has, each described, in the same state',
    (state) => {
      const v3 = asVersion3(reach(state).context);
      const c = upgradeFromVersion3(v3);
      expect(Object.keys(c).sort()).toEqual(Object.keys(start()[0].context).sort());
      expect(undescribedFields(def.context, c)).toEqual([]);
      expect(def.context.safeParse(c).success).toBe(true);
      expect(c.tenders.every((t) => t.supplierId === null)).toBe(true);
      expect(c.scores.every((t) => t.supplierId === null)).toBe(true);
      expect(def.upgradeFrom?.previous?.state?.(state)).toBe(state);
      expect(Object.keys(def.states)).toContain(state);
    },
  );

  it('a version-3 case in evaluation is scored and moderated by bidder name, and its contract paid to the OPCC', () => {
    let s = upgraded('evaluation');
    expect(def.criteria?.(s.context).map((c) => c.id)).toEqual(['Alpha Health', 'Beta Care']);
    expect(can(s, ev.SCORE_TENDERS)).toBe(false);
    [s] = send(s, { type: 'SCORE_TENDERS', scores: { 'Alpha Health': 60, 'Beta Care': 80 } });
    expect([s.value, s.context.scores.map((x) => x.totalPoints)]).toEqual(['moderation', [72, 80]]);
    expect(can(s, ev.MODERATE)).toBe(false);
    const moderate = { ...ev.MODERATE, preferredBidder: 'Beta Care' };
    [s] = runFrom(s, [moderate, ...sarcPartners.map((p) => agree(p)), ev.PUBLISH_AWARD_NOTICE]);
    expect([s.value, s.context.preferredBidder]).toEqual(['standstill', 'Beta Care']);
    const [awarded, actions] = runFrom(s, [ev.STANDSTILL_ENDED, ev.AWARD_CONTRACT]);
    expect(awarded.context.contract).toMatchObject({ supplierId: null, supplier: 'Beta Care' });
    expect(money(actions)).toEqual([commit(45_000_000), contractPayments('2027-04-01', '2030-03-31', null)]);
  });

  it('a live version-3 contract is extended, re-procured and closed as a version-4 one', () => {
    let [s, actions] = send(upgraded('live'), ev.CONTRACT_REVIEW);
    expect(money(actions)).toEqual([commit(4_000_000), contractPayments('2027-04-01', '2031-03-31', null)]);
    [s, actions] = runFrom(s, [reprocure, ev.COMPLETE]);
    expect([s.value, s.context.reprocureNote, money(actions)]).toEqual([
      'closed',
      'Market has changed',
      [releaseUnpaid],
    ]);
    const [ended] = send(upgraded('live'), ev.TERMINATE);
    expect([ended.value, ended.context.terminateReason]).toEqual(['terminated', 'Provider insolvent']);
  });

  it('decisions held under version 3 name the bidder in words, and are checked again when signed', () => {
    // The engine re-checks a held decision when it is signed (409 when it no longer fits).
    const moderation = upgraded('moderation').context;
    const heldMove = { preferredBidder: 'Alpha Health', rationale: 'Local provider' };
    expect(checkModerate(moderation, heldMove)).toEqual([]);
    expect(preferredNotHighest(moderation, heldMove)).toBe(
      'Alpha Health is not the highest scorer: Beta Care scored 80 points',
    );
    // An award above the tender needs its justification, as under version 3.
    const c = upgradeFromVersion3(asVersion3(toAward(alpha).context));
    const heldAward = { startsOn: '2027-04-01', endsOn: '2030-03-31', valuePence: 45_000_000 };
    expect(def.events.AWARD_CONTRACT.check).toBe(checkAward);
    expect(checkAward(c, heldAward).map((p) => p.field)).toEqual(['justification']);
    expect(checkAward(c, { ...heldAward, valuePence: 40_000_000 })).toEqual([]);
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
    // Version 5: the new notice is a new one, dated after the notice challenged, so a standstill runs again.
    const again = { ...ev.PUBLISH_AWARD_NOTICE, publishedOn: '2026-12-18' };
    expect(can(s, again)).toBe(false);
    expect(checkNotice(s.context, again)).toEqual([
      {
        field: 'publishedOn',
        message: 'Enter a date after 18 December 2026, when the notice challenged was published',
      },
    ]);
    expect(can(s, { ...again, publishedOn: '2026-12-19' })).toBe(true);
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
  it('awarding commits the contract value, then schedules its payments; extending commits the extension and re-profiles them; the contract ending releases what was not paid', () => {
    let [s, actions] = send(reach('readyToAward'), ev.AWARD_CONTRACT);
    expect(money(actions)).toEqual([commit(45_000_000), contractPayments('2027-04-01', '2030-03-31')]);
    expect(s.context.contract).toEqual({
      supplierId: BETA,
      supplier: 'Beta Care',
      startsOn: '2027-04-01',
      endsOn: '2030-03-31',
      valuePence: 45_000_000,
    });
    [s, actions] = send(s, ev.GO_LIVE);
    expect(actions).toEqual([]);
    [s, actions] = send(s, ev.CONTRACT_REVIEW);
    expect(s.value).toBe('live');
    // The schedule runs to the new end, over the contract's original start.
    expect(money(actions)).toEqual([commit(4_000_000), contractPayments('2027-04-01', '2031-03-31')]);
    expect(s.context.contract?.endsOn).toBe('2031-03-31');
    [s, actions] = send(s, { ...ev.CONTRACT_REVIEW, newEndsOn: '2031-03-31' });
    expect(actions).toEqual([]);
    [s, actions] = send(s, { ...ev.CONTRACT_REVIEW, newEndsOn: '2032-03-31', extensionValuePence: 1 });
    expect(money(actions)).toEqual([commit(1), contractPayments('2027-04-01', '2032-03-31')]);
    expect(s.context.extensions.map((e) => [e.previousEndsOn, e.newEndsOn])).toEqual([
      ['2030-03-31', '2031-03-31'],
      ['2031-03-31', '2032-03-31'],
    ]);
    // Re-procuring lets the contract run (and be paid) to its end: it releases nothing.
    [s, actions] = send(s, reprocure);
    expect([s.value, s.context.reprocureNote, actions]).toEqual(['reprocuring', 'Market has changed', []]);
    [s, actions] = send(s, { ...ev.COMPLETE, today: '2032-03-31' });
    expect(s.value).toBe('closed');
    // The amount is the ledger's (the contract's commitment less what was paid), never the machine's.
    expect(money(actions)).toEqual([releaseUnpaid]);
  });

  it("the contract records the preferred tender's supplier, and its payments go to that organisation", () => {
    for (const [moderate, supplierId, supplier, valuePence] of [
      [ev.MODERATE, BETA, 'Beta Care', 45_000_000],
      [alpha, ALPHA, 'Alpha Health', 40_000_000],
    ] as const) {
      let [s, actions] = send(toAward(moderate), { ...ev.AWARD_CONTRACT, valuePence });
      expect(s.context.contract).toEqual({
        supplierId,
        supplier,
        startsOn: '2027-04-01',
        endsOn: '2030-03-31',
        valuePence,
      });
      expect(ofType(actions, 'schedulePayments')).toEqual([
        contractPayments('2027-04-01', '2030-03-31', supplierId).params,
      ]);
      // An extension re-profiles the payments to the same supplier.
      [s, actions] = runFrom(s, [ev.GO_LIVE, ev.CONTRACT_REVIEW]);
      expect(ofType(actions, 'schedulePayments').map((p) => p.payeeOrganisationId)).toEqual([supplierId]);
    }
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
      'live TERMINATE',
      'mobilisation TERMINATE',
      'readyToAward AWARD_CONTRACT',
      'reprocuring COMPLETE',
      'reprocuring TERMINATE',
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

describe('version 5 rules', () => {
  it('refuses tender deadlines already past, which would close the tender as it opened', () => {
    const [s] = start();
    const today = { today: '2026-06-12' };
    const past = { ...ev.PUBLISH_TENDER, clarificationDeadline: '2026-06-11', tenderDeadline: '2026-06-11' };
    expect(checkPublish(s.context, past as never, today)).toEqual([
      {
        field: 'clarificationDeadline',
        message: 'Enter a date that is not in the past: today is 12 June 2026',
      },
      { field: 'tenderDeadline', message: 'Enter a date that is not in the past: today is 12 June 2026' },
      {
        field: 'clarificationDeadline',
        message: 'Clarification questions must close before the tender deadline',
      },
    ]);
    expect(can(s, { ...past, ...today })).toBe(false);
    // The published tender's own deadlines: questions close today, tenders on 3 July.
    expect(can(s, { ...ev.PUBLISH_TENDER, ...today })).toBe(true);
  });

  it('an extension keeps the contract within the value budgeted for its whole term', () => {
    // Awarded £450,000 of £500,000 budgeted: £50,000 more is the most an extension can add.
    const live = reach('live');
    const over = { ...ev.CONTRACT_REVIEW, extensionValuePence: 5_000_001 };
    expect(checkReview(live.context, over as never)).toEqual([
      {
        field: 'extensionValuePence',
        message:
          'The contract would then be worth £500,000.01, more than the £500,000.00 budgeted for its whole term',
      },
    ]);
    expect(can(live, over)).toBe(false);
    const [extended] = send(live, { ...over, extensionValuePence: 5_000_000 });
    expect(extended.context.extensions).toHaveLength(1);
  });
});

describe('starting the service', () => {
  it('waits for the contract to start (version 5): refused the day before, and said why', () => {
    const mobilising = reach('mobilisation');
    expect(mobilising.context.contract?.startsOn).toBe('2027-04-01');
    const early = { ...ev.GO_LIVE, today: '2027-03-31' };
    expect(can(mobilising, early)).toBe(false);
    expect(send(mobilising, early)).toEqual([mobilising, []]);
    // The engine leaves it out of what may be sent and says why; the machine's guard reads the same rule.
    expect(def.events.GO_LIVE.unavailable?.(mobilising.context, { today: '2027-03-31' })).toBe(
      'the contract starts on 1 April 2027',
    );
    expect(checkGoLive(mobilising.context, {}, { today: '2027-03-31' })).toEqual([
      {
        field: 'contract.startsOn',
        message: 'The contract starts on 1 April 2027',
      },
    ]);
    for (const today of ['2027-04-01', '2027-06-30']) {
      expect(notStarted(mobilising.context, { today })).toBeNull();
      expect(send(mobilising, { ...ev.GO_LIVE, today })[0].value).toBe('live');
    }
  });
});

describe('ending the contract', () => {
  it('re-procuring lets the contract run; COMPLETE is refused before its end date and closes it on it', () => {
    const [reprocuring, actions] = send(reach('live'), reprocure);
    expect([reprocuring.value, reprocuring.status, actions]).toEqual(['reprocuring', 'active', []]);
    expect(reprocuring.context.reprocureNote).toBe('Market has changed');
    expect(reprocuring.context.contract).toEqual(reach('live').context.contract);
    // The day before the contract's last day (as the engine gives it), it cannot be closed.
    const early = { ...ev.COMPLETE, today: '2030-03-30' };
    expect(can(reprocuring, early)).toBe(false);
    expect(send(reprocuring, early)).toEqual([reprocuring, []]);
    expect(checkComplete(reprocuring.context, {}, { today: '2030-03-30' })).toEqual([
      {
        field: 'contract.endsOn',
        message: 'The contract runs until 31 March 2030: to end it sooner, end it early and give the reasons',
      },
    ]);
    for (const today of ['2030-03-31', '2030-04-01']) {
      expect(checkComplete(reprocuring.context, {}, { today })).toEqual([]);
      const [closed, done] = send(reprocuring, { ...ev.COMPLETE, today });
      expect([closed.value, closed.status, money(done)]).toEqual(['closed', 'done', [releaseUnpaid]]);
    }
  });

  it('the end date COMPLETE waits for includes any extension', () => {
    const [s] = runFrom(reach('live'), [ev.CONTRACT_REVIEW, reprocure]);
    expect(s.value).toBe('reprocuring');
    expect(can(s, { ...ev.COMPLETE, today: '2030-03-31' })).toBe(false);
    expect(checkComplete(s.context, {}, { today: '2030-03-31' })[0]?.field).toBe('contract.endsOn');
    expect(send(s, { ...ev.COMPLETE, today: '2031-03-31' })[0].value).toBe('closed');
  });

  it.each(contracted)(
    '%s: TERMINATE ends the contract early, with the reasons, releasing what was not paid',
    (state) => {
      const before = reach(state);
      expect(before.context.terminateReason).toBeNull();
      const [s, actions] = send(before, { ...ev.TERMINATE, reason: `Ended in ${state}` });
      expect([s.value, s.status, s.context.terminateReason]).toEqual([
        'terminated',
        'done',
        `Ended in ${state}`,
      ]);
      expect(money(actions)).toEqual([releaseUnpaid]);
      expect(s.context.contract).toEqual(before.context.contract);
      for (const type of allEvents) expect(can(s, ev[type])).toBe(false);
    },
  );

  it.each(Object.keys(accepts).filter((state) => !contracted.includes(state)))(
    '%s: without a running contract TERMINATE is not taken',
    (state) => {
      const before = reach(state);
      expect(can(before, ev.TERMINATE)).toBe(false);
      expect(send(before, ev.TERMINATE)[0]).toBe(before);
    },
  );

  it('TERMINATE is irreversible and asks for the reasons; COMPLETE asks for nothing', () => {
    expect(def.events.TERMINATE).toMatchObject({ irreversible: true, sentBy: ['officer'] });
    expect(def.events.TERMINATE.check).toBeUndefined();
    const schema = def.events.TERMINATE.payload;
    for (const reason of [undefined, '', '   ']) expect(schema.safeParse({ reason }).success).toBe(false);
    expect(schema.safeParse({ reason: 'Provider insolvent' }).success).toBe(true);
    expect(def.events.COMPLETE).toMatchObject({ sentBy: ['officer'], check: checkComplete });
    expect('irreversible' in def.events.COMPLETE).toBe(false);
    expect(def.events.COMPLETE.payload.safeParse({}).success).toBe(true);
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
    ['live', reprocure, [], []],
    ['reprocuring', ev.COMPLETE, [], ['releaseUnpaid']],
    ['mobilisation', ev.TERMINATE, [], ['releaseUnpaid']],
    ['live', ev.TERMINATE, [], ['releaseUnpaid']],
    ['reprocuring', ev.TERMINATE, [], ['releaseUnpaid']],
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
    const more = { checkNotice, checkAward, checkGoLive, checkComplete, checkReview };
    const specs = Object.values(def.events as Record<string, { check?: unknown }>);
    const used = specs.flatMap((spec) => (spec.check ? [spec.check] : []));
    expect(used).toEqual(Object.values({ ...checks, ...more }));
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its example and refuses extra fields', (type) => {
    const schema = def.events[type].payload;
    expect(schema.safeParse(payload(type)).success).toBe(true);
    expect(schema.safeParse({ ...payload(type), extra: 1 }).success).toBe(false);
  });

  const bad: [EventType, string, unknown[]][] = [
    ['PUBLISH_TENDER', 'clarificationDeadline', ['2026-02-30', '12/06/2026', '2026-06-12T00:00:00Z']],
    ['PUBLISH_TENDER', 'qualityWeight', [49, 91, 70.5, '70']],
    ['RECORD_TENDER', 'pricePence', [0, -1, 10.5]],
    ['RECORD_TENDER', 'supplierId', ['Alpha Health', '', undefined, 5]],
    [
      'SCORE_TENDERS',
      'scores',
      [
        { [ALPHA]: 101 },
        { [ALPHA]: -1 },
        { [ALPHA]: 5.5 },
        { [ALPHA]: '60' },
        { [ALPHA]: null },
        [60, 80],
        undefined,
      ],
    ],
    ['MODERATE', 'preferredBidder', ['', ' ', 'x'.repeat(201), undefined]],
    ['RECORD_PARTNER_DECISION', 'partner', ['police']],
    ['RECORD_PARTNER_DECISION', 'agrees', ['yes', undefined]],
    ['RECORD_PARTNER_DECISION', 'note', ['', ' ', 'x'.repeat(2001)]],
    ['RESOLVE_CHALLENGE', 'outcome', ['withdrawn']],
    ['AWARD_CONTRACT', 'valuePence', [0, 1.5, -5]],
    ['AWARD_CONTRACT', 'justification', ['', '  ', 'x'.repeat(2001), 5]],
    ['CONTRACT_REVIEW', 'extensionValuePence', [0, 0.5]],
    ['CONTRACT_REVIEW', 'decision', ['terminate']],
    ['ABANDON', 'reason', ['', undefined]],
    ['TERMINATE', 'reason', ['', ' ', undefined]],
  ];
  it.each(bad.flatMap(([type, field, values]) => values.map((v) => [type, field, v] as const)))(
    '%s refuses %s: %o',
    (type, field, value) => {
      expect(def.events[type].payload.safeParse({ ...payload(type), [field]: value }).success).toBe(false);
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
    for (const e of [...toLive, ev.CONTRACT_REVIEW, reprocure, ev.COMPLETE]) s = send(roundTrip(s), e)[0];
    expect([s.value, s.status, s.context.extensions.length]).toEqual(['closed', 'done', 1]);
  });
});

describe('two bidders with the same name', () => {
  it('the contract and its payments go to the organisation moderation chose, not another of that name', () => {
    const twins = [
      {
        ...ev.RECORD_TENDER,
        supplierId: ALPHA,
        suppliers: { [ALPHA]: 'Alpha Health' },
        pricePence: 40_000_000,
      },
      {
        ...ev.RECORD_TENDER,
        supplierId: GAMMA,
        suppliers: { [GAMMA]: 'alpha health' },
        pricePence: 30_000_000,
      },
    ];
    let [s] = runFrom(start()[0], [ev.PUBLISH_TENDER, ...twins, ev.TENDER_DEADLINE_PASSED]);
    [s] = send(s, { type: 'SCORE_TENDERS', scores: { [ALPHA]: 50, [GAMMA]: 90 } });
    [s] = send(s, { type: 'MODERATE', preferredBidder: GAMMA, rationale: 'Best' });
    expect(s.context.preferredTender).toBe(GAMMA);
    expect(preferredPrice(s.context)).toBe(30_000_000);
  });
});

describe('what each form puts in front of the officer', () => {
  const guide = (type: string, state: string) =>
    (def.events as Record<string, { guidance?: (c: unknown) => string | null }>)[type]!.guidance?.(
      reach(state).context,
    );

  it('gives the weights, the highest scorer, the partners still to decide, the tender beside the award, the contract under review', () => {
    expect(guide('SCORE_TENDERS', 'evaluation')).toBe(
      'Quality is weighted 70% and price 30%. Price points are worked out from the prices tendered: the lowest gets all 30.',
    );
    expect(guide('MODERATE', 'moderation')).toBe(
      "Beta Care scored the most points (80). Choosing another bidder needs the approver's signature.",
    );
    expect(guide('RECORD_PARTNER_DECISION', 'boardDecision')).toBe(
      'The preferred bidder is Beta Care. Still to decide: Office of the Police and Crime Commissioner, NHS England, County council, City council.',
    );
    expect(guide('AWARD_CONTRACT', 'readyToAward')).toBe(
      "Beta Care tendered £500,000.00 for the whole contract. The contract value budgeted is £500,000.00. A contract worth more than the tender needs a justification, and the approver's signature.",
    );
    expect(guide('CONTRACT_REVIEW', 'live')).toBe(
      'The contract with Beta Care runs from 1 April 2027 to 31 March 2030 and is worth £450,000.00.',
    );
  });
});
