// The Youth Fund over HTTP with the demo users: every path to an end state, the history, the timer
// rows each state sets, who may see and open cases, the case list and the case reference.
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineDefinition } from '../../machines/define.ts';
import { OFFER_LAPSES_AFTER_MS, OFFER_REMINDER_AFTER_MS, youthFund } from '../../machines/youth-fund.ts';
import { timers } from '../../src/db/schema/index.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { youthFundEvents } from '../helpers/youth-fund-events.ts';

let t: TestApp;
const userIds = {} as Record<DemoEmail, string>;
const orgIds = {} as Record<'riverside' | 'fenland', string>;
beforeAll(async () => {
  t = await startTestApp();
  for (const row of await t.sql<{ email: DemoEmail; id: string }[]>`select email, id from users`)
    userIds[row.email] = row.id;
  const orgs = await t.sql<{ name: string; id: string }[]>`select name, id from organisations`;
  orgIds.riverside = orgs.find((o) => o.name === 'Riverside Youth Trust')!.id;
  orgIds.fenland = orgs.find((o) => o.name.startsWith('Fenland'))!.id;
});
afterAll(() => t.close());

const PROVIDER: DemoEmail = 'provider@demo.test';
const PROVIDER2: DemoEmail = 'provider2@demo.test';
const OFFICER: DemoEmail = 'officer@demo.test';
const PANEL: DemoEmail = 'panel@demo.test';
const FINANCE: DemoEmail = 'finance@demo.test';
const STAFF: DemoEmail[] = [OFFICER, PANEL, FINANCE, 'approver@demo.test', 'admin@demo.test'];

type Event = { type: string } & Record<string, unknown>;
const ev = youthFundEvents;
const payloadOf = ({ type: _type, ...payload }: Event) => payload;

/** The happy path: who sends what, and the state it leads to. */
const happy: [DemoEmail, Event, string][] = [
  [PROVIDER, ev.SUBMIT, 'submitted'],
  [OFFICER, ev.CONFIRM_ELIGIBLE, 'panelReview'],
  [PANEL, ev.APPROVE, 'offered'],
  [PROVIDER, ev.ACCEPT_OFFER, 'accepted'],
  [FINANCE, ev.RECORD_PAYMENT, 'reporting'],
  [PROVIDER, ev.SUBMIT_REPORT, 'reportSubmitted'],
  [OFFICER, ev.ACCEPT_REPORT, 'closed'],
];

/** What each user may send in each state of a Riverside case; anyone not named may send nothing. */
const maySend: Record<string, Partial<Record<DemoEmail, string[]>>> = {
  draft: { [PROVIDER]: ['SUBMIT', 'WITHDRAW'] },
  submitted: { [PROVIDER]: ['WITHDRAW'], [OFFICER]: ['CONFIRM_ELIGIBLE', 'REJECT_INELIGIBLE'] },
  panelReview: { [PROVIDER]: ['WITHDRAW'], [PANEL]: ['APPROVE', 'DECLINE'] },
  offered: { [PROVIDER]: ['ACCEPT_OFFER', 'DECLINE_OFFER'] },
  accepted: { [FINANCE]: ['RECORD_PAYMENT'] },
  reporting: { [PROVIDER]: ['SUBMIT_REPORT'] },
  reportSubmitted: { [OFFICER]: ['ACCEPT_REPORT', 'QUERY_REPORT'] },
};
const labels: Pick<MachineDefinition, 'events' | 'states'> = youthFund;
const nextEventsFor = (state: string, email: DemoEmail) =>
  (maySend[state]?.[email] ?? []).map((type) => ({ type, label: labels.events[type]!.label }));

const send = (id: string, email: DemoEmail, event: Event, headers: Record<string, string> = {}) =>
  t.http.post(`/api/cases/${id}/events`).set(t.as(email)).set(headers).send(event);
const getCase = (id: string, email: DemoEmail = PROVIDER) => t.http.get(`/api/cases/${id}`).set(t.as(email));
const history = async (id: string) =>
  (await t.http.get(`/api/cases/${id}/history`).set(t.as(OFFICER))).body.items as any[];
const timersOf = (id: string) =>
  t.db.select().from(timers).where(eq(timers.caseId, id)).orderBy(asc(timers.dueAt));
/** A case's timer rows as [key, event type, due instant, state that set them], earliest first. */
const timerRows = async (id: string) =>
  (await timersOf(id)).map((r) => [r.timerKey, (r.event as Event).type, r.dueAt.toISOString(), r.state]);

const open = (email: DemoEmail = PROVIDER, title = 'Youth project') => t.openCase(email, title);

/** A fresh Riverside case driven along the happy path to `state`. */
async function caseAt(state: string): Promise<string> {
  const id = await open();
  for (const [email, event, to] of state === 'draft' ? [] : happy) {
    expect((await send(id, email, event)).status).toBe(200);
    if (to === state) break;
  }
  expect((await getCase(id)).body.state).toBe(state);
  return id;
}

/** Every page of a list query, following nextCursor to the end. */
async function pagesOf(email: DemoEmail, query: string): Promise<any[][]> {
  const pages: any[][] = [];
  for (let cursor: string | null = null; pages.length < 500; ) {
    const res: { status: number; body: any } = await t.http
      .get(`/api/cases?${query}${cursor ? `&cursor=${cursor}` : ''}`)
      .set(t.as(email));
    expect(res.status).toBe(200);
    pages.push(res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return pages;
  }
  throw new Error('too many pages');
}
const idsOf = async (email: DemoEmail, query: string) =>
  (await pagesOf(email, query)).flat().map((c) => c.id as string);

/** Every user sees exactly the events they may send now. */
async function expectNextEvents(id: string, state: string) {
  for (const email of [PROVIDER, ...STAFF]) {
    const res = await getCase(id, email);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe(state);
    expect(res.body.nextEvents, `${email} in ${state}`).toEqual(nextEventsFor(state, email));
  }
}

describe('the whole lifecycle', () => {
  it('goes from draft to closed, each step one version on, offering each user only their events', async () => {
    const created = await t.http
      .post('/api/cases')
      .set(t.as(PROVIDER))
      .send({ machine: 'youth-fund', input: { title: 'Boxing club' } });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/api/cases/${created.body.id}`);
    expect(created.body).toMatchObject({ machine: 'youth-fund', state: 'draft', version: 1 });
    expect(created.body.organisationId).toBe(orgIds.riverside);
    expect(created.body.nextEvents).toEqual(nextEventsFor('draft', PROVIDER));
    const id = created.body.id as string;
    // The reference is the machine's prefix and the case's sequence number, and never changes.
    const reference = created.body.reference as string;
    expect(reference).toMatch(/^YF-\d{6}$/);
    const [row] = await t.sql<{ seq: number }[]>`select seq from cases where id = ${id}`;
    expect(reference).toBe(`YF-${String(row!.seq).padStart(6, '0')}`);
    await expectNextEvents(id, 'draft');

    let version = 1;
    for (const [email, event, to] of happy) {
      const res = await send(id, email, event, { 'If-Match': `"${version}"` });
      expect(res.status, `${event.type}: ${JSON.stringify(res.body)}`).toBe(200);
      version += 1;
      expect(res.headers.etag).toBe(`"${version}"`);
      expect(res.body).toMatchObject({ reference, state: to, stateLabel: labels.states[to]!.label, version });
      expect(res.body.nextEvents).toEqual(nextEventsFor(to, email));
      expect((await getCase(id)).headers.etag).toBe(`"${version}"`);
      await expectNextEvents(id, to);
    }
    const closed = (await getCase(id)).body;
    expect(closed.reference).toBe(reference);
    const listed = (await pagesOf(OFFICER, 'machine=youth-fund&state=closed&limit=100')).flat();
    expect(listed.find((c) => c.id === id)?.reference).toBe(reference);
    expect(closed.context).toMatchObject({
      title: 'Boxing club',
      amountRequestedPence: 400_000,
      awardedPence: 300_000,
      payment: payloadOf(ev.RECORD_PAYMENT),
      report: payloadOf(ev.SUBMIT_REPORT),
    });
  });

  it('loops on a queried report until it is accepted', async () => {
    const id = await caseAt('reportSubmitted');
    const queried = await send(id, OFFICER, ev.QUERY_REPORT);
    expect(queried.body).toMatchObject({ state: 'reporting', version: 8 });
    await expectNextEvents(id, 'reporting');
    const again = { ...ev.SUBMIT_REPORT, summary: '40 sessions; receipts attached' };
    expect((await send(id, PROVIDER, again)).body).toMatchObject({ state: 'reportSubmitted', version: 9 });
    const accepted = await send(id, OFFICER, ev.ACCEPT_REPORT);
    expect(accepted.body).toMatchObject({ state: 'closed', version: 10, nextEvents: [] });
    expect(accepted.body.context.queries).toEqual([ev.QUERY_REPORT.reason]);
    expect(accepted.body.context.report.summary).toBe(again.summary);
  });

  it.each([
    ['ineligible', 'submitted', OFFICER, ev.REJECT_INELIGIBLE],
    ['declined', 'panelReview', PANEL, ev.DECLINE],
    ['offerDeclined', 'offered', PROVIDER, ev.DECLINE_OFFER],
    ['withdrawn', 'draft', PROVIDER, ev.WITHDRAW],
    ['withdrawn', 'submitted', PROVIDER, ev.WITHDRAW],
    ['withdrawn', 'panelReview', PROVIDER, ev.WITHDRAW],
  ] as const)('ends %s from %s', async (end, from, email, event) => {
    const id = await caseAt(from);
    const res = await send(id, email, event);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe(end);
    expect(res.body.context.reasons).toEqual([{ event: event.type, reason: event.reason }]);
    await expectNextEvents(id, end);
    expect(await timersOf(id)).toHaveLength(0);
  });
});

describe('history', () => {
  it('has one row per version, chained state to state, with actor, payload and effects', async () => {
    const id = await caseAt('reportSubmitted');
    await send(id, OFFICER, ev.QUERY_REPORT);
    await send(id, PROVIDER, ev.SUBMIT_REPORT);
    await send(id, OFFICER, ev.ACCEPT_REPORT);
    const items = await history(id);
    const sent = [...happy.slice(0, 6), [OFFICER, ev.QUERY_REPORT], ...happy.slice(5)] as [
      DemoEmail,
      Event,
    ][];
    expect(items.map((i) => i.version)).toEqual(sent.map((_, i) => i + 1).concat(sent.length + 1));
    expect((await getCase(id)).body.version).toBe(items.at(-1).version);

    expect(items[0]).toMatchObject({
      version: 1,
      type: 'CREATE',
      fromState: null,
      toState: 'draft',
      payload: { title: 'Youth project' },
      actor: { id: userIds[PROVIDER], role: 'provider' },
      effects: [],
    });
    sent.forEach(([email, event], i) => {
      const row = items[i + 1];
      expect(row.type).toBe(event.type);
      expect(row.fromState).toBe(items[i].toState);
      expect(row.payload).toEqual(payloadOf(event));
      expect(row.actor).toEqual({ id: userIds[email], role: email.split('@')[0]! });
      expect(Number.isNaN(Date.parse(row.at))).toBe(false);
    });
    const states = happy.map(([, , to]) => to);
    expect(items.map((i) => i.toState)).toEqual(['draft', ...states.slice(0, 6), ...states.slice(4)]);

    const notify = (message: string, ...to: string[]) => ({ type: 'notify', params: { message, to } });
    const effects = Object.fromEntries(items.map((i) => [i.version, i.effects]));
    expect(effects).toEqual({
      1: [],
      2: [notify('bidReceived', 'owner')],
      3: [notify('bidEligible', 'owner')],
      // The award itself says nothing: entering `offered` does, once. Timers are not effects.
      4: [notify('offerMade', 'owner')],
      5: [],
      6: [notify('paymentRecorded', 'owner')],
      7: [],
      8: [notify('reportQueried', 'owner')],
      9: [],
      10: [],
    });
  });
});

describe('timer rows', () => {
  const reminderKey = 'xstate.after.offerReminderAfter.youth-fund.offered';
  const lapseKey = 'xstate.after.offerLapsesAfter.youth-fund.offered';

  it.each([ev.ACCEPT_OFFER, ev.DECLINE_OFFER])(
    'the offer sets a reminder at 21 days and the lapse at 28, both gone after $type',
    async (event) => {
      const id = await caseAt('panelReview');
      expect(await timersOf(id)).toHaveLength(0);
      expect((await send(id, PANEL, ev.APPROVE)).status).toBe(200);
      const offered = (await history(id)).at(-1);
      expect(offered.toState).toBe('offered');
      const dueIn = (ms: number) => new Date(Date.parse(offered.at) + ms).toISOString();
      expect(await timerRows(id)).toEqual([
        [reminderKey, reminderKey, dueIn(OFFER_REMINDER_AFTER_MS), 'offered'],
        [lapseKey, lapseKey, dueIn(OFFER_LAPSES_AFTER_MS), 'offered'],
      ]);
      expect((await timersOf(id)).every((r) => r.attempts === 0 && r.lastError === null)).toBe(true);

      expect((await send(id, PROVIDER, event)).status).toBe(200);
      expect(await timersOf(id)).toHaveLength(0);
    },
  );

  // Due dates years ahead, so a worker on real time (a server another file starts) never finds them due.
  it.each([
    ['summer', '2036-07-15', '2036-07-01T08:00:00.000Z', '2036-07-15T23:00:00.000Z'],
    ['winter', '2036-01-20', '2036-01-06T09:00:00.000Z', '2036-01-21T00:00:00.000Z'],
  ])(
    'payment sets the report timers from the award (%s, due %s), and the report takes them away',
    async (_, reportDueOn, dueSoon, overdue) => {
      const id = await caseAt('panelReview');
      expect((await send(id, PANEL, { ...ev.APPROVE, reportDueOn })).body.context.reportDueOn).toBe(
        reportDueOn,
      );
      expect((await send(id, PROVIDER, ev.ACCEPT_OFFER)).status).toBe(200);
      expect(await timersOf(id)).toHaveLength(0);
      const paid = await send(id, FINANCE, ev.RECORD_PAYMENT);
      expect(paid.body).toMatchObject({ state: 'reporting', context: { reportReminderSent: false } });
      const reportTimers = [
        ['reportDueSoon', 'REPORT_DUE_SOON', dueSoon, 'reporting'],
        ['reportOverdue', 'REPORT_OVERDUE', overdue, 'reporting'],
      ];
      expect(await timerRows(id)).toEqual(reportTimers);
      // The history row names the notification only: `schedule` is the engine's, not an effect.
      expect((await history(id)).at(-1).effects).toEqual([
        { type: 'notify', params: { message: 'paymentRecorded', to: ['owner'] } },
      ]);

      expect((await send(id, PROVIDER, ev.SUBMIT_REPORT)).body.state).toBe('reportSubmitted');
      expect(await timersOf(id)).toHaveLength(0);
      // A queried report is back in reporting with both deadlines again (no reminder has gone yet).
      expect((await send(id, OFFICER, ev.QUERY_REPORT)).body.state).toBe('reporting');
      expect(await timerRows(id)).toEqual(reportTimers);
      expect((await send(id, PROVIDER, ev.SUBMIT_REPORT)).status).toBe(200);
      expect(await timersOf(id)).toHaveLength(0);
    },
  );

  it('no person may send the report deadlines, even in reporting where the machine takes them', async () => {
    const id = await caseAt('reporting');
    for (const type of ['REPORT_DUE_SOON', 'REPORT_OVERDUE']) {
      for (const email of [PROVIDER, ...STAFF]) {
        const res = await send(id, email, { type });
        expect(res.status, `${email} ${type}`).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect((await getCase(id)).body).toMatchObject({ state: 'reporting', version: 6 });
    expect(await timersOf(id)).toHaveLength(2);
  });
});

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
    t.http.post('/api/cases').set(t.as(email)).send({ machine: 'youth-fund', organisationId });

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
    const withdrawn = await caseAt('draft');
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
      const res = await t.http.post('/api/cases').set(provider.auth).send({ machine: 'youth-fund' });
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
