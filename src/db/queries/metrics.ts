// What the metrics read from the database at each scrape, in one round trip: the timers that are due
// and how late the oldest is, the email waiting and given up on, and the connections to the database.
import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { outbox, timers } from '../schema/index.ts';

export interface OperationalFigures {
  timersDue: number;
  timerLagSeconds: number;
  outboxPending: number;
  outboxFailed: number;
  oldestPendingEmailSeconds: number;
  connections: { state: string; count: number }[];
}

export async function operationalFigures(db: Db, now: Date): Promise<OperationalFigures> {
  const at = now.toISOString();
  const [row] = await db.execute<{
    timers_due: number;
    timer_lag: number | null;
    outbox_pending: number;
    outbox_failed: number;
    oldest_pending: number | null;
    connections: { state: string; count: number }[] | null;
  }>(sql`
    select
      (select count(*)::int from ${timers} where ${timers.dueAt} <= ${at}::timestamptz) as timers_due,
      (select extract(epoch from ${at}::timestamptz - min(${timers.dueAt}))::float8 from ${timers}
        where ${timers.dueAt} <= ${at}::timestamptz) as timer_lag,
      (select count(*)::int from ${outbox} where ${outbox.status} = 'pending') as outbox_pending,
      (select count(*)::int from ${outbox} where ${outbox.status} = 'failed') as outbox_failed,
      (select extract(epoch from ${at}::timestamptz - min(${outbox.createdAt}))::float8 from ${outbox}
        where ${outbox.status} = 'pending') as oldest_pending,
      (select json_agg(json_build_object('state', s.state, 'count', s.n)) from (
        select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
        where datname = current_database() and backend_type = 'client backend' group by 1) s) as connections`);
  return {
    timersDue: row?.timers_due ?? 0,
    timerLagSeconds: Math.max(0, row?.timer_lag ?? 0),
    outboxPending: row?.outbox_pending ?? 0,
    outboxFailed: row?.outbox_failed ?? 0,
    oldestPendingEmailSeconds: Math.max(0, row?.oldest_pending ?? 0),
    connections: row?.connections ?? [],
  };
}
