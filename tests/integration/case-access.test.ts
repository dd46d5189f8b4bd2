// Who may see and open Youth Fund cases over HTTP, and the case list: filters (machine, state,
// programme) and keyset pages.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { idsOf as ids, pagesOf as pages } from '../helpers/case-pages.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

let t: TestApp;
const userIds = {} as Record<DemoEmail, string>;
const orgIds = {} as Record<'riverside' | 'fenland', string>;
beforeAll(async () => {
  t = await startTestApp();
  for (const row of await t.sql<{ email: DemoEmail; id: string }[]>`select email, id from users`)
    userIds[row.email] = row.id;
  const orgs = await t.sql<{ name: string; id: string }[]>`select name, id from organisations`;
  orgIds.riverside = orgs.find((o) => o.name === 'Riverside Youth Trust')!.id;
  orgIds.fenland = orgs.find((o) => o.name === 'Fenland Community Sports Club')!.id;
});
afterAll(() => t.close());

const PROVIDER: DemoEmail = 'provider@demo.test';
const PROVIDER2: DemoEmail = 'provider2@demo.test';
const OFFICER: DemoEmail = 'officer@demo.test';
const PANEL: DemoEmail = 'panel@demo.test';
const FINANCE: DemoEmail = 'finance@demo.test';

type Event = { type: string } & Record<string, unknown>;
const send = (id: string, email: DemoEmail, event: Event) =>
  t.http.post(`/api/cases/${id}/events`).set(t.as(email)).send(event);
const getCase = (id: string, email: DemoEmail = PROVIDER) => t.http.get(`/api/cases/${id}`).set(t.as(email));
const history = async (id: string) =>
  (await t.http.get(`/api/cases/${id}/history`).set(t.as(OFFICER))).body.items as any[];
const open = (email: DemoEmail = PROVIDER, title = 'Youth project') => t.openCase(email, title);
const pagesOf = (email: DemoEmail, query: string) => pages(t, t.as(email), query);
const idsOf = (email: DemoEmail, query: string) => ids(t, t.as(email), query);

describe('who may see and open cases', () => {
  const withoutInstance = ({ instance: _instance, ...body }: Record<string, unknown>) => body;

  it("hides a provider's case from another provider exactly as if it did not exist", async () => {
    const id = await open(PROVIDER);
    const missing = randomUUID();
    const pairs = [
      (c: string) => t.http.get(`/api/cases/${c}`).set(t.as(PROVIDER2)),
      (c: string) => t.http.get(`/api/cases/${c}/history`).set(t.as(PROVIDER2)),
      (c: string) => send(c, PROVIDER2, ev.WITHDRAW),
    ];
    for (const request of pairs) {
      const [hidden, absent] = [await request(id), await request(missing)];
      expect(hidden.status).toBe(404);
      expect(hidden.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(hidden.body.instance).toContain(id);
      expect(withoutInstance(hidden.body)).toEqual(withoutInstance(absent.body));
      expect(absent.status).toBe(404);
    }
    expect((await getCase(id)).body.version).toBe(1);

    const listed = async (email: DemoEmail) =>
      (await pagesOf(email, 'machine=youth-fund&state=draft&limit=100')).flat();
    const theirs = await listed(PROVIDER2);
    expect(theirs.map((c) => c.id)).not.toContain(id);
    expect(theirs.every((c) => c.organisationId === orgIds.fenland)).toBe(true);
    const mine = await listed(PROVIDER);
    expect(mine.map((c) => c.id)).toContain(id);
    expect(mine.every((c) => c.organisationId === orgIds.riverside)).toBe(true);
  });

  const create = (email: DemoEmail, organisationId?: string) =>
    t.http
      .post('/api/cases')
      .set(t.as(email))
      .send({ machine: 'youth-fund', organisationId, input: { programmeId: t.youthFund.programmeId } });

  it('lets an officer open a case for a named organisation, and only a named one', async () => {
    const res = await create(OFFICER, orgIds.fenland);
    expect(res.status).toBe(201);
    expect(res.body.organisationId).toBe(orgIds.fenland);
    expect((await history(res.body.id))[0].actor).toEqual({ id: userIds[OFFICER], role: 'officer' });
    expect((await getCase(res.body.id, PROVIDER2)).status).toBe(200);
    expect((await getCase(res.body.id, PROVIDER)).status).toBe(404);

    const unnamed = await create(OFFICER);
    expect(unnamed.status).toBe(422);
    expect(unnamed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unnamed.body.errors.map((e: any) => e.field)).toContain('organisationId');
  });

  it('refuses a provider opening a case for another organisation, and panel or finance opening any', async () => {
    const other = await create(PROVIDER, orgIds.fenland);
    expect(other.status).toBe(403);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await create(PROVIDER, orgIds.riverside)).status).toBe(201);
    for (const email of [PANEL, FINANCE]) {
      const res = await create(email, orgIds.riverside);
      expect(res.status).toBe(403);
      expect(res.body.status).toBe(403);
    }
  });
});

describe('the case list', () => {
  it('filters by machine and state', async () => {
    const drafted = await open(PROVIDER2);
    const withdrawn = await open();
    await send(withdrawn, PROVIDER, ev.WITHDRAW);
    const officerSees = (await pagesOf(OFFICER, 'machine=youth-fund&state=withdrawn&limit=100')).flat();
    expect(officerSees.every((c) => c.machine === 'youth-fund' && c.state === 'withdrawn')).toBe(true);
    expect(officerSees.map((c) => c.id)).toContain(withdrawn);
    expect(officerSees.map((c) => c.id)).not.toContain(drafted);
    const drafts = await idsOf(OFFICER, 'machine=youth-fund&state=draft&limit=100');
    expect(drafts).toContain(drafted);
    expect(drafts).not.toContain(withdrawn);
    const none = await t.http.get('/api/cases?machine=no-such-machine').set(t.as(OFFICER));
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it('gives a next cursor only when another page exists', async () => {
    const provider = await t.newProvider('Paging Trust');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.http
        .post('/api/cases')
        .set(provider.auth)
        .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId } });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const list = (query: string) => t.http.get(`/api/cases?${query}`).set(provider.auth);
    const all = await list('limit=3');
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
    expect(all.body.nextCursor).toBeNull();
    const first = await list('limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(`limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('walks pages of two, newest first, with no duplicates or gaps', async () => {
    // Withdrawn is final, so cases other tests create meanwhile cannot leave the filter mid-walk.
    const mine: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const id = await open(PROVIDER2, `Paged ${i}`);
      expect((await send(id, PROVIDER2, ev.WITHDRAW)).status).toBe(200);
      mine.push(id);
    }
    const before = await t.sql<{ id: string }[]>`
      select id from cases
      where machine_id = 'youth-fund' and state = 'withdrawn' and organisation_id = ${orgIds.fenland}
        and seq between (select seq from cases where id = ${mine[0]!})
                    and (select seq from cases where id = ${mine.at(-1)!})
      order by seq desc`;
    const pages = await pagesOf(PROVIDER2, 'machine=youth-fund&state=withdrawn&limit=2');
    expect(pages.every((page) => page.length <= 2)).toBe(true);
    const walked = pages.flat();
    expect(walked.every((c) => c.organisationId === orgIds.fenland && c.state === 'withdrawn')).toBe(true);
    const ids = walked.map((c) => c.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    const references = walked.map((c) => c.reference as string);
    expect(references.every((r) => /^YF-\d{6}$/.test(r))).toBe(true);
    expect(new Set(references).size).toBe(references.length);
    expect(ids.filter((id) => mine.includes(id))).toEqual([...mine].reverse());
    const bySeq = await t.sql<
      { id: string }[]
    >`select id from cases where id = any(${ids}) order by seq desc`;
    expect(ids).toEqual(bySeq.map((r) => r.id));
    const inRange = before.map((r) => r.id);
    expect(ids.filter((id) => inRange.includes(id))).toEqual(inRange);
  });
});

describe('the case list by programme', () => {
  it("lists a programme's cases alone: its round and bids to staff, a provider's own bids to them", async () => {
    const other = await t.programme();
    const create = (email: DemoEmail, programmeId: string) =>
      t.http
        .post('/api/cases')
        .set(t.as(email))
        .send({ machine: 'youth-fund', input: { programmeId, title: 'By programme' } });
    const mine = await create(PROVIDER, other.programmeId);
    const theirs = await create(PROVIDER2, other.programmeId);
    const elsewhere = await create(PROVIDER, t.youthFund.programmeId);
    for (const res of [mine, theirs, elsewhere]) expect(res.status).toBe(201);
    expect(mine.body.programmeId).toBe(other.programmeId);
    expect(elsewhere.body.programmeId).toBe(t.youthFund.programmeId);

    const query = `programme=${other.programmeId}&limit=2`;
    // Newest first: the two bids, then the round the programme was opened with.
    expect(await idsOf(OFFICER, query)).toEqual([theirs.body.id, mine.body.id, other.roundId]);
    const listed = (await pagesOf(OFFICER, query)).flat();
    expect(listed.every((c) => c.programmeId === other.programmeId)).toBe(true);
    expect(listed.map((c) => c.machine)).toEqual(['youth-fund', 'youth-fund', 'commissioning-round']);
    expect(await idsOf(OFFICER, `${query}&machine=youth-fund&state=draft`)).toEqual([
      theirs.body.id,
      mine.body.id,
    ]);
    expect(await idsOf(PROVIDER, query)).toEqual([mine.body.id]);
    expect(await idsOf(PROVIDER2, query)).toEqual([theirs.body.id]);
    expect(await idsOf(OFFICER, `programme=${t.youthFund.programmeId}&limit=100`)).not.toContain(
      mine.body.id,
    );
    expect(await idsOf(OFFICER, `programme=${randomUUID()}`)).toEqual([]);
  });
});
