// What the Youth Fund's transitions emit for the engine to carry out: notifications, and the money
// and payment actions (requireOpenRound on SUBMIT, commitFunds on APPROVE, releaseFunds when an offer
// ends unaccepted, a one-off schedulePayments on ACCEPT_OFFER, and reportSpend then releaseUnpaid when
// the report is accepted). Then the exported checks, the payload schemas, and persistence through the
// engine's persist and restore.
import { describe, expect, it } from 'vitest';
import {
  checkApprove,
  checkPayment,
  checkReport,
  checkSubmit,
  type YouthFundContext,
  youthFund,
} from '../../machines/youth-fund.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import {
  type Action,
  handledEffects,
  notify as n,
  notes,
  ofType,
  payloadOf,
} from '../helpers/machine-harness.ts';
import {
  accepts,
  allEvents,
  can,
  type Event,
  type EventType,
  ev,
  everyEvent,
  finals,
  lapse,
  paid,
  pathTo,
  reach,
  reminder,
  roundTrip,
  run,
  schedules,
  send,
  start,
  underProgramme,
} from '../helpers/youth-fund-machine.ts';

const MONEY = [
  'requireOpenRound',
  'commitFunds',
  'releaseFunds',
  'schedulePayments',
  'reportSpend',
  'releaseUnpaid',
];
const money = (actions: Action[]) =>
  actions.filter((a) => MONEY.includes(a.type)).map(({ type, params }) => ({ type, params }));
const openRound = { type: 'requireOpenRound', params: { ownDeadline: null } };
const commit = (amountPence: number) => ({ type: 'commitFunds', params: { amountPence } });
const release = (amountPence: number) => ({ type: 'releaseFunds', params: { amountPence } });
/** The grant is paid in one payment, due the day the offer is accepted (startsOn null: the domain's today). */
const oneOffPayment = {
  type: 'schedulePayments',
  params: { profile: 'oneOff', instalments: null, remainderIn: 'last', startsOn: null, endsOn: null },
};
const reportSpend = (amountPence: number) => ({ type: 'reportSpend', params: { amountPence } });
/** The domain releases whatever the award holds beyond what was paid: the amount is the ledger's, not the machine's. */
const releaseUnpaid = { type: 'releaseUnpaid', params: {} };

describe('notifications and money, transition by transition', () => {
  it.each<[string, Event, ReturnType<typeof n>[], Action[]]>([
    ['draft', ev.SUBMIT, [n('bidReceived')], [openRound]],
    ['submitted', ev.CONFIRM_ELIGIBLE, [n('bidEligible')], []],
    ['submitted', ev.REJECT_INELIGIBLE, [n('bidIneligible')], []],
    ['panelReview', ev.APPROVE, [n('offerMade')], [commit(300_000)]],
    ['panelReview', ev.DECLINE, [n('bidDeclined')], []],
    ['offered', reminder, [n('offerLapsing')], []],
    ['offered', lapse, [n('offerLapsed', 'owner', 'officer')], [release(300_000)]],
    ['offered', ev.ACCEPT_OFFER, [], [oneOffPayment]],
    ['offered', ev.DECLINE_OFFER, [], [release(300_000)]],
    ['accepted', ev.RECORD_PAYMENT, [n('paymentRecorded')], []],
    ['reporting', ev.REPORT_DUE_SOON, [n('reportDueSoon')], []],
    ['reporting', ev.REPORT_OVERDUE, [n('reportOverdue', 'owner', 'officer')], []],
    ['reporting', ev.SUBMIT_REPORT, [], []],
    ['reportOverdue', ev.SUBMIT_REPORT, [], []],
    ['reportSubmitted', ev.QUERY_REPORT, [n('reportQueried')], []],
    // The spend reported goes in the ledger, then whatever was never paid goes back to the fund.
    ['reportSubmitted', ev.ACCEPT_REPORT, [], [reportSpend(290_000), releaseUnpaid]],
    ['draft', ev.WITHDRAW, [], []],
    ['submitted', ev.WITHDRAW, [], []],
    ['panelReview', ev.WITHDRAW, [], []],
  ])('%s —%o→ notifies %o, and emits %o', (state, event, expected, moves) => {
    const [, actions] = send(reach(state), event);
    expect(notes(actions)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(notes(actions)))).toEqual(expected);
    expect(money(actions)).toEqual(moves);
    // Everything else the engine can interpret, in order: money first, so a refusal (no open
    // round, not enough in the fund) comes before anything is said; no effect without a handler.
    const { effects } = interpretActions(actions, new Date());
    expect(effects.map((e) => e.type)).toEqual([
      ...moves.map((m) => m.type),
      ...expected.map(() => 'notify'),
    ]);
    for (const effect of effects) expect(handledEffects).toContain(effect.type);
  });
});

describe('money', () => {
  const approve = (amountPence: number) => ({ ...ev.APPROVE, amountPence });
  const pay = (amountPence: number) => ({ ...ev.RECORD_PAYMENT, amountPence });
  const spend = (spentPence: number) => ({ ...ev.SUBMIT_REPORT, spentPence });
  const upTo = (award: number) => [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, approve(award)];
  const closing = (award: number, payment: number) => [
    ...upTo(award),
    ev.ACCEPT_OFFER,
    pay(payment),
    spend(payment),
    ev.ACCEPT_REPORT,
  ];

  it.each<[string, Event[], Action[]]>([
    ['APPROVE commits the award, not the request', upTo(123_456), [commit(123_456)]],
    ['DECLINE_OFFER releases the award', [...upTo(123_456), ev.DECLINE_OFFER], [release(123_456)]],
    ['the 28-day lapse releases the award', [...upTo(123_456), lapse], [release(123_456)]],
    [
      'ACCEPT_OFFER schedules one payment of what the award holds',
      [...upTo(123_456), ev.ACCEPT_OFFER],
      [oneOffPayment],
    ],
    [
      'ACCEPT_REPORT reports the spend, then releases what was never paid',
      closing(300_000, 120_000),
      [reportSpend(120_000), releaseUnpaid],
    ],
    [
      'ACCEPT_REPORT of no spend still reports it',
      [...closing(250_000, 250_000).slice(0, -2), spend(0), ev.ACCEPT_REPORT],
      [reportSpend(0), releaseUnpaid],
    ],
    [
      'ACCEPT_REPORT of a late, queried report reports the spend accepted and releases the unpaid part once',
      [
        ...upTo(300_000),
        ev.ACCEPT_OFFER,
        pay(200_000),
        ev.REPORT_OVERDUE,
        spend(1),
        ev.QUERY_REPORT,
        spend(150_000),
        ev.ACCEPT_REPORT,
      ],
      [reportSpend(150_000), releaseUnpaid],
    ],
  ])('%s', (_name, events, moves) => {
    const [, actions] = run(events);
    expect(money(actions)).toEqual(moves);
  });

  it('no other transition moves money, schedules payments or asks for an open round', () => {
    const movers = new Set(['draft SUBMIT', 'panelReview APPROVE', 'offered DECLINE_OFFER']);
    movers.add(`offered ${lapse.type}`).add('offered ACCEPT_OFFER').add('reportSubmitted ACCEPT_REPORT');
    const seen: string[] = [];
    for (const state of Object.keys(accepts)) {
      for (const event of everyEvent) {
        const before = reach(state);
        if (!can(before, event)) continue;
        if (money(send(before, event)[1]).length) seen.push(`${state} ${event.type}`);
      }
    }
    expect(seen.sort()).toEqual([...movers].sort());
  });

  // What an ending keeps committed: an offer that ends unaccepted releases the whole award itself; a
  // grant that closes asks the domain, once, to release whatever was not paid (the amount comes from
  // the ledger, so the machine never states it); every other ending never committed anything.
  it.each([
    ...finals.map((end) => [end, pathTo[end]!] as const),
    ['closed, part paid', closing(250_000, 100_000)] as const,
    [
      'closed after a late, queried report',
      [
        ...closing(300_000, 300_000).slice(0, -1),
        ev.QUERY_REPORT,
        ev.REPORT_OVERDUE,
        spend(5),
        ev.ACCEPT_REPORT,
      ],
    ] as const,
    ['withdrawn from panelReview', [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.WITHDRAW]] as const,
  ])(
    'on the way to %s, the machine releases what it holds, or leaves it to releaseUnpaid once',
    (_end, events) => {
      let [snapshot] = start();
      let [held, committed, unpaidReleases, scheduled] = [0, 0, 0, 0];
      for (const event of events) {
        const [next, actions] = send(snapshot, event);
        for (const move of money(actions)) {
          if (move.type === 'commitFunds')
            [held, committed] = [held + move.params.amountPence, committed + 1];
          if (move.type === 'releaseFunds') held -= move.params.amountPence;
          // Never releases what it does not hold.
          expect(held).toBeGreaterThanOrEqual(0);
          if (move.type === 'schedulePayments') scheduled += 1;
          if (move.type === 'releaseUnpaid') {
            // Only once the award was committed and a payment scheduled for it, and only on closing.
            expect([held, scheduled, next.value]).toEqual([snapshot.context.awardedPence, 1, 'closed']);
            unpaidReleases += 1;
          }
        }
        snapshot = next;
      }
      expect(snapshot.status).toBe('done');
      expect(committed).toBeLessThanOrEqual(1);
      if (snapshot.value === 'closed')
        expect([unpaidReleases, held]).toEqual([1, snapshot.context.awardedPence]);
      else expect([unpaidReleases, held, scheduled]).toEqual([0, 0, 0]);
    },
  );

  it('a SUBMIT over the cap asks for no open round: the guard refuses it first', () => {
    const [, actions] = send(reach('draft', underProgramme({ maxAwardPence: 100_000 })), {
      ...ev.SUBMIT,
      amountRequestedPence: 100_001,
    });
    expect(actions).toEqual([]);
  });
});

describe('checks', () => {
  const ctx = (over: Partial<YouthFundContext>) => ({ ...start()[0].context, ...over });
  const problem = (field: string, text: string) => [{ field, message: expect.stringContaining(text) }];
  const pay = payloadOf(ev, 'RECORD_PAYMENT');

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
    expect(check(ctx(over), { ...payloadOf(ev, type), ...change })).toEqual(text ? problem(field, text) : []);
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its payload and refuses extra fields', (type) => {
    const schema = youthFund.events[type].payload;
    expect(schema.safeParse(payloadOf(ev, type)).success).toBe(true);
    expect(schema.safeParse({ ...payloadOf(ev, type), type }).success).toBe(false);
    expect(schema.safeParse({ ...payloadOf(ev, type), extra: 1 }).success).toBe(false);
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
      const payload = { ...payloadOf(ev, type), [field]: value };
      expect(youthFund.events[type].payload.safeParse(payload).success).toBe(false);
    },
  );

  it('accepts zero spend and trims text', () => {
    const zeroSpend = { ...payloadOf(ev, 'SUBMIT_REPORT'), spentPence: 0 };
    expect(youthFund.events.SUBMIT_REPORT.payload.safeParse(zeroSpend).success).toBe(true);
    expect(youthFund.events.WITHDRAW.payload.parse({ reason: '  gone  ' })).toEqual({ reason: 'gone' });
  });
});

describe("persistence through the engine's persist and restore", () => {
  const input = underProgramme({ maxAwardPence: 450_000 }, { title: 'Boxing' });

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
        expect(money(aActions)).toEqual(money(bActions));
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
      report: { ...payloadOf(ev, 'SUBMIT_REPORT'), summary: 'With receipts' },
    });
  });
});
