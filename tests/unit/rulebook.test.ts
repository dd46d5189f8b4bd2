// The rulebook's pure parts: when a decision waits for a signature, who may not sign it, and the
// registry's refusal of a machine that commits money through an event not declared a decision.
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { commitFunds, defineMachine, type EventSpec, moneyActions, reason } from '../../machines/define.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import {
  type AwaitingSignature,
  endsAwardEarly,
  panelFieldsProblem,
  refusesSignature,
  rulebookEvents,
  signatureNeeded,
  undeclaredDecisions,
} from '../../src/engine/rulebook.ts';

const base = {
  version: 1,
  referencePrefix: 'T',
  messages: {},
  context: z.object({}),
  summary: () => ({ title: 'A case', amountPence: null }),
  ownerKinds: ['provider'] as const,
  title: 'T',
  description: 'D',
  input: z.strictObject({}),
  createdBy: ['officer'] as const,
  states: { a: { label: 'A' }, b: { label: 'B' } },
};
const award = (decision?: EventSpec['decision']): Record<string, EventSpec> => ({
  AWARD: { label: 'Award', payload: z.strictObject({}), sentBy: ['officer'], ...(decision && { decision }) },
});
const committing = (id: string, where: 'transition' | 'entry' | 'creation' | 'timer') =>
  setup({ actions: { ...moneyActions } }).createMachine({
    id,
    initial: 'a',
    ...(where === 'creation' && { entry: commitFunds(() => 1) }),
    states: {
      a: {
        on: { AWARD: { target: 'b', ...(where === 'transition' && { actions: commitFunds(() => 1) }) } },
        ...(where === 'timer' && { after: { 1000: { target: 'b', actions: commitFunds(() => 1) } } }),
      },
      b: { type: 'final', ...(where === 'entry' && { entry: commitFunds(() => 1) }) },
    },
  });

describe('the registry and decisions', () => {
  it('accepts every shipped machine, each of whose money-committing events is a decision', () => {
    expect(() => new MachineRegistry(machineDefinitions)).not.toThrow();
    for (const definition of machineDefinitions) expect(undeclaredDecisions(definition)).toEqual([]);
  });

  it.each(['transition', 'entry'] as const)(
    'refuses money committed on a %s by an undeclared event',
    (where) => {
      const definition = defineMachine({
        ...base,
        id: `t-${where}`,
        machine: committing(`t-${where}`, where),
        events: award(),
      });
      expect(() => new MachineRegistry([definition])).toThrow(
        `t-${where}@1: AWARD commits money but is not declared a decision`,
      );
    },
  );

  it('accepts the same machine once the event is declared a decision', () => {
    const definition = defineMachine({
      ...base,
      id: 't-declared',
      machine: committing('t-declared', 'transition'),
      events: award({ amountPence: () => 1 }),
    });
    expect(() => new MachineRegistry([definition])).not.toThrow();
  });

  it('refuses money committed when a case is opened, or by a timer, which no one decides', () => {
    const opened = defineMachine({
      ...base,
      id: 't-open',
      machine: committing('t-open', 'creation'),
      events: award({ amountPence: () => 1 }),
    });
    expect(() => new MachineRegistry([opened])).toThrow('money is committed when a case is opened');
    const timed = defineMachine({
      ...base,
      id: 't-timer',
      machine: committing('t-timer', 'timer'),
      events: award({ amountPence: () => 1 }),
    });
    expect(() => new MachineRegistry([timed])).toThrow('commits money, which no one decides');
  });

  it("refuses a machine's own event named like the rulebook's", () => {
    const machine = setup({}).createMachine({
      id: 't-names',
      initial: 'a',
      states: { a: { on: { SIGN_DECISION: 'b' } }, b: { type: 'final' } },
    });
    const definition = defineMachine({
      ...base,
      id: 't-names',
      machine,
      events: { SIGN_DECISION: { label: 'Sign', payload: z.strictObject({}), sentBy: ['approver'] } },
    });
    expect(() => new MachineRegistry([definition])).toThrow("SIGN_DECISION is the rulebook's own event");
  });
});

describe('the registry and what cannot be undone', () => {
  const ending = (payload: z.ZodObject) =>
    defineMachine({
      ...base,
      id: 't-ending',
      machine: setup({}).createMachine({
        id: 't-ending',
        initial: 'a',
        states: { a: { on: { END: 'b' } }, b: { type: 'final' } },
      }),
      events: { END: { label: 'End', payload, sentBy: ['officer'], irreversible: true } },
    });
  it('refuses an irreversible event whose payload does not require a reason', () => {
    expect(() => new MachineRegistry([ending(z.strictObject({}))])).toThrow(
      't-ending@1: END cannot be undone, so its payload must require a reason',
    );
    expect(() => new MachineRegistry([ending(z.strictObject({ reason: reason.optional() }))])).toThrow(
      'must require a reason',
    );
    expect(() => new MachineRegistry([ending(z.strictObject({ reason }))])).not.toThrow();
  });

  it('declares every shipped action that ends a bid, a grant, a procurement, a return or a payment', () => {
    const irreversible = machineDefinitions.flatMap((d) =>
      Object.entries(d.events)
        .filter(([, e]) => e.irreversible)
        .map(([type]) => `${d.id}.${type}`),
    );
    expect(irreversible.sort()).toEqual(
      [
        'youth-fund.WITHDRAW',
        'youth-fund.DECLINE',
        'youth-fund.DECLINE_OFFER',
        'victims-services.WITHDRAW',
        'victims-services.DECLINE_OFFER',
        'victims-services.TERMINATE',
        'crime-disorder-grant.WITHDRAW_ALLOCATION',
        'sarc-recommissioning.ABANDON',
        'sarc-recommissioning.TERMINATE',
        'award-payment.CANCEL',
        'monitoring-return.WAIVE_RETURN',
      ].sort(),
    );
  });
});

describe('when a decision needs a signature', () => {
  const sentBack = {
    status: 'sentBack' as const,
    event: 'AWARD',
    amountPence: 10,
    decidedBy: 'u1',
    decidedByRole: 'officer',
    reason: 'No',
    sentBackBy: 'u2',
    at: '2026-12-06T10:00:00Z',
  };
  it.each([
    [4_999_999, 5_000_000, null, null],
    [5_000_000, 5_000_000, null, null],
    [5_000_001, 5_000_000, null, 'aboveThreshold'],
    [1, 0, null, 'aboveThreshold'],
    [0, 0, null, null],
    [1, 5_000_000, sentBack, 'sentBack'],
    [null, 0, sentBack, null],
    [null, 0, null, null],
  ] as const)('%s against a threshold of %i (after %o) → %s', (amount, threshold, current, expected) => {
    expect(signatureNeeded(amount, threshold, current)).toBe(expected);
  });

  it('holds a decision the definition says needs the approver, whatever its amount', () => {
    expect(signatureNeeded(1, 5_000_000, null, 'Not the highest scorer')).toBe('declared');
    expect(signatureNeeded(null, 5_000_000, null, 'Not the highest scorer')).toBe('declared');
    expect(signatureNeeded(1, 5_000_000, sentBack, 'Not the highest scorer')).toBe('sentBack');
  });

  it('never lets the person who decided sign; any other approver may', () => {
    const held: AwaitingSignature = {
      status: 'awaitingSignature',
      event: 'AWARD',
      payload: {},
      decidedBy: 'u1',
      decidedByRole: 'officer',
      amountPence: 10,
      thresholdPence: 0,
      because: 'aboveThreshold',
      at: '2026-12-06T10:00:00Z',
    };
    expect(refusesSignature(held, 'u1')).toMatch(/another approver must sign/);
    expect(refusesSignature(held, 'u2')).toBeNull();
  });

  it('takes only approvers as signers, and a reason to send back', () => {
    expect(rulebookEvents.SIGN_DECISION!.sentBy).toEqual(['approver']);
    expect(rulebookEvents.SEND_BACK_DECISION!.payload.safeParse({}).success).toBe(false);
    expect(rulebookEvents.SEND_BACK_DECISION!.payload.safeParse({ reason: 'Too much' }).success).toBe(true);
  });
});

describe('an award ends before its agreed last day only with a reason', () => {
  const vs = machineDefinitions.find((d) => d.awardEndsOn)!;
  const live = { agreement: { endsOn: '2029-03-31' } };
  const done = { status: 'done' };

  it('refuses a plain close into a final state before the end, naming the day', () => {
    const refusal = endsAwardEarly(vs, live, done, 'COMPLETE', '2026-12-06');
    expect(refusal?.status).toBe(409);
    expect(refusal?.detail).toContain('31 March 2029');
  });

  it('lets an action that records the reasons end it early, and anything end it from its last day', () => {
    expect(endsAwardEarly(vs, live, done, 'TERMINATE', '2026-12-06')).toBeNull();
    expect(endsAwardEarly(vs, live, done, 'COMPLETE', '2029-03-31')).toBeNull();
    expect(endsAwardEarly(vs, live, { status: 'active' }, 'ANNUAL_REVIEW', '2026-12-06')).toBeNull();
    expect(endsAwardEarly(vs, { agreement: null }, done, 'WITHDRAW', '2026-12-06')).toBeNull();
  });
});

describe('panel fields', () => {
  it('requires an optional quorumReason on closing scoring, and scores with an optional rationale on moderating', () => {
    const spec = (payload: z.ZodObject, extra: Partial<EventSpec>): EventSpec => ({
      label: 'x',
      payload,
      sentBy: ['officer'],
      ...extra,
    });
    expect(panelFieldsProblem(spec(z.strictObject({}), { closesScoring: true }))).toMatch(/quorumReason/);
    expect(
      panelFieldsProblem(spec(z.strictObject({ quorumReason: reason }), { closesScoring: true })),
    ).toMatch(/optional quorumReason/);
    expect(
      panelFieldsProblem(spec(z.strictObject({ quorumReason: reason.optional() }), { closesScoring: true })),
    ).toBeNull();
    const scores = z.record(z.string(), z.number());
    expect(
      panelFieldsProblem(spec(z.strictObject({ scores, rationale: reason }), { moderates: true })),
    ).toMatch(/optional rationale/);
    expect(
      panelFieldsProblem(spec(z.strictObject({ scores, rationale: reason.optional() }), { moderates: true })),
    ).toMatch(/declared a decision/);
    expect(
      panelFieldsProblem(
        spec(z.strictObject({ scores, rationale: reason.optional() }), {
          moderates: true,
          decision: { amountPence: () => null },
        }),
      ),
    ).toBeNull();
  });
});
