// Bad requests of every other kind are refused with a problem+json 4xx and write nothing:
// authentication, case ids, list pages, text PostgreSQL cannot store, deep nesting and unknown
// routes. Bad creation inputs and event payloads are in bad-input.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/domain/people.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { type Body, expectProblem, JSON_TYPE, type Provider, refusals } from '../helpers/refusals.ts';

let t: TestApp;
/** A provider of our own, in an organisation of our own, so counts of its cases are ours alone. */
let own: Provider;
let r: ReturnType<typeof refusals>;
type Who = 'own' | DemoEmail | null;
const auth = (who: Who) => (who === null ? {} : who === 'own' ? own.auth : t.as(who));

const SUBMIT = { type: 'SUBMIT', title: 'Boxing', summary: 'Weekly sessions', amountRequestedPence: 400_000 };
const post = (...args: Parameters<typeof r.post>) => r.post(...args);
const written = (id: string) => r.written(id);
const createdByOwn = () => r.createdByOwn();
const keysStored = () => r.keysStored();
async function send(id: string, who: Who, body: Body, headers: Record<string, string> = {}) {
  return post(`/api/cases/${id}/events`, { ...auth(who), ...headers }, body);
}

const cases = { draft: '' };

beforeAll(async () => {
  t = await startTestApp();
  own = await t.newProvider('Bad Requests Trust');
  r = refusals(t, own);
  cases.draft = await r.openOwn();
  // A second case, so the list has a page after the first.
  await r.openOwn();
});
afterAll(() => t.close());

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
    const programmeId = t.youthFund.programmeId;
    for (const headers of [{}, idempotent()]) {
      const create = (body: object) => post('/api/cases', { ...own.auth, ...headers }, body);
      const input = (fields: object) => ({ machine: 'youth-fund', input: { programmeId, ...fields } });
      expectProblem(await create(input({ title: text })), 400, 'input.title');
      expectProblem(await create(input({ [text]: 'x' })), 400, `input.${shownKey}`);
      expectProblem(await create({ machine: text }), 400, 'machine');
      expectProblem(await create(input({ title: ['ok', text] })), 400, 'input.title.1');
      expectProblem(await create(input({ programmeId: text })), 400, 'input.programmeId');
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
    const input = { programmeId: t.youthFund.programmeId, title };
    const res = await post('/api/cases', own.auth, { machine: 'youth-fund', input });
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
      () =>
        `{"machine":"youth-fund","input":{"programmeId":"${t.youthFund.programmeId}","title":${nested(40_000)}}}`,
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

  it('answers a page address that does not exist with a GOV.UK 404 page, not JSON', async () => {
    const res = await t.http.get('/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Page not found');
  });
});
