// Many clients at once: optimistic concurrency with If-Match, serialised writers without it, and
// Idempotency-Key retries (sequential and concurrent) that do the work once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
const userIds = {} as Record<DemoEmail, string>;
beforeAll(async () => {
  t = await startTestApp();
  for (const row of await t.sql<{ email: DemoEmail; id: string }[]>`select email, id from users`)
    userIds[row.email] = row.id;
});
afterAll(() => t.close());

const PROVIDER = 'provider@demo.test';
const PROVIDER2 = 'provider2@demo.test';
const OFFICER = 'officer@demo.test';

type Event = { type: string } & Record<string, unknown>;
const SUBMIT = {
  type: 'SUBMIT',
  title: 'Boxing club',
  summary: 'Weekly sessions',
  amountRequestedPence: 400_000,
};
const CONFIRM = { type: 'CONFIRM_ELIGIBLE' };
const WITHDRAW = { type: 'WITHDRAW', reason: 'Project cancelled' };

const send = (id: string, email: DemoEmail, event: Event, headers: Record<string, string> = {}) =>
  t.http.post(`/api/cases/${id}/events`).set(t.as(email)).set(headers).send(event);
const getCase = async (id: string) => (await t.http.get(`/api/cases/${id}`).set(t.as(OFFICER))).body;
const history = async (id: string) =>
  (await t.http.get(`/api/cases/${id}/history`).set(t.as(OFFICER))).body.items as any[];
const storedKeys = (email: DemoEmail, key: string) =>
  t.sql`select 1 from idempotency_keys where user_id = ${userIds[email]} and key = ${key}`;

const open = (email: DemoEmail = PROVIDER, title = 'Concurrency') => t.openCase(email, title);

/** A fresh case, submitted by its provider when asked. */
async function caseAt(state: 'draft' | 'submitted', email: DemoEmail = PROVIDER): Promise<string> {
  const id = await open(email);
  if (state === 'submitted') expect((await send(id, email, SUBMIT)).status).toBe(200);
  return id;
}

function statuses(responses: { status: number }[]) {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** The history is 1..N with no gaps or repeats, chained state to state, and ends at the case's version. */
async function expectConsistent(id: string) {
  const items = await history(id);
  expect(items.map((i) => i.version)).toEqual(items.map((_, i) => i + 1));
  items.slice(1).forEach((row, i) => {
    expect(row.fromState).toBe(items[i].toState);
  });
  const view = await getCase(id);
  expect(view.version).toBe(items.at(-1).version);
  expect(view.state).toBe(items.at(-1).toState);
  return items;
}

describe('If-Match', () => {
  it('lets exactly one of twenty identical conditional requests through', async () => {
    const id = await caseAt('submitted');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => send(id, OFFICER, CONFIRM, { 'If-Match': '"2"' })),
    );
    expect(statuses(responses)).toEqual({ 200: 1, 412: 19 });
    for (const res of responses.filter((r) => r.status === 412)) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 412, currentVersion: 3 });
    }
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.headers.etag).toBe('"3"');
    const items = await expectConsistent(id);
    expect(items.map((i) => i.type)).toEqual(['CREATE', 'SUBMIT', 'CONFIRM_ELIGIBLE']);
    expect((await getCase(id)).version).toBe(3);
  });

  it('writes nothing on a stale version', async () => {
    const id = await caseAt('submitted');
    const before = await history(id);
    const stale = await send(id, OFFICER, CONFIRM, { 'If-Match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ currentVersion: 2, instance: `/api/cases/${id}/events` });
    expect(await history(id)).toEqual(before);
    expect(await getCase(id)).toMatchObject({ version: 2, state: 'submitted' });
  });

  it.each(['2', '"two"', 'W/', '"-1"'])('refuses the malformed If-Match %s with 400', async (header) => {
    const id = await caseAt('submitted');
    const res = await send(id, OFFICER, CONFIRM, { 'If-Match': header });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: any) => e.field)).toContain('If-Match');
    expect((await getCase(id)).version).toBe(2);
  });

  it('accepts If-Match: *', async () => {
    const id = await caseAt('draft');
    const res = await send(id, PROVIDER, SUBMIT, { 'If-Match': '*' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
  });

  it.each(['W/"2"', 'W/"1", W/"2"', 'W/"2", "1"'])(
    'compares strongly: %s never matches, even at that version → 412, nothing written',
    async (header) => {
      const id = await caseAt('submitted');
      const before = await history(id);
      const res = await send(id, OFFICER, CONFIRM, { 'If-Match': header });
      expect(res.status).toBe(412);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 412, currentVersion: 2 });
      expect(await history(id)).toEqual(before);
    },
  );

  it.each(['"1", "2"', '"2","3"', ' "3" , "2" ', 'W/"1", "2"', '"2", "2"', '"1",, "2"'])(
    'lets a list through when the case is at one of its strong ETags: %s',
    async (header) => {
      const id = await caseAt('submitted');
      const res = await send(id, OFFICER, CONFIRM, { 'If-Match': header });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"3"');
      expect((await history(id)).map((i) => i.type)).toEqual(['CREATE', 'SUBMIT', 'CONFIRM_ELIGIBLE']);
    },
  );

  it('refuses a list the case is at none of with 412 naming them, nothing written', async () => {
    const id = await caseAt('submitted');
    const before = await history(id);
    const res = await send(id, OFFICER, CONFIRM, { 'If-Match': '"1", "3"' });
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ status: 412, currentVersion: 2 });
    expect(res.body.detail).toContain('"1", "3"');
    expect(await history(id)).toEqual(before);
  });

  it.each(['"1", *', '"1", 2', '"1" "2"', ','])('refuses the malformed list %s with 400', async (header) => {
    const id = await caseAt('submitted');
    const res = await send(id, OFFICER, CONFIRM, { 'If-Match': header });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toContain('If-Match');
  });

  it('is 404, not 412, for a case the caller cannot see, whatever the If-Match', async () => {
    const id = await caseAt('draft', PROVIDER);
    for (const header of ['"9"', '"8", "9"', 'W/"1"', '"1", "2"']) {
      const res = await send(id, PROVIDER2, WITHDRAW, { 'If-Match': header });
      expect(res.status, header).toBe(404);
    }
    expect((await getCase(id)).version).toBe(1);
  });

  it('lets exactly one of twenty concurrent requests with a list through', async () => {
    const id = await caseAt('submitted');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => send(id, OFFICER, CONFIRM, { 'If-Match': '"1", "2"' })),
    );
    expect(statuses(responses)).toEqual({ 200: 1, 412: 19 });
    const items = await expectConsistent(id);
    expect(items.map((i) => i.type)).toEqual(['CREATE', 'SUBMIT', 'CONFIRM_ELIGIBLE']);
  });
});

describe('concurrent writers without If-Match', () => {
  it('keep the history unique and consecutive', async () => {
    const id = await caseAt('draft');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(id, PROVIDER, i % 2 ? WITHDRAW : SUBMIT)),
    );
    const ok = responses.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(2);
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(ok.map((r) => r.body.version as number).sort((a, b) => a - b)).toEqual(ok.map((_, i) => i + 2));
    const items = await expectConsistent(id);
    expect(items).toHaveLength(1 + ok.length);
    expect(items.at(-1).toState).toBe('withdrawn');
  });
});

describe('Idempotency-Key', () => {
  const key = () => `key-${randomUUID()}`;

  it('replays the same answer for the same key and body, doing the work once', async () => {
    const id = await caseAt('draft');
    const k = key();
    const first = await send(id, PROVIDER, SUBMIT, { 'Idempotency-Key': k });
    const again = await send(id, PROVIDER, SUBMIT, { 'Idempotency-Key': k });
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const items = await expectConsistent(id);
    expect(items.map((i) => i.type)).toEqual(['CREATE', 'SUBMIT']);
  });

  it('replays a retry whose fields come in another order, as the same request', async () => {
    const id = await caseAt('draft');
    const k = key();
    const first = await send(id, PROVIDER, SUBMIT, { 'Idempotency-Key': k });
    expect(first.status).toBe(200);
    const reordered = Object.fromEntries(Object.entries(SUBMIT).reverse()) as Event;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(SUBMIT));
    const again = await send(id, PROVIDER, reordered, { 'Idempotency-Key': k });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await history(id)).map((i) => i.type)).toEqual(['CREATE', 'SUBMIT']);
  });

  it('replays a retried POST /api/cases whose nested fields come in another order', async () => {
    const k = key();
    const create = (body: object) =>
      t.http.post('/api/cases').set(t.as(PROVIDER)).set('Idempotency-Key', k).send(body);
    const programmeId = t.youthFund.programmeId;
    const first = await create({ machine: 'youth-fund', input: { programmeId, title: `Reordered ${k}` } });
    expect(first.status).toBe(201);
    const again = await create({ input: { title: `Reordered ${k}`, programmeId }, machine: 'youth-fund' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses the same key with a different body, naming Idempotency-Key', async () => {
    const id = await caseAt('draft');
    const k = key();
    expect((await send(id, PROVIDER, SUBMIT, { 'Idempotency-Key': k })).status).toBe(200);
    const res = await send(id, PROVIDER, WITHDRAW, { 'Idempotency-Key': k });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: any) => e.field)).toContain('Idempotency-Key');
    expect((await getCase(id)).state).toBe('submitted');
    expect(await history(id)).toHaveLength(2);
  });

  it("keeps one user's key apart from another's", async () => {
    const mine = await caseAt('draft', PROVIDER);
    const theirs = await caseAt('draft', PROVIDER2);
    const k = key();
    expect((await send(mine, PROVIDER, SUBMIT, { 'Idempotency-Key': k })).status).toBe(200);
    const res = await send(theirs, PROVIDER2, WITHDRAW, { 'Idempotency-Key': k });
    expect(res.status).toBe(200);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.body).toMatchObject({ id: theirs, state: 'withdrawn' });
    expect(await storedKeys(PROVIDER, k)).toHaveLength(1);
    expect(await storedKeys(PROVIDER2, k)).toHaveLength(1);
  });

  it('does the work once for ten concurrent requests with the same key, all getting the same answer', async () => {
    const id = await caseAt('draft');
    const k = key();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => send(id, PROVIDER, SUBMIT, { 'Idempotency-Key': k })),
    );
    expect(statuses(responses)).toEqual({ 200: 10 });
    for (const res of responses) {
      expect(res.body).toEqual(responses[0]!.body);
      expect(res.headers.etag).toBe('"2"');
    }
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    const items = await expectConsistent(id);
    expect(items.map((i) => i.type)).toEqual(['CREATE', 'SUBMIT']);
  });

  it('stores nothing for a refused request, so the key can be used once the case is ready', async () => {
    const id = await caseAt('draft');
    const k = key();
    const early = await send(id, OFFICER, CONFIRM, { 'Idempotency-Key': k });
    expect(early.status).toBe(409);
    expect(await storedKeys(OFFICER, k)).toHaveLength(0);
    const invalid = await send(
      id,
      PROVIDER,
      { ...SUBMIT, amountRequestedPence: 500_001 },
      { 'Idempotency-Key': k },
    );
    expect(invalid.status).toBe(422);
    expect(await storedKeys(PROVIDER, k)).toHaveLength(0);

    expect((await send(id, PROVIDER, SUBMIT)).status).toBe(200);
    const later = await send(id, OFFICER, CONFIRM, { 'Idempotency-Key': k });
    expect(later.status).toBe(200);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(await storedKeys(OFFICER, k)).toHaveLength(1);
  });

  it('creates one case for a retried POST /api/cases', async () => {
    const k = key();
    const title = `Idempotent ${k}`;
    const create = () =>
      t.http
        .post('/api/cases')
        .set(t.as(PROVIDER))
        .set('Idempotency-Key', k)
        .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title } });
    const first = await create();
    const again = await create();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe('"1"');
    expect(again.headers['idempotent-replayed']).toBe('true');
    const rows = await t.sql`select id from cases where snapshot->'context'->>'title' = ${title}`;
    expect(rows.map((r) => r.id)).toEqual([first.body.id]);
  });
});
