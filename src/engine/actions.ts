import type { EmittedAction } from './snapshot.ts';

export interface TimerToSet {
  key: string;
  event: { type: string };
  dueAt: Date;
}

export interface InterpretedActions {
  timersToSet: TimerToSet[];
  timersToCancel: string[];
  /** Named actions of the machine (notify, commitFunds, ...): the hook for side effects. */
  effects: EmittedAction[];
}

/**
 * Sorts what a pure transition emitted: delayed events become timer rows with an absolute due time
 * (XState's in-memory timers are never relied on), cancellations delete them, named actions are effects.
 */
export function interpretActions(actions: readonly EmittedAction[], now: Date): InterpretedActions {
  const result: InterpretedActions = { timersToSet: [], timersToCancel: [], effects: [] };
  for (const action of actions) {
    const params = (action.params ?? {}) as Record<string, unknown>;
    if (action.type === 'xstate.raise' && typeof params.delay === 'number') {
      const event = params.event as { type: string };
      const key = typeof params.id === 'string' ? params.id : event.type;
      result.timersToSet.push({ key, event, dueAt: new Date(now.getTime() + params.delay) });
    } else if (action.type === 'xstate.cancel' && typeof params.sendId === 'string') {
      result.timersToCancel.push(params.sendId);
    } else if (!action.type.startsWith('xstate.')) {
      result.effects.push(action);
    }
  }
  return result;
}
