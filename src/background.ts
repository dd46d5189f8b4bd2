// The background work: fire due timers, then deliver due email, every WORKER_POLL_MS. Runs inside
// `npm start` by default and on its own with `npm run worker`; any number of copies can run.
import type { Database } from './db/client.ts';
import type { Clock } from './engine/clock.ts';
import type { Engine } from './engine/engine.ts';
import { fireDueTimers } from './engine/timer-worker.ts';
import type { Logger } from './logger.ts';
import { deliverDue } from './mail/sender.ts';
import type { MailTransport } from './mail/transport.ts';

export interface BackgroundDeps {
  db: Database;
  engine: Engine;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
  mailFrom: string;
  messageIdDomain: string;
  pollMs: number;
}

/** One pass: every due timer, then every due message. Exported for tests that step time by hand. */
export async function runBackgroundOnce(deps: BackgroundDeps) {
  const timers = await fireDueTimers(deps);
  const mail = await deliverDue(deps);
  return { timers, mail };
}

export function startBackground(deps: BackgroundDeps): { stop: () => Promise<void> } {
  let running = true;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (running) {
      try {
        const { timers, mail } = await runBackgroundOnce(deps);
        if (timers.fired + timers.discarded + mail.sent + mail.failed > 0)
          deps.logger.info({ timers, mail }, 'background work');
      } catch (error) {
        // The database may be restarting: say so, wait, and try again.
        deps.logger.warn({ err: error }, 'background work failed; retrying');
      }
      if (running)
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, deps.pollMs);
        });
    }
  })();
  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
}
