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
const approve = (amountPence: number, extra = {}) => ({
  type: 'APPROVE',
  amountPence,
  reportDueOn: '2026-03-31',
  ...extra,
});

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

/** Idempotency keys our provider has stored: a refusal must store none. */
async function keysStored(): Promise<number> {
  const [row] = await t.sql`select count(*)::int as n from idempotency_keys where user_id = ${own.userId}`;
  return row!.n;
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
    ['no body at all', undefined, 422],
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

  it.each<[string, string, string]>([
    ['malformed JSON', '{', JSON_TYPE],
    ['a JSON body nested 40 000 deep', '['.repeat(40_000) + ']'.repeat(40_000), JSON_TYPE],
    ['a text/plain body', 'type=SUBMIT', 'text/plain'],
  ])('an anonymous request with %s → 401, before the body is read', async (_name, body, contentType) => {
    const before = await written(cases.draft);
    const res = await post(`/api/cases/${cases.draft}/events`, {}, body, contentType);
    expectProblem(res, 401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await post('/api/cases', {}, body, contentType), 401);
    expect(await written(cases.draft)).toEqual(before);
  });

  it.each(['bearer', 'BEARER', 'bEaReR'])('the scheme %s is accepted (case-insensitive)', async (scheme) => {
    const token = own.auth.Authorization.replace(/^Bearer /, '');
    const res = await t.http.get('/api/cases').set({ Authorization: `${scheme} ${token}` });
    expect(res.status).toBe(200);
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
  ])('?%s → 400 naming %s', async (query, field) => {
    expectProblem(await t.http.get(`/api/cases?${query}`).set(own.auth), 400, field);
  });
});

describe('GET /api/cases pages', () => {
  it('gives an opaque cursor that leads to the next page', async () => {
    const first = await t.http.get('/api/cases?limit=1').set(own.auth);
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toMatch(/^c1\.[A-Za-z0-9_-]+$/);
    const second = await t.http.get(`/api/cases?limit=1&cursor=${first.body.nextCursor}`).set(own.auth);
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });
});

describe('text PostgreSQL cannot store is refused with 400, naming where it was', () => {
  const NUL = 'a\u0000b';
  const HIGH = 'a\ud800b'; // a high surrogate with no low one after it
  const LOW = 'a\udc00b'; // a low surrogate with no high one before it
  const idempotent = () => ({ 'Idempotency-Key': `bad-text-${randomUUID()}` });

  it.each<[string, string, string]>([
    ['U+0000', NUL, 'a\\u0000b'],
    ['a lone high surrogate', HIGH, 'a\\ud800b'],
    ['a lone low surrogate', LOW, 'a\\udc00b'],
  ])('%s in an event payload, its creation input, or a field name', async (_name, text, shownKey) => {
    const before = await written(cases.draft);
    const keys = await keysStored();
    for (const headers of [{}, idempotent()]) {
      expectProblem(await send(cases.draft, 'own', { ...SUBMIT, title: text }, headers), 400, 'title');
      expectProblem(await send(cases.draft, 'own', { ...SUBMIT, [text]: 'x' }, headers), 400, shownKey);
      expectProblem(await send(cases.draft, 'own', { type: text }, headers), 400, 'type');
    }
    expect(await written(cases.draft)).toEqual(before);

    const created = await createdByOwn();
    for (const headers of [{}, idempotent()]) {
      const create = (body: object) => post('/api/cases', { ...own.auth, ...headers }, body);
      expectProblem(await create({ machine: 'youth-fund', input: { title: text } }), 400, 'input.title');
      expectProblem(
        await create({ machine: 'youth-fund', input: { [text]: 'x' } }),
        400,
        `input.${shownKey}`,
      );
      expectProblem(await create({ machine: text }), 400, 'machine');
      expectProblem(
        await create({ machine: 'youth-fund', input: { title: ['ok', text] } }),
        400,
        'input.title.1',
      );
    }
    expect(await createdByOwn()).toBe(created);
    expect(await keysStored()).toBe(keys);
  });

  it('the raw JSON escapes are refused too, not only what a client library sends', async () => {
    const before = await written(cases.draft);
    for (const sequence of ['\\u0000', '\\uD800', '\\uDFFF', '\\uDC00\\uD800']) {
      const body = `{"type":"SUBMIT","title":"x${sequence}","summary":"s","amountRequestedPence":1}`;
      expectProblem(await send(cases.draft, 'own', body), 400, 'title');
    }
    expect(await written(cases.draft)).toEqual(before);
  });

  it('control: text with real surrogate pairs and other control characters is stored as sent', async () => {
    const title = 'Boxing 🥊 club\u0001 for Ōtautahi';
    const res = await post('/api/cases', own.auth, { machine: 'youth-fund', input: { title } });
    expect(res.status).toBe(201);
    expect(res.body.context.title).toBe(title);
  });
});

describe('deep nesting is refused with 400 before anything recurses over it', () => {
  const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);
  const event = (title: string) =>
    `{"type":"SUBMIT","title":${title},"summary":"s","amountRequestedPence":1}`;

  it.each<[string, () => string, string]>([
    ['an event body of 40 000 nested arrays', () => nested(40_000), 'events'],
    ['an event payload field nested 40 000 deep', () => event(nested(40_000)), 'events'],
    ['a payload field one level too deep (33)', () => event(nested(32)), 'events'],
    ['a creation body of 40 000 nested arrays', () => nested(40_000), 'cases'],
    [
      'a creation input nested 40 000 deep',
      () => `{"machine":"youth-fund","input":{"title":${nested(40_000)}}}`,
      'cases',
    ],
    [
      'objects nested 33 deep',
      () => `{"machine":"youth-fund","input":${'{"a":'.repeat(32)}1${'}'.repeat(32)}}`,
      'cases',
    ],
  ])('%s, with and without an Idempotency-Key', async (_name, body, where) => {
    const text = body();
    expect(text.length).toBeLessThan(100_000);
    const path = where === 'events' ? `/api/cases/${cases.draft}/events` : '/api/cases';
    const before = await written(cases.draft);
    const [created, keys] = [await createdByOwn(), await keysStored()];
    const variants: Record<string, string>[] = [{}, { 'Idempotency-Key': `deep-${randomUUID()}` }];
    for (const headers of variants) {
      const res = await post(path, { ...own.auth, ...headers }, text);
      expectProblem(res, 400, '(body)');
      expect(res.body.title).toBe('Bad request');
    }
    expect(await written(cases.draft)).toEqual(before);
    expect(await createdByOwn()).toBe(created);
    expect(await keysStored()).toBe(keys);
  });

  it('control: 32 levels is allowed through to the payload schema (422, not 400)', async () => {
    const before = await written(cases.draft);
    const res = await send(cases.draft, 'own', event(nested(31)), {
      'Idempotency-Key': `deep-${randomUUID()}`,
    });
    expectProblem(res, 422, 'title');
    expect(await written(cases.draft)).toEqual(before);
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
