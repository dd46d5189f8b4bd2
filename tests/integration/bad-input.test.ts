// Every bad input to POST /api/cases and POST /api/cases/:id/events is refused with a
// problem+json 4xx naming what was wrong, and writes nothing (no case, history, timer, ledger row
// or idempotency key). Bad requests of other kinds (authentication, ids, queries, text, nesting,
// routes) are in bad-requests.test.ts.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonDate } from '../../machines/calendar.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { declareBefore } from '../helpers/declarations.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import type { TestProgramme } from '../helpers/programmes.ts';
import { type Body, expectProblem, type Provider, refusals } from '../helpers/refusals.ts';

let t: TestApp;
/** A provider of our own, in an organisation of our own, so counts of its cases are ours alone. */
let own: Provider;
let r: ReturnType<typeof refusals>;
/** A programme of another cycle, and a Youth Fund programme capping awards at £1,000. */
let victims: TestProgramme;
let lowCap: TestProgramme;
type Who = 'own' | DemoEmail | null;
const auth = (who: Who) => (who === null ? {} : who === 'own' ? own.auth : t.as(who));

const SUBMIT = { type: 'SUBMIT', title: 'Boxing', summary: 'Weekly sessions', amountRequestedPence: 400_000 };
const PAYMENT = { type: 'RECORD_PAYMENT', amountPence: 300_000, paidOn: '2025-05-01', reference: 'BACS-1' };
const MARK_PAID = { type: 'MARK_PAID', paidOn: '2025-05-01', reference: 'BACS-1' };
const RETURN = {
  type: 'RECORD_RETURN',
  amountPence: 300_000,
  receivedOn: '2025-06-01',
  reference: 'RET-1',
  reason: 'Unspent',
};
const [OFFICER, PANEL, FINANCE] = ['officer@demo.test', 'panel@demo.test', 'finance@demo.test'] as const;
const FINANCE2 = 'finance2@demo.test' as const;
/** The other demo panel member: on this file's programme, but never declares on its bids. */
const PANEL2 = 'panel2@demo.test' as const;
/** No panel member scores this file's bids, so the panel's decisions say why they are made without them. */
const quorumReason = 'Decided at the panel meeting';
const approve = (amountPence: number, extra = {}) => ({
  type: 'APPROVE',
  amountPence,
  reportDueOn: '2031-03-31',
  quorumReason,
  ...extra,
});

const post = (...args: Parameters<typeof r.post>) => r.post(...args);
const written = (id: string) => r.written(id);
const createdByOwn = () => r.createdByOwn();
async function send(id: string, who: Who, body: Body, headers: Record<string, string> = {}) {
  return post(`/api/cases/${id}/events`, { ...auth(who), ...headers }, body);
}

/** Sends each event as a person would (declaring no conflict of interest before a decision). */
async function advance(id: string, steps: [Who, { type: string; [field: string]: unknown }][]) {
  for (const [who, event] of steps) {
    await declareBefore((path) => t.http.put(path).set(auth(who)), id, event.type);
    expect((await send(id, who, event)).status).toBe(200);
  }
}

const cases = { draft: '', lowCap: '', panelReview: '', accepted: '', withdrawn: '' };
type At = keyof typeof cases;
/**
 * Payment cases: the accepted grant's, approved and awaiting payment; one of another grant, paid
 * (£3,000 on 1 May 2025); and one rescheduled by finance@, who may therefore not approve it.
 */
const payments = { approved: '', paid: '', moved: '' };
type Payment = keyof typeof payments;
/** Each payment case's award: a refusal to the payment must leave the award alone too. */
const awardOf: Record<string, string> = {};
const writtenPayment = async (id: string) => [await written(id), await written(awardOf[id]!)];

beforeAll(async () => {
  t = await startTestApp();
  own = await t.newProvider('Bad Input Trust');
  r = refusals(t, own);
  [victims, lowCap] = [
    await t.programme({ cycle: 'victims-services', open: false }),
    await t.programme({ maxAwardPence: 100_000 }),
  ];
  for (const at of Object.keys(cases) as At[])
    cases[at] = await r.openOwn('A bid', at === 'lowCap' ? lowCap.programmeId : undefined);
  await advance(cases.panelReview, [
    ['own', SUBMIT],
    [OFFICER, { type: 'CONFIRM_ELIGIBLE' }],
  ]);
  // The panel member declares no conflict, so the decisions refused below are refused for what they say.
  await t.declare(PANEL, cases.panelReview);
  await advance(cases.accepted, [
    ['own', SUBMIT],
    [OFFICER, { type: 'CONFIRM_ELIGIBLE' }],
    [PANEL, approve(300_000)],
    ['own', { type: 'ACCEPT_OFFER' }],
  ]);
  await advance(cases.withdrawn, [['own', { type: 'WITHDRAW', reason: 'The hall closed' }]]);
  const pay = paymentHelpers(t);
  const [paid, moved] = [await r.openOwn('Paid'), await r.openOwn('Moved')];
  for (const id of [paid, moved])
    await advance(id, [
      ['own', SUBMIT],
      [OFFICER, { type: 'CONFIRM_ELIGIBLE' }],
      [PANEL, approve(300_000)],
      ['own', { type: 'ACCEPT_OFFER' }],
    ]);
  payments.approved = (await pay.approve((await pay.openPaymentOf(cases.accepted)).id)).id;
  payments.paid = (await pay.payAward(paid))[0]!.id;
  payments.moved = (await pay.openPaymentOf(moved)).id;
  Object.assign(awardOf, {
    [payments.approved]: cases.accepted,
    [payments.paid]: paid,
    [payments.moved]: moved,
  });
  const move = { type: 'RESCHEDULE', dueOn: '2027-06-02', reason: 'The provider asked' };
  expect((await send(payments.moved, FINANCE, move)).status).toBe(200);
});
afterAll(() => t.close());

/** A create body, built once the file's programmes exist. */
type Make = Body | ((programmeId: string) => Body);
const yf =
  (input: object = {}, extra: object = {}) =>
  (programmeId: string) => ({ machine: 'youth-fund', input: { programmeId, ...input }, ...extra });
const tooBig = (programmeId: string) =>
  JSON.stringify({ machine: 'youth-fund', input: { programmeId, title: 'x'.repeat(120_000) } });

describe('POST /api/cases refusals create no case', () => {
  it.each<[string, Make, number, string?, string?]>([
    ['malformed JSON', '{"machine":', 400, '(body)'],
    ['a JSON string', '"youth-fund"', 400, '(body)'],
    ['a JSON null', 'null', 400, '(body)'],
    [
      'an unsupported charset',
      '{"machine":"youth-fund"}',
      415,
      undefined,
      'application/json; charset=koi8-r',
    ],
    ['a JSON array', (p) => [yf()(p)], 422, '(body)'],
    ['a body over 100 kB', tooBig, 413],
    ['a text/plain body', 'machine=youth-fund', 415, undefined, 'text/plain'],
    ['no body at all', undefined, 422],
    ['an unknown machine', { machine: 'nope' }, 422, 'machine'],
    ['no machine', (p) => ({ input: { programmeId: p } }), 422, 'machine'],
    ['a machine that is a number', { machine: 5 }, 422, 'machine'],
    ['an extra field in the body', yf({}, { colour: 'red' }), 422, 'colour'],
    ['an extra field in the input', yf({ colour: 'red' }), 422, 'input.colour'],
    ['no input, so no programme', { machine: 'youth-fund' }, 422, 'input.programmeId'],
    [
      'a title but no programme',
      { machine: 'youth-fund', input: { title: 'A bid' } },
      422,
      'input.programmeId',
    ],
    ['a programmeId that is not a uuid', yf({ programmeId: 'youth-fund-2026' }), 422, 'input.programmeId'],
    ['a programmeId that is a number', yf({ programmeId: 7 }), 422, 'input.programmeId'],
    ['an unknown programme', yf({ programmeId: randomUUID() }), 422, 'input.programmeId'],
    ['a programme of another cycle', () => yf()(victims.programmeId), 422, 'input.programmeId'],
    ['a capPence in the input', yf({ capPence: 100_000_000 }), 422, 'input.capPence'],
    [
      "the programme's settings in the input",
      yf({ programme: { maxAwardPence: 1e8 } }),
      422,
      'input.programme',
    ],
    ['a blank title', yf({ title: '   ' }), 422, 'input.title'],
    ['a title that is a number', yf({ title: 7 }), 422, 'input.title'],
    ['an input that is an array', { machine: 'youth-fund', input: [] }, 422, 'input'],
    ['an organisationId not a uuid', yf({}, { organisationId: 'x' }), 422, 'organisationId'],
    ['another organisation', yf({}, { organisationId: randomUUID() }), 403],
  ])('%s → $2', async (_name, make, status, field, contentType) => {
    const before = await createdByOwn();
    const body = typeof make === 'function' ? make(t.youthFund.programmeId) : make;
    const res = await post('/api/cases', own.auth, body, contentType);
    expectProblem(res, status, field);
    expect(await createdByOwn()).toBe(before);
  });

  it('says which programme is wrong, and why', async () => {
    const unknown = await post('/api/cases', own.auth, yf()(randomUUID()));
    expectProblem(unknown, 422);
    expect(unknown.body.errors).toEqual([{ field: 'input.programmeId', message: 'Unknown programme' }]);
    const other = await post('/api/cases', own.auth, yf()(victims.programmeId));
    expectProblem(other, 422);
    expect(other.body.errors).toEqual([
      {
        field: 'input.programmeId',
        message: expect.stringMatching(/victims-services cases, not youth-fund/),
      },
    ]);
  });

  it.each<[string, DemoEmail, (org: string) => object, number, string?]>([
    ['staff naming no organisation', OFFICER, () => ({}), 422, 'organisationId'],
    ['staff naming an unknown one', OFFICER, () => ({ organisationId: randomUUID() }), 422, 'organisationId'],
    ['a role that may not open cases', FINANCE, (org) => ({ organisationId: org }), 403],
    ['a panel member', PANEL, (org) => ({ organisationId: org }), 403],
  ])('%s → $3', async (_name, who, extra, status, field) => {
    const before = await createdByOwn();
    const res = await post(
      '/api/cases',
      t.as(who),
      yf({}, extra(own.organisationId))(t.youthFund.programmeId),
    );
    expectProblem(res, status, field);
    expect(await createdByOwn()).toBe(before);
  });

  it('a second round for a programme that has one → 409, and no case', async () => {
    const count = async () =>
      (await t.sql`select count(*)::int as n from cases where programme_id = ${t.youthFund.programmeId}`)[0]!
        .n;
    const before = await count();
    const [opcc] = await t.sql`select organisation_id from users where email = ${OFFICER}`;
    const res = await post('/api/cases', t.as(OFFICER), {
      machine: 'commissioning-round',
      organisationId: opcc!.organisation_id,
      input: { programmeId: t.youthFund.programmeId },
    });
    expectProblem(res, 409);
    expect(res.body.title).toBe('Round already exists');
    expect(await count()).toBe(before);
  });
});

describe('POST /api/cases/:id/events refusals write nothing', () => {
  const pence = (amountRequestedPence: unknown) => ({ ...SUBMIT, amountRequestedPence });
  const rows: [string, At, Who, Body, number, string?][] = [
    ['malformed JSON', 'draft', 'own', '{"type":"SUBMIT",', 400, '(body)'],
    ['a JSON string', 'draft', 'own', '"SUBMIT"', 400, '(body)'],
    ['a JSON array', 'draft', 'own', [SUBMIT], 422, '(body)'],
    ['a body over 100 kB', 'draft', 'own', JSON.stringify({ ...SUBMIT, summary: 'x'.repeat(120_000) }), 413],
    ['no body at all', 'draft', 'own', undefined, 422],
    ['an unknown event type', 'draft', 'own', { type: 'FLY' }, 422, 'type'],
    ['no type', 'draft', 'own', { title: 'x' }, 422, 'type'],
    ['an empty type', 'draft', 'own', { type: '' }, 422, 'type'],
    ['a type that is a number', 'draft', 'own', { type: 5 }, 422, 'type'],
    ['a type of toString', 'draft', 'own', { type: 'toString' }, 422, 'type'],
    ['a type of constructor', 'draft', 'own', { type: 'constructor' }, 422, 'type'],
    ['a type of __proto__', 'draft', 'own', { type: '__proto__' }, 422, 'type'],
    ['a type of hasOwnProperty', 'draft', 'own', { type: 'hasOwnProperty' }, 422, 'type'],
    ['an amount as a string', 'draft', 'own', pence('400000'), 422, 'amountRequestedPence'],
    ['a negative amount', 'draft', 'own', pence(-1), 422, 'amountRequestedPence'],
    ['a zero amount', 'draft', 'own', pence(0), 422, 'amountRequestedPence'],
    ['a fractional amount', 'draft', 'own', pence(100.5), 422, 'amountRequestedPence'],
    ['an amount over MAX_SAFE_INTEGER', 'draft', 'own', pence(2 ** 53), 422, 'amountRequestedPence'],
    ['a huge amount', 'draft', 'own', pence(1e20), 422, 'amountRequestedPence'],
    ['an amount over the £5,000 cap', 'draft', 'own', pence(500_001), 422, 'amountRequestedPence'],
    [
      "an amount over this programme's £1,000 cap",
      'lowCap',
      'own',
      pence(100_001),
      422,
      'amountRequestedPence',
    ],
    ['an extra payload field', 'draft', 'own', { ...SUBMIT, colour: 'red' }, 422, 'colour'],
    ['an event to a closed case', 'withdrawn', 'own', SUBMIT, 409],
    ['a missing payload field', 'draft', 'own', { ...SUBMIT, summary: undefined }, 422, 'summary'],
    ['a blank title', 'draft', 'own', { ...SUBMIT, title: '  ' }, 422, 'title'],
    ['a title that is null', 'draft', 'own', { ...SUBMIT, title: null }, 422, 'title'],
    ['an APPROVE over the request', 'panelReview', PANEL, approve(400_001), 422, 'amountPence'],
    ['an APPROVE with an extra field', 'panelReview', PANEL, approve(1, { note: 'x' }), 422, 'note'],
    [
      'an APPROVE with a report due in the past',
      'panelReview',
      PANEL,
      approve(1, { reportDueOn: '2020-01-01' }),
      422,
      'reportDueOn',
    ],
    // What cannot be undone always says why.
    ['a WITHDRAW without reasons', 'draft', 'own', { type: 'WITHDRAW' }, 422, 'reason'],
    ['a WITHDRAW with blank reasons', 'draft', 'own', { type: 'WITHDRAW', reason: '  ' }, 422, 'reason'],
    ['a DECLINE without reasons', 'panelReview', PANEL, { type: 'DECLINE', quorumReason }, 422, 'reason'],
    // The panel's rules: short of the quorum, a decision says why.
    [
      'an APPROVE short of the quorum without saying why',
      'panelReview',
      PANEL,
      approve(1, { quorumReason: undefined }),
      422,
      'quorumReason',
    ],
    [
      'a DECLINE short of the quorum with a blank reason why',
      'panelReview',
      PANEL,
      { type: 'DECLINE', reason: 'Weak', quorumReason: '  ' },
      422,
      'quorumReason',
    ],
    // The payment is recorded on the grant by the system, when its payment case is marked paid.
    ['a RECORD_PAYMENT from finance', 'accepted', FINANCE, PAYMENT, 403],
    ['a RECORD_PAYMENT from the owner', 'accepted', 'own', PAYMENT, 403],
    ['an event for another role', 'draft', OFFICER, SUBMIT, 403],
    ['a staff event from the owner', 'panelReview', 'own', approve(1), 403],
    ['an event from the wrong staff role', 'panelReview', FINANCE, approve(1), 403],
    ['another organisation (Riverside)', 'draft', 'provider@demo.test', SUBMIT, 404],
    ['another organisation (Fenland)', 'draft', 'provider2@demo.test', SUBMIT, 404],
  ];
  it.each(rows)('%s → $4', async (_name, at, who, body, status, field) => {
    const before = await written(cases[at]);
    expectProblem(await send(cases[at], who, body), status, field);
    expect(await written(cases[at])).toEqual(before);
  });

  it('an APPROVE from a panel member who has not declared an interest → 409 saying so', async () => {
    const before = await written(cases.panelReview);
    const res = await send(cases.panelReview, PANEL2, approve(1));
    expectProblem(res, 409);
    expect(res.body.title).toBe('Declare any conflict of interest first');
    expect(await written(cases.panelReview)).toEqual(before);
  });

  // The last two are well formed but cannot be: a day not yet come, a day before the payment was approved.
  it.each([
    '2025-13-01',
    '2025-02-30',
    '01/05/2025',
    '2025-5-1',
    'yesterday',
    '',
    20250501,
    '2199-01-01',
    '2025-05-01',
  ])('a paidOn of %j → 422 naming paidOn', async (paidOn) => {
    const before = await writtenPayment(payments.approved);
    expectProblem(await send(payments.approved, FINANCE2, { ...MARK_PAID, paidOn }), 422, 'paidOn');
    expect(await writtenPayment(payments.approved)).toEqual(before);
  });

  it.each<[string, Payment, Who, Body, number, string?]>([
    [
      'money back over what was paid',
      'paid',
      FINANCE,
      { ...RETURN, amountPence: 300_001 },
      422,
      'amountPence',
    ],
    [
      'money back before it was paid',
      'paid',
      FINANCE,
      { ...RETURN, receivedOn: '2025-04-30' },
      422,
      'receivedOn',
    ],
    [
      'a MARK_PAID with no reference',
      'approved',
      FINANCE2,
      { ...MARK_PAID, reference: undefined },
      422,
      'reference',
    ],
    [
      'a MARK_PAID with an extra field',
      'approved',
      FINANCE2,
      { ...MARK_PAID, currency: 'GBP' },
      422,
      'currency',
    ],
    [
      'a MARK_PAID of more than is still to pay',
      'approved',
      FINANCE2,
      { ...MARK_PAID, paidOn: londonDate(new Date()), amountPence: 300_001 },
      422,
      'amountPence',
    ],
    ['a MARK_PAID from the officer', 'approved', OFFICER, MARK_PAID, 403],
    ['a CANCEL without reasons', 'approved', FINANCE, { type: 'CANCEL' }, 422, 'reason'],
    ['a MARK_PAID from the owner', 'approved', 'own', MARK_PAID, 403],
    ['an APPROVE from the owner', 'moved', 'own', { type: 'APPROVE' }, 403],
    ['a payment event from another organisation', 'approved', 'provider@demo.test', MARK_PAID, 404],
    ['a VARY, which only the system sends', 'approved', FINANCE, { type: 'VARY' }, 403],
    ['a second MARK_PAID', 'paid', FINANCE2, MARK_PAID, 409],
  ])('to a payment: %s → $4', async (_name, at, who, body, status, field) => {
    const before = await writtenPayment(payments[at]);
    expectProblem(await send(payments[at], who, body), status, field);
    expect(await writtenPayment(payments[at])).toEqual(before);
  });

  it('approving a payment you rescheduled → 403 with the reason; another member of finance may', async () => {
    const before = await writtenPayment(payments.moved);
    const refused = await send(payments.moved, FINANCE, { type: 'APPROVE' });
    expectProblem(refused, 403);
    expect(refused.body.detail).toBe(
      'You varied this payment, so another member of finance must approve it.',
    );
    expect(await writtenPayment(payments.moved)).toEqual(before);
    const approved = await send(payments.moved, FINANCE2, { type: 'APPROVE' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.state).toBe('approved');
  });

  it.each<[string, Who, string, string[]]>([
    ['the owner', 'own', 'ACCEPT_OFFER', ['SUBMIT', 'WITHDRAW']],
    ['an officer', OFFICER, 'CONFIRM_ELIGIBLE', ['EXTEND_OWN_DEADLINE']],
  ])('an event not accepted in this state, from %s → 409', async (_name, who, type, youMaySend) => {
    const before = await written(cases.draft);
    const res = await send(cases.draft, who, { type });
    expectProblem(res, 409);
    expect(res.body).toMatchObject({
      state: 'draft',
      acceptedEvents: ['SUBMIT', 'WITHDRAW', 'EXTEND_OWN_DEADLINE'],
      youMaySend,
    });
    expect(await written(cases.draft)).toEqual(before);
  });

  it.each<[string, Record<string, string>, number, string?]>([
    ['a word If-Match', { 'If-Match': 'abc' }, 400, 'If-Match'],
    ['an unquoted If-Match', { 'If-Match': '1' }, 400, 'If-Match'],
    ['a quoted non-number If-Match', { 'If-Match': '"one"' }, 400, 'If-Match'],
    ['a stale If-Match', { 'If-Match': '"99"' }, 412],
    ['a bad Idempotency-Key', { 'Idempotency-Key': 'has spaces in it' }, 400, 'Idempotency-Key'],
  ])('%s → $2', async (_name, headers, status, field) => {
    const before = await written(cases.draft);
    expectProblem(await send(cases.draft, 'own', SUBMIT, headers), status, field);
    expect(await written(cases.draft)).toEqual(before);
  });
});

describe('a __proto__ field is refused like any other extra field', () => {
  const withProto = (body: object) => `${JSON.stringify(body).slice(0, -1)},"__proto__":{"x":1}}`;
  it.each<[string, string, string]>([
    ['in the create body', 'body', '__proto__'],
    ['in the creation input', 'input', 'input.__proto__'],
  ])('%s → 422', async (_name, where, field) => {
    const before = await createdByOwn();
    const input = { programmeId: t.youthFund.programmeId, title: 'A bid' };
    const body =
      where === 'body'
        ? withProto({ machine: 'youth-fund', input })
        : `{"machine":"youth-fund","input":${withProto(input)}}`;
    expectProblem(await post('/api/cases', own.auth, body), 422, field);
    expect(await createdByOwn()).toBe(before);
  });

  it('in an event payload → 422', async () => {
    const id = await r.openOwn();
    const before = await written(id);
    expectProblem(await send(id, 'own', withProto(SUBMIT)), 422, '__proto__');
    expect(await written(id)).toEqual(before);
  });
});

describe('GET /api/cases query', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=1000', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['cursor=xyz', 'cursor'],
    ['cursor=0', 'cursor'],
    ['cursor=-1', 'cursor'],
    ['cursor=5', 'cursor'], // a bare seq: cursors are opaque now
    ['cursor=c1.', 'cursor'],
    ['cursor=c1.MA', 'cursor'], // "0"
    ['cursor=c1.LTE', 'cursor'], // "-1"
    ['cursor=c1.MQ%3D%3D', 'cursor'], // "1", padded
    ['cursor=c1.MR', 'cursor'], // "1", with stray bits
    ['cursor=c1.MQ.x', 'cursor'],
    ['cursor=c2.MQ', 'cursor'],
    ['cursor=c1.OTk5OTk5OTk5OTk5OTk5OTk5', 'cursor'], // past MAX_SAFE_INTEGER
    ['cursor=c1.MQ&cursor=c1.Mg', 'cursor'],
    ['sort=state', 'sort'],
    ['state=a%00b', 'state'],
    ['machine=a%00', 'machine'],
    ['state=%ED%A0%80', 'state'], // a surrogate, as UTF-8 would spell it
    ['machine=youth%20fund', 'machine'],
    ['state=', 'state'],
    [`state=${'a'.repeat(101)}`, 'state'],
    ['a%00b=1', 'a\u0000b'],
    ['programme=youth-fund', 'programme'],
    ['programme=', 'programme'],
    [`programme=${randomUUID()}x`, 'programme'],
    [`programme=${randomUUID()}&programme=${randomUUID()}`, 'programme'],
  ])('?%s → 400 naming %s', async (query, field) => {
    expectProblem(await t.http.get(`/api/cases?${query}`).set(own.auth), 400, field);
  });
});

describe('control: the same requests, put right, are accepted', () => {
  it('creates a case and moves the draft on', async () => {
    const before = await createdByOwn();
    const created = await post('/api/cases', own.auth, yf({ title: 'Ok' })(t.youthFund.programmeId));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      programmeId: t.youthFund.programmeId,
      context: { capPence: 500_000 },
    });
    expect(await createdByOwn()).toBe(before + 1);
    const res = await send(cases.draft, 'own', SUBMIT, { 'If-Match': '"1"', 'Idempotency-Key': 'ok-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'submitted', version: 2 });
    expect((await written(cases.draft)).history).toBe(2);
    // The lower cap is the programme's: up to it, the bid goes in.
    const low = await send(cases.lowCap, 'own', { ...SUBMIT, amountRequestedPence: 100_000 });
    expect(low.status).toBe(200);
    expect(low.body.context.capPence).toBe(100_000);
  });
});
