import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ProgrammeSettings } from '../../machines/define.ts';
import { victimsMeasures } from '../../machines/define.ts';
import { monitoringReturnTemplates } from '../../machines/mail/monitoring-return.ts';
import {
  checkFigures,
  checkRedate,
  checkReturn,
  checkSubmit,
  type MonitoringReturnContext,
  type MonitoringReturnEvent,
  type MonitoringReturnFigures,
  type MonitoringReturnInput,
  monitoringReturn,
  monitoringReturnMessages,
  RETURN_REMINDER_DAYS,
} from '../../machines/monitoring-return.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import type { Actor } from '../../src/engine/actor.ts';
import { statesWhereActorActs } from '../../src/engine/describe.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import {
  type Action,
  actorIdChanges,
  type EventOf,
  effectsOf,
  handledEffects,
  harness,
  json,
  notify as n,
  notes,
  notifyMessages,
  ofType,
  payloadOf,
} from '../helpers/machine-harness.ts';

type Event = EventOf<typeof monitoringReturn>;
type EventType = MonitoringReturnEvent['type'];

const AWARD_CASE_ID = '5d7e1c3a-2b4f-4a6e-9c8d-0e1f2a3b4c5d';
// A summer quarter (due in BST) and a winter one (due in GMT), as an officer would open them.
const summerIn = {
  awardCaseId: AWARD_CASE_ID,
  periodStart: '2026-04-01',
  periodEnd: '2026-06-30',
  dueOn: '2026-07-31',
};
const winterIn = {
  awardCaseId: AWARD_CASE_ID,
  periodStart: '2026-10-01',
  periodEnd: '2026-12-31',
  dueOn: '2027-01-31',
};
// The domain adds the award's programme: a victims' service, reporting the Ministry of Justice's measures.
const programme: ProgrammeSettings = {
  id: 'b1f0c2d4-0000-4000-8000-000000000001',
  name: "Victims' services 2026-27",
  maxAwardPence: null,
  delegationThresholdPence: 0,
  criteria: [],
  closesAt: null,
  measures: [...victimsMeasures],
};
const summer: MonitoringReturnInput = { ...summerIn, programme };
const winter: MonitoringReturnInput = { ...winterIn, programme };

const counted = (value: number, [domestic, sexual, other]: number[]) => ({
  victimsSupported: {
    value,
    breakdown: { 'Domestic abuse': domestic!, 'Sexual violence': sexual!, 'Other crime': other! },
  },
  copeAndRecover: { value: 82.5 },
});
const figures = {
  performance: 'All targets met',
  measures: counted(120, [70, 30, 20]),
  spendPence: 4_500_000,
  narrative: 'A good quarter',
};
const recounted = counted(118, [68, 30, 20]);
const ev = {
  SUBMIT_RETURN: { type: 'SUBMIT_RETURN', ...figures },
  RESUBMIT_RETURN: { type: 'RESUBMIT_RETURN', ...figures, measures: recounted },
  ACCEPT_RETURN: { type: 'ACCEPT_RETURN' },
  QUERY_RETURN: { type: 'QUERY_RETURN', reason: 'Please recount victims' },
  REDATE_RETURN: { type: 'REDATE_RETURN', dueOn: '2026-09-30', reason: 'Staff illness' },
  WAIVE_RETURN: { type: 'WAIVE_RETURN', reason: 'The service closed for the quarter' },
  WITHDRAW_RETURN: { type: 'WITHDRAW_RETURN', reason: 'The award ended on 15 June 2026' },
  RETURN_DUE_SOON: { type: 'RETURN_DUE_SOON' },
  RETURN_OVERDUE: { type: 'RETURN_OVERDUE' },
} as const satisfies { [K in EventType]: Extract<MonitoringReturnEvent, { type: K }> };
const allEvents = Object.keys(ev) as EventType[];
const everyEvent: Event[] = Object.values(ev);
const h = harness(monitoringReturn, summer);
const { machine, start, send, run, can, roundTrip } = h;
/** What a transition asks the domain to do about the award's money and payments, in order. */
const PAYMENTS = ['holdAwardPayments', 'releaseAwardPayments', 'reportSpend', 'recordUnderspend'];
const payments = (actions: Action[]) =>
  actions.filter((a) => PAYMENTS.includes(a.type)).map(({ type, params }) => ({ type, params }));
const hold = { type: 'holdAwardPayments', params: {} };
const release = { type: 'releaseAwardPayments', params: {} };
const reportSpend = (amountPence: number) => ({ type: 'reportSpend', params: { amountPence } });
const underspend = (amountPence: number) => ({ type: 'recordUnderspend', params: { amountPence } });
/** Accepting a return: its spend in the ledger, its underspend released, then the award's payments let go. */
const accepting = (spendPence: number, underspendPence = 0) => [
  reportSpend(spendPence),
  underspend(underspendPence),
  release,
];

const pathTo: Record<string, Event[]> = {
  due: [],
  late: [ev.RETURN_OVERDUE],
  submitted: [ev.SUBMIT_RETURN],
  queried: [ev.SUBMIT_RETURN, ev.QUERY_RETURN],
  accepted: [ev.SUBMIT_RETURN, ev.ACCEPT_RETURN],
  waived: [ev.WAIVE_RETURN],
  withdrawn: [ev.WITHDRAW_RETURN],
};
const reach = (state: string, input?: MonitoringReturnInput) => run(pathTo[state]!, input)[0];
const accepts: Record<string, string[]> = {
  due: [
    'SUBMIT_RETURN',
    'RETURN_DUE_SOON',
    'RETURN_OVERDUE',
    'REDATE_RETURN',
    'WAIVE_RETURN',
    'WITHDRAW_RETURN',
  ],
  late: ['SUBMIT_RETURN', 'REDATE_RETURN', 'WAIVE_RETURN', 'WITHDRAW_RETURN'],
  submitted: ['ACCEPT_RETURN', 'QUERY_RETURN'],
  queried: ['RESUBMIT_RETURN', 'WAIVE_RETURN'],
  accepted: [],
  waived: [],
  withdrawn: [],
};
// A return that leaves out underspendPence is stored with none.
const stored = {
  ...figures,
  underspendPence: 0,
  spendAboveAward: null,
} satisfies MonitoringReturnContext['latestReturn'];

describe('monitoring return definition', () => {
  it('describes itself and registers', () => {
    expect(monitoringReturn).toMatchObject({ id: 'monitoring-return', version: 4, referencePrefix: 'MR' });
    expect(monitoringReturn.upgradeFrom?.version).toBe(3);
    expect(monitoringReturn.createdBy).toEqual(['officer']);
    expect(Object.keys(monitoringReturn.states).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(accepts).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(monitoringReturn.events).sort()).toEqual([...allEvents].sort());
    expect(machine.root.states.accepted?.type).toBe('final');
    expect(new MachineRegistry([monitoringReturn]).latest('monitoring-return')).toBe(monitoringReturn);
  });

  it.each([
    ['owner', ['SUBMIT_RETURN', 'RESUBMIT_RETURN']],
    ['officer', ['ACCEPT_RETURN', 'QUERY_RETURN', 'REDATE_RETURN', 'WAIVE_RETURN']],
    ['system', ['RETURN_DUE_SOON', 'RETURN_OVERDUE', 'WITHDRAW_RETURN']],
  ] as const)('%s alone sends %o', (sender, types) => {
    for (const type of types) expect(monitoringReturn.events[type].sentBy).toEqual([sender]);
  });

  it('the messages list is exactly what the machine can send, each with a template', () => {
    const declared = notifyMessages(machine);
    expect([...new Set(declared)].sort()).toEqual([...monitoringReturnMessages].sort());
    expect(Object.keys(monitoringReturnTemplates).sort()).toEqual([...monitoringReturnMessages].sort());
  });

  it("starts due with the period and its programme's measures copied, and nothing submitted", () => {
    const [snapshot] = start();
    expect(snapshot.value).toBe('due');
    expect(snapshot.context).toEqual({
      ...summerIn,
      measures: [...victimsMeasures],
      reminderSent: false,
      submittedLate: false,
      latestReturn: null,
      submissions: [],
      queries: [],
      holdsPayments: false,
      redates: [],
      waivedReason: null,
      withdrawnReason: null,
    } satisfies MonitoringReturnContext);
  });
});

describe('creation input', () => {
  const schema = monitoringReturn.input;
  const issues = (input: object) => {
    const result = schema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]);
  };

  it('stays a strict ZodObject with its cross-field rules, as the engine and registry need', () => {
    expect(schema).toBeInstanceOf(z.ZodObject);
    expect(issues(summerIn)).toEqual([]);
    expect(issues(winterIn)).toEqual([]);
    expect(issues({ ...summerIn, dueOn: summerIn.periodEnd })).toEqual([]);
    expect(z.toJSONSchema(schema)).toMatchObject({
      additionalProperties: false,
      required: Object.keys(summerIn),
    });
  });

  it.each([
    [{ periodEnd: '2026-03-31' }, [['periodEnd', 'The period cannot end before it starts']]],
    [{ dueOn: '2026-06-29' }, [['dueOn', 'The return cannot be due before the period ends']]],
    [{ periodEnd: '2026-02-30' }, [['periodEnd', 'Enter a date as YYYY-MM-DD']]],
    [{ dueOn: '31/07/2026' }, [['dueOn', 'Enter a date as YYYY-MM-DD']]],
  ])('refuses %o: %o', (change, expected) => {
    expect(issues({ ...summerIn, ...change })).toEqual(expected);
  });

  it('takes a one-day period (an agreement that ends on the first day of a quarter)', () => {
    expect(issues({ ...summerIn, periodEnd: '2026-04-01' })).toEqual([]);
  });

  it.each([
    { ...summerIn, awardCaseId: 'award-1' },
    { ...summerIn, extra: 1 },
    { ...summerIn, programme: {} },
    { awardCaseId: AWARD_CASE_ID, periodStart: '2026-04-01', periodEnd: '2026-06-30' },
  ])('refuses %o', (input) => {
    expect(schema.safeParse(input).success).toBe(false);
  });
});

describe('transitions and what they record', () => {
  it.each([
    ['due', 'SUBMIT_RETURN', 'submitted'],
    ['due', 'RETURN_OVERDUE', 'late'],
    ['late', 'SUBMIT_RETURN', 'submitted'],
    ['submitted', 'ACCEPT_RETURN', 'accepted'],
    ['submitted', 'QUERY_RETURN', 'queried'],
    ['queried', 'RESUBMIT_RETURN', 'submitted'],
  ])('%s —%s→ %s', (from, type, to) => {
    const [after] = send(reach(from), ev[type as EventType]);
    expect(after.value).toBe(to);
    expect(after.status).toBe(to === 'accepted' ? 'done' : 'active');
  });

  it.each([
    ['on time', [], false],
    ['late', [ev.RETURN_OVERDUE], true],
  ] as const)('a return submitted %s, queried and resubmitted keeps every submission', (_, before, late) => {
    // [event, state reached, whether it then holds the award's payments, had it been on time]
    const steps: [Event, string, boolean][] = [
      [ev.SUBMIT_RETURN, 'submitted', false],
      [ev.QUERY_RETURN, 'queried', true],
      [ev.RESUBMIT_RETURN, 'submitted', true],
      [{ type: 'QUERY_RETURN', reason: 'And the spend' }, 'queried', true],
      [{ ...ev.RESUBMIT_RETURN, narrative: undefined }, 'submitted', true],
      [ev.ACCEPT_RETURN, 'accepted', false],
    ];
    let [s] = run([...before]);
    for (const [event, to, holdsOnTime] of steps) {
      [s] = send(s, event);
      expect(s.value).toBe(to);
      expect(s.context.submittedLate).toBe(late);
      // A late return holds from the moment it became overdue, until it is accepted.
      expect(s.context.holdsPayments, `${event.type} → ${to}`).toBe(
        to !== 'accepted' && (late || holdsOnTime),
      );
    }
    const resubmitted = { ...stored, measures: recounted };
    expect(s.context).toEqual({
      ...start()[0].context,
      submittedLate: late,
      latestReturn: { ...resubmitted, narrative: null },
      submissions: [stored, resubmitted, { ...resubmitted, narrative: null }],
      queries: ['Please recount victims', 'And the spend'],
    } satisfies MonitoringReturnContext);
  });

  it('RETURN_DUE_SOON stays in due, marks the reminder sent and only notifies', () => {
    const before = reach('due');
    const [after, actions] = send(before, ev.RETURN_DUE_SOON);
    expect(after.value).toBe('due');
    expect(after.context).toEqual({ ...before.context, reminderSent: true });
    expect(actions.map((a) => a.type)).toEqual(['notify']);
  });
});

describe('timers', () => {
  const schedules = (soon: string | null, overdue: string) => [
    { id: 'returnDueSoon', event: { type: 'RETURN_DUE_SOON' }, at: soon },
    { id: 'returnOverdue', event: { type: 'RETURN_OVERDUE' }, at: overdue },
  ];

  it.each([
    ['summer', summer, '2026-07-24T08:00:00.000Z', '2026-07-31T23:00:00.000Z'],
    ['winter', winter, '2027-01-24T09:00:00.000Z', '2027-02-01T00:00:00.000Z'],
    [
      'due as BST ends',
      { ...summer, dueOn: '2026-10-30' },
      '2026-10-23T08:00:00.000Z',
      '2026-10-31T00:00:00.000Z',
    ],
    [
      'due as BST starts',
      { ...winter, periodEnd: '2027-03-01', dueOn: '2027-03-30' },
      '2027-03-23T09:00:00.000Z',
      '2027-03-30T23:00:00.000Z',
    ],
  ])('a %s return (%o) reminds at %s and is overdue at %s', (_, input, soon, overdue) => {
    const [snapshot, actions] = start(input);
    expect(snapshot.value).toBe('due');
    expect(RETURN_REMINDER_DAYS).toBe(7);
    expect(JSON.parse(JSON.stringify(ofType(actions, 'schedule')))).toEqual(schedules(soon, overdue));
    expect(interpretActions(actions, new Date()).timerOps).toEqual([
      { kind: 'set', key: 'returnDueSoon', event: { type: 'RETURN_DUE_SOON' }, dueAt: new Date(soon) },
      { kind: 'set', key: 'returnOverdue', event: { type: 'RETURN_OVERDUE' }, dueAt: new Date(overdue) },
    ]);
  });

  it('no reminder is scheduled once it has been sent', () => {
    const [due] = send(reach('due'), ev.RETURN_DUE_SOON);
    const [reminder, overdue] = machine.root.states.due!.entry as unknown as {
      params: (a: { context: MonitoringReturnContext }) => unknown;
    }[];
    expect([reminder!.params({ context: due.context }), overdue!.params({ context: due.context })]).toEqual(
      schedules(null, '2026-07-31T23:00:00.000Z'),
    );
  });

  it.each(['SUBMIT_RETURN', 'RETURN_OVERDUE'] as const)('%s leaves due and schedules nothing new', (type) => {
    const [, actions] = send(reach('due'), ev[type]);
    expect(ofType(actions, 'schedule')).toEqual([]);
  });
});

describe('what each state accepts', () => {
  it.each(Object.entries(accepts))('%s takes exactly %o and refuses the rest unchanged', (state, ok) => {
    const before = reach(state);
    expect(before.value).toBe(state);
    for (const event of everyEvent) {
      expect(can(before, event), `${state} ${event.type}`).toBe(ok.includes(event.type));
      if (ok.includes(event.type)) continue;
      const [after, actions] = send(before, event);
      expect(after, `${state} ${event.type}`).toBe(before);
      expect(actions).toEqual([]);
    }
  });
});

describe('notifications and effects', () => {
  it.each<[string, Event, ReturnType<typeof n>[], Action[]]>([
    ['due', ev.RETURN_DUE_SOON, [n('returnDueSoon', 'owner')], []],
    ['due', ev.RETURN_OVERDUE, [n('returnOverdue', 'owner', 'officer')], [hold]],
    ['due', ev.SUBMIT_RETURN, [n('returnSubmitted', 'officer')], []],
    ['late', ev.SUBMIT_RETURN, [n('returnSubmitted', 'officer')], []],
    ['submitted', ev.QUERY_RETURN, [n('returnQueried', 'owner')], [hold]],
    ['submitted', ev.ACCEPT_RETURN, [], accepting(4_500_000)],
    ['queried', ev.RESUBMIT_RETURN, [n('returnSubmitted', 'officer')], []],
    ['due', ev.REDATE_RETURN, [n('returnRedated', 'owner')], []],
    ['late', ev.REDATE_RETURN, [n('returnRedated', 'owner')], [release]],
    ['queried', ev.WAIVE_RETURN, [], [release]],
  ])('%s —%o→ notifies %o and asks %o', (state, event, expected, asked) => {
    const [, actions] = send(reach(state), event);
    expect(notes(actions)).toEqual(expected);
    expect(payments(actions)).toEqual(asked);
    // The award's payments first, then what people are told; nothing else, and no money moves
    // directly (the domain releases underspend through the ledger); every effect has a handler.
    const { effects } = interpretActions(actions, new Date());
    expect(effects.map((e) => e.type)).toEqual([
      ...asked.map((a) => a.type),
      ...expected.map(() => 'notify'),
    ]);
    for (const effect of effects) expect(handledEffects).toContain(effect.type);
  });
});

describe("holding the award's payments", () => {
  it('an overdue return holds them until it is accepted, late submission included', () => {
    let [s, actions] = send(reach('due'), ev.RETURN_OVERDUE);
    expect([s.value, s.context.holdsPayments, payments(actions)]).toEqual(['late', true, [hold]]);
    [s, actions] = send(s, ev.SUBMIT_RETURN);
    expect([s.value, s.context.holdsPayments, payments(actions)]).toEqual(['submitted', true, []]);
    [s, actions] = send(s, ev.ACCEPT_RETURN);
    expect([s.value, s.context.holdsPayments, payments(actions)]).toEqual([
      'accepted',
      false,
      accepting(4_500_000),
    ]);
  });

  it('a queried return holds them, through its resubmission, until it is accepted', () => {
    let [s, actions] = send(reach('submitted'), ev.QUERY_RETURN);
    expect([s.value, s.context.holdsPayments, payments(actions)]).toEqual(['queried', true, [hold]]);
    [s, actions] = send(s, ev.RESUBMIT_RETURN);
    expect([s.value, s.context.holdsPayments, payments(actions)]).toEqual(['submitted', true, []]);
    [s, actions] = send(s, { ...ev.QUERY_RETURN, reason: 'Still wrong' });
    // Held again: the domain holds whatever is unpaid (payments opened since included).
    expect(payments(actions)).toEqual([hold]);
    [s, actions] = send(s, ev.RESUBMIT_RETURN);
    [s, actions] = send(s, ev.ACCEPT_RETURN);
    expect([s.context.holdsPayments, payments(actions)]).toEqual([false, accepting(4_500_000)]);
  });

  it('a return in on time and accepted never holds them, and still lets them go (another return may have held them)', () => {
    let [s, actions] = send(reach('due'), ev.RETURN_DUE_SOON);
    [s, actions] = send(s, ev.SUBMIT_RETURN);
    expect([s.context.holdsPayments, payments(actions)]).toEqual([false, []]);
    [s, actions] = send(s, ev.ACCEPT_RETURN);
    expect([s.context.holdsPayments, payments(actions)]).toEqual([false, accepting(4_500_000)]);
  });

  it('accepting reports the spend and underspend of the return as last submitted', () => {
    const [s, actions] = run([
      { ...ev.SUBMIT_RETURN, spendPence: 1_000_000, underspendPence: 300_000 },
      ev.QUERY_RETURN,
      { ...ev.RESUBMIT_RETURN, spendPence: 1_200_000, underspendPence: 250_000 },
      ev.ACCEPT_RETURN,
    ]);
    expect(s.context.submissions.map((r) => [r.spendPence, r.underspendPence])).toEqual([
      [1_000_000, 300_000],
      [1_200_000, 250_000],
    ]);
    expect(payments(actions)).toEqual(accepting(1_200_000, 250_000));
  });
});

describe('moving cases from version 3', () => {
  const upgrade = monitoringReturn.upgradeFrom!.context!;
  type Figures = MonitoringReturnFigures;
  // Version 3 asked every return for victims supported and cope-and-recover, without parts.
  const old = ({ measures, ...rest }: Figures) => ({
    ...rest,
    victimsSupported: measures.victimsSupported!.value,
    copeAndRecoverPercent: measures.copeAndRecover!.value,
  });
  const asVersion3 = ({ measures: _m, latestReturn, submissions, ...c }: MonitoringReturnContext) => ({
    ...c,
    latestReturn: latestReturn && old(latestReturn),
    submissions: submissions.map(old),
  });
  const noParts = (f: Figures): Figures => ({
    ...f,
    measures: {
      victimsSupported: { value: f.measures.victimsSupported!.value },
      copeAndRecover: { value: 82.5 },
    },
  });
  it.each(Object.keys(pathTo))(
    "a case %s gets the Ministry of Justice's measures, and what it gave as its figures",
    (state) => {
      const { context } = reach(state);
      expect(upgrade(json(asVersion3(context)))).toEqual({
        ...context,
        latestReturn: context.latestReturn && noParts(context.latestReturn),
        submissions: context.submissions.map(noParts),
      });
    },
  );

  it('an upgraded queried case is resubmitted with the parts it now asks for, and accepted', () => {
    const queried = reach('queried');
    const moved = { ...queried, context: upgrade(json(asVersion3(queried.context))) } as typeof queried;
    const { victimsSupported: _v, ...noBreakdown } = recounted;
    const without = { ...ev.RESUBMIT_RETURN, measures: { ...noBreakdown, victimsSupported: { value: 118 } } };
    expect(send(roundTrip(moved), without)[0].value).toBe('queried');
    const [s] = send(send(roundTrip(moved), ev.RESUBMIT_RETURN)[0], ev.ACCEPT_RETURN);
    expect([s.value, s.context.latestReturn?.measures]).toEqual(['accepted', recounted]);
  });
});

describe('corrections: a new due date, or no return at all', () => {
  const now = { today: '2026-07-15' };
  it('re-dates a return not yet in, keeping the old date beside the new, and schedules the new deadline', () => {
    const [s, actions] = send(reach('due'), ev.REDATE_RETURN);
    expect(s.value).toBe('due');
    expect(s.context).toMatchObject({
      dueOn: '2026-09-30',
      reminderSent: false,
      redates: [{ from: summer.dueOn, to: '2026-09-30', reason: 'Staff illness' }],
    });
    const scheduled = actions
      .filter((a) => a.type === 'schedule')
      .map((a) => a.params as { id: string; at: string });
    expect(scheduled.map((p) => [p.id, p.at])).toEqual([
      ['returnDueSoon', '2026-09-23T08:00:00.000Z'],
      ['returnOverdue', '2026-09-30T23:00:00.000Z'], // the end of 30 September, BST
    ]);
    expect(notes(actions)).toEqual([n('returnRedated', 'owner')]);
  });

  it('re-dating a late return makes it due again and lets the award’s payments go', () => {
    const [s, actions] = send(reach('late'), ev.REDATE_RETURN);
    expect([s.value, s.context.holdsPayments, payments(actions)]).toEqual(['due', false, [release]]);
  });

  it.each([
    [{ dueOn: '2026-07-01' }, now, 'dueOn', 'not in the past'],
    [{ dueOn: '2026-06-29' }, undefined, 'dueOn', 'before the period ends'],
    [{ dueOn: summer.dueOn }, undefined, 'dueOn', 'already due'],
  ])('refuses a new due date of %o', (change, when, field, words) => {
    const problems = checkRedate(reach('due').context, { ...ev.REDATE_RETURN, ...change }, when);
    expect(problems).toEqual([{ field, message: expect.stringContaining(words) }]);
    // The machine's guard reads the same rule.
    const [s] = send(reach('due'), { ...ev.REDATE_RETURN, ...change, ...(when ?? {}) } as Event);
    expect(s.context.dueOn).toBe(summer.dueOn);
  });

  it.each(['due', 'late', 'queried'])('waives a return %s with the reason, holding nothing', (state) => {
    const [s, actions] = send(reach(state), ev.WAIVE_RETURN);
    expect([s.value, s.status, s.context.waivedReason, s.context.holdsPayments]).toEqual([
      'waived',
      'done',
      'The service closed for the quarter',
      false,
    ]);
    expect(payments(actions)).toEqual([release]);
  });

  it.each(['due', 'late'])('withdraws a return %s once its award has ended, holding nothing', (state) => {
    const [s, actions] = send(reach(state), ev.WITHDRAW_RETURN);
    expect([
      s.value,
      s.status,
      s.context.withdrawnReason,
      s.context.waivedReason,
      s.context.holdsPayments,
    ]).toEqual(['withdrawn', 'done', 'The award ended on 15 June 2026', null, false]);
    expect(payments(actions)).toEqual([release]);
  });

  it('a return already submitted is not withdrawn: the officer still reads it', () => {
    for (const state of ['submitted', 'queried'])
      expect(send(reach(state), ev.WITHDRAW_RETURN)[0].value).toBe(state);
  });

  it('is submitted from the last day of its period, not before; the guard reads the same rule', () => {
    // The summer quarter ends on 30 June 2026.
    expect(checkSubmit(reach('due').context, {}, { today: '2026-06-29' })).toEqual([
      {
        field: 'periodEnd',
        message: 'This return reports on the period to 30 June 2026: it can be submitted from that day',
      },
    ]);
    expect(checkSubmit(reach('due').context, {}, { today: '2026-06-30' })).toEqual([]);
    expect(monitoringReturn.events.SUBMIT_RETURN.check).toBe(checkReturn);
    expect(send(reach('due'), { ...ev.SUBMIT_RETURN, today: '2026-06-29' } as Event)[0].value).toBe('due');
    expect(send(reach('due'), { ...ev.SUBMIT_RETURN, today: '2026-06-30' } as Event)[0].value).toBe(
      'submitted',
    );
  });

  it('a submission keeps its explanation of spend above the award, and the rulebook reads it', () => {
    const why = 'Match funding from the council was spent first';
    const [s] = send(reach('due'), { ...ev.SUBMIT_RETURN, spendAboveAward: why });
    expect(s.context.latestReturn?.spendAboveAward).toBe(why);
    const spec = monitoringReturn.events.SUBMIT_RETURN;
    expect(spec.reportsSpend(s.context, { ...figures, spendAboveAward: why })).toEqual({
      spendPence: figures.spendPence,
      explanation: why,
    });
    expect(spec.reportsSpend(s.context, figures)).toEqual({
      spendPence: figures.spendPence,
      explanation: null,
    });
  });

  it('waiving cannot be undone, so it asks for a reason', () => {
    expect(monitoringReturn.events.WAIVE_RETURN.irreversible).toBe(true);
    expect(monitoringReturn.events.WAIVE_RETURN.payload.safeParse({}).success).toBe(false);
  });
});

describe("the engine's actorId", () => {
  it('changes nothing: every event ends the same with it as without', () => {
    const snapshots = Object.keys(accepts).map((state) => reach(state));
    expect(actorIdChanges(h, snapshots, everyEvent)).toEqual([]);
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its payload and refuses extra fields', (type) => {
    const schema = monitoringReturn.events[type].payload;
    expect(schema.safeParse(payloadOf(ev, type)).success).toBe(true);
    expect(schema.safeParse({ ...payloadOf(ev, type), type }).success).toBe(false);
    expect(schema.safeParse({ ...payloadOf(ev, type), extra: 1 }).success).toBe(false);
  });

  const bad: [EventType, string, unknown[]][] = [
    ['SUBMIT_RETURN', 'performance', [undefined, '  ', 'x'.repeat(5001)]],
    ['SUBMIT_RETURN', 'measures', [null, 3, { victimsSupported: 3 }, { victimsSupported: { value: '3' } }]],
    ['RESUBMIT_RETURN', 'measures', [{ copeAndRecover: { value: 50, extra: 1 } }, { copeAndRecover: {} }]],
    ['SUBMIT_RETURN', 'spendPence', [undefined, -1, 0.5, '100']],
    ['SUBMIT_RETURN', 'underspendPence', [-1, 0.5, '100', null]],
    ['RESUBMIT_RETURN', 'underspendPence', [-100]],
    ['SUBMIT_RETURN', 'narrative', ['', 'x'.repeat(5001), null]],
    ['RESUBMIT_RETURN', 'spendPence', [-100]],
    ['QUERY_RETURN', 'reason', [undefined, '']],
    ['REDATE_RETURN', 'dueOn', [undefined, '30/09/2026']],
    ['REDATE_RETURN', 'reason', [undefined, '']],
    ['WAIVE_RETURN', 'reason', [undefined, '  ']],
    ['WITHDRAW_RETURN', 'reason', [undefined, '']],
    ['SUBMIT_RETURN', 'spendAboveAward', ['', 'x'.repeat(5001), null]],
  ];
  it.each(bad.flatMap(([type, field, values]) => values.map((v) => [type, field, v] as const)))(
    '%s refuses %s: %o',
    (type, field, value) => {
      const payload = { ...payloadOf(ev, type), [field]: value };
      expect(monitoringReturn.events[type].payload.safeParse(payload).success).toBe(false);
    },
  );

  it('takes no narrative, no victims, no spend and no underspend', () => {
    const schema = monitoringReturn.events.SUBMIT_RETURN.payload;
    const { narrative: _n, ...rest } = payloadOf(ev, 'SUBMIT_RETURN');
    const none = { ...rest, measures: counted(0, [0, 0, 0]), spendPence: 0 };
    expect(schema.safeParse(none).success).toBe(true);
    expect(send(reach('due'), { type: 'SUBMIT_RETURN', ...none })[0].value).toBe('submitted');
    for (const underspendPence of [0, 250_000])
      expect(schema.safeParse({ ...rest, underspendPence }).success).toBe(true);
    expect(
      send(reach('due'), { ...ev.SUBMIT_RETURN, underspendPence: 250_000 })[0].context.latestReturn,
    ).toEqual({ ...stored, underspendPence: 250_000 });
  });
});

describe("figures for the return's own measures", () => {
  const due = () => reach('due').context;
  it('a submission gives a figure for each measure, parts adding up; the guard reads the same rule', () => {
    const cases: [Record<string, unknown> | undefined, string[]][] = [
      [figures.measures, []],
      [undefined, ['measures.victimsSupported', 'measures.copeAndRecover']],
      [{ ...figures.measures, copeAndRecover: { value: 82.25 } }, ['measures.copeAndRecover']],
      [counted(120, [70, 30, 19]), ['measures.victimsSupported']],
      [{ ...figures.measures, peopleReached: { value: 3 } }, ['measures.peopleReached']],
    ];
    for (const [measures, fields] of cases) {
      const payload = { ...figures, measures } as Parameters<typeof checkFigures>[1];
      expect(
        checkFigures(due(), payload).map((p) => p.field),
        JSON.stringify(measures),
      ).toEqual(fields);
      for (const type of ['SUBMIT_RETURN'] as const)
        expect(send(reach('due'), { type, ...payload } as Event)[0].value).toBe(
          fields.length ? 'due' : 'submitted',
        );
      expect(send(reach('queried'), { type: 'RESUBMIT_RETURN', ...payload } as Event)[0].value).toBe(
        fields.length ? 'queried' : 'submitted',
      );
    }
    expect(monitoringReturn.events.RESUBMIT_RETURN.check).toBe(checkFigures);
  });

  it('a return whose programme has no measures asks for none, and takes none', () => {
    const [s] = start({ ...summerIn, programme: { ...programme, measures: [] } });
    expect(s.context.measures).toEqual([]);
    const { measures: _m, ...plain } = ev.SUBMIT_RETURN;
    expect(send(s, plain)[0].value).toBe('submitted');
    expect(send(s, ev.SUBMIT_RETURN)[0].value).toBe('due');
  });

  it("keeps the measures it was opened with, whatever its programme's are later", () => {
    const [s] = start();
    programme.measures?.push({ id: 'later', name: 'Later', unit: 'count', target: null, breakdowns: [] });
    try {
      expect(s.context.measures.map((m) => m.id)).toEqual(['victimsSupported', 'copeAndRecover']);
    } finally {
      programme.measures?.pop();
    }
  });
});

describe("persistence through the engine's persist and restore", () => {
  it.each(Object.keys(accepts))('%s survives a JSON round trip and takes every event as before', (state) => {
    const before = reach(state, winter);
    const restored = roundTrip(before);
    expect([restored.value, restored.context, restored.status]).toEqual([
      before.value,
      before.context,
      before.status,
    ]);
    for (const event of everyEvent) {
      expect(can(restored, event), `${state} ${event.type}`).toBe(can(before, event));
      if (!can(before, event)) continue;
      const [[a, aActions], [b, bActions]] = [send(restored, event), send(before, event)];
      expect([a.value, a.context]).toEqual([b.value, b.context]);
      expect(effectsOf(aActions)).toEqual(effectsOf(bActions));
    }
  });

  it('a late return restored at every step runs on to accepted', () => {
    let [s] = start(winter);
    for (const event of [
      ev.RETURN_DUE_SOON,
      ev.RETURN_OVERDUE,
      ev.SUBMIT_RETURN,
      ev.QUERY_RETURN,
      ev.RESUBMIT_RETURN,
      ev.ACCEPT_RETURN,
    ])
      [s] = send(roundTrip(s), event);
    expect(s.value).toBe('accepted');
    expect(s.context).toMatchObject({
      reminderSent: true,
      submittedLate: true,
      queries: ['Please recount victims'],
      holdsPayments: false,
    });
    expect(s.context.submissions).toHaveLength(2);
  });
});

describe('templates', () => {
  const data = {
    recipientName: 'Priya Provider',
    reference: 'MR-000012',
    title: 'Monitoring return',
    caseUrl: 'https://grants.test/cases/m',
    stateLabel: 'Return due',
    context: { ...summer, latestReturn: { performance: 'SECRET' }, queries: ['SECRET'] },
  };
  it.each(monitoringReturnMessages)(
    '%s starts with the reference, names the period and leaks nothing',
    (m) => {
      const template = monitoringReturnTemplates[m];
      const body = template.body(data).join('\n');
      expect(template.subject(data).startsWith('MR-000012: ')).toBe(true);
      expect(body).toContain('Monitoring return');
      expect(body).toContain('1 April 2026 to 30 June 2026');
      expect([template.subject(data), body].join('\n')).not.toMatch(/SECRET/);
      // Without dates in the context (as in the shared template test) the words still read.
      expect(template.body({ ...data, context: {} }).join('\n')).not.toMatch(
        /undefined|the date in your offer/,
      );
    },
  );

  it('the due date appears where a message is about it', () => {
    expect(monitoringReturnTemplates.returnDueSoon.subject(data)).toBe(
      'MR-000012: your monitoring return is due on 31 July 2026',
    );
    expect(monitoringReturnTemplates.returnOverdue.body(data)[0]).toContain('was due on 31 July 2026');
  });
});

describe('what lists call a return', () => {
  it('names its quarter of the financial year, or its period, and the day it is due', () => {
    const line = (c: object) =>
      monitoringReturn.summary({ ...summerIn, latestReturn: null, ...c } as never).title;
    expect(line({})).toBe('Quarter 1 return, 2026-27, due 31 July 2026');
    expect(line({ periodStart: '2027-01-01', periodEnd: '2027-03-31', dueOn: '2027-04-30' })).toBe(
      'Quarter 4 return, 2026-27, due 30 April 2027',
    );
    expect(line({ periodStart: '2026-04-15', periodEnd: '2026-06-30' })).toBe(
      'Monitoring return for 15 April 2026 to 30 June 2026, due 31 July 2026',
    );
  });
});

describe("an officer's work waiting", () => {
  it('holds returns submitted for the officer to accept or query, not those due or overdue, which they may re-date or waive at any time', () => {
    const officer = { userId: null, role: 'officer', organisationId: null } as unknown as Actor;
    const provider = { userId: null, role: 'provider', organisationId: null } as unknown as Actor;
    expect(statesWhereActorActs(monitoringReturn, officer)).toEqual(['submitted']);
    expect(statesWhereActorActs(monitoringReturn, provider)).toEqual(['due', 'late', 'queried']);
  });
});
