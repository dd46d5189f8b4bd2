import type { ScheduleParams } from '../../machines/define.ts';
import { integrity } from './errors.ts';
import type { EmittedAction } from './snapshot.ts';

export type TimerOp =
  | { kind: 'set'; key: string; event: { type: string }; dueAt: Date }
  | { kind: 'cancel'; key: string };

export interface InterpretedActions {
  /** In the order the machine emitted them, so a cancel-then-restart ends with the timer set. */
  timerOps: TimerOp[];
  /** Named actions of the machine (notify, commitFunds, ...): the hook for side effects. */
  effects: EmittedAction[];
}

/**
 * Sorts what a pure transition emitted: delayed events (`after`) and `schedule` actions become timer
 * rows with an absolute due time (XState's in-memory timers are never relied on), cancellations
 * delete them, and every other named action is an effect. XState actions that would need a live
 * actor (spawning, sending to children, emitting) are refused: nothing outside the snapshot survives.
 */
export function interpretActions(actions: readonly EmittedAction[], now: Date): InterpretedActions {
  const result: InterpretedActions = { timerOps: [], effects: [] };
  for (const action of actions) {
    const params = (action.params ?? {}) as Record<string, unknown>;
    if (action.type === 'xstate.raise' && typeof params.delay === 'number') {
      const event = params.event as { type: string };
      const key = typeof params.id === 'string' ? params.id : event.type;
      result.timerOps.push({ kind: 'set', key, event, dueAt: new Date(now.getTime() + params.delay) });
    } else if (action.type === 'schedule') {
      // An absolute time the machine computed from its context (a deadline, a due date).
      const { id, event, at } = params as unknown as ScheduleParams;
      // No time (e.g. no date set, or a reminder already sent) cancels any timer of that id.
      result.timerOps.push(
        at === null ? { kind: 'cancel', key: id } : { kind: 'set', key: id, event, dueAt: new Date(at) },
      );
    } else if (action.type === 'xstate.cancel' && typeof params.sendId === 'string') {
      result.timerOps.push({ kind: 'cancel', key: params.sendId });
    } else if (action.type.startsWith('xstate.')) {
      throw integrity(`The machine emitted ${action.type}, which a persisted case cannot carry out.`);
    } else {
      result.effects.push(action);
    }
  }
  return result;
}

/** The names of a transition's actions, whether written as strings or as `{ type }` objects. */
export function actionTypes(actions: readonly unknown[]): string[] {
  return actions.map((a) => (typeof a === 'string' ? a : ((a as { type?: string })?.type ?? '')));
}
