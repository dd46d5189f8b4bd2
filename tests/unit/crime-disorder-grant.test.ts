import { describe, expect, it } from 'vitest';
import {
  type CrimeDisorderGrantInput,
  checkEvaluate,
  crimeDisorderGrant,
  crimeDisorderGrantMessages,
  publicationRecord,
} from '../../machines/crime-disorder-grant.ts';
import type { DecisionSpec, EventSpec } from '../../machines/define.ts';
import { crimeDisorderGrantTemplates } from '../../machines/mail/crime-disorder-grant.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import { undeclaredDecisions } from '../../src/engine/rulebook.ts';
import {
  type Action,
  actorIdChanges,
  type EventOf,
  handledEffects,
  harness,
  json,
  notify as n,
  notifyMessages,
  ofType,
  payloadOf,
} from '../helpers/machine-harness.ts';

const def = crimeDisorderGrant;
type Event = EventOf<typeof def>;

const input: CrimeDisorderGrantInput = {
  programmeId: '0d5b8c1e-2f4a-4c1b-9a77-3e6f5d2c1b00',
  allocationPence: 4_500_000,
  financialYear: '2026-27',
  purpose: 'Reduce anti-social behaviour in Fenland market towns',
  programme: {
    id: '0d5b8c1e-2f4a-4c1b-9a77-3e6f5d2c1b00',
    name: 'Crime and disorder reduction 2026-27',
    maxAwardPence: null,
    delegationThresholdPence: 10_000_000,
    criteria: [],
    closesAt: null,
  },
};
const ev = {
  ALLOCATE: { type: 'ALLOCATE' },
  OFFER_CONDITIONS: { type: 'OFFER_CONDITIONS', conditions: 'Quarterly returns', reasons: 'To see outcomes' },
  ACCEPT_CONDITIONS: { type: 'ACCEPT_CONDITIONS' },
  QUERY_CONDITIONS: { type: 'QUERY_CONDITIONS', reason: 'Could returns be half-yearly?' },
  EVALUATE: {
    type: 'EVALUATE',
    summary: 'Patrols ran',
    outcomesAchieved: 'ASB down',
    underspendPence: 250_000,
  },
  CLOSE: { type: 'CLOSE' },
  WITHDRAW_ALLOCATION: { type: 'WITHDRAW_ALLOCATION', reason: 'Partnership dissolved' },
} satisfies Record<string, Event>;
type EventType = keyof typeof ev;
const allEvents = Object.keys(ev) as EventType[];

const h = harness(def, input);
const { machine, start, send, run, runFrom, can, roundTrip } = h;
/** What a transition does to money and payments, in the order it emits them. */
const MONEY = ['commitFunds', 'releaseFunds', 'schedulePayments', 'recordUnderspend'];
const money = (actions: Action[]) =>
  json(actions.filter((a) => MONEY.includes(a.type)).map(({ type, params }) => ({ type, params })));
/** The allocation is paid quarterly in advance over its financial year, 1 April to 31 March. */
const yearlyPayments = (startsOn = '2026-04-01', endsOn = '2027-03-31') => ({
  type: 'schedulePayments',
  params: { profile: 'quarterlyInAdvance', instalments: null, remainderIn: 'last', startsOn, endsOn },
});
const underspend = (amountPence: number) => ({ type: 'recordUnderspend', params: { amountPence } });

const pathTo: Record<string, Event[]> = {
  proposed: [],
  allocated: [ev.ALLOCATE],
  conditionsOffered: [ev.ALLOCATE, ev.OFFER_CONDITIONS],
  live: [ev.ALLOCATE, ev.OFFER_CONDITIONS, ev.ACCEPT_CONDITIONS],
  evaluated: [ev.ALLOCATE, ev.OFFER_CONDITIONS, ev.ACCEPT_CONDITIONS, ev.EVALUATE],
  closed: [ev.ALLOCATE, ev.OFFER_CONDITIONS, ev.ACCEPT_CONDITIONS, ev.EVALUATE, ev.CLOSE],
  withdrawn: [ev.ALLOCATE, ev.WITHDRAW_ALLOCATION],
};
const reach = (state: string) => run(pathTo[state]!)[0];
const finals = ['closed', 'withdrawn'];
const accepts: Record<string, string[]> = {
  proposed: ['ALLOCATE', 'WITHDRAW_ALLOCATION'],
  allocated: ['OFFER_CONDITIONS', 'WITHDRAW_ALLOCATION'],
  conditionsOffered: ['ACCEPT_CONDITIONS', 'QUERY_CONDITIONS', 'WITHDRAW_ALLOCATION'],
  live: ['EVALUATE'],
  evaluated: ['CLOSE'],
  closed: [],
  withdrawn: [],
};

describe('crime and disorder reduction grant definition', () => {
  it('describes itself and registers', () => {
    expect(def).toMatchObject({ id: 'crime-disorder-grant', version: 3, referencePrefix: 'CDR' });
    // Cases on version 2 move to 3 as they are: already allocated (their money committed when they were
    // opened), they keep their state and context, and nothing is held for signature.
    expect(def.upgradeFrom).toEqual({ version: 2 });
    expect(def.states.proposed).toEqual({ label: 'Allocation proposed, to be decided' });
    expect(machine.config.initial).toBe('proposed');
    expect(def.createdBy).toEqual(['officer']);
    expect(() => new MachineRegistry([def])).not.toThrow();
    expect(Object.keys(def.states).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(def.states).sort()).toEqual(Object.keys(accepts).sort());
    expect(Object.keys(def.events).sort()).toEqual([...allEvents].sort());
    for (const state of finals) expect(machine.root.states[state]?.type).toBe('final');
  });

  it.each([
    ['officer', ['ALLOCATE', 'OFFER_CONDITIONS', 'EVALUATE', 'CLOSE', 'WITHDRAW_ALLOCATION']],
    ['owner', ['ACCEPT_CONDITIONS', 'QUERY_CONDITIONS']],
  ])('%s alone sends %o', (sender, types) => {
    for (const type of types) expect(def.events[type as EventType].sentBy).toEqual([sender]);
  });

  it('the messages list is exactly what the machine sends, each with a safe template', () => {
    const declared = notifyMessages(machine);
    expect([...new Set(declared)].sort()).toEqual([...crimeDisorderGrantMessages].sort());
    expect(Object.keys(crimeDisorderGrantTemplates).sort()).toEqual([...crimeDisorderGrantMessages].sort());
    const context = { ...reach('closed').context };
    const data = {
      recipientName: 'P',
      reference: 'CDR-000003',
      title: 'Crime and disorder reduction grant 2026-27',
      caseUrl: 'u',
      stateLabel: 's',
      context,
    };
    for (const message of crimeDisorderGrantMessages) {
      const t = crimeDisorderGrantTemplates[message];
      expect(t.subject(data).startsWith('CDR-000003')).toBe(true);
      const text = [t.subject(data), ...t.body(data)].join('\n');
      expect(text).toContain('Crime and disorder reduction grant 2026-27');
      for (const secret of ['£', '45,000', 'anti-social', 'Quarterly', 'outcomes', 'Patrols', 'ASB down'])
        expect(text).not.toContain(secret);
    }
  });
});

describe('the allocation decision', () => {
  it('ALLOCATE alone is a decision, weighed on the allocation', () => {
    const declared = Object.entries(def.events as Record<string, EventSpec>).filter(
      ([, spec]) => spec.decision,
    );
    expect(declared.map(([type]) => type)).toEqual(['ALLOCATE']);
    // As the engine reads it: with the context and the (empty) payload.
    const decision: DecisionSpec = def.events.ALLOCATE.decision;
    expect(decision.amountPence(reach('proposed').context, {})).toBe(4_500_000);
    expect(decision.amountPence(start({ ...input, allocationPence: 20_000_000 })[0].context, {})).toBe(
      20_000_000,
    );
    // Every event whose transition commits money is a decision, and nothing commits at creation.
    expect(undeclaredDecisions(def)).toEqual([]);
  });

  it('ALLOCATE commits the whole allocation on its transition, telling no one', () => {
    const [s, actions] = send(reach('proposed'), ev.ALLOCATE);
    expect([s.value, s.status]).toEqual(['allocated', 'active']);
    expect(money(actions)).toEqual([{ type: 'commitFunds', params: { amountPence: 4_500_000 } }]);
    expect(interpretActions(actions, new Date()).effects.map((e) => e.type)).toEqual(['commitFunds']);
    expect(s.context).toEqual(reach('proposed').context);
  });

  // The delegation threshold (£100,000 here) is the engine's to apply: the pure machine commits as sent.
  it("an allocation above the threshold still allocates in the pure machine: signing is the engine's job", () => {
    const big = { ...input, allocationPence: 20_000_000 };
    const [s, actions] = run([ev.ALLOCATE], big);
    expect(s.value).toBe('allocated');
    expect(money(actions)).toEqual([{ type: 'commitFunds', params: { amountPence: 20_000_000 } }]);
  });

  it('commits the allocation exactly once, on ALLOCATE, however the case goes on', () => {
    const steps: Event[] = [
      ev.ALLOCATE,
      ev.OFFER_CONDITIONS,
      ev.QUERY_CONDITIONS,
      ev.OFFER_CONDITIONS,
      ev.QUERY_CONDITIONS,
      ev.OFFER_CONDITIONS,
      ev.ACCEPT_CONDITIONS,
      ev.EVALUATE,
      ev.CLOSE,
    ];
    let [s] = start();
    const commits: [string, unknown][] = [];
    for (const event of steps) {
      const [next, actions] = send(roundTrip(s), event);
      for (const params of ofType(actions, 'commitFunds')) commits.push([event.type, params]);
      s = next;
    }
    expect(s.value).toBe('closed');
    expect(commits).toEqual([['ALLOCATE', { amountPence: 4_500_000 }]]);
  });
});

describe('creation', () => {
  it('proposes the allocation, committing nothing and doing nothing else', () => {
    const [s, actions] = start();
    expect([s.value, s.status]).toEqual(['proposed', 'active']);
    expect(actions).toEqual([]);
    expect(interpretActions(actions, new Date()).effects).toEqual([]);
    expect(s.context).toEqual({
      title: 'Crime and disorder reduction grant 2026-27',
      allocationPence: 4_500_000,
      financialYear: '2026-27',
      purpose: 'Reduce anti-social behaviour in Fenland market towns',
      conditions: null,
      reasons: null,
      queries: [],
      evaluation: null,
      withdrawalReason: null,
    });
    const { programme: _p, ...alone } = input;
    expect(start(alone)[0].context).toEqual(s.context);
  });

  const creation = {
    programmeId: input.programmeId,
    allocationPence: 1,
    financialYear: '2026-27',
    purpose: 'x',
  };
  it.each<[object, boolean]>([
    [{}, true],
    [{ financialYear: '2099-00' }, true],
    [{ financialYear: '2026-28' }, false],
    [{ financialYear: '2026-26' }, false],
    [{ financialYear: '2026-2027' }, false],
    [{ financialYear: '26-27' }, false],
    [{ financialYear: '2026/27' }, false],
    [{ allocationPence: 0 }, false],
    [{ allocationPence: -100 }, false],
    [{ allocationPence: 99.5 }, false],
    [{ purpose: '  ' }, false],
    [{ purpose: 'x'.repeat(2001) }, false],
    [{ programmeId: 'fenland' }, false],
    [{ programme: input.programme }, false],
    [{ recipient: 'Fenland' }, false],
  ])('creation input with %o valid: %s', (change, ok) => {
    expect(def.input.safeParse({ ...creation, ...change }).success).toBe(ok);
  });
});

describe('transitions and money', () => {
  it.each([
    ['proposed', ev.ALLOCATE, 'allocated'],
    ['proposed', ev.WITHDRAW_ALLOCATION, 'withdrawn'],
    ['allocated', ev.OFFER_CONDITIONS, 'conditionsOffered'],
    ['conditionsOffered', ev.ACCEPT_CONDITIONS, 'live'],
    ['conditionsOffered', ev.QUERY_CONDITIONS, 'allocated'],
    ['live', ev.EVALUATE, 'evaluated'],
    ['evaluated', ev.CLOSE, 'closed'],
    ['allocated', ev.WITHDRAW_ALLOCATION, 'withdrawn'],
    ['conditionsOffered', ev.WITHDRAW_ALLOCATION, 'withdrawn'],
  ] as [string, Event, string][])('%s —%o→ %s', (from, event, to) => {
    const [after] = send(reach(from), event);
    expect(after.value).toBe(to);
    expect(after.status).toBe(finals.includes(to) ? 'done' : 'active');
  });

  it('a query sends the conditions back without committing the allocation again; a new offer replaces them', () => {
    let [s, actions] = send(reach('conditionsOffered'), ev.QUERY_CONDITIONS);
    expect([s.value, actions]).toEqual(['allocated', []]);
    expect(s.context.queries).toEqual(['Could returns be half-yearly?']);
    [s, actions] = send(s, { ...ev.OFFER_CONDITIONS, conditions: 'Half-yearly returns' });
    expect(ofType(actions, 'commitFunds')).toEqual([]);
    expect([s.context.conditions, s.context.reasons]).toEqual(['Half-yearly returns', 'To see outcomes']);
    [s] = runFrom(s, [ev.ACCEPT_CONDITIONS, ev.EVALUATE, ev.CLOSE]);
    expect(s.context).toMatchObject({
      queries: ['Could returns be half-yearly?'],
      conditions: 'Half-yearly returns',
    });
  });

  it('accepting the conditions schedules the payments over the financial year, committing nothing more', () => {
    const [s, actions] = send(reach('conditionsOffered'), ev.ACCEPT_CONDITIONS);
    expect(s.value).toBe('live');
    expect(money(actions)).toEqual([yearlyPayments()]);
    const later = run([ev.ALLOCATE, ev.OFFER_CONDITIONS, ev.ACCEPT_CONDITIONS], {
      ...input,
      financialYear: '2099-00',
    });
    expect(money(later[1])).toEqual([yearlyPayments('2099-04-01', '2100-03-31')]);
  });

  // Underspend is released from the unpaid part through the ledger (the domain re-profiles the
  // payments not yet made, and claws back what was paid beyond it); the machine only says how much.
  it.each([
    [250_000, [underspend(250_000)]],
    [4_500_000, [underspend(4_500_000)]],
    [0, []],
  ])('an evaluation with underspend %d records %o', (underspendPence, recorded) => {
    const [s, actions] = send(reach('live'), { ...ev.EVALUATE, underspendPence });
    expect(s.value).toBe('evaluated');
    expect(s.context.evaluation).toEqual({
      summary: 'Patrols ran',
      outcomesAchieved: 'ASB down',
      underspendPence,
    });
    expect(money(actions)).toEqual(recorded);
  });

  it('no other transition moves money or touches payments; closing does nothing more', () => {
    const seen: string[] = [];
    for (const state of Object.keys(accepts))
      for (const type of allEvents) {
        const before = reach(state);
        if (can(before, ev[type]) && money(send(before, ev[type])[1]).length) seen.push(`${state} ${type}`);
      }
    expect(seen.sort()).toEqual([
      'allocated WITHDRAW_ALLOCATION',
      'conditionsOffered ACCEPT_CONDITIONS',
      'conditionsOffered WITHDRAW_ALLOCATION',
      'live EVALUATE',
      'proposed ALLOCATE',
    ]);
  });

  it('an underspend above the allocation is refused, naming the field', () => {
    const before = reach('live');
    const over = { ...ev.EVALUATE, underspendPence: 4_500_001 };
    expect(can(before, over)).toBe(false);
    const [after, actions] = send(before, over);
    expect([after === before, actions]).toEqual([true, []]);
    expect(checkEvaluate(before.context, over)).toEqual([
      { field: 'underspendPence', message: 'The underspend cannot be more than the £45,000.00 allocated' },
    ]);
    expect(checkEvaluate(before.context, ev.EVALUATE)).toEqual([]);
    expect(def.events.EVALUATE.check).toBe(checkEvaluate);
  });

  it('withdrawing a proposed allocation releases nothing, as nothing was committed', () => {
    const [s, actions] = send(reach('proposed'), ev.WITHDRAW_ALLOCATION);
    expect([s.value, s.status, s.context.withdrawalReason]).toEqual([
      'withdrawn',
      'done',
      'Partnership dissolved',
    ]);
    expect(money(actions)).toEqual([]);
    expect(interpretActions(actions, new Date()).effects).toEqual([]);
  });

  it.each(['allocated', 'conditionsOffered'])(
    'withdrawing from %s releases the whole allocation',
    (state) => {
      const [s, actions] = send(reach(state), ev.WITHDRAW_ALLOCATION);
      expect([s.value, s.status, s.context.withdrawalReason]).toEqual([
        'withdrawn',
        'done',
        'Partnership dissolved',
      ]);
      // No payments were scheduled yet, so the whole allocation goes back as it stands.
      expect(money(actions)).toEqual([{ type: 'releaseFunds', params: { amountPence: 4_500_000 } }]);
    },
  );
});

describe('what each state accepts', () => {
  it.each(Object.entries(accepts))('%s takes exactly %o and refuses the rest unchanged', (state, ok) => {
    const before = reach(state);
    for (const type of allEvents) {
      expect(can(before, ev[type]), `${state} ${type}`).toBe(ok.includes(type));
      if (ok.includes(type)) continue;
      const [after, actions] = send(before, ev[type]);
      expect([after === before, actions]).toEqual([true, []]);
    }
  });
});

describe('notifications and effects', () => {
  it.each<[string, Event, object[], string[]]>([
    ['proposed', ev.ALLOCATE, [], ['commitFunds']],
    ['proposed', ev.WITHDRAW_ALLOCATION, [], []],
    ['allocated', ev.OFFER_CONDITIONS, [n('conditionsOffered', 'owner')], ['notify']],
    [
      'conditionsOffered',
      ev.ACCEPT_CONDITIONS,
      [n('conditionsAccepted', 'officer')],
      ['schedulePayments', 'notify'],
    ],
    ['conditionsOffered', ev.QUERY_CONDITIONS, [], []],
    ['live', ev.EVALUATE, [n('grantEvaluated', 'owner')], ['recordUnderspend', 'notify']],
    ['live', { ...ev.EVALUATE, underspendPence: 0 }, [n('grantEvaluated', 'owner')], ['notify']],
    ['evaluated', ev.CLOSE, [], ['releaseUnpaid']],
    ['allocated', ev.WITHDRAW_ALLOCATION, [], ['releaseFunds']],
    ['conditionsOffered', ev.WITHDRAW_ALLOCATION, [], ['releaseFunds']],
  ])('%s —%o→ notifies %o, effects %o', (state, event, expected, effects) => {
    const [, actions] = send(reach(state), event);
    expect(json(ofType(actions, 'notify'))).toEqual(expected);
    const emitted = interpretActions(actions, new Date()).effects.map((e) => e.type);
    expect(emitted).toEqual(effects);
    for (const type of emitted) expect(handledEffects).toContain(type);
  });
});

describe("the engine's actorId", () => {
  it('changes nothing: every event ends the same with it as without', () => {
    const snapshots = Object.keys(accepts).map((state) => reach(state));
    expect(actorIdChanges(h, snapshots, Object.values(ev))).toEqual([]);
  });
});

describe('publication record', () => {
  it('carries what the Commissioner must publish, with conditions and reasons once offered', () => {
    expect(publicationRecord(start()[0].context)).toEqual({
      amountPence: 4_500_000,
      purpose: 'Reduce anti-social behaviour in Fenland market towns',
      conditions: null,
      reasons: null,
      financialYear: '2026-27',
    });
    expect(publicationRecord(reach('closed').context)).toEqual({
      amountPence: 4_500_000,
      purpose: 'Reduce anti-social behaviour in Fenland market towns',
      conditions: 'Quarterly returns',
      reasons: 'To see outcomes',
      financialYear: '2026-27',
    });
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its example and refuses extra fields', (type) => {
    const schema = def.events[type].payload;
    expect(schema.safeParse(payloadOf(ev, type)).success).toBe(true);
    expect(schema.safeParse({ ...payloadOf(ev, type), extra: 1 }).success).toBe(false);
  });

  const bad: [EventType, string, unknown[]][] = [
    ['OFFER_CONDITIONS', 'conditions', ['', ' ', 'x'.repeat(5001), undefined]],
    ['OFFER_CONDITIONS', 'reasons', [undefined, 3]],
    ['QUERY_CONDITIONS', 'reason', ['', 'x'.repeat(2001)]],
    ['EVALUATE', 'underspendPence', [-1, 0.5, '100', undefined]],
    ['EVALUATE', 'summary', ['', undefined]],
    ['EVALUATE', 'outcomesAchieved', ['x'.repeat(5001)]],
    ['WITHDRAW_ALLOCATION', 'reason', [undefined, '   ']],
  ];
  it.each(bad.flatMap(([type, field, values]) => values.map((v) => [type, field, v] as const)))(
    '%s refuses %s: %o',
    (type, field, value) => {
      expect(def.events[type].payload.safeParse({ ...payloadOf(ev, type), [field]: value }).success).toBe(
        false,
      );
    },
  );
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
    for (const type of allEvents) {
      expect(can(restored, ev[type])).toBe(can(before, ev[type]));
      if (!can(before, ev[type])) continue;
      const [[a, aActions], [b, bActions]] = [send(restored, ev[type]), send(before, ev[type])];
      expect([a.value, a.context, json(aActions.map((x) => [x.type, x.params]))]).toEqual([
        b.value,
        b.context,
        json(bActions.map((x) => [x.type, x.params])),
      ]);
    }
  });

  it('restoring does not commit the allocation again', () => {
    const [s, actions] = send(roundTrip(reach('conditionsOffered')), ev.QUERY_CONDITIONS);
    expect([s.value, actions]).toEqual(['allocated', []]);
  });
});
