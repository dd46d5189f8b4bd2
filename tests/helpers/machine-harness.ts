// Drives a machine definition purely (no engine, no database) through XState's `initialTransition`
// and `transition`, for the unit tests of every machine; and small readers of what a transition
// emits. Persistence goes through the engine's own persist and restore.
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventFromLogic,
  type InputFrom,
  initialTransition,
  type SnapshotFrom,
  transition,
} from 'xstate';
import type { MachineDefinition } from '../../machines/define.ts';
import { paymentEffects } from '../../src/domain/payments.ts';
import { persist, restore } from '../../src/engine/snapshot.ts';

/** An action a transition emits, as the tests read it. */
export type Action = { type: string; params: any };
export type MachineOf<D extends MachineDefinition> = D['machine'];
export type SnapshotOf<D extends MachineDefinition> = SnapshotFrom<MachineOf<D>>;
export type InputOf<D extends MachineDefinition> = InputFrom<MachineOf<D>>;
/** The machine's own events, or any other (an XState delayed event, a payload the guards refuse). */
export type EventOf<D extends MachineDefinition> =
  | EventFromLogic<MachineOf<D>>
  | { type: string; [key: string]: unknown };
/** A snapshot and the actions that produced it. */
export type Step<D extends MachineDefinition> = [SnapshotOf<D>, Action[]];

/** Drives one machine definition; every snapshot and event is typed as that machine's. */
export interface Harness<D extends MachineDefinition> {
  machine: MachineOf<D>;
  /** The initial transition, with `defaultInput` when no input is given. */
  start: (input?: InputOf<D>) => Step<D>;
  send: (snapshot: SnapshotOf<D>, event: EventOf<D>) => Step<D>;
  /** Starts a case with `input` (the default when left out) and sends `events` in turn. */
  run: (events: readonly EventOf<D>[], input?: InputOf<D>) => Step<D>;
  /** Sends `events` in turn from `from`: the last snapshot, and the last actions ([] for none). */
  runFrom: (from: SnapshotOf<D>, events: readonly EventOf<D>[]) => Step<D>;
  can: (snapshot: SnapshotOf<D>, event: EventOf<D>) => boolean;
  /** `roundTrip(definition, snapshot)`: the snapshot as the engine stores and reads it back. */
  roundTrip: (snapshot: SnapshotOf<D>) => SnapshotOf<D>;
}

/** `start`, `send`, `run`, `runFrom`, `can` and `roundTrip` for `definition`. */
export function harness<const D extends MachineDefinition>(definition: D, defaultInput: InputOf<D>) {
  // XState's types cannot be resolved for a machine not yet known, so the work is done on any
  // machine and the result typed once, here, as the definition's own.
  return drive(definition, defaultInput) as unknown as Harness<D>;
}

function drive(definition: MachineDefinition, defaultInput: unknown): Harness<MachineDefinition> {
  const machine = definition.machine;
  const start = (input: unknown = defaultInput): Step<MachineDefinition> => {
    const [snapshot, actions] = initialTransition(machine, input);
    return [snapshot, actions as Action[]];
  };
  const send = (snapshot: AnyMachineSnapshot, event: { type: string }): Step<MachineDefinition> => {
    const [next, actions] = transition(machine, snapshot, event);
    return [next, actions as Action[]];
  };
  const runFrom = (from: AnyMachineSnapshot, events: readonly { type: string }[]) => {
    let [snapshot, actions]: Step<MachineDefinition> = [from, []];
    for (const event of events) [snapshot, actions] = send(snapshot, event);
    return [snapshot, actions] satisfies Step<MachineDefinition>;
  };
  const run = (events: readonly { type: string }[], input?: unknown) => {
    let [snapshot, actions] = start(input);
    for (const event of events) [snapshot, actions] = send(snapshot, event);
    return [snapshot, actions] satisfies Step<MachineDefinition>;
  };
  return {
    machine,
    start,
    send,
    run,
    runFrom,
    can: (snapshot, event) => snapshot.can(event),
    roundTrip: (snapshot) => roundTrip(definition, snapshot),
  };
}

/** What the engine stores in cases.snapshot and reads back: persisted, through JSON, restored. */
export const roundTrip = <S extends AnyMachineSnapshot>(definition: MachineDefinition, snapshot: S) =>
  restore(definition, json(persist(definition, snapshot))) as S;

/** A value as it comes back from JSON. */
export const json = (value: unknown) => JSON.parse(JSON.stringify(value));

/** The params of every action of `type`, in order. */
export const ofType = (actions: Action[], type: string) =>
  actions.filter((a) => a.type === type).map((a) => a.params);
export const notes = (actions: Action[]) => ofType(actions, 'notify');
/** The params of a notification: `message` to `to`, or to the owner when no one is named. */
export const notify = (message: string, ...to: string[]) => ({ message, to: to.length ? to : ['owner'] });
/** Everything but XState's own actions, as `{ type, params }`. */
export const effectsOf = (actions: Action[]) =>
  actions.filter((a) => !a.type.startsWith('xstate.')).map((a) => ({ type: a.type, params: a.params }));

/** Every named effect the engine has a handler for, as src/services.ts wires them. */
export const handledEffects: readonly string[] = [
  'notify',
  'commitFunds',
  'releaseFunds',
  'requireOpenRound',
  ...Object.keys(paymentEffects),
];

/** A user id, as the engine adds it to every event a person sends (`actorId`). */
export const ACTOR_ID = '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
/** The event as the engine gives it to the machine: with the sender's id (null for the system). */
export const sentBy = <E extends { type: string }>(event: E, actorId: string | null = ACTOR_ID) => ({
  ...event,
  actorId,
});

/**
 * The engine adds `actorId` to every event. For a machine that does not use it, each event sent with
 * it must end exactly as without it; the `state EVENT` pairs where it does not (none, for a pure machine).
 */
export function actorIdChanges<D extends MachineDefinition>(
  h: Harness<D>,
  snapshots: readonly SnapshotOf<D>[],
  events: readonly EventOf<D>[],
): string[] {
  const loose = h as unknown as Harness<MachineDefinition>;
  const seen = ([after, actions]: Step<MachineDefinition>) =>
    JSON.stringify([after.value, after.context, effectsOf(actions)]);
  return (snapshots as readonly AnyMachineSnapshot[]).flatMap((snapshot) =>
    (events as readonly { type: string }[])
      .filter((event) => loose.can(snapshot, event))
      .filter((event) => seen(loose.send(snapshot, event)) !== seen(loose.send(snapshot, sentBy(event))))
      .map((event) => `${String(snapshot.value)} ${event.type}`),
  );
}

/** Every message the machine's states and transitions `notify`, duplicates included. */
export const notifyMessages = (machine: AnyStateMachine) =>
  (Object.values(machine.root.states) as AnyStateNode[])
    .flatMap((node) => [...node.entry, ...[...node.transitions.values()].flat().flatMap((t) => t.actions)])
    .filter((a): a is Action => typeof a === 'object' && a !== null && (a as Action).type === 'notify')
    .map((a) => a.params.message as string);

/** The payload of the example event of `type`: the event without its `type`. */
export const payloadOf = <E extends { [K in keyof E]: { type: string } }, T extends keyof E>(
  events: E,
  type: T,
) => {
  const { type: _type, ...payload } = events[type];
  return payload as Omit<E[T], 'type'>;
};

export const words = (text: string) => text.split(' ');
