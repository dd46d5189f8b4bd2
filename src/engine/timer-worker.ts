// Fires due timers through the same transition path as any other event, with the system as actor.
// Each timer fires in the transaction that deletes it, so it fires exactly once.
import type { Tx } from '../db/client.ts';
import { claimDueTimer, deleteTimer, logTimer, postponeTimer, type TimerRow } from '../db/queries/timers.ts';
import type { Logger } from '../logger.ts';
import { exponentialBackoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { Engine } from './engine.ts';
import { ProblemError } from './errors.ts';

export interface TimerRun {
  fired: number;
  discarded: number;
  postponed: number;
}

/** A fault (not a refusal) is retried after 1, 2, 4 … minutes, at most an hour apart. */
export const timerBackoffMs = exponentialBackoff(60_000, 3_600_000);

export async function fireDueTimers(
  deps: { engine: Engine; clock: Clock; logger: Logger },
  options: { batch?: number; maxAttempts?: number; onlyCaseIds?: string[] } = {},
): Promise<TimerRun> {
  const run: TimerRun = { fired: 0, discarded: 0, postponed: 0 };
  for (let i = 0; i < (options.batch ?? 100); i++) {
    const outcome = await deps.engine.transaction(async (tx) => {
      const now = deps.clock.now();
      const timer = await claimDueTimer(tx, now, options.onlyCaseIds);
      if (!timer) return null;
      try {
        // A savepoint: a refused or failed firing rolls back to here, and the timer is dealt with below.
        await tx.transaction(async (savepoint) => {
          await deleteTimer(savepoint, timer.id);
          await deps.engine.fireTimer(savepoint, timer.caseId, timer.event as { type: string });
        });
        await logTimer(tx, timer, now, 'fired', null);
        return 'fired' as const;
      } catch (error) {
        return settleFailure(tx, deps.logger, timer, now, error, options.maxAttempts ?? 5);
      }
    });
    if (!outcome) break;
    run[outcome]++;
  }
  return run;
}

async function settleFailure(
  tx: Tx,
  logger: Logger,
  timer: TimerRow,
  now: Date,
  error: unknown,
  maxAttempts: number,
): Promise<'discarded' | 'postponed'> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ProblemError && error.status < 500) {
    // The case has moved on and no longer takes this event: record it and let it go.
    await deleteTimer(tx, timer.id);
    await logTimer(tx, timer, now, 'discarded', message);
    return 'discarded';
  }
  const attempts = timer.attempts + 1;
  logger.error({ err: error, timer: timer.id, case: timer.caseId, attempts }, 'timer failed to fire');
  if (attempts >= maxAttempts) {
    await deleteTimer(tx, timer.id);
    await logTimer(tx, timer, now, 'discarded', `gave up after ${attempts} attempts: ${message}`);
    return 'discarded';
  }
  await postponeTimer(tx, timer.id, new Date(now.getTime() + timerBackoffMs(attempts)), attempts, message);
  return 'postponed';
}
