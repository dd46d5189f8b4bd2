// The background work: fire due timers, then deliver due email, every WORKER_POLL_MS. Runs inside
// `npm start` by default and on its own with `npm run worker`; any number of copies can run.
import type { Database } from './db/client.ts';
import { applyRetention, type RetentionSettings } from './domain/retention.ts';
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
  /** How long personal data is kept; the retention pass runs once an hour. */
  retention: RetentionSettings;
}

const RETENTION_EVERY_MS = 3_600_000;

/**
 * One pass: every due timer, then every due message, then (when asked, as the loop does hourly) the
 * retention pass. Exported for tests that step time by hand.
 */
export async function runBackgroundOnce(deps: BackgroundDeps, options: { retention?: boolean } = {}) {
  const timers = await fireDueTimers(deps);
  const mail = await deliverDue(deps);
  const retention = options.retention
    ? await applyRetention(deps.db, deps.retention, deps.clock.now(), deps.engine.registry)
    : null;
  return { timers, mail, retention };
}

export function startBackground(deps: BackgroundDeps): { stop: () => Promise<void> } {
  let running = true;
  let wake: (() => void) | undefined;
  let retainedAt = Number.NEGATIVE_INFINITY;
  const loop = (async () => {
    while (running) {
      try {
        const due = Date.now() - retainedAt >= RETENTION_EVERY_MS;
        const { timers, mail, retention } = await runBackgroundOnce(deps, { retention: due });
        if (due) retainedAt = Date.now();
        if (retention && retention.accounts + retention.messages + retention.cases > 0)
          deps.logger.info({ retention }, 'personal data past its retention period removed');
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
