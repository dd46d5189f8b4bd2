// A national-sized portfolio inserted with set-based SQL (INSERT … SELECT generate_series): funds
// and programmes, provider organisations, cases on every machine in realistic states, their history,
// awards with payment cases and monitoring returns, and the ledger rows the awards moved.
//
// Sizes scale with `cases`: a tenth are awards, each with four payments and two monitoring returns;
// the rest are bids and one commissioning round per programme. Every case has 1–9 history rows
// (five on average), so case_events holds about five times as many rows as cases.
import type postgres from 'postgres';
import { machineDefinitions } from '../machines/index.ts';

export interface SeedSizes {
  cases: number;
  awards: number;
  payments: number;
  returns: number;
  bids: number;
  rounds: number;
  funds: number;
  programmes: number;
  organisations: number;
  caseEvents: number;
  ledgerRows: number;
}

/** Award states (money committed) and bid states (none yet, or none any more) of each award machine. */
const AWARD_MACHINES: Record<string, { award: string[]; bid: string[] }> = {
  'youth-fund': {
    award: ['accepted', 'reporting', 'reporting', 'reportOverdue', 'reportSubmitted', 'closed', 'closed'],
    bid: ['draft', 'submitted', 'panelReview', 'offered', 'ineligible', 'declined', 'declined', 'withdrawn'],
  },
  'victims-services': {
    award: ['live', 'live', 'variationRequested', 'closed', 'closed', 'terminated'],
    bid: [
      'draft',
      'dueDiligence',
      'panelScoring',
      'moderation',
      'recommendation',
      'recommendation',
      'offered',
      'agreement',
      'declined',
      'declined',
      'withdrawn',
    ],
  },
  'sarc-recommissioning': {
    award: ['mobilisation', 'live', 'live', 'closed', 'closed'],
    bid: [
      'specification',
      'tendering',
      'evaluation',
      'moderation',
      'boardDecision',
      'abandoned',
      'abandoned',
    ],
  },
  'crime-disorder-grant': {
    award: ['live', 'live', 'evaluated', 'closed', 'closed'],
    bid: ['proposed', 'allocated', 'conditionsOffered', 'withdrawn'],
  },
};
const FINAL_STATES = [
  'finished',
  'recommissioned',
  'ineligible',
  'declined',
  'offerDeclined',
  'lapsed',
  'closed',
  'withdrawn',
  'terminated',
  'abandoned',
  'accepted',
  'returned',
  'cancelled',
];
/** Each machine's latest version, as SQL: seeded cases run on what the registry runs. */
const LATEST_VERSION = `'${JSON.stringify(
  Object.fromEntries(machineDefinitions.map((d) => [d.id, d.version])),
)}'::jsonb`;
const THEMES = ['victims', 'offenders', 'communities', 'transformation'];
export const SCALE_YEAR = '2026-27';

const textArray = (values: readonly string[]) => `array[${values.map((v) => `'${v}'`).join(',')}]::text[]`;
/**
 * A pick from a SQL text array by an integer expression, spread by a multiplier so neighbours differ.
 * The product is bigint: past a few hundred thousand rows it overflows an integer.
 */
const pick = (values: readonly string[], n: string) =>
  `(${textArray(values)})[1 + (((${n})::bigint * 7919) % ${values.length})::int]`;

/**
 * Inserts the portfolio through one connection (temporary tables hold the generated ids).
 * `template` is a real persisted snapshot; each case gets its shape with its own state and context.
 */
export async function seedPortfolio(
  sql: postgres.ReservedSql,
  totalCases: number,
  template: Record<string, unknown>,
  log: (line: string) => void,
): Promise<SeedSizes> {
  const funds = 20;
  const programmes = 200;
  const awards = Math.max(20, Math.round(totalCases * 0.1));
  const payments = awards * 4;
  const returns = awards * 2;
  const rounds = programmes;
  const bids = Math.max(0, totalCases - awards - payments - returns - rounds);
  const organisations = Math.max(50, Math.round(totalCases / 500));
  const step = async (name: string, statement: string) => {
    const t0 = performance.now();
    const result = await sql.unsafe(statement);
    log(
      `  ${name.padEnd(34)} ${String(result.count).padStart(9)} rows ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`,
    );
    return result.count;
  };
  const before = await sql`select coalesce(max(seq), 0)::bigint as seq from cases`;
  const firstSeq = Number(before[0]!.seq);
  await sql.unsafe(`set synchronous_commit = off`);

  await step(
    'organisations',
    `create temp table s_org as select g as n, gen_random_uuid() as id from generate_series(0, ${organisations - 1}) g`,
  );
  await sql.unsafe(`insert into organisations (id, name, kind, charity_number)
    select id, 'Scale provider ' || n, 'provider', (1100000 + n)::text from s_org`);
  await sql.unsafe(`create temp table s_fund as
    select g as n, gen_random_uuid() as id, case when g < 16 then '${SCALE_YEAR}' else '2025-26' end as year
    from generate_series(0, ${funds - 1}) g`);
  await step(
    'funds',
    `insert into funds (id, name, source, financial_year, starts_on, ends_on, budget_pence)
    select id, 'Scale fund ' || n, 'Scale benchmark', year,
      (left(year, 4) || '-04-01')::date, ((left(year, 4)::int + 1) || '-03-31')::date, 0 from s_fund`,
  );
  const cycles = Object.keys(AWARD_MACHINES);
  await sql.unsafe(`create temp table s_prog as
    select g as n, gen_random_uuid() as id, f.id as fund_id, f.year, ${pick(cycles, 'g')} as cycle,
      ${pick(THEMES, 'g')} as theme_id
    from generate_series(0, ${programmes - 1}) g join s_fund f on f.n = g % ${funds}`);
  await step(
    'programmes',
    `insert into programmes (id, name, cycle, fund_id, theme_id, delegation_threshold_pence, max_award_pence, criteria)
    select id, 'Scale programme ' || n, cycle, fund_id, theme_id, 2500000, 50000000,
      '[{"id":"need","label":"Evidence of need","weight":60},{"id":"value","label":"Value for money","weight":40}]'::jsonb
    from s_prog`,
  );

  const awardState = `case p.cycle ${cycles.map((c) => `when '${c}' then ${pick(AWARD_MACHINES[c]!.award, 'g')}`).join(' ')} end`;
  const bidState = `case p.cycle ${cycles.map((c) => `when '${c}' then ${pick(AWARD_MACHINES[c]!.bid, 'g')}`).join(' ')} end`;
  // Money: awards of £5,000 to £250,000, in pence; paid in four equal payments (the last takes the rest).
  await step(
    'plan: awards',
    `create temp table s_award as
    select g as n, gen_random_uuid() as id, p.id as programme_id, p.fund_id, p.year, p.cycle,
      o.id as organisation_id, ${awardState} as state, (500000 + (g::bigint * 104729) % 24500000) as amount
    from generate_series(0, ${awards - 1}) g
    join s_prog p on p.n = g % ${programmes}
    join s_org o on o.n = (g * 31) % ${organisations}`,
  );
  await sql.unsafe(`create temp table s_pay as
    select a.n * 4 + k as n, gen_random_uuid() as id, a.id as award_id, a.fund_id, a.programme_id, a.year, a.organisation_id, k,
      case when k = 4 then a.amount - 3 * (a.amount / 4) else a.amount / 4 end as amount,
      case when (a.n + k) % 20 = 0 then 'cancelled'
           when k <= 2 then 'paid'
           when k = 3 then ${pick(['paid', 'approved', 'scheduled', 'held'], 'a.n')}
           else ${pick(['scheduled', 'scheduled', 'held', 'approved'], 'a.n')} end as state
    from s_award a cross join generate_series(1, 4) k`);
  await sql.unsafe(`create temp table s_ret as
    select a.n * 2 + k as n, gen_random_uuid() as id, a.id as award_id, a.fund_id, a.programme_id, a.year, a.organisation_id, k,
      case when k = 1 then ${pick(['accepted', 'accepted', 'accepted', 'accepted', 'submitted', 'queried'], 'a.n')}
           else ${pick(['due', 'due', 'late', 'submitted', 'accepted', 'accepted'], 'a.n')} end as state,
      ((left(a.year, 4)::int + k - 1) || '-' || lpad((1 + (a.n % 12))::text, 2, '0') || '-28') as due_on,
      (a.amount / 2) - (a.n % 1000) as spent
    from s_award a cross join generate_series(1, 2) k`);

  const finals = textArray(FINAL_STATES);
  const snapshot = (state: string, context: string) =>
    `(($tpl$${JSON.stringify(template)}$tpl$::jsonb - 'context' - 'value') || jsonb_build_object(
      'status', case when ${state} = any(${finals}) then 'done' else 'active' end,
      'value', ${state}, 'context', ${context}))`;
  const caseInsert = (
    name: string,
    machine: string,
    from: string,
    state: string,
    context: string,
    organisation: string,
    programme: string,
    award: string,
  ) =>
    step(
      name,
      `insert into cases (id, machine_id, machine_version, state, snapshot, organisation_id, programme_id,
        award_case_id, version, created_at, updated_at)
      select id, ${machine}, (${LATEST_VERSION} ->> ${machine})::int,
        ${state}, ${snapshot(state, context)}, ${organisation}, ${programme}, ${award}, 1 + (n * 7) % 9,
        now() - ((n % 900) || ' days')::interval, now() - ((n % 300) || ' days')::interval
      from ${from}`,
    );
  const bidContext = (amount: string) => `jsonb_build_object(
      'title', 'Scale bid ' || n, 'summary', 'Support for victims and communities in area ' || (n % 43),
      'programmeId', programme_id, 'amountRequestedPence', ${amount}, 'organisationId', organisation_id,
      'maxAwardPence', 50000000, 'delegationThresholdPence', 2500000,
      'criteria', '[{"id":"need","weight":60},{"id":"value","weight":40}]'::jsonb)`;
  await caseInsert(
    'cases: awards',
    'cycle',
    's_award',
    'state',
    `${bidContext('amount')} || jsonb_build_object('awardedPence', amount, 'reportDueOn', (left(year, 4)::int + 1) || '-03-31')`,
    'organisation_id',
    'programme_id',
    'null::uuid',
  );
  await caseInsert(
    'cases: payments',
    `'award-payment'`,
    's_pay',
    'state',
    `jsonb_build_object('awardCaseId', award_id, 'fundId', fund_id, 'instalment', k, 'of', 4, 'amountPence', amount,
      'dueOn', (left(year, 4)::int) || '-' || lpad((3 * k + 1)::text, 2, '0') || '-01', 'reference',
      'PAY-' || lpad(n::text, 7, '0'))`,
    'organisation_id',
    'null::uuid',
    'award_id',
  );
  await caseInsert(
    'cases: monitoring returns',
    `'monitoring-return'`,
    's_ret',
    'state',
    `jsonb_build_object('awardCaseId', award_id, 'period', k, 'dueOn', due_on, 'submittedLate', n % 7 = 0,
      'measures', '[{"id": "victimsSupported", "name": "Victims supported", "unit": "count", "target": null, "breakdowns": []},
        {"id": "copeAndRecover", "name": "Cope and recover", "unit": "percent", "target": 80, "breakdowns": [], "weightedBy": "victimsSupported"}]'::jsonb,
      'latestReturn', case when state in ('accepted', 'submitted', 'queried') then jsonb_build_object(
        'spendPence', spent, 'measures', jsonb_build_object(
          'victimsSupported', jsonb_build_object('value', 10 + n % 90),
          'copeAndRecover', jsonb_build_object('value', 60 + n % 40)),
        'performance', 'Quarterly return ' || n) end)`,
    'organisation_id',
    'null::uuid',
    'award_id',
  );
  await step(
    'plan: bids',
    `create temp table s_bid as
    select g as n, gen_random_uuid() as id, p.id as programme_id, p.cycle, o.id as organisation_id, ${bidState} as state
    from generate_series(0, ${bids - 1}) g
    join s_prog p on p.n = g % ${programmes}
    join s_org o on o.n = (g * 17) % ${organisations}`,
  );
  await caseInsert(
    'cases: bids',
    'cycle',
    's_bid',
    'state',
    bidContext('(100000 + (n::bigint * 7877) % 30000000)'),
    'organisation_id',
    'programme_id',
    'null::uuid',
  );
  const commissioner = await sql`select id from organisations where kind = 'commissioner' limit 1`;
  await caseInsert(
    'cases: commissioning rounds',
    `'commissioning-round'`,
    `(select n, id as programme_id, gen_random_uuid() as id,
        ${pick(['open', 'closed', 'assessment', 'decisions', 'monitoring', 'monitoring', 'finished'], 'n')} as state
      from s_prog) r`,
    'state',
    `jsonb_build_object('programmeId', programme_id, 'needsAssessment', null, 'title', 'Round ' || n)`,
    `'${commissioner[0]!.id}'::uuid`,
    'programme_id',
    'null::uuid',
  );
  // History: version rows per case, the last one arriving in the case's state.
  const caseEvents = await step(
    'case_events',
    `insert into case_events (case_id, version, type, payload, from_state, to_state, actor_role, effects, at)
    select c.id, v, case when v = 1 then 'xstate.init' else 'SCALE_EVENT_' || (v % 5) end,
      case when v = 1 then '{}'::jsonb else jsonb_build_object('summary', 'Recorded step ' || v || ' of the case',
        'note', repeat('n', 40 + (v * 13) % 120)) end,
      case when v = 1 then null else 'step' || (v - 1) end,
      case when v = c.version then c.state else 'step' || v end,
      ${pick(['officer', 'provider', 'panel', 'finance', 'approver'], 'v')}, '[]'::jsonb,
      c.created_at + (v || ' days')::interval
    from cases c cross join lateral generate_series(1, c.version) v
    where c.seq > ${firstSeq}`,
  );
  // Money: a commitment per award, a release for some (reductions) and every cancelled payment,
  // payments for paid payment cases, reported spend for returns that have figures; each row under
  // its award's programme, as the app writes it.
  let ledgerRows = 0;
  ledgerRows += await step(
    'ledger: commit',
    `insert into fund_ledger (fund_id, programme_id, case_id, case_version, movement, amount_pence, note, at)
    select fund_id, programme_id, id, 1, 'commit', amount, 'Award', (left(year, 4) || '-05-01')::timestamptz + ((n % 300) || ' days')::interval
    from s_award`,
  );
  ledgerRows += await step(
    'ledger: release (decision)',
    `insert into fund_ledger (fund_id, programme_id, case_id, case_version, movement, cause, amount_pence, note, at)
    select fund_id, programme_id, id, 2, 'release', 'decision', amount / 10, 'Reduction', (left(year, 4) || '-11-01')::timestamptz
    from s_award where n % 10 = 3`,
  );
  ledgerRows += await step(
    'ledger: release (cancelled)',
    `insert into fund_ledger (fund_id, programme_id, case_id, payment_case_id, movement, cause, amount_pence, note, at)
    select fund_id, programme_id, award_id, id, 'release', 'cancelled', amount, 'Payment cancelled', (left(year, 4) || '-12-01')::timestamptz
    from s_pay where state = 'cancelled'`,
  );
  ledgerRows += await step(
    'ledger: payment',
    `insert into fund_ledger (fund_id, programme_id, case_id, payment_case_id, movement, amount_pence, note, at)
    select fund_id, programme_id, award_id, id, 'payment', amount, 'BACS-' || n, (left(year, 4) || '-' || lpad((3 * k + 1)::text, 2, '0') || '-03')::timestamptz
    from s_pay where state = 'paid'`,
  );
  ledgerRows += await step(
    'ledger: reported',
    `insert into fund_ledger (fund_id, programme_id, case_id, movement, amount_pence, note, at)
    select fund_id, programme_id, award_id, 'reported', spent, 'Return ' || n, (due_on)::timestamptz
    from s_ret where state = 'accepted' and spent > 0`,
  );
  // Budgets: what was committed plus a fifth, so every fund has money left.
  await sql.unsafe(`update funds f set budget_pence = s.committed * 6 / 5
    from (select fund_id, sum(amount) as committed from s_award group by fund_id) s where s.fund_id = f.id`);
  await sql.unsafe(`drop table s_org, s_fund, s_prog, s_award, s_pay, s_ret, s_bid`);
  return {
    cases: awards + payments + returns + bids + rounds,
    awards,
    payments,
    returns,
    bids,
    rounds,
    funds,
    programmes,
    organisations,
    caseEvents,
    ledgerRows,
  };
}

/**
 * The portfolio seeded through one reserved connection of `sql`, then settled as a database that has
 * been running a while: fresh statistics and visibility (vacuum analyze), and its dirty pages written
 * out (checkpoint) so they are not written during the measures.
 */
export async function seedSettled(
  sql: postgres.Sql,
  totalCases: number,
  template: Record<string, unknown>,
  log: (line: string) => void,
): Promise<{ sizes: SeedSizes; seedSeconds: number; analyseSeconds: number }> {
  const seedStart = performance.now();
  const reserved = await sql.reserve();
  let sizes: SeedSizes;
  try {
    sizes = await seedPortfolio(reserved, totalCases, template, log);
  } finally {
    reserved.release();
  }
  const analyseStart = performance.now();
  await sql.unsafe('vacuum analyze');
  await sql.unsafe('checkpoint');
  const seconds = (from: number, to: number) => Math.round((to - from) / 100) / 10;
  return {
    sizes,
    seedSeconds: seconds(seedStart, analyseStart),
    analyseSeconds: seconds(analyseStart, performance.now()),
  };
}
