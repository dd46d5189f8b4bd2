// Every bad input is refused with a problem+json 4xx naming what was wrong, and writes nothing.
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/domain/people.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
/** A provider of our own, in an organisation of our own, so counts of its cases are ours alone. */
let own: { userId: string; organisationId: string; email: string; auth: { Authorization: string } };
type Who = 'own' | DemoEmail | null;
type Body = string | object | undefined;
const auth = (who: Who) => (who === null ? {} : who === 'own' ? own.auth : t.as(who));

const SUBMIT = { type: 'SUBMIT', title: 'Boxing', summary: 'Weekly sessions', amountRequestedPence: 400_000 };
const PAYMENT = { type: 'RECORD_PAYMENT', amountPence: 300_000, paidOn: '2025-05-01', reference: 'BACS-1' };
const JSON_TYPE = 'application/json';
const [OFFICER, PANEL, FINANCE] = ['officer@demo.test', 'panel@demo.test', 'finance@demo.test'] as const;
const approve = (amountPence: number, extra = {}) => ({ type: 'APPROVE', amountPence, ...extra });

function expectProblem(res: Response, status: number, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    title: expect.stringMatching(/\S/),
    detail: expect.stringMatching(/\S/),
  });
  if (field !== undefined) {
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  }
}

/** POSTs a body: objects as JSON; strings raw, with the given content type. */
function post(path: string, headers: Record<string, string>, body: Body, contentType = JSON_TYPE) {
  const req = t.http.post(path).set(headers);
  if (body === undefined) return req;
  return typeof body === 'string' ? req.set('Content-Type', contentType).send(body) : req.send(body);
}

/** Cases of our organisation, whoever opened them: staff refusals are counted too. */
async function createdByOwn(): Promise<number> {
  const [row] = await t.sql`select count(*)::int as n from cases
    where created_by = ${own.userId} or organisation_id = ${own.organisationId}`;
  return row!.n;
}

/** What a refusal must leave alone: the case row, its history and its timers. */
async function written(id: string) {
  const [row] = await t.sql`select version, state, snapshot, updated_at from cases where id = ${id}`;
  expect(row, `case ${id}`).toBeDefined();
  const [history] = await t.sql`select count(*)::int as n from case_events where case_id = ${id}`;
  const timers = await t.sql`select timer_key, due_at from timers where case_id = ${id} order by timer_key`;
  return { ...row, history: history!.n, timers: [...timers] };
}

async function send(id: string, who: Who, body: Body, headers: Record<string, string> = {}) {
  return post(`/api/cases/${id}/events`, { ...auth(who), ...headers }, body);
}

async function advance(id: string, steps: [Who, object][]) {
  for (const [who, event] of steps) expect((await send(id, who, event)).status).toBe(200);
}

const cases = { draft: '', panelReview: '', accepted: '', withdrawn: '' };
type At = keyof typeof cases;

beforeAll(async () => {
  t = await startTestApp();
  own = await t.newProvider('Bad Input Trust');
  for (const at of Object.keys(cases) as At[]) {
    const res = await post('/api/cases', own.auth, { machine: 'youth-fund' });
    expect(res.status).toBe(201);
    cases[at] = res.body.id;
  }
  await advance(cases.panelReview, [
    ['own', SUBMIT],
    [OFFICER, { type: 'CONFIRM_ELIGIBLE' }],
  ]);
  await advance(cases.accepted, [
    ['own', SUBMIT],
    [OFFICER, { type: 'CONFIRM_ELIGIBLE' }],
    [PANEL, approve(300_000)],
    ['own', { type: 'ACCEPT_OFFER' }],
  ]);
  await advance(cases.withdrawn, [['own', { type: 'WITHDRAW' }]]);
});
afterAll(() => t.close());

const tooBig = JSON.stringify({ machine: 'youth-fund', input: { title: 'x'.repeat(120_000) } });

describe('POST /api/cases refusals create no case', () => {
  it.each<[string, Body, number, string?, string?]>([
    ['malformed JSON', '{"machine":', 400, '(body)'],
    ['a JSON string', '"youth-fund"', 400, '(body)'],
    ['a JSON null', 'null', 400, '(body)'],
    ['an unsupported charset', '{"machine":"youth-fund"}', 415, undefined, `${JSON_TYPE}; charset=koi8-r`],
    ['a JSON array', [{ machine: 'youth-fund' }], 422, '(body)'],
    ['a body over 100 kB', tooBig, 413],
    ['a text/plain body', 'machine=youth-fund', 415, undefined, 'text/plain'],
    ['no body at all', undefined, 415],
    ['an unknown machine', { machine: 'nope' }, 422, 'machine'],
    ['no machine', { input: {} }, 422, 'machine'],
    ['a machine that is a number', { machine: 5 }, 422, 'machine'],
    ['an extra field in the body', { machine: 'youth-fund', colour: 'red' }, 422, 'colour'],
    ['an extra field in the input', { machine: 'youth-fund', input: { colour: 'red' } }, 422, 'input.colour'],
    ['a capPence in the input', { machine: 'youth-fund', input: { capPence: 1 } }, 422, 'input.capPence'],
    ['a blank title', { machine: 'youth-fund', input: { title: '   ' } }, 422, 'input.title'],
    ['a title that is a number', { machine: 'youth-fund', input: { title: 7 } }, 422, 'input.title'],
    ['an input that is an array', { machine: 'youth-fund', input: [] }, 422, 'input'],
    ['an organisationId not a uuid', { machine: 'youth-fund', organisationId: 'x' }, 422, 'organisationId'],
    ['another organisation', { machine: 'youth-fund', organisationId: randomUUID() }, 403],
  ])('%s → $2', async (_name, body, status, field, contentType) => {
    const before = await createdByOwn();
    const res = await post('/api/cases', own.auth, body, contentType);
    expectProblem(res, status, field);
    expect(await createdByOwn()).toBe(before);
  });

  it.each<[string, DemoEmail, (org: string) => object, number, string?]>([
    ['staff naming no organisation', OFFICER, () => ({}), 422, 'organisationId'],
    ['staff naming an unknown one', OFFICER, () => ({ organisationId: randomUUID() }), 422, 'organisationId'],
    ['a role that may not open cases', FINANCE, (org) => ({ organisationId: org }), 403],
    ['a panel member', PANEL, (org) => ({ organisationId: org }), 403],
  ])('%s → $3', async (_name, who, extra, status, field) => {
    const before = await createdByOwn();
    const res = await post('/api/cases', t.as(who), { machine: 'youth-fund', ...extra(own.organisationId) });
    expectProblem(res, status, field);
    expect(await createdByOwn()).toBe(before);
  });
});

describe('POST /api/cases/:id/events refusals write nothing', () => {
  const pence = (amountRequestedPence: unknown) => ({ ...SUBMIT, amountRequestedPence });
  const rows: [string, At, Who, Body, number, string?][] = [
    ['malformed JSON', 'draft', 'own', '{"type":"SUBMIT",', 400, '(body)'],
    ['a JSON string', 'draft', 'own', '"SUBMIT"', 400, '(body)'],
    ['a JSON array', 'draft', 'own', [SUBMIT], 422, '(body)'],
    ['a body over 100 kB', 'draft', 'own', JSON.stringify({ ...SUBMIT, summary: 'x'.repeat(120_000) }), 413],
    ['no body at all', 'draft', 'own', undefined, 415],
    ['an unknown event type', 'draft', 'own', { type: 'FLY' }, 422, 'type'],
    ['no type', 'draft', 'own', { title: 'x' }, 422, 'type'],
    ['an empty type', 'draft', 'own', { type: '' }, 422, 'type'],
    ['a type that is a number', 'draft', 'own', { type: 5 }, 422, 'type'],
    ['an amount as a string', 'draft', 'own', pence('400000'), 422, 'amountRequestedPence'],
    ['a negative amount', 'draft', 'own', pence(-1), 422, 'amountRequestedPence'],
    ['a zero amount', 'draft', 'own', pence(0), 422, 'amountRequestedPence'],
    ['a fractional amount', 'draft', 'own', pence(100.5), 422, 'amountRequestedPence'],
    ['an amount over MAX_SAFE_INTEGER', 'draft', 'own', pence(2 ** 53), 422, 'amountRequestedPence'],
    ['a huge amount', 'draft', 'own', pence(1e20), 422, 'amountRequestedPence'],
    ['an amount over the £5,000 cap', 'draft', 'own', pence(500_001), 422, 'amountRequestedPence'],
    ['an extra payload field', 'draft', 'own', { ...SUBMIT, colour: 'red' }, 422, 'colour'],
    ['an event to a closed case', 'withdrawn', 'own', SUBMIT, 409],
    ['a missing payload field', 'draft', 'own', { ...SUBMIT, summary: undefined }, 422, 'summary'],
    ['a blank title', 'draft', 'own', { ...SUBMIT, title: '  ' }, 422, 'title'],
    ['a title that is null', 'draft', 'own', { ...SUBMIT, title: null }, 422, 'title'],
    ['an APPROVE over the request', 'panelReview', PANEL, approve(400_001), 422, 'amountPence'],
    ['an APPROVE with an extra field', 'panelReview', PANEL, approve(1, { note: 'x' }), 422, 'note'],
    [
      'a payment over the award',
      'accepted',
      FINANCE,
      { ...PAYMENT, amountPence: 300_001 },
      422,
      'amountPence',
    ],
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

  it.each(['2025-13-01', '2025-02-30', '01/05/2025', '2025-5-1', 'yesterday', '', 20250501])(
    'a paidOn of %j → 422 naming paidOn',
    async (paidOn) => {
      const before = await written(cases.accepted);
      expectProblem(await send(cases.accepted, FINANCE, { ...PAYMENT, paidOn }), 422, 'paidOn');
      expect(await written(cases.accepted)).toEqual(before);
    },
  );

  it.each<[string, Who, string, string[]]>([
    ['the owner', 'own', 'ACCEPT_OFFER', ['SUBMIT', 'WITHDRAW']],
    ['an officer', OFFICER, 'CONFIRM_ELIGIBLE', []],
  ])('an event not accepted in this state, from %s → 409', async (_name, who, type, youMaySend) => {
    const before = await written(cases.draft);
    const res = await send(cases.draft, who, { type });
    expectProblem(res, 409);
    expect(res.body).toMatchObject({ state: 'draft', acceptedEvents: ['SUBMIT', 'WITHDRAW'], youMaySend });
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
    ['in the create body', withProto({ machine: 'youth-fund' }), '__proto__'],
    [
      'in the creation input',
      `{"machine":"youth-fund","input":${withProto({ title: 'A bid' })}}`,
      'input.__proto__',
    ],
  ])('%s → 422', async (_name, body, field) => {
    const before = await createdByOwn();
    expectProblem(await post('/api/cases', own.auth, body), 422, field);
    expect(await createdByOwn()).toBe(before);
  });

  it('in an event payload → 422', async () => {
    const id = (await post('/api/cases', own.auth, { machine: 'youth-fund' })).body.id as string;
    const before = await written(id);
    expectProblem(await send(id, 'own', withProto(SUBMIT)), 422, '__proto__');
    expect(await written(id)).toEqual(before);
  });
});

describe('authentication', () => {
  it.each<[string, Record<string, string>]>([
    ['no Authorization header', {}],
    ['a Basic header', { Authorization: 'Basic dXNlcjpwYXNz' }],
    ['Bearer without a token', { Authorization: 'Bearer' }],
    ['a token with spaces', { Authorization: 'Bearer two words' }],
    ['a lower-case scheme and junk', { Authorization: 'bearer ###' }],
    ['an unknown token', { Authorization: 'Bearer opcc_not-a-real-token' }],
  ])('%s → 401 and nothing written', async (_name, headers) => {
    const before = await written(cases.draft);
    const res = await send(cases.draft, null, SUBMIT, headers);
    expectProblem(res, 401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(await written(cases.draft)).toEqual(before);
    expectProblem(await t.http.get('/api/cases').set(headers), 401);
  });

  it('a revoked token → 401 and nothing written', async () => {
    const headers = { Authorization: `Bearer ${await issueToken(t.db, own.email)}` };
    expect((await t.http.get('/api/cases').set(headers)).status).toBe(200);
    expect((await t.http.delete('/api/tokens/current').set(headers)).status).toBe(204);
    const before = await written(cases.draft);
    expectProblem(await send(cases.draft, null, SUBMIT, headers), 401);
    expect(await written(cases.draft)).toEqual(before);
    expectProblem(await t.http.delete('/api/tokens/current').set(headers), 401);
    expect((await t.http.get('/api/cases').set(own.auth)).status).toBe(200); // other tokens still work
  });
});

describe('case ids', () => {
  it.each([
    ['not a uuid', 'not-a-uuid'],
    ['an unknown uuid', randomUUID()],
    ['a uuid with junk', `${randomUUID()}x`],
  ])('%s → 404 on read, history and events', async (_name, id) => {
    expectProblem(await t.http.get(`/api/cases/${id}`).set(own.auth), 404);
    expectProblem(await t.http.get(`/api/cases/${id}/history`).set(own.auth), 404);
    expectProblem(await send(id, 'own', SUBMIT), 404);
  });

  it("another organisation's case is 404 to read, as if it did not exist", async () => {
    expectProblem(await t.http.get(`/api/cases/${cases.draft}`).set(t.as('provider2@demo.test')), 404);
    expectProblem(await t.http.get(`/api/cases/${cases.draft}/history`).set(t.as('provider@demo.test')), 404);
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
    ['sort=state', 'sort'],
  ])('?%s → 400 naming %s', async (query, field) => {
    expectProblem(await t.http.get(`/api/cases?${query}`).set(own.auth), 400, field);
  });
});

describe('unknown routes and machines', () => {
  it.each<[string, string, Who]>([
    ['GET', '/nope', null],
    ['GET', '/api/nope', 'own'],
    ['POST', '/api/cases/x/nope', 'own'],
    ['PUT', '/api/cases', 'own'],
    ['GET', '/api/machines/nope', 'own'],
  ])('%s %s → 404', async (method, path, who) => {
    const req = t.http[method.toLowerCase() as 'get' | 'post' | 'put'](path);
    req.set(auth(who));
    if (method !== 'GET') req.send({});
    expectProblem(await req, 404);
  });
});

describe('control: the same requests, put right, are accepted', () => {
  it('creates a case and moves the draft on', async () => {
    const before = await createdByOwn();
    const created = await post('/api/cases', own.auth, { machine: 'youth-fund', input: { title: 'Ok' } });
    expect(created.status).toBe(201);
    expect(await createdByOwn()).toBe(before + 1);
    const res = await send(cases.draft, 'own', SUBMIT, { 'If-Match': '"1"', 'Idempotency-Key': 'ok-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'submitted', version: 2 });
    expect((await written(cases.draft)).history).toBe(2);
  });
});
