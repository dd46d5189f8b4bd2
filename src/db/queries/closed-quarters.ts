// Closed quarters and the money recorded into them after they closed.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { closedQuarters, fundLedger, programmes, users } from '../schema/index.ts';

export type ClosedQuarterRow = typeof closedQuarters.$inferSelect;

export async function findClosedQuarter(db: Db, quarter: string) {
  const [row] = await db
    .select({ closed: closedQuarters, closedByName: users.name })
    .from(closedQuarters)
    .innerJoin(users, eq(users.id, closedQuarters.closedBy))
    .where(eq(closedQuarters.quarter, quarter));
  return row;
}

/** Records the quarter closed; false when it already was (the primary key keeps it once). */
export async function insertClosedQuarter(db: Db, row: typeof closedQuarters.$inferInsert): Promise<boolean> {
  const inserted = await db
    .insert(closedQuarters)
    .values(row)
    .onConflictDoNothing()
    .returning({ quarter: closedQuarters.quarter });
  return inserted.length === 1;
}

/**
 * Ledger rows recorded from `from` to before `to` (instants) whose day falls in a quarter that was
 * already closed when they were recorded: per closed quarter and theme, what they add to what was
 * committed, paid and returned.
 */
export async function adjustmentsRecorded(db: Db, from: Date, to: Date) {
  const rows = await db.execute<{
    quarter: string;
    theme_id: string | null;
    committed: string;
    paid: string;
    returned: string;
    entries: number;
  }>(sql`
    select c.quarter, p.theme_id,
      coalesce(sum(case l.movement when 'commit' then l.amount_pence when 'release' then -l.amount_pence else 0 end), 0)::text as committed,
      coalesce(sum(l.amount_pence) filter (where l.movement = 'payment'), 0)::text as paid,
      coalesce(sum(l.amount_pence) filter (where l.movement = 'repayment'), 0)::text as returned,
      count(*)::int as entries
    from ${fundLedger} l
    join ${closedQuarters} c
      on l.effective_on between c.starts_on and c.ends_on and l.at > c.closed_at
    left join ${programmes} p on p.id = l.programme_id
    where l.at >= ${from.toISOString()}::timestamptz and l.at < ${to.toISOString()}::timestamptz
      and l.movement in ('commit', 'release', 'payment', 'repayment')
    group by c.quarter, p.theme_id
    order by c.quarter, p.theme_id`);
  return [...rows].map((r) => ({
    quarter: r.quarter,
    themeId: r.theme_id,
    committed: BigInt(r.committed),
    paid: BigInt(r.paid),
    returned: BigInt(r.returned),
    entries: r.entries,
  }));
}
