// The figures monitoring returns and end-of-grant reports gave against their measures, added up for
// the board report in PostgreSQL: one row a line of the report, however many returns there are.
import { sql } from 'drizzle-orm';
import type { MeasureSpec } from '../../../machines/define.ts';
import type { Db } from '../client.ts';
import { isMachine } from '../schema/cases.ts';
import { cases, planOutcomes, programmeOutcomes, programmes } from '../schema/index.ts';

/** Where a machine's cases keep figures against measures (MachineDefinition.reportsMeasures). */
export interface FiguresSource {
  machineId: string;
  measures: string;
  figures: readonly string[];
  dueOn: string;
}

/** Context fields PostgreSQL keeps in a generated, indexed column of cases (schema/cases.ts). */
const DUE_COLUMNS: Record<string, string> = { dueOn: 'c.due_on', reportDueOn: 'c.report_due_on' };

/**
 * What the cases due from `from` to `to` (London dates, inclusive) that have given figures reported
 * for one measure, under one Plan theme and outcome, added up in PostgreSQL: the application gets a
 * row per line of the report, however many returns there are. Waived and withdrawn cases are left
 * out. A case counts under each Plan outcome the programme it reports under serves (its own
 * programme, else its award's), in that outcome's theme; where the programme serves none, under the
 * programme's theme (null: no programme, or one with no theme) with no outcome.
 *
 * For each case, each measure it was asked (its own copy, `measures`) that it gave a number for is
 * one report. A count adds its value, and its parts by name. A percentage adds its value in tenths
 * (rounded half up, as JavaScript's Math.round does) times the figure of the count it is weighted by
 * (1 when it names none), and that weight, where the weight is a whole number from 0 to 2^53 − 1;
 * else it is a report with no weight. Sums are exact (numeric), returned as bigint.
 *
 * The measure's wording (name, unit, parts, what weights it, its place in the list) is as the case
 * opened last asked it, read from that case alone once the sums are made. Due dates are read through
 * generated columns where kept, so the partial indexes on them serve the query instead of a read of
 * every case. The cases are read once; only the per-programme sums are kept.
 */
export async function outcomeSums(db: Db, from: string, to: string, sources: readonly FiguresSource[]) {
  if (!sources.length) return [];
  const context = sql.raw(`c.snapshot -> 'context'`);
  const tenths = sql.raw('(g.value::float8 * 10)');
  const first = sql.raw('(b.n is null or b.n = 1)');
  const reported = sources.map((s, source) => {
    const path = `{${s.figures.join(',')}}`;
    const due = DUE_COLUMNS[s.dueOn] ? sql.raw(DUE_COLUMNS[s.dueOn]!) : sql`${context} ->> ${s.dueOn}`;
    return sql`
      select ${sql.raw(String(source))} as source, ${context} -> ${s.measures} as measures,
        ${context} #> ${path}::text[] as figures, coalesce(c.programme_id, a.programme_id) as programme_id, c.seq
      from ${cases} c left join ${cases} a on a.id = c.award_case_id
      where ${isMachine(sql.raw('c.machine_id'), s.machineId)}
        and ${due} >= ${from} and ${due} <= ${to}
        and c.state not in ('waived', 'withdrawn')
        and jsonb_typeof(${context} #> ${path}::text[]) = 'object'`;
  });
  // The measures a case of each source was asked, for the wording of each line.
  const askedOf = sql.join(
    sources.map((s, source) => sql`when ${sql.raw(String(source))} then ${context} -> ${s.measures}`),
    sql` `,
  );
  const rows = await db.execute<{
    theme_id: string | null;
    outcome_id: string | null;
    measure_id: string;
    spec: MeasureSpec | null;
    weighted_by: string | null;
    position: number;
    reports: number;
    total: string;
    weight: string;
    parts: [string, string][] | null;
  }>(sql`
    with reported as (${sql.join(reported, sql` union all `)}),
    -- One row per measure each case gave a number for, with what it adds.
    given as (
      select r.programme_id, r.source, r.seq, m.position::int - 1 as position, m.spec ->> 'id' as measure_id,
        coalesce(m.spec ->> 'unit' = 'count', false) as is_count,
        f.figure -> 'breakdown' as breakdown, f.value, w.weight
      from reported r
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(r.measures) = 'array' then r.measures else '[]'::jsonb end
      ) with ordinality as m(spec, position)
      cross join lateral (
        select r.figures -> (m.spec ->> 'id') as figure, r.figures -> (m.spec ->> 'id') -> 'value' as value
      ) f
      cross join lateral (
        select case when v.weight = trunc(v.weight) and v.weight between 0 and 9007199254740991
          then v.weight end as weight
        from (select case
          when coalesce(m.spec ->> 'weightedBy', '') = '' then 1::numeric
          when jsonb_typeof(r.figures -> (m.spec ->> 'weightedBy') -> 'value') = 'number'
            then (r.figures -> (m.spec ->> 'weightedBy') -> 'value')::numeric
        end as weight) v
      ) w
      where jsonb_typeof(f.value) = 'number'
    ),
    -- Added up per programme in one pass: each measure (a few rows a programme, with the last case
    -- that gave it), and each part of a count by name. A measure's row is its first part's, or its
    -- only row when it has none. A percentage's tenths are rounded half up like Math.round (round()
    -- on a float8 would round half to even).
    per_programme as materialized (
      select g.programme_id, g.source, g.measure_id, g.position, b.part,
        grouping(b.part) = 1 as is_measure, max(g.seq) as seq,
        count(*) filter (where ${first})::int as reports,
        coalesce(sum(case
          when not ${first} then null
          when g.is_count then g.value::numeric
          when g.weight is not null then g.weight * (case when ${tenths} - floor(${tenths}) >= 0.5
            then ceil(${tenths}) else floor(${tenths}) end)::numeric
        end), 0) as total,
        coalesce(sum(g.weight) filter (where not g.is_count and ${first}), 0) as weight,
        sum(case when jsonb_typeof(b.value) = 'number' then b.value::numeric end) as part_total
      from given g
      left join lateral jsonb_each(
        case when g.is_count and jsonb_typeof(g.breakdown) = 'object' then g.breakdown end
      ) with ordinality as b(part, value, n) on true
      group by grouping sets (
        (g.programme_id, g.source, g.measure_id, g.position),
        (g.programme_id, g.measure_id, b.part)
      )
    ),
    -- Where each programme's figures go: under each Plan outcome it serves, else its theme.
    places as materialized (
      select s.programme_id, pl.theme_id, pl.outcome_id
      from (select distinct programme_id from per_programme where is_measure) s
      left join ${programmes} p on p.id = s.programme_id
      cross join lateral (
        select o.theme_id, o.id as outcome_id
        from ${programmeOutcomes} po join ${planOutcomes} o on o.id = po.outcome_id
        where po.programme_id = s.programme_id
        union all
        select p.theme_id, null
        where not exists (select 1 from ${programmeOutcomes} po where po.programme_id = s.programme_id)
      ) pl
    ),
    lines as (
      select pl.theme_id, pl.outcome_id, s.measure_id,
        (array_agg(s.seq order by s.seq desc, s.position))[1] as seq,
        (array_agg(s.source order by s.seq desc, s.position))[1] as source,
        (array_agg(s.position order by s.seq desc, s.position))[1] as position,
        sum(s.reports)::int as reports, sum(s.total) as total, sum(s.weight) as weight
      from per_programme s
      join places pl on pl.programme_id is not distinct from s.programme_id
      where s.is_measure
      group by pl.theme_id, pl.outcome_id, s.measure_id
    ),
    part_lines as (
      select theme_id, outcome_id, measure_id,
        jsonb_agg(jsonb_build_array(part, total::text) order by part) as parts
      from (
        select pl.theme_id, pl.outcome_id, s.measure_id, s.part, sum(s.part_total) as total
        from per_programme s join places pl on pl.programme_id is not distinct from s.programme_id
        where not s.is_measure and s.part is not null and s.part_total is not null
        group by pl.theme_id, pl.outcome_id, s.measure_id, s.part
      ) x
      group by theme_id, outcome_id, measure_id
    )
    select l.theme_id, l.outcome_id, l.measure_id, l.position, a.measures -> l.position as spec,
      (select w.spec ->> 'name' from jsonb_array_elements(a.measures) with ordinality as w(spec, at)
        where w.spec ->> 'id' = a.measures -> l.position ->> 'weightedBy' order by w.at limit 1)
        as weighted_by,
      l.reports, l.total::text as total, l.weight::text as weight, pt.parts
    from lines l
    cross join lateral (
      select case l.source ${askedOf} end as measures from ${cases} c where c.seq = l.seq
    ) a
    left join part_lines pt on pt.theme_id is not distinct from l.theme_id
      and pt.outcome_id is not distinct from l.outcome_id and pt.measure_id = l.measure_id`);
  return [...rows].map((r) => ({
    themeId: r.theme_id,
    outcomeId: r.outcome_id,
    measureId: r.measure_id,
    /** The measure as the case opened last asked it, its place in that case's list, and what weights it. */
    measure: r.spec,
    position: r.position,
    weightedBy: r.weighted_by,
    reports: r.reports,
    /** Counts added up; for a percentage, its tenths times their weights added up. */
    total: BigInt(r.total),
    weight: BigInt(r.weight),
    parts: (r.parts ?? []).map(([part, total]) => [part, BigInt(total)] as const),
  }));
}

export type OutcomeSum = Awaited<ReturnType<typeof outcomeSums>>[number];
