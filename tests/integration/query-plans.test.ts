// The queries on the hot paths can be served by an index, however many rows there are: a transition
// (lock the case, update it, write its history, commit the money), the work waiting for an officer
// and for a provider, a programme's case list, the reconciliation for a financial year, finance's
// payments (their totals, a page of them, and the payment run), the board report's outcomes and the
// crime and disorder grants made in a month. Each path
// runs for real through a postgres.js client that records every statement it sends, and each
// statement is then EXPLAINed with sequential scans made prohibitively expensive
// (`enable_seqscan = off`): the planner still picks a Seq Scan when no index can serve a query, and
// each path must use the index it was built for, so dropping an index fails here.
//
// The file has a database of its own, seeded with the scale benchmark's portfolio and committed:
// a long transaction holding thousands of rows in the run's shared database stalls other files.
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCALE_YEAR, seedPortfolio } from '../../bench/scale-seed.ts';
import type { Database } from '../../src/db/client.ts';
import { lockCase, moveCase } from '../../src/db/queries/cases.ts';
import { findUserByEmail } from '../../src/db/queries/people.ts';
import { caseCountsOf } from '../../src/db/queries/programmes.ts';
import { postgresOf } from '../../src/db/statements.ts';
import { crimeDisorderPublication } from '../../src/domain/open-data/crime-disorder-publication.ts';
import { financePaymentsPage, financePaymentsSummary } from '../../src/domain/payment-lists.ts';
import { paymentRunCsv } from '../../src/domain/payment-run.ts';
import { actorOf } from '../../src/domain/people.ts';
import { ROUND_MACHINE } from '../../src/domain/programmes.ts';
import { liveBoardReport } from '../../src/domain/reports/board-report.ts';
import { reconciliation } from '../../src/domain/reports/reconciliation.ts';
import type { Actor } from '../../src/engine/actor.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { createEngine } from '../../src/services.ts';
import { declareNoConflict } from '../helpers/declarations.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { openProgramme } from '../helpers/programmes.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

/** Enough cases that an index is worth its while, few enough to seed in a few seconds. */
const PORTFOLIO_CASES = 30_000;
const BIG_TABLES = ['cases', 'case_events', 'fund_ledger'];

interface Statement {
  query: string;
  params: unknown[];
}
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
interface Plan {
  statement: Statement;
  nodes: PlanNode[];
}

let own: OwnDatabase;
let sql: postgres.Sql;
let plain: postgres.Sql;
let db: Database;
let engine: Engine;
let recording = false;
const recorded: Statement[] = [];

/** What `run` sends to PostgreSQL, transaction control aside. */
async function statementsOf(run: () => Promise<unknown>): Promise<Statement[]> {
  recorded.length = 0;
  recording = true;
  try {
    await run();
  } finally {
    recording = false;
  }
  // postgres.js's own look-up of array types on a new connection is not the app's.
  return recorded
    .splice(0)
    .filter((s) => !/^\s*(begin|commit|rollback|savepoint|release|set )/i.test(s.query))
    .filter((s) => !s.query.includes('pg_catalog.pg_type'));
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];
const described = ({ statement, nodes }: Plan) =>
  [
    statement.query,
    ...nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']].filter(Boolean).join(' ')),
  ].join('\n');

/** The statement's plan, made with sequential scans switched off for this transaction only. */
async function planOf(statement: Statement): Promise<Plan> {
  const [row] = await plain.begin(async (tx) => {
    await tx.unsafe('set local enable_seqscan = off');
    return tx.unsafe(
      `explain (format json) ${statement.query}`,
      statement.params as postgres.ParameterOrJSON<never>[],
    );
  });
  return { statement, nodes: flatten((row!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan) };
}

const isScanOf = (node: PlanNode, table: string) =>
  node['Relation Name'] === table && node['Node Type'].endsWith('Scan');
/** The scans of `table` in a plan. */
const scansOf = (plan: Plan, table: string) => plan.nodes.filter((n) => isScanOf(n, table));

/** Plans every statement: none scans a big table from end to end. */
async function plansOf(statements: Statement[]): Promise<Plan[]> {
  expect(statements.length).toBeGreaterThan(0);
  const plans: Plan[] = [];
  for (const statement of statements) {
    const plan = await planOf(statement);
    const seqScans = plan.nodes.filter(
      (n) => n['Node Type'] === 'Seq Scan' && BIG_TABLES.includes(n['Relation Name']!),
    );
    expect(seqScans, described(plan)).toEqual([]);
    plans.push(plan);
  }
  return plans;
}

/**
 * Every plan reads `table` through `index`, and otherwise only looks rows up by the keys it
 * found, through `lookups`: never walks the table in some other index's order.
 */
function expectIndex(plans: Plan[], table: string, index: string, lookups: string[] = []) {
  for (const plan of plans) {
    const scans = scansOf(plan, table);
    expect(
      scans.some((n) => n['Index Name'] === index),
      described(plan),
    ).toBe(true);
    const others = scans.filter((n) => n['Index Name'] !== index);
    for (const other of others) {
      // A bitmap heap scan reads the rows its bitmap index scans found: each must be one of these
      // indexes, looked up by key (several keys at once, as in locking a case with its award).
      const looked =
        other['Node Type'] === 'Bitmap Heap Scan'
          ? flatten(other).filter((n) => n['Node Type'] === 'Bitmap Index Scan')
          : [other];
      expect(looked.length, described(plan)).toBeGreaterThan(0);
      for (const lookup of looked) {
        expect([index, ...lookups], described(plan)).toContain(lookup['Index Name']);
        expect(lookup['Index Cond'], described(plan)).toBeDefined();
      }
    }
  }
}

/** The entries of `index` alone are read: every scan of it is index-only. */
function expectIndexOnly(plans: Plan[], index: string) {
  for (const plan of plans)
    for (const scan of plan.nodes.filter((n) => n['Index Name'] === index))
      expect(scan['Node Type'], described(plan)).toBe('Index Only Scan');
}

/** Newest first straight from the index: no Sort is fed the matches of a scan of `cases`. */
/** The plans apart from the one counting held decisions, and that one. */
function byHolds(plans: Plan[]): [Plan[], Plan] {
  const held = plans.filter((p) => p.statement.query.includes("'awaitingSignature'"));
  expect(held).toHaveLength(1);
  return [plans.filter((p) => !held.includes(p)), held[0]!];
}

/** Held decisions are counted from the few held cases, never by reading a stage's cases. */
function expectHeldFromTheirIndex(held: Plan) {
  expectIndex([held], 'cases', 'cases_awaiting_signature_idx');
}

function expectNoSortedScans(plans: Plan[]) {
  for (const plan of plans) {
    const sorts = plan.nodes.filter((n) => n['Node Type'].endsWith('Sort'));
    for (const sort of sorts)
      expect(
        (sort.Plans ?? []).some((child) => isScanOf(child, 'cases')),
        described(plan),
      ).toBe(false);
  }
}

async function actor(email: string): Promise<Actor> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new Error(`no user ${email}`);
  return actorOf(user);
}

beforeAll(async () => {
  own = await createOwnDatabase('query_plans');
  const record = (_connection: number, query: string, params: unknown[]) => {
    if (recording) recorded.push({ query, params });
  };
  sql = postgres(own.url, { max: 2, onnotice: () => {}, debug: record });
  plain = postgres(own.url, { max: 1, onnotice: () => {} });
  db = drizzle(sql);
  engine = createEngine(
    { db, sql, url: own.url, description: 'query plans', close: () => sql.end() },
    { publicUrl: 'http://plans.test' },
  );
  const reserved = await plain.reserve();
  try {
    // The persisted shape of a case's snapshot; the seed writes each case's state and context in.
    const template = { status: 'active', value: 'open', context: {}, historyValue: {}, children: {} };
    await seedPortfolio(reserved, PORTFOLIO_CASES, template, () => {});
  } finally {
    reserved.release();
  }
  // Fresh statistics and visibility, as autovacuum leaves a table that has settled.
  await plain`vacuum analyze`;
}, 120_000);

afterAll(async () => {
  await Promise.all([sql?.end(), plain?.end()]);
  await own?.drop();
});

describe('the hot paths use their indexes', () => {
  it('a transition that commits money: locks, updates and writes history by primary key, sums the fund by its index', async () => {
    const { programmeId } = await openProgramme(db, engine);
    const provider = await actor('provider@demo.test');
    const bid = await engine.create(provider, { machine: 'youth-fund', input: { programmeId } });
    await engine.send(provider, bid.id, ev.SUBMIT);
    await engine.send(await actor('officer@demo.test'), bid.id, ev.CONFIRM_ELIGIBLE);
    const panel = await actor('panel@demo.test');
    await declareNoConflict(db, engine, panel, bid.id);

    const plans = await plansOf(await statementsOf(() => engine.send(panel, bid.id, ev.APPROVE)));
    const find = (pattern: RegExp) => {
      const found = plans.filter((p) => pattern.test(p.statement.query.replace(/\s+/g, ' ')));
      expect(found.length, `a statement like ${pattern}`).toBeGreaterThan(0);
      return found;
    };
    expectIndex(find(/^select .* from "?cases"? .*for update/i), 'cases', 'cases_pkey');
    // The case's update and its history row are one statement (moveCase).
    expectIndex(
      find(/^with moved as \( ?update "?cases"? .* insert into "?case_events"? /i),
      'cases',
      'cases_pkey',
    );
    find(/^insert into "?fund_ledger"? /i);
    // What the fund has left, summed while its row is locked: from the fund's own index entries.
    expectIndex(
      find(/^select .* from "?fund_ledger"? where "?(fund_ledger"?\.)?"?fund_id"? =/i),
      'fund_ledger',
      'fund_ledger_fund_sums_idx',
    );
  });

  it('a transition that stays in its state updates the case in place (HOT), adding no index entries', async () => {
    // An index that names the snapshot (or anything else a transition rewrites) would forbid it.
    const namingSnapshot = await plain`select indexname from pg_indexes
      where tablename = 'cases' and indexdef ilike '%snapshot%'`;
    expect(namingSnapshot).toEqual([]);
    const [seeded] = await plain`select id from cases where machine_id = 'youth-fund' limit 1`;
    const hotUpdates = await db
      .transaction(async (tx) => {
        // This backend's counts not yet reported, read before and after: visible at once.
        const counts = async () => {
          const [row] = await postgresOf(tx)`select n_tup_upd::int as updated, n_tup_hot_upd::int as hot
            from pg_stat_xact_user_tables where relname = 'cases'`;
          return row as { updated: number; hot: number };
        };
        const before = await counts();
        const locked = (await lockCase(tx, seeded!.id))!;
        const snapshot = locked.snapshot as { context: Record<string, unknown> };
        const changed = { ...snapshot, context: { ...snapshot.context, note: 'x' } };
        await moveCase(
          tx,
          locked,
          { state: locked.state, snapshot: changed, at: new Date() },
          { type: 'NOTE', payload: {}, actorId: null, actorRole: 'system', effects: [] },
        );
        const after = await counts();
        const delta = { updated: after.updated - before.updated, hot: after.hot - before.hot };
        throw Object.assign(new Error('roll back'), { delta });
      })
      .catch((error: { delta?: { updated: number; hot: number } }) => error.delta);
    expect(hotUpdates).toEqual({ updated: 1, hot: 1 });
  });

  it('the work waiting for an officer: each stage newest first and counted from cases_machine_state_seq_idx', async () => {
    const officer = await actor('officer@demo.test');
    const all = await plansOf(await statementsOf(() => engine.waiting(officer)));
    // The newest cases, the counts, and the held decisions the counts leave out.
    expect(all).toHaveLength(3);
    const [plans, held] = byHolds(all);
    expectHeldFromTheirIndex(held);
    // The newest cases are then fetched by the keys found.
    expectIndex(plans, 'cases', 'cases_machine_state_seq_idx', ['cases_seq_key', 'cases_pkey']);
    expectIndexOnly(plans, 'cases_machine_state_seq_idx');
    expectNoSortedScans(plans);
  });

  it('the work waiting for a provider: read from its own organisation’s entries in cases_organisation_seq_idx', async () => {
    const [busiest] = await plain`select organisation_id from cases
      where machine_id = 'youth-fund' group by organisation_id order by count(*) desc limit 1`;
    const provider: Actor = {
      userId: null,
      role: 'provider',
      organisationId: busiest!.organisation_id,
      email: null,
      permissions: [],
    };
    const all = await plansOf(await statementsOf(() => engine.waiting(provider)));
    expect(all).toHaveLength(3);
    const [plans, held] = byHolds(all);
    expectHeldFromTheirIndex(held);
    expectIndex(plans, 'cases', 'cases_organisation_seq_idx', ['cases_seq_key', 'cases_pkey']);
    expectIndexOnly(plans, 'cases_organisation_seq_idx');
    expectNoSortedScans(plans);
  });

  it("a programme's case list, newest first, from cases_programme_seq_idx", async () => {
    const officer = await actor('officer@demo.test');
    const [busiest] = await plain`select programme_id from cases
      where programme_id is not null group by programme_id order by count(*) desc limit 1`;
    const plans = await plansOf(
      await statementsOf(() => engine.list(officer, { programmeId: busiest!.programme_id, limit: 50 })),
    );
    expectIndex(plans, 'cases', 'cases_programme_seq_idx');
    expectNoSortedScans(plans);
  });

  it('the programmes page: every programme’s cases counted by stage from cases_programme_seq_idx alone', async () => {
    const programmes = await plain`select id from programmes`;
    const plans = await plansOf(
      await statementsOf(() =>
        caseCountsOf(
          db,
          programmes.map((p) => p.id as string),
          ROUND_MACHINE,
        ),
      ),
    );
    expectIndexOnly(plans, 'cases_programme_seq_idx');
  });

  it("finance's payments: counted, totalled and paged from cases_unpaid_payments_idx alone, a page's rows by key", async () => {
    const registry = engine.registry;
    const [{ unpaid }] = (await plain`select count(*)::int as unpaid from cases
      where machine_id = 'award-payment' and state in ('approved', 'held', 'scheduled')`) as unknown as [
      { unpaid: number },
    ];
    // A page deep in the list, as well as the home page's first few.
    const deep = Math.floor(unpaid / 50);
    expect(deep).toBeGreaterThan(2);
    for (const read of [
      () => financePaymentsPage(db, registry, deep),
      () => financePaymentsSummary(db, registry),
    ]) {
      const plans = await plansOf(await statementsOf(read));
      // The totals (and the payees waiting for bank details, counted by payee), the page's ids, then
      // its rows by key.
      expectIndex(plans, 'cases', 'cases_unpaid_payments_idx', ['cases_pkey']);
      expectIndexOnly(plans, 'cases_unpaid_payments_idx');
      // The page is taken in the index's order: its entries before it are skipped, none sorted.
      const page = plans.filter((p) => p.statement.query.includes('"page_ids"'));
      expect(page).toHaveLength(1);
      expectNoSortedScans(page);
    }
  });

  it('the payment run: every approved payment counted, and read a batch at a time in order, from cases_unpaid_payments_idx', async () => {
    const plans = await plansOf(await statementsOf(() => paymentRunCsv(db, engine.registry)));
    // The count, and more than one batch.
    expect(plans.length).toBeGreaterThan(2);
    expectIndex(plans, 'cases', 'cases_unpaid_payments_idx');
    expectIndexOnly(plans, 'cases_unpaid_payments_idx');
    expectNoSortedScans(plans);
  });

  it('the reconciliation for a financial year: the ledger summed from fund_ledger_fund_sums_idx alone', async () => {
    // As autovacuum keeps a live ledger: the rows an earlier test wrote are not yet all-visible, and
    // whether autovacuum has got to them by now would otherwise decide between plans.
    await plain`vacuum analyze fund_ledger`;
    const plans = await plansOf(await statementsOf(() => reconciliation(db, { financialYear: SCALE_YEAR })));
    const ledger = plans.filter((p) => scansOf(p, 'fund_ledger').length);
    expect(ledger).toHaveLength(1);
    expectIndex(ledger, 'fund_ledger', 'fund_ledger_fund_sums_idx');
    // Every column it needs is in the index: no row of the table is read.
    expectIndexOnly(ledger, 'fund_ledger_fund_sums_idx');
    // Nothing joins the ledger to the cases any more.
    expect(scansOf(ledger[0]!, 'cases')).toEqual([]);
  });

  it('the board report: the returns and end-of-grant reports due in the quarter found by their due dates, their figures added up in PostgreSQL', async () => {
    // The fourth quarter: the seeded Youth Fund grants' reports are due on its last day.
    await plain`vacuum analyze fund_ledger`;
    const plans = await plansOf(await statementsOf(() => liveBoardReport(db, `${SCALE_YEAR}-Q4`)));
    // Awards made: whether each was first committed earlier, and what it is worth, from the case
    // index of the ledger alone.
    const awards = plans.filter((p) => p.statement.query.includes('select distinct l.case_id'));
    expect(awards).toHaveLength(1);
    expect(
      awards[0]!.nodes.some((n) => n['Index Name'] === 'fund_ledger_case_idx'),
      described(awards[0]!),
    ).toBe(true);
    expectIndexOnly(awards, 'fund_ledger_case_idx');
    const outcomes = plans.filter((p) => p.statement.query.includes('per_programme'));
    expect(outcomes).toHaveLength(1);
    // Each kind of case through its own partial index (with the machine's entries, if the planner
    // likes them too); awards looked up by key for their programme, and the case whose wording each
    // line takes by its number. Nothing else reads cases.
    const [plan] = outcomes as [Plan];
    const indexesOfCases = plan.nodes.flatMap((n) =>
      isScanOf(n, 'cases')
        ? flatten(n)
            .map((m) => m['Index Name'])
            .filter((name) => name !== undefined)
        : [],
    );
    expect(indexesOfCases, described(plan)).toEqual(
      expect.arrayContaining(['cases_return_due_idx', 'cases_report_due_idx']),
    );
    for (const name of indexesOfCases)
      expect(
        [
          'cases_return_due_idx',
          'cases_report_due_idx',
          'cases_pkey',
          'cases_seq_key',
          'cases_machine_state_seq_idx',
        ],
        described(plan),
      ).toContain(name);
  });

  it('the crime and disorder grants made in a month: found from the month’s steps into `live`, not every grant’s history', async () => {
    const [busiest] = await plain`select to_char(e.at at time zone 'Europe/London', 'YYYY-MM') as month
      from case_events e join cases c on c.id = e.case_id
      where c.machine_id = 'crime-disorder-grant' and e.to_state = 'live'
      group by 1 order by count(*) desc limit 1`;
    let published = 0;
    const plans = await plansOf(
      await statementsOf(async () => {
        published = (await crimeDisorderPublication(db, engine.registry, busiest!.month)).grants.length;
      }),
    );
    expect(published).toBeGreaterThan(0);
    expect(plans).toHaveLength(1);
    expectIndex(plans, 'case_events', 'case_events_entered_live_idx', ['case_events_pkey']);
  });
});
