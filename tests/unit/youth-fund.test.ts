import { describe, expect, it } from 'vitest';
import { type AnyStateNode, initialTransition, transition } from 'xstate';
import {
  checkApprove,
  checkPayment,
  checkReport,
  checkSubmit,
  OFFER_LAPSES_AFTER_MS,
  OFFER_REMINDER_AFTER_MS,
  REPORT_REMINDER_DAYS,
  YOUTH_FUND_DEFAULT_CAP_PENCE,
  type YouthFundContext,
  type YouthFundEvent,
  type YouthFundInput,
  youthFund,
  youthFundMessages,
} from '../../machines/youth-fund.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import { persist, restore } from '../../src/engine/snapshot.ts';
import { youthFundEvents } from '../helpers/youth-fund-events.ts';

const machine = youthFund.machine;
type Snapshot = ReturnType<typeof initialTransition<typeof machine>>[0];
type Action = { type: string; params: any };
type Event = YouthFundEvent | { type: string };
type EventType = YouthFundEvent['type'];

const DAY_MS = 24 * 60 * 60 * 1000;
const ev = youthFundEvents;
const allEvents = Object.keys(ev) as EventType[];
const payloadOf = <T extends EventType>(type: T) => {
  const { type: _type, ...payload } = ev[type];
  return payload as Omit<(typeof ev)[T], 'type'>;
};

const send = (snapshot: Snapshot, event: Event) =>
  transition(machine, snapshot, event as YouthFundEvent) as [Snapshot, Action[]];
const start = (input: YouthFundInput = {}) => initialTransition(machine, input) as [Snapshot, Action[]];
const run = (events: Event[], input?: YouthFundInput) => {
  let [snapshot, actions] = start(input);
  for (const event of events) [snapshot, actions] = send(snapshot, event);
  return [snapshot, actions] as const;
};
const can = (snapshot: Snapshot, event: Event) => snapshot.can(event as YouthFundEvent);
const ofType = (actions: Action[], type: string) =>
  actions.filter((a) => a.type === type).map((a) => a.params);
const notes = (actions: Action[]) => ofType(actions, 'notify');
const n = (message: string, ...to: string[]) => ({ message, to: to.length ? to : ['owner'] });

// The two delayed events XState raises on entering `offered`: the 21-day reminder and the 28-day lapse.
const [, intoOffered] = run([ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE]);
const raises = ofType(intoOffered, 'xstate.raise');
const raiseAfter = (delay: number) => raises.find((p) => p.delay === delay);
const reminder = { type: raiseAfter(OFFER_REMINDER_AFTER_MS)?.event.type as string };
const lapse = { type: raiseAfter(OFFER_LAPSES_AFTER_MS)?.event.type as string };

const words = (text: string) => text.split(' ');
const happy = words(
  'SUBMIT CONFIRM_ELIGIBLE APPROVE ACCEPT_OFFER RECORD_PAYMENT SUBMIT_REPORT ACCEPT_REPORT',
);
const happyStates = words('draft submitted panelReview offered accepted reporting reportSubmitted closed');
const pathTo: Record<string, Event[]> = {
  ...Object.fromEntries(happyStates.map((s, i) => [s, happy.slice(0, i).map((t) => ev[t as EventType])])),
  reportOverdue: [...happy.slice(0, 5).map((t) => ev[t as EventType]), ev.REPORT_OVERDUE],
  ineligible: [ev.SUBMIT, ev.REJECT_INELIGIBLE],
  declined: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.DECLINE],
  offerDeclined: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE, ev.DECLINE_OFFER],
  lapsed: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE, lapse],
  withdrawn: [ev.WITHDRAW],
};
const reach = (state: string, input?: YouthFundInput) => run(pathTo[state]!, input)[0];
/** A paid case whose APPROVE set `reportDueOn`, with the actions of entering `reporting`. */
const paid = (reportDueOn: string) =>
  run([ev.SUBMIT, ev.CONFIRM_ELIGIBLE, { ...ev.APPROVE, reportDueOn }, ev.ACCEPT_OFFER, ev.RECORD_PAYMENT]);
const schedules = (dueSoon: string | null, overdue: string) => [
  { id: 'reportDueSoon', event: { type: 'REPORT_DUE_SOON' }, at: dueSoon },
  { id: 'reportOverdue', event: { type: 'REPORT_OVERDUE' }, at: overdue },
];

const accepts: Record<string, string[]> = {
  draft: ['SUBMIT', 'WITHDRAW'],
  submitted: ['CONFIRM_ELIGIBLE', 'REJECT_INELIGIBLE', 'WITHDRAW'],
  panelReview: ['APPROVE', 'DECLINE', 'WITHDRAW'],
  offered: ['ACCEPT_OFFER', 'DECLINE_OFFER', reminder.type, lapse.type],
  accepted: ['RECORD_PAYMENT'],
  reporting: ['SUBMIT_REPORT', 'REPORT_DUE_SOON', 'REPORT_OVERDUE'],
  reportOverdue: ['SUBMIT_REPORT'],
  reportSubmitted: ['ACCEPT_REPORT', 'QUERY_REPORT'],
};
const finals = ['ineligible', 'declined', 'offerDeclined', 'lapsed', 'closed', 'withdrawn'];
for (const state of finals) accepts[state] = [];
const everyEvent: Event[] = [...Object.values(ev), reminder, lapse];

describe('youth fund definition', () => {
  it('describes itself', () => {
    expect(youthFund).toMatchObject({ id: 'youth-fund', version: 1, referencePrefix: 'YF' });
    expect(youthFund.createdBy).toEqual(['owner', 'officer']);
    expect(machine.id).toBe('youth-fund');
    expect(Object.keys(youthFund.states).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(youthFund.events).sort()).toEqual([...allEvents].sort());
    expect([...machine.events].filter((e) => !e.startsWith('xstate.')).sort()).toEqual([...allEvents].sort());
    for (const state of finals) expect(machine.root.states[state]?.type).toBe('final');
    expect(youthFund.states.reportOverdue.label).toBe('End-of-grant report overdue');
  });

  it.each([
    ['owner', 'SUBMIT ACCEPT_OFFER DECLINE_OFFER SUBMIT_REPORT WITHDRAW'],
    ['officer', 'CONFIRM_ELIGIBLE REJECT_INELIGIBLE ACCEPT_REPORT QUERY_REPORT'],
    ['panel', 'APPROVE DECLINE'],
    ['finance', 'RECORD_PAYMENT'],
    ['system', 'REPORT_DUE_SOON REPORT_OVERDUE'],
  ])('%s alone sends %s', (sender, types) => {
    for (const type of words(types)) expect(youthFund.events[type as EventType].sentBy).toEqual([sender]);
  });

  it('youthFundMessages lists exactly the messages the machine can send', () => {
    const nodes = Object.values(machine.root.states) as AnyStateNode[];
    const declared = nodes
      .flatMap((node) => [...node.entry, ...[...node.transitions.values()].flat().flatMap((t) => t.actions)])
      .filter((a): a is Action => typeof a === 'object' && a !== null && (a as Action).type === 'notify')
      .map((a) => a.params.message as string);
    expect([...new Set(declared)].sort()).toEqual([...youthFundMessages].sort());
  });

  it('starts in draft with explicit nulls, a title from input and an overridable cap', () => {
    const [snapshot, actions] = start();
    expect(snapshot.value).toBe('draft');
    expect(actions).toEqual([]);
    expect(snapshot.context).toEqual({
      capPence: YOUTH_FUND_DEFAULT_CAP_PENCE,
      title: null,
      summary: null,
      amountRequestedPence: null,
      awardedPence: null,
      reportDueOn: null,
      reportReminderSent: false,
      overdueNotified: false,
      reasons: [],
      payment: null,
      report: null,
      queries: [],
    } satisfies YouthFundContext);
    expect(YOUTH_FUND_DEFAULT_CAP_PENCE).toBe(500_000);
    const custom = start({ title: 'Boxing', capPence: 1_000 })[0].context;
    expect(custom).toMatchObject({ title: 'Boxing', capPence: 1_000 });
  });

  it('creation input takes an optional title and nothing else', () => {
    expect(youthFund.input.safeParse({}).success).toBe(true);
    expect(youthFund.input.safeParse({ title: 'Boxing' }).success).toBe(true);
    expect(youthFund.input.safeParse({ capPence: 1 }).success).toBe(false);
    expect(youthFund.input.safeParse({ title: '  ' }).success).toBe(false);
  });
});

describe('transitions', () => {
  it.each([
    ...happy.map((type, i) => [happyStates[i]!, type, happyStates[i + 1]!]),
    ['reporting', 'REPORT_OVERDUE', 'reportOverdue'],
    ['reportOverdue', 'SUBMIT_REPORT', 'reportSubmitted'],
  ])('%s —%s→ %s', (from, type, to) => {
    const [after] = send(reach(from), ev[type as EventType]);
    expect(after.value).toBe(to);
  });

  it('records what each happy-path event carries and ends done', () => {
    const [closed] = run(happy.map((t) => ev[t as EventType]));
    expect(closed.status).toBe('done');
    expect(closed.context).toEqual({
      ...start()[0].context,
      ...payloadOf('SUBMIT'),
      awardedPence: 300_000,
      reportDueOn: payloadOf('APPROVE').reportDueOn,
      payment: payloadOf('RECORD_PAYMENT'),
      report: payloadOf('SUBMIT_REPORT'),
    } satisfies YouthFundContext);
  });

  it.each([
    ['submitted', ev.REJECT_INELIGIBLE, 'ineligible', true],
    ['panelReview', ev.DECLINE, 'declined', true],
    ['offered', ev.DECLINE_OFFER, 'offerDeclined', true],
    ['offered', { type: 'DECLINE_OFFER' }, 'offerDeclined', false],
    ['draft', ev.WITHDRAW, 'withdrawn', true],
    ['submitted', ev.WITHDRAW, 'withdrawn', true],
    ['panelReview', ev.WITHDRAW, 'withdrawn', true],
    ['panelReview', { type: 'WITHDRAW' }, 'withdrawn', false],
  ] as const)('%s —%o→ %s', (from, event, to, withReason) => {
    const [after] = send(reach(from), event);
    expect(after.value).toBe(to);
    expect(after.status).toBe('done');
    const reason = 'reason' in event ? event.reason : undefined;
    expect(after.context.reasons).toEqual(withReason ? [{ event: event.type, reason }] : []);
  });
});

describe('offer timers and targetless events', () => {
  it('entering offered raises a reminder after 21 days and the lapse after 28', () => {
    expect([OFFER_REMINDER_AFTER_MS, OFFER_LAPSES_AFTER_MS]).toEqual([21 * DAY_MS, 28 * DAY_MS]);
    expect(raises).toEqual([
      { id: reminder.type, event: reminder, delay: OFFER_REMINDER_AFTER_MS },
      { id: lapse.type, event: lapse, delay: OFFER_LAPSES_AFTER_MS },
    ]);
    expect(reminder.type).toBe('xstate.after.offerReminderAfter.youth-fund.offered');
    expect(lapse.type).toBe('xstate.after.offerLapsesAfter.youth-fund.offered');
  });

  // Targetless: no exit or entry, so nothing is cancelled or raised again, and the state stays put.
  it.each<[string, Event, Partial<YouthFundContext>, ReturnType<typeof n>]>([
    ['offered', reminder, {}, n('offerLapsing')],
    ['reporting', ev.REPORT_DUE_SOON, { reportReminderSent: true }, n('reportDueSoon')],
  ])('%s takes %o without leaving, changing %o and sending %o', (state, event, change, note) => {
    const before = reach(state);
    const [after, actions] = send(before, event);
    expect(after.value).toBe(state);
    expect(after.context).toEqual({ ...before.context, ...change });
    expect(actions).toEqual([expect.objectContaining({ type: 'notify', params: note })]);
  });

  it.each(['ACCEPT_OFFER', 'DECLINE_OFFER'] as const)('%s cancels both offer timers', (type) => {
    const [, actions] = send(reach('offered'), ev[type]);
    expect(ofType(actions, 'xstate.cancel')).toEqual([{ sendId: reminder.type }, { sendId: lapse.type }]);
  });
});

describe('end-of-grant report timers', () => {
  it.each([
    ['summer', '2026-07-15', '2026-07-01T08:00:00.000Z', '2026-07-15T23:00:00.000Z'],
    ['winter', '2026-01-20', '2026-01-06T09:00:00.000Z', '2026-01-21T00:00:00.000Z'],
    ['GMT then BST', '2026-03-31', '2026-03-17T09:00:00.000Z', '2026-03-31T23:00:00.000Z'],
    ['BST then GMT', '2026-11-05', '2026-10-22T08:00:00.000Z', '2026-11-06T00:00:00.000Z'],
    ['clocks go back', '2026-10-24', '2026-10-10T08:00:00.000Z', '2026-10-24T23:00:00.000Z'],
  ])('entering reporting (%s, due %s) schedules due-soon at %s, overdue at %s', (_, due, soon, over) => {
    const [s, actions] = paid(due);
    expect(s.value).toBe('reporting');
    expect(s.context).toMatchObject({ reportDueOn: due, reportReminderSent: false });
    expect(JSON.parse(JSON.stringify(ofType(actions, 'schedule')))).toEqual(schedules(soon, over));
    expect(REPORT_REMINDER_DAYS).toBe(14);
  });

  it.each([
    [true, null, ['cancel reportDueSoon', 'set reportOverdue']],
    [false, '2026-07-01T08:00:00.000Z', ['set reportDueSoon', 'set reportOverdue']],
  ])('a queried report re-enters reporting (reminder sent: %s): due-soon at %s', (sent, soon, keys) => {
    let [s] = paid('2026-07-15');
    if (sent) [s] = send(s, ev.REPORT_DUE_SOON);
    [s] = send(s, ev.SUBMIT_REPORT);
    const [queried, actions] = send(s, ev.QUERY_REPORT);
    expect(queried.value).toBe('reporting');
    expect(queried.context.reportReminderSent).toBe(sent);
    expect(ofType(actions, 'schedule')).toEqual(schedules(soon, '2026-07-15T23:00:00.000Z'));
    // A null `at` is "no timer": the engine cancels any of that id and sets only the other.
    expect(interpretActions(actions, new Date()).timerOps.map((op) => `${op.kind} ${op.key}`)).toEqual(keys);
  });

  it('REPORT_OVERDUE leaves reporting and schedules nothing; the late report is still taken', () => {
    const reporting = reach('reporting');
    const [overdue, actions] = send(reporting, ev.REPORT_OVERDUE);
    expect(overdue.value).toBe('reportOverdue');
    expect(overdue.context).toEqual({ ...reporting.context, overdueNotified: true });
    expect(ofType(actions, 'schedule')).toEqual([]);
    let [s] = send(overdue, ev.SUBMIT_REPORT);
    expect(s.value).toBe('reportSubmitted');
    expect(s.context.report).toEqual(payloadOf('SUBMIT_REPORT'));
    [s] = send(s, ev.ACCEPT_REPORT);
    expect(s.value).toBe('closed');
  });

  it('tells people a report is overdue once, even when a report queried late becomes overdue again', () => {
    const [first, told] = send(reach('reporting'), ev.REPORT_OVERDUE);
    expect(notes(told)).toEqual([n('reportOverdue', 'owner', 'officer')]);
    let [s] = send(first, ev.SUBMIT_REPORT);
    [s] = send(s, ev.QUERY_REPORT);
    const [again, quiet] = send(s, ev.REPORT_OVERDUE);
    expect(again.value).toBe('reportOverdue');
    expect(notes(quiet)).toEqual([]);
  });
});

describe('guards hold amounts to their limits', () => {
  it.each([
    ['draft', { ...ev.SUBMIT, amountRequestedPence: 500_001 }, undefined, null],
    ['draft', { ...ev.SUBMIT, amountRequestedPence: 100_001 }, { capPence: 100_000 }, null],
    ['panelReview', { ...ev.APPROVE, amountPence: 400_001 }, undefined, null],
    ['accepted', { ...ev.RECORD_PAYMENT, amountPence: 300_001 }, undefined, null],
    ['reporting', { ...ev.SUBMIT_REPORT, spentPence: 300_001 }, undefined, null],
    ['reportOverdue', { ...ev.SUBMIT_REPORT, spentPence: 300_001 }, undefined, null],
    ['draft', { ...ev.SUBMIT, amountRequestedPence: 500_000 }, undefined, 'submitted'],
    ['panelReview', { ...ev.APPROVE, amountPence: 400_000 }, undefined, 'offered'],
    ['accepted', { ...ev.RECORD_PAYMENT, amountPence: 300_000 }, undefined, 'reporting'],
    ['reporting', { ...ev.SUBMIT_REPORT, spentPence: 300_000 }, undefined, 'reportSubmitted'],
    ['reporting', { ...ev.SUBMIT_REPORT, spentPence: 0 }, undefined, 'reportSubmitted'],
    ['reportOverdue', { ...ev.SUBMIT_REPORT, spentPence: 300_000 }, undefined, 'reportSubmitted'],
  ] as const)('%s given %o (input %o) → %s', (state, event, input, to) => {
    const before = reach(state, input);
    expect(can(before, event)).toBe(to !== null);
    const [after, actions] = send(before, event);
    if (to) expect(after.value).toBe(to);
    else {
      expect(after).toBe(before);
      expect(actions).toEqual([]);
    }
  });
});

describe('what each state accepts, system and delayed events included', () => {
  it.each(Object.entries(accepts))('%s takes exactly %o, and refuses the rest unchanged', (state, ok) => {
    const before = reach(state);
    expect(before.status).toBe(finals.includes(state) ? 'done' : 'active');
    for (const event of everyEvent) {
      expect(can(before, event), `${state} ${event.type}`).toBe(ok.includes(event.type));
      if (ok.includes(event.type)) continue;
      const [after, actions] = send(before, event);
      expect(after, `${state} ${event.type}`).toBe(before);
      expect(actions).toEqual([]);
    }
  });
});

describe('notifications', () => {
  it.each<[string, Event, ReturnType<typeof n>[]]>([
    ['draft', ev.SUBMIT, [n('bidReceived')]],
    ['submitted', ev.CONFIRM_ELIGIBLE, [n('bidEligible')]],
    ['submitted', ev.REJECT_INELIGIBLE, [n('bidIneligible')]],
    ['panelReview', ev.APPROVE, [n('offerMade')]],
    ['panelReview', ev.DECLINE, [n('bidDeclined')]],
    ['offered', reminder, [n('offerLapsing')]],
    ['offered', lapse, [n('offerLapsed', 'owner', 'officer')]],
    ['offered', ev.ACCEPT_OFFER, []],
    ['offered', ev.DECLINE_OFFER, []],
    ['accepted', ev.RECORD_PAYMENT, [n('paymentRecorded')]],
    ['reporting', ev.REPORT_DUE_SOON, [n('reportDueSoon')]],
    ['reporting', ev.REPORT_OVERDUE, [n('reportOverdue', 'owner', 'officer')]],
    ['reporting', ev.SUBMIT_REPORT, []],
    ['reportOverdue', ev.SUBMIT_REPORT, []],
    ['reportSubmitted', ev.QUERY_REPORT, [n('reportQueried')]],
    ['reportSubmitted', ev.ACCEPT_REPORT, []],
    ['draft', ev.WITHDRAW, []],
  ])('%s —%o→ notifies %o', (state, event, expected) => {
    const [, actions] = send(reach(state), event);
    expect(notes(actions)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(notes(actions)))).toEqual(expected);
    // Everything else the engine can interpret: no effect without a handler.
    const { effects } = interpretActions(actions, new Date());
    expect(effects.map((e) => e.type)).toEqual(expected.map(() => 'notify'));
  });
});

describe('checks', () => {
  const ctx = (over: Partial<YouthFundContext>) => ({ ...start()[0].context, ...over });
  const problem = (field: string, text: string) => [{ field, message: expect.stringContaining(text) }];
  const pay = payloadOf('RECORD_PAYMENT');

  const checks: Record<string, [(context: YouthFundContext, payload: any) => unknown, string]> = {
    SUBMIT: [checkSubmit, 'amountRequestedPence'],
    APPROVE: [checkApprove, 'amountPence'],
    RECORD_PAYMENT: [checkPayment, 'amountPence'],
    SUBMIT_REPORT: [checkReport, 'spentPence'],
  };
  it.each<[EventType, Partial<YouthFundContext>, object, string | null]>([
    ['SUBMIT', {}, { amountRequestedPence: 500_000 }, null],
    ['SUBMIT', {}, { amountRequestedPence: 500_001 }, 'The most you can ask for is £5,000.00'],
    ['SUBMIT', { capPence: 123_456 }, {}, '£1,234.56'],
    ['APPROVE', { amountRequestedPence: 300_000 }, {}, null],
    ['APPROVE', { amountRequestedPence: 299_999 }, {}, '£2,999.99'],
    ['RECORD_PAYMENT', { awardedPence: 300_000 }, {}, null],
    ['RECORD_PAYMENT', { awardedPence: 100 }, {}, '£1.00'],
    ['SUBMIT_REPORT', { payment: pay }, {}, null],
    ['SUBMIT_REPORT', { payment: { ...pay, amountPence: 5 } }, {}, 'cannot be more than was paid'],
  ])('%s check in %o with %o: %s', (type, over, change, text) => {
    const [check, field] = checks[type]!;
    expect((youthFund.events[type] as { check?: unknown }).check, 'the spec uses the exported check').toBe(
      check,
    );
    expect(check(ctx(over), { ...payloadOf(type), ...change })).toEqual(text ? problem(field, text) : []);
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its payload and refuses extra fields', (type) => {
    const schema = youthFund.events[type].payload;
    expect(schema.safeParse(payloadOf(type)).success).toBe(true);
    expect(schema.safeParse({ ...payloadOf(type), type }).success).toBe(false);
    expect(schema.safeParse({ ...payloadOf(type), extra: 1 }).success).toBe(false);
  });

  const bad: [EventType, string, unknown[]][] = [
    ['SUBMIT', 'amountRequestedPence', [-1, 0, 10.5, '100']],
    ['SUBMIT', 'title', ['   ']],
    ['SUBMIT', 'summary', ['x'.repeat(5001)]],
    ['APPROVE', 'amountPence', [-100, 0.01]],
    ['APPROVE', 'reportDueOn', [undefined, '2026-02-30', '31/03/2026', '2026-03-31T00:00:00Z']],
    ['RECORD_PAYMENT', 'amountPence', [1.5]],
    ['RECORD_PAYMENT', 'paidOn', ['2025-02-30', '01/05/2025', '2025-05-01T10:00:00Z']],
    ['RECORD_PAYMENT', 'reference', ['x'.repeat(101)]],
    ['SUBMIT_REPORT', 'spentPence', [-1, 0.5]],
    ['REJECT_INELIGIBLE', 'reason', ['']],
    ['QUERY_REPORT', 'reason', [undefined]],
  ];
  it.each(bad.flatMap(([type, field, values]) => values.map((v) => [type, field, v] as const)))(
    '%s refuses %s: %o',
    (type, field, value) => {
      const payload = { ...payloadOf(type), [field]: value };
      expect(youthFund.events[type].payload.safeParse(payload).success).toBe(false);
    },
  );

  it('accepts zero spend and trims text', () => {
    const zeroSpend = { ...payloadOf('SUBMIT_REPORT'), spentPence: 0 };
    expect(youthFund.events.SUBMIT_REPORT.payload.safeParse(zeroSpend).success).toBe(true);
    expect(youthFund.events.WITHDRAW.payload.parse({ reason: '  gone  ' })).toEqual({ reason: 'gone' });
  });
});

describe("persistence through the engine's persist and restore", () => {
  /** What the engine stores in cases.snapshot and reads back: persisted, JSON, restored. */
  const roundTrip = (snapshot: Snapshot) =>
    restore(youthFund, JSON.parse(JSON.stringify(persist(youthFund, snapshot)))) as Snapshot;
  const input = { title: 'Boxing', capPence: 450_000 };

  it.each(Object.keys(accepts))(
    '%s survives a JSON round trip and takes every accepted event as before',
    (state) => {
      const before = reach(state, input);
      const restored = roundTrip(before);
      expect(restored.value).toEqual(before.value);
      expect(restored.context).toEqual(before.context);
      expect(restored.status).toBe(before.status);
      for (const event of everyEvent) {
        expect(can(restored, event), `${state} ${event.type}`).toBe(can(before, event));
        if (!can(before, event)) continue;
        const [[a, aActions], [b, bActions]] = [send(restored, event), send(before, event)];
        expect([a.value, a.context]).toEqual([b.value, b.context]);
        expect(ofType(aActions, 'notify')).toEqual(ofType(bActions, 'notify'));
        expect(ofType(aActions, 'schedule')).toEqual(ofType(bActions, 'schedule'));
      }
    },
  );

  it('a reporting case restored at every step keeps its reminder flag and queries, and runs on to closed', () => {
    let [s, actions] = paid('2026-01-20');
    const steps: [Event, string][] = [
      [ev.REPORT_DUE_SOON, 'reporting'],
      [{ ...ev.SUBMIT_REPORT, spentPence: 300_000 }, 'reportSubmitted'],
      [ev.QUERY_REPORT, 'reporting'],
      [ev.SUBMIT_REPORT, 'reportSubmitted'],
      [{ type: 'QUERY_REPORT', reason: 'And the register' }, 'reporting'],
      [ev.REPORT_OVERDUE, 'reportOverdue'],
      [{ ...ev.SUBMIT_REPORT, summary: 'With receipts' }, 'reportSubmitted'],
      [ev.ACCEPT_REPORT, 'closed'],
    ];
    for (const [event, to] of steps) {
      [s, actions] = send(roundTrip(s), event);
      expect(s.value).toBe(to);
      if (event.type === 'QUERY_REPORT')
        expect(ofType(actions, 'schedule')).toEqual(schedules(null, '2026-01-21T00:00:00.000Z'));
    }
    expect(s.status).toBe('done');
    expect(s.context).toMatchObject({
      reportReminderSent: true,
      queries: ['Please add receipts', 'And the register'],
      report: { ...payloadOf('SUBMIT_REPORT'), summary: 'With receipts' },
    });
  });
});
