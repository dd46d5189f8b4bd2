import { describe, expect, it } from 'vitest';
import {
  type CommissioningRoundContext,
  type CommissioningRoundEvent,
  type CommissioningRoundInput,
  checkExtend,
  checkFinish,
  checkLaunch,
  checkRecommission,
  checkReopen,
  commissioningRound,
  commissioningRoundMessages,
} from '../../machines/commissioning-round.ts';
import type { ProgrammeSettings } from '../../machines/define.ts';
import { commissioningRoundTemplates } from '../../machines/mail/commissioning-round.ts';
import { interpretActions } from '../../src/engine/actions.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import {
  type EventOf,
  effectsOf,
  harness,
  notify as n,
  notes,
  notifyMessages,
  ofType,
  payloadOf,
  words,
} from '../helpers/machine-harness.ts';

type Event = EventOf<typeof commissioningRound>;
type EventType = CommissioningRoundEvent['type'];

const PROGRAMME_ID = '3f0c8a52-6a0e-4c0b-9a55-1d2f1f0f7a01';
const NEXT_PROGRAMME_ID = '7b2e9d11-0c4f-4e8e-8d3a-5b6c7d8e9f02';
// Summer: bids close at 17:00 BST on 31 July 2026, given with its offset.
const programme: ProgrammeSettings = {
  id: PROGRAMME_ID,
  name: "Victims' services 2026/27",
  maxAwardPence: null,
  delegationThresholdPence: 2_500_000,
  criteria: [],
  closesAt: '2026-07-31T17:00:00+01:00',
};
const SUMMER_CLOSE = '2026-07-31T16:00:00.000Z';
const input: CommissioningRoundInput = { programmeId: PROGRAMME_ID, programme };

const ev = {
  RECORD_NEEDS_ASSESSMENT: {
    type: 'RECORD_NEEDS_ASSESSMENT',
    summary: 'Demand for ISVAs up 20%',
    evidence: 'Police data 2025',
  },
  RECORD_INTENTIONS: { type: 'RECORD_INTENTIONS', summary: 'Commission two more ISVAs' },
  REQUEST_LAUNCH: { type: 'REQUEST_LAUNCH' },
  APPROVE_LAUNCH: { type: 'APPROVE_LAUNCH' },
  REFUSE_LAUNCH: { type: 'REFUSE_LAUNCH', reason: 'Wait for the MoJ allocation' },
  BIDS_CLOSED: { type: 'BIDS_CLOSED' },
  CLOSE_EARLY: { type: 'CLOSE_EARLY', reason: 'Funding withdrawn' },
  // Winter: a new deadline in January 2027 (GMT), given with a zero offset.
  EXTEND_DEADLINE: { type: 'EXTEND_DEADLINE', closesAt: '2027-01-15T12:00:00+00:00' },
  REOPEN: { type: 'REOPEN', closesAt: '2027-02-01T12:00:00+00:00', reason: 'Closed by mistake' },
  START_ASSESSMENT: { type: 'START_ASSESSMENT' },
  START_DECISIONS: { type: 'START_DECISIONS' },
  START_MONITORING: { type: 'START_MONITORING' },
  START_EVALUATION: { type: 'START_EVALUATION' },
  RECORD_EVALUATION: {
    type: 'RECORD_EVALUATION',
    outcomesAchieved: '82% cope better',
    lessons: 'Start earlier',
    againstPlan: 'On plan',
  },
  FINISH: { type: 'FINISH' },
  RECOMMISSION: { type: 'RECOMMISSION', newProgrammeId: NEXT_PROGRAMME_ID, reason: 'Need continues' },
} as const satisfies { [K in EventType]: Extract<CommissioningRoundEvent, { type: K }> };
const allEvents = Object.keys(ev) as EventType[];
const everyEvent: Event[] = Object.values(ev);
const { machine, start, send, run, can, roundTrip } = harness(commissioningRound, input);

const prepared = [ev.RECORD_NEEDS_ASSESSMENT, ev.RECORD_INTENTIONS];
const main = words(
  'REQUEST_LAUNCH APPROVE_LAUNCH BIDS_CLOSED START_ASSESSMENT START_DECISIONS START_MONITORING START_EVALUATION',
);
const mainStates = words(
  'planning awaitingLaunchApproval open closed assessment decisions monitoring evaluation',
);
const pathTo: Record<string, Event[]> = {
  ...Object.fromEntries(
    mainStates.map((s, i) => [s, [...prepared, ...main.slice(0, i).map((t) => ev[t as EventType])]]),
  ),
  finished: [...prepared, ...main.map((t) => ev[t as EventType]), ev.RECORD_EVALUATION, ev.FINISH],
  recommissioned: [
    ...prepared,
    ...main.map((t) => ev[t as EventType]),
    ev.RECORD_EVALUATION,
    ev.RECOMMISSION,
  ],
};
// `planning` and `evaluation` are reached with their records made, so their guarded events pass.
pathTo.evaluation!.push(ev.RECORD_EVALUATION);
const reach = (state: string, given?: CommissioningRoundInput) => run(pathTo[state]!, given)[0];

const accepts: Record<string, string[]> = {
  planning: ['RECORD_NEEDS_ASSESSMENT', 'RECORD_INTENTIONS', 'REQUEST_LAUNCH'],
  awaitingLaunchApproval: ['APPROVE_LAUNCH', 'REFUSE_LAUNCH'],
  open: ['BIDS_CLOSED', 'CLOSE_EARLY', 'EXTEND_DEADLINE'],
  closed: ['START_ASSESSMENT', 'REOPEN'],
  assessment: ['START_DECISIONS'],
  decisions: ['START_MONITORING'],
  monitoring: ['START_EVALUATION'],
  evaluation: ['RECORD_EVALUATION', 'FINISH', 'RECOMMISSION'],
  finished: [],
  recommissioned: [],
};
const finals = ['finished', 'recommissioned'];

describe('commissioning round definition', () => {
  it('describes itself and registers', () => {
    expect(commissioningRound).toMatchObject({
      id: 'commissioning-round',
      version: 2,
      referencePrefix: 'RND',
    });
    expect(commissioningRound.upgradeFrom?.version).toBe(1);
    // A version 1 round moves with no reopenings, and is otherwise as it was.
    const { reopenings: _none, ...v1 } = start()[0].context;
    expect(commissioningRound.upgradeFrom?.context?.(v1 as never)).toEqual(start()[0].context);
    expect(commissioningRound.createdBy).toEqual(['officer']);
    expect(Object.keys(commissioningRound.states).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(accepts).sort()).toEqual(Object.keys(machine.root.states).sort());
    expect(Object.keys(commissioningRound.events).sort()).toEqual([...allEvents].sort());
    for (const state of finals) expect(machine.root.states[state]?.type).toBe('final');
    const registry = new MachineRegistry([commissioningRound]);
    expect(registry.latest('commissioning-round')).toBe(commissioningRound);
  });

  it.each([
    ['officer', 'RECORD_NEEDS_ASSESSMENT RECORD_INTENTIONS REQUEST_LAUNCH CLOSE_EARLY EXTEND_DEADLINE'],
    ['officer', 'START_ASSESSMENT START_DECISIONS START_MONITORING START_EVALUATION'],
    ['officer', 'RECORD_EVALUATION FINISH RECOMMISSION'],
    ['approver', 'APPROVE_LAUNCH REFUSE_LAUNCH'],
    ['system', 'BIDS_CLOSED'],
  ])('%s alone sends %s', (sender, types) => {
    for (const type of words(types))
      expect(commissioningRound.events[type as EventType].sentBy).toEqual([sender]);
  });

  it('the messages list is exactly what the machine can send, each with a template', () => {
    const declared = notifyMessages(machine);
    expect([...new Set(declared)].sort()).toEqual([...commissioningRoundMessages].sort());
    expect(Object.keys(commissioningRoundTemplates).sort()).toEqual([...commissioningRoundMessages].sort());
  });

  it('starts in planning with the programme name and deadline, explicit nulls otherwise', () => {
    const [snapshot, actions] = start();
    expect(snapshot.value).toBe('planning');
    expect(actions).toEqual([]);
    expect(snapshot.context).toEqual({
      programmeId: PROGRAMME_ID,
      title: programme.name,
      closesAt: SUMMER_CLOSE,
      needsAssessment: null,
      intentions: null,
      launchRefusals: [],
      deadlineExtensions: [],
      earlyCloseReason: null,
      reopenings: [],
      evaluation: null,
      recommission: null,
    } satisfies CommissioningRoundContext);
    expect(start({ programmeId: PROGRAMME_ID })[0].context).toMatchObject({ title: null, closesAt: null });
  });

  it('creation input is a programme id and nothing else', () => {
    const schema = commissioningRound.input;
    expect(schema.safeParse({ programmeId: PROGRAMME_ID }).success).toBe(true);
    for (const bad of [{}, { programmeId: 'abc' }, { programmeId: PROGRAMME_ID, programme }])
      expect(schema.safeParse(bad).success).toBe(false);
  });
});

describe('transitions', () => {
  it.each([
    ...main.map((type, i) => [mainStates[i]!, type, mainStates[i + 1]!]),
    ['awaitingLaunchApproval', 'REFUSE_LAUNCH', 'planning'],
    ['open', 'CLOSE_EARLY', 'closed'],
    ['open', 'EXTEND_DEADLINE', 'open'],
    ['evaluation', 'FINISH', 'finished'],
    ['evaluation', 'RECOMMISSION', 'recommissioned'],
  ])('%s —%s→ %s', (from, type, to) => {
    const [after] = send(reach(from), ev[type as EventType]);
    expect(after.value).toBe(to);
    expect(after.status).toBe(finals.includes(to) ? 'done' : 'active');
  });

  it.each<[string, Event, Partial<CommissioningRoundContext>]>([
    ['planning', ev.RECORD_NEEDS_ASSESSMENT, { needsAssessment: payloadOf(ev, 'RECORD_NEEDS_ASSESSMENT') }],
    ['planning', ev.RECORD_INTENTIONS, { intentions: payloadOf(ev, 'RECORD_INTENTIONS') }],
    ['evaluation', ev.RECORD_EVALUATION, { evaluation: payloadOf(ev, 'RECORD_EVALUATION') }],
  ])('%s records %o without leaving or emitting anything', (state, event, change) => {
    const [from] = run(pathTo[state]!.filter((e) => e.type !== event.type));
    const [after, actions] = send(from, event);
    expect(after.value).toBe(state);
    expect(after.context).toEqual({ ...from.context, ...change });
    expect(actions).toEqual([]);
  });

  it('records the refusals, the early close and the re-commission link', () => {
    let [s] = send(reach('awaitingLaunchApproval'), ev.REFUSE_LAUNCH);
    [s] = send(s, ev.REQUEST_LAUNCH);
    [s] = send(s, { type: 'REFUSE_LAUNCH', reason: 'Not yet' });
    expect(s.context.launchRefusals).toEqual([ev.REFUSE_LAUNCH.reason, 'Not yet']);
    expect(send(reach('open'), ev.CLOSE_EARLY)[0].context.earlyCloseReason).toBe('Funding withdrawn');
    expect(reach('recommissioned').context.recommission).toEqual(payloadOf(ev, 'RECOMMISSION'));
    expect(reach('finished').context.recommission).toBeNull();
  });
});

describe('guards and checks', () => {
  const ctx = (over: Partial<CommissioningRoundContext>) => ({ ...start()[0].context, ...over });
  const assessment = payloadOf(ev, 'RECORD_NEEDS_ASSESSMENT');
  const intentions = payloadOf(ev, 'RECORD_INTENTIONS');

  it.each([
    [[], ['needsAssessment', 'intentions']],
    [[ev.RECORD_NEEDS_ASSESSMENT], ['intentions']],
    [[ev.RECORD_INTENTIONS], ['needsAssessment']],
  ] as const)('REQUEST_LAUNCH after %o is refused, naming %o', (records, fields) => {
    const [before] = run([...records]);
    expect(can(before, ev.REQUEST_LAUNCH)).toBe(false);
    const [after, actions] = send(before, ev.REQUEST_LAUNCH);
    expect(after).toBe(before);
    expect(actions).toEqual([]);
    expect(checkLaunch(before.context).map((p) => p.field)).toEqual(fields);
  });

  it.each<[string | null, string, boolean]>([
    [SUMMER_CLOSE, '2026-07-31T17:00:00+01:00', false],
    [SUMMER_CLOSE, '2026-07-31T16:59:59+01:00', false],
    [SUMMER_CLOSE, '2026-07-31T16:00:01Z', true],
    [null, '2020-01-01T00:00:00Z', true],
  ])('with the deadline at %s, extending to %s is allowed: %s', (closesAt, to, ok) => {
    expect(checkExtend(ctx({ closesAt }), { closesAt: to })).toEqual(
      ok ? [] : [{ field: 'closesAt', message: expect.stringContaining('after the current one') }],
    );
    const open = reach('open', { programmeId: PROGRAMME_ID, programme: { ...programme, closesAt } });
    expect(can(open, { type: 'EXTEND_DEADLINE', closesAt: to })).toBe(ok);
  });

  it.each(['FINISH', 'RECOMMISSION'] as const)('%s is refused until the evaluation is recorded', (type) => {
    const [before] = run(pathTo.evaluation!.filter((e) => e.type !== 'RECORD_EVALUATION'));
    expect(before.value).toBe('evaluation');
    expect(can(before, ev[type])).toBe(false);
    expect(send(before, ev[type])[0]).toBe(before);
    const problems =
      type === 'FINISH'
        ? checkFinish(before.context)
        : checkRecommission(before.context, payloadOf(ev, type));
    expect(problems).toEqual([{ field: 'evaluation', message: 'Record the evaluation of the round first' }]);
  });

  it('RECOMMISSION must name a different programme', () => {
    const same = { ...ev.RECOMMISSION, newProgrammeId: PROGRAMME_ID };
    expect(can(reach('evaluation'), same)).toBe(false);
    expect(checkRecommission(ctx({ evaluation: payloadOf(ev, 'RECORD_EVALUATION') }), same)).toEqual([
      { field: 'newProgrammeId', message: expect.stringContaining('programme of its own') },
    ]);
  });

  it('the specs use the exported checks', () => {
    const { events } = commissioningRound;
    expect([events.REQUEST_LAUNCH.check, events.EXTEND_DEADLINE.check]).toEqual([checkLaunch, checkExtend]);
    expect([events.FINISH.check, events.RECOMMISSION.check]).toEqual([checkFinish, checkRecommission]);
    expect(checkLaunch(ctx({ needsAssessment: assessment, intentions }))).toEqual([]);
  });
});

describe('the bids-closed timer', () => {
  const bidsClosed = (at: string | null) => [{ id: 'bidsClosed', event: { type: 'BIDS_CLOSED' }, at }];

  it.each([
    ['summer (BST offset)', '2026-07-31T17:00:00+01:00', '2026-07-31T16:00:00.000Z'],
    ['winter (Z)', '2027-01-29T17:00:00Z', '2027-01-29T17:00:00.000Z'],
    ['none', null, null],
  ])('launching with a %s deadline schedules BIDS_CLOSED at %s', (_, closesAt, at) => {
    const [open, actions] = send(
      reach('awaitingLaunchApproval', { ...input, programme: { ...programme, closesAt } }),
      ev.APPROVE_LAUNCH,
    );
    expect(open.value).toBe('open');
    expect(ofType(actions, 'schedule')).toEqual(bidsClosed(at));
    const ops = interpretActions(actions, new Date()).timerOps;
    expect(ops).toEqual(
      at
        ? [{ kind: 'set', key: 'bidsClosed', event: { type: 'BIDS_CLOSED' }, dueAt: new Date(at) }]
        : [{ kind: 'cancel', key: 'bidsClosed' }],
    );
  });

  it('EXTEND_DEADLINE re-enters open and moves the timer to the new deadline, from the context', () => {
    const [once, first] = send(reach('open'), ev.EXTEND_DEADLINE);
    expect(ofType(first, 'schedule')).toEqual(bidsClosed('2027-01-15T12:00:00.000Z'));
    expect(notes(first)).toEqual([]);
    const [twice, second] = send(once, { type: 'EXTEND_DEADLINE', closesAt: '2027-03-29T17:00:00+01:00' });
    expect(ofType(second, 'schedule')).toEqual(bidsClosed('2027-03-29T16:00:00.000Z'));
    expect(twice.context).toMatchObject({
      closesAt: '2027-03-29T16:00:00.000Z',
      deadlineExtensions: [
        { from: SUMMER_CLOSE, to: '2027-01-15T12:00:00.000Z' },
        { from: '2027-01-15T12:00:00.000Z', to: '2027-03-29T16:00:00.000Z' },
      ],
    });
    const [closed] = send(twice, ev.BIDS_CLOSED);
    expect(closed.value).toBe('closed');
  });

  it('a round with no deadline is given one by EXTEND_DEADLINE', () => {
    const open = reach('open', { programmeId: PROGRAMME_ID });
    const [after, actions] = send(open, ev.EXTEND_DEADLINE);
    expect(ofType(actions, 'schedule')).toEqual(bidsClosed('2027-01-15T12:00:00.000Z'));
    expect(after.context.deadlineExtensions).toEqual([{ from: null, to: '2027-01-15T12:00:00.000Z' }]);
  });
});

describe('reopening a round closed before assessment', () => {
  it('takes bids again until the new deadline, with the reason on record beside the early close', () => {
    const [closed] = run([...pathTo.open!, ev.CLOSE_EARLY]);
    const [s, actions] = send(closed, ev.REOPEN);
    expect(s.value).toBe('open');
    expect(s.context).toMatchObject({
      earlyCloseReason: 'Funding withdrawn',
      closesAt: '2027-02-01T12:00:00.000Z',
      reopenings: [{ closesAt: '2027-02-01T12:00:00.000Z', reason: 'Closed by mistake' }],
    });
    // The deadline's timer is set again for the new instant.
    const timer = actions.find((a) => a.type === 'schedule')?.params as { at: string } | undefined;
    expect(timer?.at).toBe('2027-02-01T12:00:00.000Z');
  });

  it('refuses a deadline that has passed, and any reopening once assessment has started', () => {
    expect(checkReopen(reach('closed').context, { ...ev.REOPEN }, { today: '2027-02-02' })).toEqual([
      { field: 'closesAt', message: expect.stringContaining('has not passed') },
    ]);
    expect(checkReopen(reach('closed').context, { ...ev.REOPEN }, { today: '2027-02-01' })).toEqual([]);
    expect(can(reach('assessment'), ev.REOPEN)).toBe(false);
    expect(commissioningRound.events.REOPEN.payload.safeParse({ closesAt: ev.REOPEN.closesAt }).success).toBe(
      false,
    );
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

describe('notifications and effects', () => {
  it.each<[string, Event, ReturnType<typeof n>[]]>([
    ['planning', ev.REQUEST_LAUNCH, [n('launchAwaitingApproval', 'approver')]],
    ['awaitingLaunchApproval', ev.APPROVE_LAUNCH, [n('roundOpened', 'officer')]],
    ['awaitingLaunchApproval', ev.REFUSE_LAUNCH, []],
    ['open', ev.BIDS_CLOSED, [n('roundClosed', 'officer')]],
    ['open', ev.CLOSE_EARLY, [n('roundClosed', 'officer')]],
    ['open', ev.EXTEND_DEADLINE, []],
    ['closed', ev.START_ASSESSMENT, []],
    ['evaluation', ev.FINISH, []],
    ['evaluation', ev.RECOMMISSION, []],
  ])('%s —%o→ notifies %o', (state, event, expected) => {
    const [, actions] = send(reach(state), event);
    expect(notes(actions)).toEqual(expected);
    // No money effects: the round only opens and closes; awards commit funds on their own cases.
    const { effects } = interpretActions(actions, new Date());
    expect(effects.map((e) => e.type)).toEqual(expected.map(() => 'notify'));
  });
});

describe('payload schemas', () => {
  it.each(allEvents)('%s accepts its payload and refuses extra fields', (type) => {
    const schema = commissioningRound.events[type].payload;
    expect(schema.safeParse(payloadOf(ev, type)).success).toBe(true);
    expect(schema.safeParse({ ...payloadOf(ev, type), type }).success).toBe(false);
    expect(schema.safeParse({ ...payloadOf(ev, type), extra: 1 }).success).toBe(false);
  });

  const bad: [EventType, string, unknown[]][] = [
    ['RECORD_NEEDS_ASSESSMENT', 'summary', [undefined, '  ', 'x'.repeat(5001)]],
    ['RECORD_NEEDS_ASSESSMENT', 'evidence', [undefined, '']],
    ['RECORD_INTENTIONS', 'summary', [undefined, 42]],
    ['REFUSE_LAUNCH', 'reason', [undefined, '']],
    ['CLOSE_EARLY', 'reason', [undefined]],
    [
      'EXTEND_DEADLINE',
      'closesAt',
      [undefined, '2027-01-15', '2027-01-15T12:00:00', '2027-02-30T12:00:00Z', 'soon'],
    ],
    ['RECORD_EVALUATION', 'lessons', [undefined, 'x'.repeat(5001)]],
    ['RECOMMISSION', 'newProgrammeId', [undefined, 'next-year']],
    ['RECOMMISSION', 'reason', [undefined]],
  ];
  it.each(bad.flatMap(([type, field, values]) => values.map((v) => [type, field, v] as const)))(
    '%s refuses %s: %o',
    (type, field, value) => {
      const payload = { ...payloadOf(ev, type), [field]: value };
      expect(commissioningRound.events[type].payload.safeParse(payload).success).toBe(false);
    },
  );

  it('takes deadlines with Z or an offset, and trims text', () => {
    const schema = commissioningRound.events.EXTEND_DEADLINE.payload;
    for (const closesAt of [
      '2027-01-15T12:00:00Z',
      '2027-01-15T12:00:00.000+00:00',
      '2026-07-31T17:00:00+01:00',
    ])
      expect(schema.safeParse({ closesAt }).success).toBe(true);
    expect(commissioningRound.events.CLOSE_EARLY.payload.parse({ reason: '  done ' })).toEqual({
      reason: 'done',
    });
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
      expect([a.value, a.context]).toEqual([b.value, b.context]);
      expect(effectsOf(aActions)).toEqual(effectsOf(bActions));
    }
  });

  it('a round restored at every step runs from planning to re-commissioned', () => {
    const [open] = run(pathTo.open!);
    let [s] = [open];
    for (const event of [
      ev.EXTEND_DEADLINE,
      ...pathTo.evaluation!.slice(pathTo.open!.length),
      ev.RECOMMISSION,
    ])
      [s] = send(roundTrip(s), event);
    expect(s.value).toBe('recommissioned');
    expect(s.status).toBe('done');
    expect(s.context).toMatchObject({
      closesAt: '2027-01-15T12:00:00.000Z',
      evaluation: payloadOf(ev, 'RECORD_EVALUATION'),
      recommission: payloadOf(ev, 'RECOMMISSION'),
    });
  });
});

describe('templates', () => {
  const data = {
    recipientName: 'Olive Officer',
    reference: 'RND-000007',
    title: programme.name,
    caseUrl: 'https://grants.test/cases/r',
    stateLabel: 'Open for bids',
    context: { needsAssessment: { summary: 'SECRET' }, launchRefusals: ['SECRET'], closesAt: SUMMER_CLOSE },
  };
  it.each(commissioningRoundMessages)(
    '%s starts with the reference, names the round and leaks nothing',
    (m) => {
      const template = commissioningRoundTemplates[m];
      expect(template.subject(data).startsWith('RND-000007: ')).toBe(true);
      expect(template.body(data).join('\n')).toContain(programme.name);
      expect([template.subject(data), ...template.body(data)].join('\n')).not.toMatch(/SECRET/);
    },
  );
});
