// Thin, pure wrappers around XState's pure functions: restore, step, and what a state accepts.
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  createActor,
  getNextTransitions,
  initialTransition,
} from 'xstate';
import type { MachineDefinition } from '../../machines/define.ts';
import { integrity } from './errors.ts';

export interface EmittedAction {
  type: string;
  params: unknown;
}

export interface Step {
  snapshot: AnyMachineSnapshot;
  actions: EmittedAction[];
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allNodes(child as AnyStateNode))];
}

/** Every event type the machine's transitions name, without XState's internal events. */
export function declaredEventTypes(machine: AnyStateMachine): Set<string> {
  const types = allNodes(machine.root).flatMap((node) => [...node.transitions.keys()]);
  return new Set(types.filter((type) => !type.startsWith('xstate.')));
}

/** The state as one string: `draft`, or `parent.child` for nested states. */
export function stateName(snapshot: AnyMachineSnapshot): string {
  const flatten = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Object.entries(value as Record<string, unknown>)
          .map(([key, child]) => `${key}.${flatten(child)}`)
          .join(',');
  return flatten(snapshot.value);
}

function checked(definition: MachineDefinition, snapshot: AnyMachineSnapshot, actions: unknown[]): Step {
  if (Object.keys(snapshot.children ?? {}).length) {
    throw integrity(
      `${definition.id}@${definition.version} started a child actor, which a persisted case cannot keep.`,
    );
  }
  if (snapshot.status === 'error') {
    throw integrity(
      `${definition.id}@${definition.version} went into an error state: ${String(snapshot.error)}`,
    );
  }
  return {
    snapshot,
    actions: actions.map((a) => ({ type: (a as EmittedAction).type, params: (a as EmittedAction).params })),
  };
}

function guarded<T>(definition: MachineDefinition, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof Error && 'status' in error) throw error;
    throw integrity(
      `${definition.id}@${definition.version} failed to compute a transition: ${String(error)}`,
    );
  }
}

export function start(definition: MachineDefinition, input: unknown): Step {
  return guarded(definition, () => {
    const [snapshot, actions] = initialTransition(definition.machine, input);
    return checked(definition, snapshot, actions);
  });
}

type ActorScope = Parameters<AnyStateMachine['transition']>[2];

/**
 * XState's `transition()` makes a new actor for every call, and making one computes the machine's
 * initial state without input, which our machines' context functions refuse with a throw that
 * XState catches: 2-4% of the app's CPU per transition. The scope only collects the step's actions
 * (nothing runs, nothing is spawned: see `checked`), so one per machine serves every step.
 */
const scopes = new WeakMap<AnyStateMachine, { scope: ActorScope; collected: unknown[] }>();

function inertScope(machine: AnyStateMachine) {
  let made = scopes.get(machine);
  if (!made) {
    const self = createActor(machine);
    const collected: unknown[] = [];
    const scope = {
      self,
      system: self.system,
      id: '',
      sessionId: '',
      defer: () => {},
      logger: () => {},
      stopChild: () => {},
      emit: () => {},
      actionExecutor: (action: unknown) => collected.push(action),
    } as unknown as ActorScope;
    made = { scope, collected };
    scopes.set(machine, made);
  }
  return made;
}

/** XState's pure `transition(machine, snapshot, event)`, on the machine's one inert scope. */
function transition(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: { type: string }) {
  const { scope, collected } = inertScope(machine);
  collected.length = 0; // steps are synchronous, so no other step is using it
  const next = machine.transition(snapshot, event as never, scope);
  return [next, collected.splice(0)] as const;
}

export function step(
  definition: MachineDefinition,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
): Step {
  return guarded(definition, () => {
    const [next, actions] = transition(definition.machine, snapshot, event);
    return checked(definition, next, actions);
  });
}

/** Rebuilds a snapshot from its stored JSON; a stored error snapshot is refused, never resumed. */
export function restore(definition: MachineDefinition, persisted: unknown): AnyMachineSnapshot {
  const stored = persisted as { status?: string; value?: unknown; context?: unknown } | null;
  if (!stored || typeof stored !== 'object' || stored.value === undefined) {
    throw integrity('The stored snapshot is not a machine snapshot.');
  }
  if (stored.status === 'error')
    throw integrity('The stored snapshot is in an error state and cannot be resumed.');
  return guarded(definition, () =>
    definition.machine.resolveState({ value: stored.value as never, context: stored.context as never }),
  );
}

export function persist(definition: MachineDefinition, snapshot: AnyMachineSnapshot): unknown {
  return definition.machine.getPersistedSnapshot(snapshot);
}

/** Every event type the current state has a transition for, XState's delayed events included. */
export function transitionEventTypes(snapshot: AnyMachineSnapshot): string[] {
  if (snapshot.status !== 'active') return [];
  return [...new Set(getNextTransitions(snapshot).map((t) => t.eventType))];
}

/** The machine's own events the current state has a transition for, whatever their guards say. */
export function acceptedEvents(definition: MachineDefinition, snapshot: AnyMachineSnapshot): string[] {
  return transitionEventTypes(snapshot).filter((type) => Object.hasOwn(definition.events, type));
}
