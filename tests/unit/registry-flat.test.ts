// The registry accepts only flat, persistable machines: nested states and invoked actors would
// keep state outside the stored snapshot or make `state` more than one name.

import { describe, expect, it } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { defineMachine } from '../../machines/define.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';

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
};
const go = { GO: { label: 'Go', payload: z.strictObject({}), sentBy: ['officer'] as const } };

describe('MachineRegistry flatness', () => {
  it('accepts every shipped machine', () => {
    expect(() => new MachineRegistry(machineDefinitions)).not.toThrow();
  });

  it('refuses nested states', () => {
    const machine = setup({}).createMachine({
      id: 'nested',
      initial: 'a',
      states: { a: { initial: 'x', states: { x: { on: { GO: '#nested.b' } } } }, b: { type: 'final' } },
    });
    const definition = defineMachine({
      ...base,
      id: 'nested',
      machine,
      events: go,
      states: { a: { label: 'A' }, b: { label: 'B' } },
    });
    expect(() => new MachineRegistry([definition])).toThrow('nested@1: state a has nested states');
  });

  it('refuses a letter whose terms its context does not describe', () => {
    const machine = setup({}).createMachine({
      id: 'lettered',
      initial: 'a',
      states: { a: { on: { GO: 'b' } }, b: { type: 'final' } },
    });
    const lettered = (terms: string[]) =>
      defineMachine({
        ...base,
        id: 'lettered',
        machine,
        context: z.object({ amountPence: z.number().meta({ title: 'Amount', widget: 'money' }) }),
        events: { GO: { ...go.GO, letter: { title: 'Offer', opening: () => 'We offer', terms } } },
        states: { a: { label: 'A' }, b: { label: 'B' } },
      });
    expect(() => new MachineRegistry([lettered(['amountPence'])])).not.toThrow();
    expect(() => new MachineRegistry([lettered(['amountPence', 'amountPaid'])])).toThrow(
      "lettered@1: GO's letter names terms its context does not describe: amountPaid",
    );
  });

  it('refuses panel scoring in a state the machine does not have', () => {
    const machine = setup({}).createMachine({
      id: 'scoring',
      initial: 'a',
      states: { a: { on: { GO: 'b' } }, b: { type: 'final' } },
    });
    const definition = defineMachine({
      ...base,
      id: 'scoring',
      machine,
      events: go,
      states: { a: { label: 'A' }, b: { label: 'B' } },
      panelScoringStates: ['panelReview'],
    });
    expect(() => new MachineRegistry([definition])).toThrow(
      'scoring@1: panel scoring in unknown states: panelReview',
    );
  });

  it('refuses invoked actors', () => {
    const machine = setup({ actors: { work: fromPromise(async () => 1) } }).createMachine({
      id: 'invoking',
      initial: 'a',
      states: { a: { invoke: { src: 'work' }, on: { GO: 'b' } }, b: { type: 'final' } },
    });
    const definition = defineMachine({
      ...base,
      id: 'invoking',
      machine,
      events: go,
      states: { a: { label: 'A' }, b: { label: 'B' } },
    });
    expect(() => new MachineRegistry([definition])).toThrow('invoking@1: state a invokes an actor');
  });
});
