// The Youth Fund over HTTP with the demo users: every path to an end state, the history (with the
// money effects), the timer rows each state sets, and the case reference. Who may see and open
// cases, and the case list, are in case-access.test.ts; the money itself in money.test.ts.
// Accepting the offer opens the grant's one payment case; finance approves and pays that, and the
// system then records the payment on the Youth Fund case (RECORD_PAYMENT is the system's alone).
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonDate } from '../../machines/calendar.ts';
import type { MachineDefinition } from '../../machines/define.ts';
import { OFFER_LAPSES_AFTER_MS, OFFER_REMINDER_AFTER_MS, youthFund } from '../../machines/youth-fund.ts';
import { timers } from '../../src/db/schema/index.ts';
import { caseEvents, REASSIGN_CASE } from '../../src/engine/case-officer.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { pagesOf } from '../helpers/case-pages.ts';
import { declareBefore } from '../helpers/declarations.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { youthFundEvents } from '../helpers/youth-fund-events.ts';

let t: TestApp;
let payments: ReturnType<typeof paymentHelpers>;
const userIds = {} as Record<DemoEmail, string>;
const orgIds = {} as Record<'riverside', string>;
beforeAll(async () => {
  t = await startTestApp();
  payments = paymentHelpers(t);
  for (const row of await t.sql<{ email: DemoEmail; id: string }[]>`select email, id from users`)
    userIds[row.email] = row.id;
  const orgs = await t.sql<{ name: string; id: string }[]>`select name, id from organisations`;
  orgIds.riverside = orgs.find((o) => o.name === 'Riverside Youth Trust')!.id;
});
afterAll(() => t.close());

const PROVIDER: DemoEmail = 'provider@demo.test';
const OFFICER: DemoEmail = 'officer@demo.test';
const PANEL: DemoEmail = 'panel@demo.test';
const FINANCE: DemoEmail = 'finance@demo.test';
const STAFF: DemoEmail[] = [OFFICER, PANEL, FINANCE, 'approver@demo.test', 'admin@demo.test'];

/** The engine itself: it sends RECORD_PAYMENT when finance has paid the grant's payment case. */
const SYSTEM = 'system' as const;
type Who = DemoEmail | typeof SYSTEM;

type Event = { type: string } & Record<string, unknown>;
const ev = youthFundEvents;
const payloadOf = ({ type: _type, ...payload }: Event) => payload;
/** What the system records when the payment is made: all of the award, on the day and reference paid. */
// Paid today: a paid day can be neither later nor before the payment's approval (the app runs on the real clock).
const PAID = {
  ...ev.RECORD_PAYMENT,
  amountPence: 300_000,
  paidOn: londonDate(new Date()),
  reference: 'BACS-1',
};

/** The happy path: who sends what, and the state it leads to. */
const happy: [Who, Event, string][] = [
  [PROVIDER, ev.SUBMIT, 'submitted'],
  [OFFICER, ev.CONFIRM_ELIGIBLE, 'panelReview'],
  [PANEL, ev.APPROVE, 'offered'],
  [PROVIDER, ev.ACCEPT_OFFER, 'accepted'],
  [SYSTEM, PAID, 'reporting'],
  [PROVIDER, ev.SUBMIT_REPORT, 'reportSubmitted'],
  [OFFICER, ev.ACCEPT_REPORT, 'closed'],
];

/** What each user may send in each state of a Riverside case; anyone not named may send nothing. */
const maySend: Record<string, Partial<Record<DemoEmail, string[]>>> = {
  draft: { [PROVIDER]: ['SUBMIT', 'WITHDRAW'], [OFFICER]: ['EXTEND_OWN_DEADLINE'] },
  submitted: { [PROVIDER]: ['WITHDRAW'], [OFFICER]: ['CONFIRM_ELIGIBLE', 'REJECT_INELIGIBLE'] },
  panelReview: { [PROVIDER]: ['WITHDRAW'], [PANEL]: ['APPROVE', 'DECLINE'] },
  offered: { [PROVIDER]: ['ACCEPT_OFFER', 'DECLINE_OFFER'] },
  // Nobody: the payment is finance's on the payment case, and RECORD_PAYMENT is the system's.
  accepted: {},
  reporting: { [PROVIDER]: ['SUBMIT_REPORT'] },
  reportSubmitted: { [OFFICER]: ['ACCEPT_REPORT', 'QUERY_REPORT'] },
};
const labels: Pick<MachineDefinition, 'events' | 'states'> = youthFund;
/** Officers and approvers may also reassign any case that has not ended to another officer. */
const REASSIGNERS: DemoEmail[] = [OFFICER, 'approver@demo.test'];
const nextEventsFor = (state: string, email: DemoEmail) => [
  ...(maySend[state]?.[email] ?? []).map((type) => ({ type, label: labels.events[type]!.label })),
  ...(Object.hasOwn(maySend, state) && REASSIGNERS.includes(email)
    ? [{ type: REASSIGN_CASE, label: caseEvents[REASSIGN_CASE]!.label }]
    : []),
];

/** Sends as a person would: declaring no conflict of interest first when the event is a decision. */
const send = async (id: string, email: DemoEmail, event: Event, headers: Record<string, string> = {}) => {
  await declareBefore((path) => t.http.put(path).set(t.as(email)), id, event.type);
  return t.http.post(`/api/cases/${id}/events`).set(t.as(email)).set(headers).send(event);
};
const getCase = (id: string, email: DemoEmail = PROVIDER) => t.http.get(`/api/cases/${id}`).set(t.as(email));
/**
 * One step of the path. The system's RECORD_PAYMENT is finance paying the grant's payment case (one
 * finance user approves, another records it paid); the answer is then the case as finance sees it.
 */
async function act(id: string, who: Who, event: Event, headers: Record<string, string> = {}) {
  if (who !== SYSTEM) return send(id, who, event, headers);
  // Paid today on the app's clock: a paid day can be neither later nor before the approval.
  const { reference } = event as { reference?: string };
  await payments.payAward(id, { reference });
  return getCase(id, FINANCE);
}
/** Who a step's answer is for: the system's step is read by finance. */
const reader = (who: Who): DemoEmail => (who === SYSTEM ? FINANCE : who);
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
  for (const [who, event, to] of state === 'draft' ? [] : happy) {
    expect((await act(id, who, event)).status).toBe(200);
    if (to === state) break;
  }
  expect((await getCase(id)).body.state).toBe(state);
  return id;
}

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
    const { programmeId, fundId } = t.youthFund;
    const created = await t.http
      .post('/api/cases')
      .set(t.as(PROVIDER))
      .send({ machine: 'youth-fund', input: { programmeId, title: 'Boxing club' } });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/api/cases/${created.body.id}`);
    expect(created.body).toMatchObject({ machine: 'youth-fund', state: 'draft', version: 1, programmeId });
    // The programme's cap is the case's: the settings are the programme's, never the client's.
    expect(created.body.context.capPence).toBe(500_000);
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
    for (const [who, event, to] of happy) {
      const res = await act(id, who, event, { 'If-Match': `"${version}"` });
      expect(res.status, `${event.type}: ${JSON.stringify(res.body)}`).toBe(200);
      version += 1;
      expect(res.headers.etag).toBe(`"${version}"`);
      expect(res.body).toMatchObject({ reference, state: to, stateLabel: labels.states[to]!.label, version });
      expect(res.body.nextEvents).toEqual(nextEventsFor(to, reader(who)));
      expect((await getCase(id)).headers.etag).toBe(`"${version}"`);
      await expectNextEvents(id, to);
      if (to === 'accepted') {
        // Accepting is signing: one payment of the whole award, due today, owned by Riverside and
        // scheduled by the provider who accepted; nothing is paid yet.
        const [due] = await payments.paymentsOf(id);
        expect(await payments.paymentsOf(id)).toHaveLength(1);
        expect(due).toMatchObject({
          machine: 'award-payment',
          state: 'scheduled',
          organisationId: orgIds.riverside,
          context: {
            awardCaseId: id,
            instalment: 1,
            amountPence: 300_000,
            scheduledBy: userIds[PROVIDER],
            approvedBy: null,
            paid: null,
          },
        });
        expect(due!.reference).toMatch(/^PAY-\d{6}$/);
        const paid = await t.sql`select count(*)::int as n from fund_ledger
          where case_id = ${id} and movement = 'payment'`;
        expect(paid[0]!.n).toBe(0);
      }
    }
    // The payment was approved by one member of finance and recorded paid by another.
    const [made] = await payments.paymentsOf(id);
    expect(made).toMatchObject({
      state: 'paid',
      context: { approvedBy: userIds[FINANCE], paid: { paidOn: PAID.paidOn, reference: PAID.reference } },
    });
    const closed = (await getCase(id)).body;
    expect(closed.reference).toBe(reference);
    const listed = (await pagesOf(t, t.as(OFFICER), 'machine=youth-fund&state=closed&limit=100')).flat();
    expect(listed.find((c) => c.id === id)?.reference).toBe(reference);
    expect(closed.context).toMatchObject({
      title: 'Boxing club',
      amountRequestedPence: 400_000,
      awardedPence: 300_000,
      payment: payloadOf(PAID),
      report: payloadOf(ev.SUBMIT_REPORT),
    });
    expect(closed.programmeId).toBe(programmeId);
    // The award was committed when the panel decided (version 4) and paid through its payment case;
    // closing (version 8) records the spend reported and, paid in full, releases nothing.
    const ledger = await t.sql`select fund_id, movement, amount_pence::int as amount, case_version,
      payment_case_id from fund_ledger where case_id = ${id} order by id`;
    expect([...ledger]).toEqual([
      { fund_id: fundId, movement: 'commit', amount: 300_000, case_version: 4, payment_case_id: null },
      {
        fund_id: fundId,
        movement: 'payment',
        amount: 300_000,
        case_version: null,
        payment_case_id: made!.id,
      },
      { fund_id: fundId, movement: 'reported', amount: 290_000, case_version: 8, payment_case_id: null },
    ]);
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
    const sent = [...happy.slice(0, 6), [OFFICER, ev.QUERY_REPORT], ...happy.slice(5)] as [Who, Event][];
    expect(items.map((i) => i.version)).toEqual(sent.map((_, i) => i + 1).concat(sent.length + 1));
    expect((await getCase(id)).body.version).toBe(items.at(-1).version);

    expect(items[0]).toMatchObject({
      version: 1,
      type: 'CREATE',
      fromState: null,
      toState: 'draft',
      // What the client sent: the programme's settings the domain added are not the client's.
      payload: { programmeId: t.youthFund.programmeId, title: 'Youth project' },
      actor: { id: userIds[PROVIDER], role: 'provider' },
      effects: [],
    });
    sent.forEach(([who, event], i) => {
      const row = items[i + 1];
      expect(row.type).toBe(event.type);
      expect(row.fromState).toBe(items[i].toState);
      expect(row.payload).toEqual(payloadOf(event));
      // The payment is recorded by the system, when finance marks the payment case paid.
      const actor =
        who === SYSTEM ? { id: null, role: 'system' } : { id: userIds[who], role: who.split('@')[0]! };
      expect(row.actor).toEqual(actor);
      expect(Number.isNaN(Date.parse(row.at))).toBe(false);
    });
    const states = happy.map(([, , to]) => to);
    expect(items.map((i) => i.toState)).toEqual(['draft', ...states.slice(0, 6), ...states.slice(4)]);

    const notify = (message: string, ...to: string[]) => ({ type: 'notify', params: { message, to } });
    const funds = (type: string, amountPence: number) => ({ type, params: { amountPence } });
    const effects = Object.fromEntries(items.map((i) => [i.version, i.effects]));
    expect(effects).toEqual({
      1: [],
      2: [{ type: 'requireOpenRound', params: { ownDeadline: null } }, notify('bidReceived', 'owner')],
      3: [notify('bidEligible', 'owner')],
      // The award commits the money and says nothing: entering `offered` does, once. Timers are
      // not effects.
      4: [funds('commitFunds', 300_000), notify('offerMade', 'owner')],
      // Accepting schedules the grant as one payment, from the day of acceptance.
      5: [
        {
          type: 'schedulePayments',
          params: { profile: 'oneOff', instalments: null, remainderIn: 'last', startsOn: null, endsOn: null },
        },
      ],
      6: [notify('paymentRecorded', 'owner')],
      7: [],
      8: [notify('reportQueried', 'owner')],
      9: [],
      // The spend reported, and whatever was not paid (nothing, here) back to the fund.
      10: [funds('reportSpend', 290_000), { type: 'releaseUnpaid', params: {} }],
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
      // Finance may not record the payment on the case: it is recorded when the payment is made.
      expect((await send(id, FINANCE, PAID)).status).toBe(403);
      expect(await timersOf(id)).toHaveLength(0);
      const paid = await act(id, SYSTEM, PAID);
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
