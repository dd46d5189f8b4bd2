import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  checkApprove,
  checkPayment,
  checkReport,
  checkSubmit,
  OFFER_LAPSES_AFTER_MS,
  YOUTH_FUND_DEFAULT_CAP_PENCE,
  type YouthFundContext,
  type YouthFundEvent,
  type YouthFundInput,
  youthFund,
} from '../../machines/youth-fund.ts';
import { youthFundEvents } from '../helpers/youth-fund-events.ts';

const machine = youthFund.machine;
type Snapshot = ReturnType<typeof initialTransition<typeof machine>>[0];
type Action = { type: string; params?: any };
type EventType = YouthFundEvent['type'];

const ev = youthFundEvents;
const allEvents = Object.keys(ev) as EventType[];
const payloadOf = <T extends EventType>(type: T) => {
  const { type: _type, ...payload } = ev[type];
  return payload as Omit<(typeof ev)[T], 'type'>;
};

const send = (snapshot: Snapshot, event: YouthFundEvent | { type: string }) =>
  transition(machine, snapshot, event as YouthFundEvent) as [Snapshot, Action[]];
const start = (input: YouthFundInput = {}) => initialTransition(machine, input) as [Snapshot, Action[]];
const run = (events: (YouthFundEvent | { type: string })[], input?: YouthFundInput) => {
  let [snapshot, actions] = start(input);
  for (const event of events) [snapshot, actions] = send(snapshot, event);
  return [snapshot, actions] as const;
};
const notes = (actions: Action[]) => actions.filter((a) => a.type === 'notify').map((a) => a.params);

const [, intoOffered] = run([ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE]);
const raise = intoOffered.find((a) => a.type === 'xstate.raise');
const lapse = { type: raise?.params.event.type as string };

const words = (text: string) => text.split(' ');
const happy = words(
  'SUBMIT CONFIRM_ELIGIBLE APPROVE ACCEPT_OFFER RECORD_PAYMENT SUBMIT_REPORT ACCEPT_REPORT',
);
const happyStates = words('draft submitted panelReview offered accepted reporting reportSubmitted closed');
const pathTo: Record<string, (YouthFundEvent | { type: string })[]> = {
  ...Object.fromEntries(happyStates.map((s, i) => [s, happy.slice(0, i).map((t) => ev[t as EventType])])),
  ineligible: [ev.SUBMIT, ev.REJECT_INELIGIBLE],
  declined: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.DECLINE],
  offerDeclined: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE, ev.DECLINE_OFFER],
  lapsed: [ev.SUBMIT, ev.CONFIRM_ELIGIBLE, ev.APPROVE, lapse],
  withdrawn: [ev.WITHDRAW],
};
const reach = (state: string, input?: YouthFundInput) => run(pathTo[state]!, input)[0];

const accepts: Record<string, string[]> = {
  draft: ['SUBMIT', 'WITHDRAW'],
  submitted: ['CONFIRM_ELIGIBLE', 'REJECT_INELIGIBLE', 'WITHDRAW'],
  panelReview: ['APPROVE', 'DECLINE', 'WITHDRAW'],
  offered: ['ACCEPT_OFFER', 'DECLINE_OFFER', lapse.type],
  accepted: ['RECORD_PAYMENT'],
  reporting: ['SUBMIT_REPORT'],
  reportSubmitted: ['ACCEPT_REPORT', 'QUERY_REPORT'],
};
const finals = ['ineligible', 'declined', 'offerDeclined', 'lapsed', 'closed', 'withdrawn'];

describe('youth fund definition', () => {
  it('describes itself', () => {
    expect(youthFund).toMatchObject({ id: 'youth-fund', version: 1, createdBy: ['owner', 'officer'] });
    expect(machine.id).toBe('youth-fund');
    expect(Object.keys(youthFund.states).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(youthFund.events).sort()).toEqual([...allEvents].sort());
    expect([...machine.events].filter((e) => !e.startsWith('xstate.')).sort()).toEqual([...allEvents].sort());
    for (const state of finals) expect(machine.root.states[state]?.type).toBe('final');
  });

  it.each([
    ['owner', 'SUBMIT ACCEPT_OFFER DECLINE_OFFER SUBMIT_REPORT WITHDRAW'],
    ['officer', 'CONFIRM_ELIGIBLE REJECT_INELIGIBLE ACCEPT_REPORT QUERY_REPORT'],
    ['panel', 'APPROVE DECLINE'],
    ['finance', 'RECORD_PAYMENT'],
  ])('%s alone sends %s', (sender, types) => {
    for (const type of words(types)) expect(youthFund.events[type as EventType].sentBy).toEqual([sender]);
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
  it.each(happy.map((type, i) => [happyStates[i], type, happyStates[i + 1]]))(
    '%s —%s→ %s',
    (from, type, to) => {
      const [after] = send(reach(from!), ev[type as EventType]);
      expect(after.value).toBe(to);
    },
  );

  it('records what each happy-path event carries and ends done', () => {
    const [closed] = run(happy.map((t) => ev[t as EventType]));
    expect(closed.status).toBe('done');
    expect(closed.context).toEqual({
      capPence: 500_000,
      title: 'Boxing club',
      summary: 'Weekly sessions',
      amountRequestedPence: 400_000,
      awardedPence: 300_000,
      reasons: [],
      payment: payloadOf('RECORD_PAYMENT'),
      report: payloadOf('SUBMIT_REPORT'),
      queries: [],
    });
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

  it('a queried report goes back to reporting, is resubmitted and accepted', () => {
    let [s] = send(reach('reportSubmitted'), ev.QUERY_REPORT);
    expect(s.value).toBe('reporting');
    expect(s.context.queries).toEqual(['Please add receipts']);
    [s] = send(s, { ...ev.SUBMIT_REPORT, spentPence: 300_000 });
    [s] = send(s, { type: 'QUERY_REPORT', reason: 'And the register' });
    [s] = send(s, { ...ev.SUBMIT_REPORT, summary: 'With receipts' });
    expect(s.value).toBe('reportSubmitted');
    [s] = send(s, ev.ACCEPT_REPORT);
    expect(s.value).toBe('closed');
    expect(s.context.queries).toEqual(['Please add receipts', 'And the register']);
    expect(s.context.report).toEqual({ ...payloadOf('SUBMIT_REPORT'), summary: 'With receipts' });
  });
});

describe('offer lapse timer', () => {
  it('entering offered raises the lapse event after 28 days', () => {
    expect(OFFER_LAPSES_AFTER_MS).toBe(28 * 24 * 60 * 60 * 1000);
    expect(raise?.params).toMatchObject({
      delay: OFFER_LAPSES_AFTER_MS,
      event: { type: expect.any(String) },
    });
    expect(lapse.type).toContain('offerLapsesAfter');
  });

  it('the lapse event ends the case as lapsed and tells owner and officer', () => {
    const [after, actions] = send(reach('offered'), lapse);
    expect(after.value).toBe('lapsed');
    expect(after.status).toBe('done');
    expect(notes(actions)).toEqual([{ message: 'offerLapsed', to: ['owner', 'officer'] }]);
  });

  it.each(['ACCEPT_OFFER', 'DECLINE_OFFER'] as const)('%s cancels the lapse timer', (type) => {
    const [, actions] = send(reach('offered'), ev[type]);
    expect(actions).toContainEqual(
      expect.objectContaining({ type: 'xstate.cancel', params: { sendId: raise?.params.id } }),
    );
  });
});

describe('guards refuse and leave the snapshot unchanged', () => {
  it.each([
    ['draft', { ...ev.SUBMIT, amountRequestedPence: 500_001 }, undefined],
    ['draft', { ...ev.SUBMIT, amountRequestedPence: 100_001 }, { capPence: 100_000 }],
    ['panelReview', { ...ev.APPROVE, amountPence: 400_001 }, undefined],
    ['accepted', { ...ev.RECORD_PAYMENT, amountPence: 300_001 }, undefined],
    ['reporting', { ...ev.SUBMIT_REPORT, spentPence: 300_001 }, undefined],
  ] as const)('%s refuses %o', (state, event, input) => {
    const before = reach(state, input);
    const [after, actions] = send(before, event);
    expect(after).toBe(before);
    expect(actions).toEqual([]);
  });

  it.each([
    ['draft', { ...ev.SUBMIT, amountRequestedPence: 500_000 }, 'submitted'],
    ['panelReview', { ...ev.APPROVE, amountPence: 400_000 }, 'offered'],
    ['accepted', { ...ev.RECORD_PAYMENT, amountPence: 300_000 }, 'reporting'],
    ['reporting', { ...ev.SUBMIT_REPORT, spentPence: 300_000 }, 'reportSubmitted'],
    ['reporting', { ...ev.SUBMIT_REPORT, spentPence: 0 }, 'reportSubmitted'],
  ] as const)('%s allows the limit itself: %o', (state, event, to) => {
    expect(send(reach(state), event)[0].value).toBe(to);
  });
});

describe('events a state does not accept', () => {
  const refused = Object.entries(accepts).flatMap(([state, ok]) =>
    [...Object.values(ev), lapse].filter((e) => !ok.includes(e.type)).map((e) => [state, e.type, e] as const),
  );
  it.each(refused)('%s ignores %s', (state, _type, event) => {
    const before = reach(state);
    const [after, actions] = send(before, event);
    expect(after).toBe(before);
    expect(actions).toEqual([]);
  });

  it.each(finals)('final state %s accepts nothing', (state) => {
    const before = reach(state);
    expect(before.status).toBe('done');
    for (const event of [...Object.values(ev), lapse]) expect(send(before, event)[0]).toBe(before);
  });
});

describe('notifications', () => {
  const n = (message: string) => ({ message, to: ['owner'] });
  it.each([
    ['draft', 'SUBMIT', [n('bidReceived')]],
    ['submitted', 'CONFIRM_ELIGIBLE', [n('eligibilityDecided')]],
    ['submitted', 'REJECT_INELIGIBLE', [n('eligibilityDecided')]],
    ['panelReview', 'APPROVE', [n('panelDecided'), n('offerMade')]],
    ['panelReview', 'DECLINE', [n('panelDecided')]],
    ['offered', 'ACCEPT_OFFER', []],
    ['accepted', 'RECORD_PAYMENT', [n('paymentRecorded')]],
    ['reporting', 'SUBMIT_REPORT', []],
    ['reportSubmitted', 'QUERY_REPORT', [n('reportQueried')]],
    ['reportSubmitted', 'ACCEPT_REPORT', []],
    ['draft', 'WITHDRAW', []],
  ] as const)('%s —%s→ notifies %o', (state, type, expected) => {
    const [, actions] = send(reach(state), ev[type]);
    expect(notes(actions)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(notes(actions)))).toEqual(expected);
  });
});

describe('checks', () => {
  const ctx = (over: Partial<YouthFundContext>) => ({ ...start()[0].context, ...over });
  const problem = (field: string, text: string) => [{ field, message: expect.stringContaining(text) }];
  const [sub, app] = [payloadOf('SUBMIT'), payloadOf('APPROVE')];
  const [pay, rep] = [payloadOf('RECORD_PAYMENT'), payloadOf('SUBMIT_REPORT')];

  it('checkSubmit holds the request to the cap, named in pounds', () => {
    expect(checkSubmit(ctx({}), { ...sub, amountRequestedPence: 500_000 })).toEqual([]);
    const over = checkSubmit(ctx({}), { ...sub, amountRequestedPence: 500_001 });
    expect(over).toEqual(problem('amountRequestedPence', 'The most you can ask for is £5,000.00'));
    const overSetCap = checkSubmit(ctx({ capPence: 123_456 }), sub);
    expect(overSetCap).toEqual(problem('amountRequestedPence', '£1,234.56'));
  });

  it('checkApprove holds the award to the request', () => {
    expect(checkApprove(ctx({ amountRequestedPence: 300_000 }), app)).toEqual([]);
    const over = checkApprove(ctx({ amountRequestedPence: 299_999 }), app);
    expect(over).toEqual(problem('amountPence', '£2,999.99'));
  });

  it('checkPayment holds the payment to the award', () => {
    expect(checkPayment(ctx({ awardedPence: 300_000 }), pay)).toEqual([]);
    expect(checkPayment(ctx({ awardedPence: 100 }), pay)).toEqual(problem('amountPence', '£1.00'));
  });

  it('checkReport holds spend to what was paid', () => {
    expect(checkReport(ctx({ payment: pay }), rep)).toEqual([]);
    const over = checkReport(ctx({ payment: { ...pay, amountPence: 5 } }), rep);
    expect(over).toEqual(problem('spentPence', 'cannot be more than was paid'));
  });

  it('each checked event spec uses the exported check', () => {
    expect(youthFund.events.SUBMIT.check).toBe(checkSubmit);
    expect(youthFund.events.APPROVE.check).toBe(checkApprove);
    expect(youthFund.events.RECORD_PAYMENT.check).toBe(checkPayment);
    expect(youthFund.events.SUBMIT_REPORT.check).toBe(checkReport);
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its payload and refuses extra fields', (type) => {
    const schema = youthFund.events[type].payload;
    expect(schema.safeParse(payloadOf(type)).success).toBe(true);
    expect(schema.safeParse({ ...payloadOf(type), type }).success).toBe(false);
    expect(schema.safeParse({ ...payloadOf(type), extra: 1 }).success).toBe(false);
  });

  it.each([
    ['SUBMIT', { amountRequestedPence: -1 }],
    ['SUBMIT', { amountRequestedPence: 0 }],
    ['SUBMIT', { amountRequestedPence: 10.5 }],
    ['SUBMIT', { amountRequestedPence: '100' }],
    ['SUBMIT', { title: '   ' }],
    ['SUBMIT', { summary: 'x'.repeat(5001) }],
    ['APPROVE', { amountPence: -100 }],
    ['APPROVE', { amountPence: 0.01 }],
    ['RECORD_PAYMENT', { amountPence: 1.5 }],
    ['RECORD_PAYMENT', { paidOn: '2025-02-30' }],
    ['RECORD_PAYMENT', { paidOn: '01/05/2025' }],
    ['RECORD_PAYMENT', { paidOn: '2025-05-01T10:00:00Z' }],
    ['RECORD_PAYMENT', { reference: 'x'.repeat(101) }],
    ['SUBMIT_REPORT', { spentPence: -1 }],
    ['SUBMIT_REPORT', { spentPence: 0.5 }],
    ['REJECT_INELIGIBLE', { reason: '' }],
    ['QUERY_REPORT', { reason: undefined }],
  ] as const)('%s refuses %o', (type, change) => {
    expect(youthFund.events[type].payload.safeParse({ ...payloadOf(type), ...change }).success).toBe(false);
  });

  it('accepts zero spend and trims text', () => {
    const zeroSpend = { ...payloadOf('SUBMIT_REPORT'), spentPence: 0 };
    expect(youthFund.events.SUBMIT_REPORT.payload.safeParse(zeroSpend).success).toBe(true);
    expect(youthFund.events.WITHDRAW.payload.parse({ reason: '  gone  ' })).toEqual({ reason: 'gone' });
  });
});

describe('persistence', () => {
  it.each(['draft', 'offered', 'reporting', 'reportSubmitted', 'withdrawn'])(
    'context in %s survives a JSON round trip and the machine continues',
    (state) => {
      const before = reach(state, { title: 'Boxing', capPence: 450_000 });
      const persisted = JSON.parse(JSON.stringify(machine.getPersistedSnapshot(before)));
      const restored = machine.resolveState({ value: persisted.value, context: persisted.context });
      expect(restored.value).toEqual(before.value);
      expect(restored.context).toEqual(before.context);
      expect(restored.status).toBe(before.status);
      const next = accepts[state]?.[0] as EventType | undefined;
      if (next) expect(send(restored, ev[next])[0].value).toBe(send(before, ev[next])[0].value);
    },
  );

  it('a restored reporting case runs on to closed', () => {
    const [queried] = run([...pathTo.reportSubmitted!, ev.QUERY_REPORT]);
    const persisted = JSON.parse(JSON.stringify(machine.getPersistedSnapshot(queried)));
    let [s] = send(
      machine.resolveState({ value: persisted.value, context: persisted.context }),
      ev.SUBMIT_REPORT,
    );
    [s] = send(s, ev.ACCEPT_REPORT);
    expect(s.value).toBe('closed');
    expect(s.context.queries).toEqual(['Please add receipts']);
  });
});
