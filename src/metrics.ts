// The service's metrics in Prometheus form (prom-client), one registry per process: request
// durations by route and status and transitions by machine, event and outcome (counted here), and
// at each scrape what the database says of the work in hand: timers due and how late, email waiting
// and given up on, connections to the database. Node's own figures (memory, CPU, event loop) too.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './db/client.ts';
import { operationalFigures } from './db/queries/metrics.ts';
import type { Clock } from './engine/clock.ts';

export interface TransitionSeen {
  machine: string;
  event: string;
  /** accepted, refused (a 4xx: the rules said no) or failed (a fault). */
  outcome: 'accepted' | 'refused' | 'failed';
}

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(deps: { db: Db; clock: Clock; poolSize?: number }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'opcc_http_request_duration_seconds',
    help: 'Time to answer a request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'opcc_transitions_total',
    help: 'Events sent to cases, by machine, event and outcome (accepted, refused, failed)',
    labelNames: ['machine', 'event', 'outcome'] as const,
    registers: [registry],
  });
  // Read once per scrape, shared by the gauges below.
  let reading: Promise<Awaited<ReturnType<typeof operationalFigures>> | null> | null = null;
  const figures = () => {
    reading ??= operationalFigures(deps.db, deps.clock.now())
      .catch(() => null)
      .finally(() => setTimeout(() => (reading = null), 0));
    return reading;
  };
  const gauge = (
    name: string,
    help: string,
    read: (f: Awaited<ReturnType<typeof operationalFigures>>) => number,
  ) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const f = await figures();
        if (f) this.set(read(f));
      },
    });
  gauge('opcc_timers_due', 'Timers whose moment has come and that have not fired yet', (f) => f.timersDue);
  gauge(
    'opcc_timer_lag_seconds',
    'How late the most overdue timer is (0 when none is due)',
    (f) => f.timerLagSeconds,
  );
  gauge('opcc_outbox_pending', 'Emails waiting to be sent', (f) => f.outboxPending);
  gauge(
    'opcc_outbox_failed',
    'Emails given up on, waiting for an admin to retry them',
    (f) => f.outboxFailed,
  );
  gauge(
    'opcc_outbox_oldest_pending_seconds',
    'How long the oldest email waiting to be sent has waited',
    (f) => f.oldestPendingEmailSeconds,
  );
  new Gauge({
    name: 'opcc_database_connections',
    help: "Connections to the service's database, by state (every process's, as PostgreSQL sees them)",
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const f = await figures();
      if (!f) return;
      this.reset();
      for (const c of f.connections) this.set({ state: c.state }, c.count);
    },
  });
  if (deps.poolSize !== undefined)
    new Gauge({
      name: 'opcc_database_pool_size',
      help: "The most connections this process's pool opens (DATABASE_POOL_SIZE)",
      registers: [registry],
    }).set(deps.poolSize);

  return {
    registry,
    httpDuration,
    observeTransition: (seen: TransitionSeen) => transitions.inc(seen),
  };
}
