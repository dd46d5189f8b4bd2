// One payment of an award's schedule, pure: opened by the domain (never by a person), held and
// released with the award's monitoring returns, varied when the award is re-profiled, approved by
// finance — never by whoever scheduled or varied it — paid on a day that has come and not before its
// approval, possibly returned (clawback), and its paid date or reference corrected with a reason.
import { describe, expect, it } from 'vitest';
import { paymentTemplates } from '../../machines/mail/payment.ts';
import {
  checkCorrection,
  checkPaid,
  checkReturn,
  type PaymentContext,
  type PaymentEvent,
  paidSoFar,
  payment,
  paymentMessages,
  refusesApproval,
} from '../../machines/payment.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import {
  type Action,
  type EventOf,
  effectsOf,
  handledEffects,
  harness,
  notify as n,
  notes,
  notifyMessages,
  payloadOf,
  sentBy,
} from '../helpers/machine-harness.ts';

type Event = EventOf<typeof payment>;
type EventType = PaymentEvent['type'];

const AWARD_CASE_ID = '8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f';
// Finance users: who signed the agreement (and so scheduled the payment), who varied it, and a third.
const SCHEDULER = '1a2b3c4d-0000-4000-8000-000000000001';
const VARIER = '1a2b3c4d-0000-4000-8000-000000000002';
const APPROVER = '1a2b3c4d-0000-4000-8000-000000000003';
const ANOTHER = '1a2b3c4d-0000-4000-8000-000000000004';

const input = {
  awardCaseId: AWARD_CASE_ID,
  instalment: 2,
  dueOn: '2026-07-01',
  amountPence: 1_000_000,
  scheduledBy: SCHEDULER,
};
// The events as the engine gives them to the machine: with the sender's id, null for the system.
const ev = {
  HOLD: { type: 'HOLD', actorId: null },
  RELEASE: { type: 'RELEASE', actorId: null },
  VARY: { type: 'VARY', amountPence: 1_200_000, dueOn: '2026-08-01', variedBy: VARIER, actorId: null },
  SUPERSEDE: { type: 'SUPERSEDE', actorId: null },
  RESCHEDULE: { type: 'RESCHEDULE', dueOn: '2026-07-15', reason: 'Finance run moved', actorId: VARIER },
  APPROVE: { type: 'APPROVE', actorId: APPROVER, today: '2026-07-01' },
  MARK_PAID: {
    type: 'MARK_PAID',
    paidOn: '2026-07-02',
    reference: 'BACS-2026-0042',
    actorId: APPROVER,
    today: '2026-07-03',
  },
  RECORD_RETURN: {
    type: 'RECORD_RETURN',
    amountPence: 400_000,
    receivedOn: '2026-09-30',
    reference: 'REPAY-7',
    reason: 'Underspend returned',
    actorId: APPROVER,
  },
  CORRECT_PAYMENT: {
    type: 'CORRECT_PAYMENT',
    paidOn: '2026-07-03',
    reference: 'BACS-2026-0043',
    reason: 'The bank run went a day late',
    actorId: ANOTHER,
    today: '2026-10-01',
  },
  CANCEL: { type: 'CANCEL', reason: 'Provider ceased trading', actorId: APPROVER },
} as const satisfies { [K in EventType]: PaymentEvent & { type: K } };
const allEvents = Object.keys(ev) as EventType[];
const everyEvent: Event[] = Object.values(ev);
/** The payload a client sends: the event without its type and without the actorId the engine adds. */
const payload = (type: EventType) => {
  const { actorId: _a, today: _t, ...rest } = payloadOf(ev, type) as Record<string, unknown>;
  return rest;
};

const h = harness(payment, input);
const { machine, start, send, run, runFrom, can, roundTrip } = h;

const pathTo: Record<string, Event[]> = {
  scheduled: [],
  held: [ev.HOLD],
  approved: [ev.APPROVE],
  paid: [ev.APPROVE, ev.MARK_PAID],
  returned: [ev.APPROVE, ev.MARK_PAID, ev.RECORD_RETURN],
  cancelled: [ev.CANCEL],
};
const reach = (state: string) => run(pathTo[state]!)[0];
const finals = ['cancelled'];
const open = ['scheduled', 'held', 'approved'];
const accepts: Record<string, string[]> = {
  scheduled: ['HOLD', 'APPROVE', 'VARY', 'RESCHEDULE', 'SUPERSEDE', 'CANCEL'],
  held: ['RELEASE', 'VARY', 'RESCHEDULE', 'SUPERSEDE', 'CANCEL'],
  approved: ['HOLD', 'MARK_PAID', 'VARY', 'RESCHEDULE', 'SUPERSEDE', 'CANCEL'],
  paid: ['RECORD_RETURN', 'CORRECT_PAYMENT'],
  returned: ['CORRECT_PAYMENT'],
  cancelled: [],
};

const made = { type: 'paymentMade', params: {} };
const returned = { type: 'paymentReturned', params: {} };
const cancelled = { type: 'paymentCancelled', params: {} };
const corrected = { type: 'paymentCorrected', params: {} };
const rescheduled = { type: 'paymentRescheduled', params: {} };
const correctedNote = n('paymentCorrected', 'owner');
const approvedNote = n('paymentApproved', 'finance');
const madeNote = n('paymentMade', 'owner', 'officer');

describe('payment definition', () => {
  it('describes itself and registers', () => {
    expect(payment).toMatchObject({ id: 'award-payment', version: 3, referencePrefix: 'PAY' });
    expect(payment.upgradeFrom.version).toBe(2);
    // Only the domain opens payments, when an agreement is signed or an award re-profiled.
    expect(payment.createdBy).toEqual([]);
    expect(payment.ownerKinds).toEqual(['provider', 'partner', 'communitySafetyPartnership', 'commissioner']);
    expect(new MachineRegistry([payment]).latest('award-payment')).toBe(payment);
    expect(Object.keys(payment.states).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(accepts).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(payment.events).sort()).toEqual([...allEvents].sort());
    expect([...machine.events].filter((e) => !e.startsWith('xstate.')).sort()).toEqual([...allEvents].sort());
    for (const state of finals) expect(machine.root.states[state]?.type).toBe('final');
    expect(machine.root.states.paid?.type).not.toBe('final');
  });

  it.each([
    [['system'], 'HOLD RELEASE VARY SUPERSEDE'],
    [['finance'], 'RESCHEDULE APPROVE MARK_PAID RECORD_RETURN CORRECT_PAYMENT'],
    [['finance', 'officer'], 'CANCEL'],
  ])('%o alone send %s', (senders, types) => {
    for (const type of types.split(' ')) expect(payment.events[type as EventType].sentBy).toEqual(senders);
  });

  it('APPROVE is refused by refusesApproval; RECORD_RETURN, MARK_PAID and CORRECT_PAYMENT are checked; nothing else', () => {
    expect(payment.events.APPROVE.refuses).toBe(refusesApproval);
    expect(payment.events.RECORD_RETURN.check).toBe(checkReturn);
    expect(payment.events.MARK_PAID.check).toBe(checkPaid);
    expect(payment.events.CORRECT_PAYMENT.check).toBe(checkCorrection);
    const checked = ['APPROVE', 'RECORD_RETURN', 'MARK_PAID', 'CORRECT_PAYMENT'];
    const others = allEvents.filter((t) => !checked.includes(t));
    for (const type of others) {
      const spec = payment.events[type] as { refuses?: unknown; check?: unknown };
      expect([type, spec.refuses, spec.check]).toEqual([type, undefined, undefined]);
    }
  });

  it('lists exactly the messages it can send, each with a template that names no amount', () => {
    expect([...new Set(notifyMessages(machine))].sort()).toEqual([...paymentMessages].sort());
    expect(Object.keys(paymentTemplates).sort()).toEqual([...paymentMessages].sort());
    const data = {
      recipientName: 'P',
      reference: 'PAY-000009',
      title: 'Payment 2 of ISVA service',
      caseUrl: 'u',
      stateLabel: 's',
      context: { ...reach('paid').context },
    };
    for (const template of Object.values(paymentTemplates)) {
      expect(template.subject(data).startsWith('PAY-000009')).toBe(true);
      const text = [template.subject(data), ...template.body(data)].join('\n');
      expect(text).not.toMatch(/£|10,000|1000000|BACS/);
    }
  });

  it('starts scheduled with the input copied, nobody yet varying or approving, and no actions', () => {
    const [s, actions] = start();
    expect(s.value).toBe('scheduled');
    expect(actions).toEqual([]);
    expect(s.context).toEqual({
      ...input,
      variedBy: [],
      approvedBy: null,
      approvedOn: null,
      paid: null,
      parts: [],
      corrections: [],
      returned: null,
      cancelReason: null,
    } satisfies PaymentContext);
    expect(start({ ...input, scheduledBy: null })[0].context.scheduledBy).toBeNull();
  });

  it.each<[object, boolean]>([
    [{}, true],
    [{ scheduledBy: null }, true],
    [{ instalment: 1000 }, true],
    [{ amountPence: 1 }, true],
    [{ awardCaseId: 'award-1' }, false],
    [{ instalment: 0 }, false],
    [{ instalment: 1.5 }, false],
    [{ instalment: 1001 }, false],
    [{ dueOn: '2026-02-30' }, false],
    [{ dueOn: '1999-12-31' }, false],
    [{ amountPence: 0 }, false],
    [{ amountPence: 10.5 }, false],
    [{ scheduledBy: 'finance' }, false],
    [{ scheduledBy: undefined }, false],
    [{ extra: 1 }, false],
  ])('creation input with %o valid: %s', (change, ok) => {
    expect(payment.input.safeParse({ ...input, ...change }).success).toBe(ok);
  });
});

describe('transitions, with what each tells people and asks the domain to do', () => {
  // [from, event, to, told, effects other than notify, in order]
  it.each<[string, Event, string, object[], Action[]]>([
    ['scheduled', ev.HOLD, 'held', [], []],
    ['scheduled', ev.APPROVE, 'approved', [approvedNote], []],
    ['scheduled', ev.VARY, 'scheduled', [], []],
    ['scheduled', ev.RESCHEDULE, 'scheduled', [], [rescheduled]],
    ['scheduled', ev.SUPERSEDE, 'cancelled', [], []],
    ['scheduled', ev.CANCEL, 'cancelled', [], [cancelled]],
    ['held', ev.RELEASE, 'scheduled', [], []],
    ['held', ev.VARY, 'held', [], []],
    ['held', ev.RESCHEDULE, 'held', [], [rescheduled]],
    ['held', ev.SUPERSEDE, 'cancelled', [], []],
    ['held', ev.CANCEL, 'cancelled', [], [cancelled]],
    ['approved', ev.HOLD, 'held', [], []],
    ['approved', ev.MARK_PAID, 'paid', [madeNote], [made]],
    ['approved', ev.VARY, 'scheduled', [], []],
    ['approved', ev.RESCHEDULE, 'scheduled', [], [rescheduled]],
    ['approved', ev.SUPERSEDE, 'cancelled', [], []],
    ['approved', ev.CANCEL, 'cancelled', [], [cancelled]],
    ['paid', ev.RECORD_RETURN, 'returned', [], [returned]],
    ['paid', ev.CORRECT_PAYMENT, 'paid', [correctedNote], [corrected]],
    ['returned', ev.CORRECT_PAYMENT, 'returned', [correctedNote], [corrected]],
  ])('%s —%o→ %s, telling %o and asking %o', (from, event, to, told, asked) => {
    const [after, actions] = send(reach(from), event);
    expect(after.value).toBe(to);
    expect(after.status).toBe(finals.includes(to) ? 'done' : 'active');
    expect(notes(actions)).toEqual(told);
    const effects = effectsOf(actions);
    expect(effects.filter((e) => e.type !== 'notify')).toEqual(asked);
    // The ledger first, then what people are told; every effect has an engine handler, no timers.
    expect(effects.map((e) => e.type)).toEqual([...asked.map((a) => a.type), ...told.map(() => 'notify')]);
    const interpreted = interpretActions(actions, new Date());
    expect(interpreted.timerOps).toEqual([]);
    for (const effect of interpreted.effects) expect(handledEffects).toContain(effect.type);
  });
});

describe('what each state accepts', () => {
  it.each(Object.entries(accepts))('%s takes exactly %o and refuses the rest unchanged', (state, ok) => {
    const before = reach(state);
    expect(before.value).toBe(state);
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

describe('held and released', () => {
  it('HOLD and RELEASE move it between scheduled and held and change nothing else', () => {
    const scheduled = reach('scheduled');
    const [held, holding] = send(scheduled, ev.HOLD);
    expect([held.value, held.context, effectsOf(holding)]).toEqual(['held', scheduled.context, []]);
    const [released, releasing] = send(held, ev.RELEASE);
    expect([released.value, released.context, effectsOf(releasing)]).toEqual([
      'scheduled',
      scheduled.context,
      [],
    ]);
  });

  it('a held payment can be neither approved nor paid', () => {
    const held = reach('held');
    for (const event of [ev.APPROVE, ev.MARK_PAID]) expect(can(held, event)).toBe(false);
  });

  it('holding an approved payment sends it back for approval when released', () => {
    const [s] = runFrom(reach('approved'), [ev.HOLD, ev.RELEASE]);
    expect(s.value).toBe('scheduled');
    expect(can(s, ev.MARK_PAID)).toBe(false);
    expect(can(s, ev.APPROVE)).toBe(true);
  });
});

describe('varied by the domain when the award is re-profiled', () => {
  it.each(open)(
    'VARY in %s sets the amount and date, records who varied it and clears any approval',
    (state) => {
      const [s, actions] = send(reach(state), ev.VARY);
      expect(s.value).toBe(state === 'approved' ? 'scheduled' : state);
      expect(s.context).toMatchObject({
        amountPence: 1_200_000,
        dueOn: '2026-08-01',
        variedBy: [VARIER],
        approvedBy: null,
      });
      expect(effectsOf(actions)).toEqual([]);
    },
  );

  it('VARY that changes nothing is refused; changing either the amount or the date is enough', () => {
    const scheduled = reach('scheduled');
    const same = { ...ev.VARY, amountPence: input.amountPence, dueOn: input.dueOn };
    expect(can(scheduled, same)).toBe(false);
    expect(send(scheduled, same)[0]).toBe(scheduled);
    expect(can(scheduled, { ...same, amountPence: 999_999 })).toBe(true);
    expect(can(scheduled, { ...same, dueOn: '2026-07-02' })).toBe(true);
    // An approved payment re-profiled to what it already is stays approved.
    expect(can(reach('approved'), same)).toBe(false);
  });

  it('records each person who varied it once, and nobody for a re-profile the system made alone', () => {
    const [s] = run([
      ev.VARY,
      { ...ev.VARY, amountPence: 1_100_000 },
      { ...ev.VARY, amountPence: 1_050_000, variedBy: SCHEDULER },
      { ...ev.VARY, amountPence: 1_000_000, variedBy: null },
    ]);
    expect(s.context.variedBy).toEqual([VARIER, SCHEDULER]);
    expect(s.context.amountPence).toBe(1_000_000);
  });
});

describe('rescheduled by finance', () => {
  it.each(open)(
    'RESCHEDULE in %s moves the date, records the finance user and clears any approval',
    (state) => {
      const before = reach(state);
      const [s, actions] = send(before, ev.RESCHEDULE);
      expect(s.value).toBe(state === 'approved' ? 'scheduled' : state);
      expect(s.context).toEqual({
        ...before.context,
        dueOn: '2026-07-15',
        variedBy: [VARIER],
        approvedBy: null,
        approvedOn: null,
      });
      // The domain moves its money if the new day is in another financial year.
      expect(effectsOf(actions)).toEqual([rescheduled]);
    },
  );

  it('records each finance user once, whether they rescheduled or varied it', () => {
    const [s] = run([ev.VARY, ev.RESCHEDULE, sentBy(ev.RESCHEDULE, APPROVER)]);
    expect(s.context.variedBy).toEqual([VARIER, APPROVER]);
  });

  it('a reschedule with no actor (not one the engine sends) records nobody', () => {
    const { actorId: _a, ...anonymous } = ev.RESCHEDULE;
    expect(send(reach('scheduled'), anonymous)[0].context.variedBy).toEqual([]);
  });
});

describe('approval: separation of duties', () => {
  it('another finance user approves: recorded, and finance is told', () => {
    const [s, actions] = send(reach('scheduled'), ev.APPROVE);
    expect([s.value, s.context.approvedBy]).toEqual(['approved', APPROVER]);
    expect(effectsOf(actions)).toEqual([{ type: 'notify', params: approvedNote }]);
  });

  it.each<[string, Event[], string]>([
    ['scheduled it', [], SCHEDULER],
    ['varied it', [ev.VARY], VARIER],
    ['rescheduled it', [ev.RESCHEDULE], VARIER],
    ['rescheduled it after it was approved', [ev.APPROVE, ev.RESCHEDULE], VARIER],
  ])('whoever %s may not approve it: the guard refuses, the case is unchanged', (_name, events, actorId) => {
    const [before] = run(events);
    const approve = sentBy(ev.APPROVE, actorId);
    expect(can(before, approve)).toBe(false);
    const [after, actions] = send(before, approve);
    expect([after, actions]).toEqual([before, []]);
    // Anyone else may.
    expect(can(before, ev.APPROVE)).toBe(true);
  });

  it('refusesApproval gives the reason the engine answers 403 with, or null', () => {
    const scheduled = reach('scheduled').context;
    const varied = run([ev.VARY])[0].context;
    expect(refusesApproval(scheduled, SCHEDULER)).toBe(
      'You scheduled this payment, so another member of finance must approve it.',
    );
    expect(refusesApproval(varied, VARIER)).toBe(
      'You varied this payment, so another member of finance must approve it.',
    );
    expect(refusesApproval(scheduled, VARIER)).toBeNull();
    expect(refusesApproval(varied, APPROVER)).toBeNull();
    expect(refusesApproval(scheduled, null)).toBeNull();
    // A schedule the system made alone (no one signed it) refuses nobody.
    expect(refusesApproval({ ...scheduled, scheduledBy: null }, APPROVER)).toBeNull();
  });

  it('the machine and refusesApproval agree for every actor', () => {
    const [varied] = run([ev.VARY]);
    for (const actorId of [SCHEDULER, VARIER, APPROVER, null])
      expect(can(varied, sentBy(ev.APPROVE, actorId)), String(actorId)).toBe(
        refusesApproval(varied.context, actorId) === null,
      );
  });
});

describe('paid, returned, cancelled', () => {
  it("MARK_PAID records the finance system's reference, asks for the ledger's payment row and tells the provider and officers", () => {
    const [s, actions] = send(reach('approved'), ev.MARK_PAID);
    expect(s.value).toBe('paid');
    expect(s.context.paid).toEqual({ paidOn: '2026-07-02', reference: 'BACS-2026-0042' });
    expect(effectsOf(actions)).toEqual([made, { type: 'notify', params: madeNote }]);
  });

  it('an unapproved payment cannot be marked paid', () => {
    expect(can(reach('scheduled'), ev.MARK_PAID)).toBe(false);
  });

  it.each<[string, object, boolean]>([
    ['part of it', {}, true],
    ['all of it', { amountPence: 1_000_000 }, true],
    ['on the day it was paid', { receivedOn: '2026-07-02' }, true],
    ['more than was paid', { amountPence: 1_000_001 }, false],
    ['before it was paid', { receivedOn: '2026-07-01' }, false],
  ])('RECORD_RETURN of %s is allowed: %s', (_name, change, ok) => {
    const before = reach('paid');
    const event = { ...ev.RECORD_RETURN, ...change };
    expect(can(before, event)).toBe(ok);
    const [after, actions] = send(before, event);
    if (!ok) {
      expect([after, actions]).toEqual([before, []]);
      return;
    }
    expect(after.value).toBe('returned');
    const { type: _t, actorId: _a, ...recorded } = event;
    expect(after.context.returned).toEqual(recorded);
    expect(effectsOf(actions)).toEqual([returned]);
  });

  it('checkReturn names the field and the limit', () => {
    const paid = reach('paid').context;
    const p = payload('RECORD_RETURN') as Parameters<typeof checkReturn>[1];
    expect(checkReturn(paid, p)).toEqual([]);
    expect(checkReturn(paid, { ...p, amountPence: 1_000_001, receivedOn: '2026-06-30' })).toEqual([
      { field: 'amountPence', message: 'No more than the £10,000.00 paid can come back' },
      {
        field: 'receivedOn',
        message: 'Enter the day the money came back: not before it was paid, on 2 July 2026',
      },
    ]);
  });

  it.each(open)('CANCEL in %s records the reason and asks the domain to release its commitment', (state) => {
    const [s, actions] = send(reach(state), ev.CANCEL);
    expect([s.value, s.status, s.context.cancelReason]).toEqual([
      'cancelled',
      'done',
      'Provider ceased trading',
    ]);
    expect(effectsOf(actions)).toEqual([cancelled]);
  });

  it.each(open)(
    'SUPERSEDE in %s cancels it with no effect at all: the re-profile moved the money',
    (state) => {
      const before = reach(state);
      const [s, actions] = send(before, ev.SUPERSEDE);
      expect([s.value, s.status, s.context]).toEqual(['cancelled', 'done', before.context]);
      expect(effectsOf(actions)).toEqual([]);
    },
  );

  it.each(finals)('%s is final: it takes nothing more', (state) => {
    const s = reach(state);
    expect(s.status).toBe('done');
    for (const event of everyEvent) expect(can(s, event), `${state} ${event.type}`).toBe(false);
  });

  it('a paid payment cannot be cancelled, varied, held or superseded: only money returned or a correction changes it', () => {
    const paid = reach('paid');
    for (const event of [ev.CANCEL, ev.VARY, ev.HOLD, ev.SUPERSEDE, ev.RESCHEDULE])
      expect(can(paid, event), event.type).toBe(false);
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its example and refuses extra fields', (type) => {
    const schema = payment.events[type].payload;
    expect(schema.safeParse(payload(type)).success).toBe(true);
    expect(schema.safeParse({ ...payload(type), type }).success).toBe(false);
    expect(schema.safeParse({ ...payload(type), extra: 1 }).success).toBe(false);
    // Who acts comes from the engine, never from the client.
    expect(schema.safeParse({ ...payload(type), actorId: APPROVER }).success).toBe(false);
  });

  const bad: [EventType, string, unknown[]][] = [
    ['VARY', 'amountPence', [0, -1, 1.5, '100', undefined]],
    ['VARY', 'dueOn', ['2026-02-30', '01/08/2026', undefined]],
    ['VARY', 'variedBy', ['finance', undefined]],
    ['RESCHEDULE', 'dueOn', ['2026-13-01', undefined]],
    ['RESCHEDULE', 'reason', ['', '  ', undefined]],
    ['MARK_PAID', 'paidOn', ['2026-07-02T10:00:00Z', undefined]],
    ['MARK_PAID', 'reference', ['', 'x'.repeat(101), undefined]],
    ['RECORD_RETURN', 'amountPence', [0, 0.5, undefined]],
    ['RECORD_RETURN', 'receivedOn', ['30/09/2026']],
    ['RECORD_RETURN', 'reference', ['x'.repeat(101)]],
    ['RECORD_RETURN', 'reason', ['']],
    ['CANCEL', 'reason', [undefined, ' ']],
  ];
  it.each(bad.flatMap(([type, field, values]) => values.map((v) => [type, field, v] as const)))(
    '%s refuses %s: %o',
    (type, field, value) => {
      const body = { ...payload(type), [field]: value };
      expect(payment.events[type].payload.safeParse(body).success).toBe(false);
    },
  );

  it('VARY takes a null variedBy: a re-profile no person made', () => {
    expect(payment.events.VARY.payload.safeParse({ ...payload('VARY'), variedBy: null }).success).toBe(true);
  });
});

describe("persistence through the engine's persist and restore", () => {
  it.each(Object.keys(accepts))('%s survives a JSON round trip and takes every event as before', (state) => {
    const before = reach(state);
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
      expect([a.value, a.context, effectsOf(aActions)]).toEqual([b.value, b.context, effectsOf(bActions)]);
    }
  });

  it('a payment restored at every step is held, varied, released, rescheduled, approved, paid and returned', () => {
    let [s] = start();
    for (const event of [
      ev.HOLD,
      ev.VARY,
      ev.RELEASE,
      sentBy(ev.RESCHEDULE, APPROVER),
      sentBy(ev.APPROVE, APPROVER),
      sentBy(ev.APPROVE, SCHEDULER),
      sentBy(ev.APPROVE, ANOTHER),
      ev.MARK_PAID,
      ev.RECORD_RETURN,
    ]) {
      // Whoever touched it is refused (its rescheduler, its scheduler), after a round trip too.
      const refused = event.type === 'APPROVE' && (event.actorId as string | null) !== ANOTHER;
      const restored = roundTrip(s);
      expect(can(restored, event), `${event.type} ${String(event.actorId)}`).toBe(!refused);
      [s] = send(restored, event);
    }
    expect([s.value, s.status]).toEqual(['returned', 'active']);
    expect(s.context).toMatchObject({
      amountPence: 1_200_000,
      dueOn: '2026-07-15',
      variedBy: [VARIER, APPROVER],
      approvedBy: ANOTHER,
      paid: { paidOn: '2026-07-02', reference: 'BACS-2026-0042' },
      returned: {
        amountPence: 400_000,
        receivedOn: '2026-09-30',
        reference: 'REPAY-7',
        reason: 'Underspend returned',
      },
    });
  });
});

describe('the paid date is a fact', () => {
  const approved = () => reach('approved');

  it('APPROVE records the day it was approved; holding the payment clears it with the approval', () => {
    expect(approved().context).toMatchObject({ approvedBy: APPROVER, approvedOn: '2026-07-01' });
    const [held] = send(approved(), ev.HOLD);
    expect(held.context).toMatchObject({ approvedBy: null, approvedOn: null });
  });

  it.each<[string, object, string | null]>([
    ['today', { paidOn: '2026-07-03' }, null],
    ['the day it was approved', { paidOn: '2026-07-01' }, null],
    [
      'tomorrow',
      { paidOn: '2026-07-04' },
      'Enter the day the payment was made: it cannot be after today (3 July 2026)',
    ],
    [
      'before it was approved',
      { paidOn: '2026-06-30' },
      'The payment was approved on 1 July 2026, so it cannot have been paid before then',
    ],
  ])('MARK_PAID paid %s: %s', (_name, change, problem) => {
    const event = { ...ev.MARK_PAID, ...change };
    const { type: _t, actorId: _a, today, ...p } = event;
    expect(checkPaid(approved().context, p, { today })).toEqual(
      problem ? [{ field: 'paidOn', message: problem }] : [],
    );
    // The machine's guard and the engine's check are one function.
    expect(can(approved(), event)).toBe(problem === null);
  });

  it('a payment approved before approval days were kept (approvedOn null) is judged only against today', () => {
    const context = { ...approved().context, approvedOn: null };
    expect(checkPaid(context, { paidOn: '2020-01-01', reference: 'R' }, { today: '2026-07-03' })).toEqual([]);
  });
});

describe('correcting the paid date or reference', () => {
  it('keeps what was first recorded, with the reason and the day, and asks the ledger to reverse and re-enter', () => {
    const [s, actions] = send(reach('paid'), ev.CORRECT_PAYMENT);
    expect(s.value).toBe('paid');
    expect(s.context.paid).toEqual({ paidOn: '2026-07-03', reference: 'BACS-2026-0043' });
    expect(s.context.corrections).toEqual([
      {
        paidOn: '2026-07-02',
        reference: 'BACS-2026-0042',
        reason: 'The bank run went a day late',
        correctedOn: '2026-10-01',
      },
    ]);
    expect(effectsOf(actions)).toEqual([corrected, { type: 'notify', params: correctedNote }]);
    // A second correction keeps the first.
    const [again] = send(s, { ...ev.CORRECT_PAYMENT, reference: 'BACS-2026-0044', reason: 'Typing slip' });
    expect(again.context.corrections.map((c) => c.reference)).toEqual(['BACS-2026-0042', 'BACS-2026-0043']);
    expect(again.context.paid).toEqual({ paidOn: '2026-07-03', reference: 'BACS-2026-0044' });
  });

  it.each<[string, object, string | null]>([
    ['only the reference', { paidOn: '2026-07-02' }, null],
    ['only the date', { reference: 'BACS-2026-0042' }, null],
    [
      'nothing',
      { paidOn: '2026-07-02', reference: 'BACS-2026-0042' },
      'Change the paid date or the reference: these are what is recorded already',
    ],
    [
      'to a day not yet come',
      { paidOn: '2026-10-02' },
      'Enter the day the payment was made: it cannot be after today (1 October 2026)',
    ],
    [
      'to before its approval',
      { paidOn: '2026-06-30' },
      'The payment was approved on 1 July 2026, so it cannot have been paid before then',
    ],
  ])('CORRECT_PAYMENT changing %s: %s', (_name, change, problem) => {
    const paid = reach('paid');
    const event = { ...ev.CORRECT_PAYMENT, ...change };
    const { type: _t, actorId: _a, today, ...p } = event;
    expect(checkCorrection(paid.context, p, { today })).toEqual(
      problem ? [{ field: 'paidOn', message: problem }] : [],
    );
    expect(can(paid, event)).toBe(problem === null);
  });

  it('after money came back, the paid date stays no later than the day it came back', () => {
    const returned = reach('returned');
    const late = { ...ev.CORRECT_PAYMENT, paidOn: '2026-10-01' };
    expect(can(returned, late)).toBe(false);
    expect(
      checkCorrection(returned.context, { ...payload('CORRECT_PAYMENT'), paidOn: '2026-10-01' } as never),
    ).toEqual([
      { field: 'paidOn', message: 'Money came back on 30 September 2026, so it was paid no later than that' },
    ]);
    expect(can(returned, ev.CORRECT_PAYMENT)).toBe(true);
  });

  it('a payment not yet paid or cancelled cannot be corrected', () => {
    for (const state of [...open, 'cancelled'])
      expect(can(reach(state), ev.CORRECT_PAYMENT), state).toBe(false);
  });

  it('version-2 payments move with what was paid as one part of their amount', () => {
    const { parts: _p, ...paid } = reach('paid').context;
    expect(payment.upgradeFrom.context(paid)).toEqual({
      ...paid,
      parts: [{ amountPence: 1_000_000, paidOn: '2026-07-02', reference: 'BACS-2026-0042' }],
    });
    const { parts: _q, ...unpaid } = reach('approved').context;
    expect(payment.upgradeFrom.context(unpaid)).toEqual({ ...unpaid, parts: [] });
  });
});

describe('paid in part', () => {
  const part = { ...ev.MARK_PAID, amountPence: 400_000, reference: 'BACS-PART-1' };
  const partPaid = () => send(reach('approved'), part)[0];

  it('records the part, writes its ledger row and tells people, and stays approved for the rest', () => {
    const [s, actions] = send(reach('approved'), part);
    expect(s.value).toBe('approved');
    expect(
      payment.events.MARK_PAID.payload.safeParse({ paidOn: '2026-07-02', reference: 'R', amountPence: 0 })
        .success,
    ).toBe(false);
    expect(s.context).toMatchObject({
      amountPence: 1_000_000,
      paid: null,
      parts: [{ amountPence: 400_000, paidOn: '2026-07-02', reference: 'BACS-PART-1' }],
      approvedBy: APPROVER,
    });
    expect(paidSoFar(s.context)).toBe(400_000);
    expect(effectsOf(actions)).toEqual([made, { type: 'notify', params: madeNote }]);
  });

  it('the rest paid (no amount given: all that is still to pay) makes it paid, with both parts kept', () => {
    const [s] = send(partPaid(), { ...ev.MARK_PAID, paidOn: '2026-07-03', reference: 'BACS-PART-2' });
    expect(s.value).toBe('paid');
    expect(s.context.parts.map((p) => p.amountPence)).toEqual([400_000, 600_000]);
    expect(s.context.paid).toEqual({ paidOn: '2026-07-03', reference: 'BACS-PART-2' });
    // The rest given as an amount is the same.
    expect(send(partPaid(), { ...ev.MARK_PAID, amountPence: 600_000 })[0].value).toBe('paid');
  });

  it('refuses more than is still to pay, naming the field and what is left', () => {
    const context = partPaid().context;
    const p = { paidOn: '2026-07-02', reference: 'R', amountPence: 600_001 };
    expect(checkPaid(context, p, { today: '2026-07-03' })).toEqual([
      { field: 'amountPence', message: 'No more than the £6,000.00 still to pay' },
    ]);
    expect(can(partPaid(), { ...ev.MARK_PAID, amountPence: 600_001 })).toBe(false);
    expect(can(reach('approved'), { ...ev.MARK_PAID, amountPence: 1_000_001 })).toBe(false);
  });

  it('refuses a reference already recorded for it: the same transaction twice would pay twice', () => {
    const again = { ...ev.MARK_PAID, amountPence: 100_000, reference: 'BACS-PART-1' };
    expect(can(partPaid(), again)).toBe(false);
    expect(checkPaid(partPaid().context, again, { today: '2026-07-03' })).toEqual([
      {
        field: 'reference',
        message: 'BACS-PART-1 is already recorded for this payment (£4,000.00 paid on 2 July 2026)',
      },
    ]);
  });

  it('reads in a line as what was paid of it, its amount what is still to pay', () => {
    expect(payment.summary(partPaid().context)).toEqual({
      title: 'Payment 2, due 1 July 2026: £4,000.00 of £10,000.00 paid',
      amountPence: 600_000,
    });
    expect(payment.summary(reach('paid').context)).toEqual({
      title: 'Payment 2, due 1 July 2026',
      amountPence: 1_000_000,
    });
  });

  it('holds and approvals still apply to the rest: a hold asks for approval again', () => {
    const [held] = send(partPaid(), ev.HOLD);
    expect([held.value, held.context.approvedBy, paidSoFar(held.context)]).toEqual(['held', null, 400_000]);
    expect(can(held, ev.MARK_PAID)).toBe(false);
    const [s] = runFrom(held, [ev.RELEASE, sentBy(ev.APPROVE, ANOTHER), ev.MARK_PAID]);
    expect(s.value).toBe('paid');
    expect(paidSoFar(s.context)).toBe(1_000_000);
  });

  it('a re-profile never goes below what was paid; to exactly that it is paid, for that', () => {
    const before = partPaid();
    expect(can(before, { ...ev.VARY, amountPence: 399_999 })).toBe(false);
    const [settled, actions] = send(before, {
      ...ev.VARY,
      amountPence: 400_000,
      dueOn: before.context.dueOn,
    });
    expect(settled.value).toBe('paid');
    expect(settled.context).toMatchObject({
      amountPence: 400_000,
      paid: { paidOn: '2026-07-02', reference: 'BACS-PART-1' },
    });
    expect(effectsOf(actions)).toEqual([]);
    const [more] = send(before, { ...ev.VARY, amountPence: 1_200_000 });
    expect([more.value, more.context.amountPence, more.context.approvedBy]).toEqual([
      'scheduled',
      1_200_000,
      null,
    ]);
  });

  it('cancelling the rest keeps what was paid: it is paid, for that, and the rest is released', () => {
    const [s, actions] = send(partPaid(), ev.CANCEL);
    expect(s.value).toBe('paid');
    expect(s.context).toMatchObject({ amountPence: 400_000, cancelReason: 'Provider ceased trading' });
    expect(effectsOf(actions)).toEqual([cancelled]);
  });

  it('no more can come back than was paid; the last part can be corrected while the rest is due', () => {
    const [cancelledRest] = send(partPaid(), ev.CANCEL);
    expect(checkReturn(cancelledRest.context, { ...ev.RECORD_RETURN, amountPence: 400_001 })).toEqual([
      { field: 'amountPence', message: 'No more than the £4,000.00 paid can come back' },
    ]);
    const correction = { ...ev.CORRECT_PAYMENT, paidOn: '2026-07-02', reference: 'BACS-PART-1A' };
    const [fixedUp, actions] = send(partPaid(), correction);
    expect(fixedUp.value).toBe('approved');
    expect(fixedUp.context).toMatchObject({
      paid: null,
      parts: [{ amountPence: 400_000, paidOn: '2026-07-02', reference: 'BACS-PART-1A' }],
      corrections: [{ paidOn: '2026-07-02', reference: 'BACS-PART-1', reason: correction.reason }],
    });
    expect(effectsOf(actions)).toEqual([corrected, { type: 'notify', params: correctedNote }]);
    expect(can(reach('approved'), correction)).toBe(false);
  });
});
