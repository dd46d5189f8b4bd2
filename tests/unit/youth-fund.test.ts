// The Youth Fund machine, pure: its definition and creation input, where its cap comes from, every
// transition, the offer and report timers, the guards, and what each state accepts. What the
// transitions emit (notifications, money) is in youth-fund-effects.test.ts.
import { describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import {
  OFFER_LAPSES_AFTER_MS,
  OFFER_REMINDER_AFTER_MS,
  REPORT_REMINDER_DAYS,
  YOUTH_FUND_DEFAULT_CAP_PENCE,
  type YouthFundContext,
  youthFund,
  youthFundMeasures,
  youthFundMessages,
} from '../../machines/youth-fund.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import {
  type Action,
  actorIdChanges,
  notify as n,
  notes,
  ofType,
  payloadOf,
  sentBy,
  words,
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
  happy,
  happyStates,
  lapse,
  machine,
  paid,
  programme,
  raises,
  reach,
  reminder,
  run,
  schedules,
  send,
  start,
  underProgramme,
  youthFundHarness,
} from '../helpers/youth-fund-machine.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('youth fund definition', () => {
  it('describes itself', () => {
    expect(youthFund).toMatchObject({ id: 'youth-fund', version: 4, referencePrefix: 'YF' });
    expect(youthFund.upgradeFrom?.version).toBe(3);
    // A version 3 case moves with the Youth Fund's measures to report on, and is otherwise as it was.
    const { measures: _none, ...v3 } = start()[0].context;
    expect(youthFund.upgradeFrom?.context?.(v3 as never)).toEqual(start()[0].context);
    const { measures: _m, ...reported } = reach('reportSubmitted').context;
    expect(youthFund.upgradeFrom?.context?.(reported as never)).toMatchObject({
      measures: youthFundMeasures,
      report: { summary: 'Ran 40 sessions' },
    });
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
    // The domain sends RECORD_PAYMENT once the award's payment case is paid; finance pays that case.
    ['system', 'RECORD_PAYMENT REPORT_DUE_SOON REPORT_OVERDUE'],
  ])('%s alone sends %s', (sender, types) => {
    for (const type of words(types)) expect(youthFund.events[type as EventType].sentBy).toEqual([sender]);
  });

  it('RECORD_PAYMENT reads as news of the payment, keeping its check', () => {
    expect(youthFund.events.RECORD_PAYMENT).toMatchObject({ label: 'Payment made', sentBy: ['system'] });
    expect(youthFund.events.RECORD_PAYMENT.check).toBeDefined();
    expect(youthFund.states.accepted.label).toBe('Offer accepted, awaiting payment');
  });

  it('youthFundMessages lists exactly the messages the machine can send', () => {
    const nodes = Object.values(machine.root.states) as AnyStateNode[];
    const declared = nodes
      .flatMap((node) => [...node.entry, ...[...node.transitions.values()].flat().flatMap((t) => t.actions)])
      .filter((a): a is Action => typeof a === 'object' && a !== null && (a as Action).type === 'notify')
      .map((a) => a.params.message as string);
    expect([...new Set(declared)].sort()).toEqual([...youthFundMessages].sort());
  });

  it("starts in draft with explicit nulls and the programme's cap, and keeps no other setting", () => {
    const [snapshot, actions] = start();
    expect(snapshot.value).toBe('draft');
    expect(actions).toEqual([]);
    expect(snapshot.context).toEqual({
      capPence: programme.maxAwardPence!,
      measures: [...youthFundMeasures],
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
      ownDeadline: null,
    } satisfies YouthFundContext);
    // Like the demo and test programmes, the same £5,000 as the machine's own default.
    expect(programme.maxAwardPence).toBe(500_000);
    expect(YOUTH_FUND_DEFAULT_CAP_PENCE).toBe(500_000);
  });

  it.each<[string, Parameters<typeof start>[0], number]>([
    ["the programme's maxAwardPence", underProgramme({ maxAwardPence: 250_000 }), 250_000],
    ['a programme cap above the default', underProgramme({ maxAwardPence: 750_000 }), 750_000],
    ['the default when the programme sets no cap', underProgramme({ maxAwardPence: null }), 500_000],
    ['the default with no programme (an engine without the domain layer)', {}, 500_000],
    [
      'capPence, which overrides the programme (for tests)',
      underProgramme({ maxAwardPence: 250_000 }, { capPence: 1_000 }),
      1_000,
    ],
    ['capPence with no programme', { capPence: 123_456 }, 123_456],
  ])('takes its cap from %s', (_name, input, cap) => {
    const [snapshot] = start({ ...input, title: 'Boxing' });
    expect(snapshot.context).toMatchObject({ title: 'Boxing', capPence: cap });
    // The cap is the limit SUBMIT is held to: the cap itself passes, a penny more does not.
    expect(can(snapshot, { ...ev.SUBMIT, amountRequestedPence: cap })).toBe(true);
    expect(can(snapshot, { ...ev.SUBMIT, amountRequestedPence: cap + 1 })).toBe(false);
  });

  it.each<[string, unknown, boolean, string?]>([
    ['a programme', { programmeId: programme.id }, true],
    ['a programme and a title', { programmeId: programme.id, title: 'Boxing' }, true],
    ['nothing', {}, false, 'programmeId'],
    ['a title without a programme', { title: 'Boxing' }, false, 'programmeId'],
    ['a programmeId that is not a uuid', { programmeId: 'youth-fund-2026' }, false, 'programmeId'],
    ['a cap, even with a programme', { programmeId: programme.id, capPence: 1 }, false, 'capPence'],
    ["the programme's settings", { programmeId: programme.id, programme }, false, 'programme'],
    ['a blank title', { programmeId: programme.id, title: '  ' }, false, 'title'],
  ])('creation input: %s → %s', (_name, input, ok, field) => {
    const parsed = youthFund.input.safeParse(input);
    expect(parsed.success).toBe(ok);
    if (ok) expect(parsed.data).toEqual(input);
    else {
      const named = parsed.error!.issues.flatMap((i) =>
        i.path.length ? i.path : ((i as { keys?: string[] }).keys ?? []),
      );
      expect(named).toContain(field);
    }
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
      ...payloadOf(ev, 'SUBMIT'),
      awardedPence: 300_000,
      reportDueOn: payloadOf(ev, 'APPROVE').reportDueOn,
      payment: payloadOf(ev, 'RECORD_PAYMENT'),
      report: payloadOf(ev, 'SUBMIT_REPORT'),
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

  it('an accepted offer waits for the payment, which the domain reports as the system', () => {
    const accepted = reach('accepted');
    expect(accepted.context.payment).toBeNull();
    const [s] = send(accepted, sentBy(ev.RECORD_PAYMENT, null));
    expect(s.value).toBe('reporting');
    expect(s.context.payment).toEqual(payloadOf(ev, 'RECORD_PAYMENT'));
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
    expect(s.context.report).toEqual(payloadOf(ev, 'SUBMIT_REPORT'));
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
    [
      'draft',
      { ...ev.SUBMIT, amountRequestedPence: 100_001 },
      underProgramme({ maxAwardPence: 100_000 }),
      null,
    ],
    [
      'draft',
      { ...ev.SUBMIT, amountRequestedPence: 100_000 },
      underProgramme({ maxAwardPence: 100_000 }),
      'submitted',
    ],
    [
      'draft',
      { ...ev.SUBMIT, amountRequestedPence: 150_000 },
      underProgramme({ maxAwardPence: 100_000 }, { capPence: 200_000 }),
      'submitted',
    ],
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

  it('the actorId the engine adds to every event changes nothing', () => {
    const snapshots = Object.keys(accepts).map((state) => reach(state));
    expect(actorIdChanges(youthFundHarness, snapshots, everyEvent)).toEqual([]);
  });
});
