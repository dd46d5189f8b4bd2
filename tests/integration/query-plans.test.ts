// The queries on the hot paths can be served by an index, however many rows there are. The SQL is
// the app's own: each query function runs against the test database through a drizzle client that
// records what it sends (inside a transaction that is rolled back), and the recorded statement is
// then EXPLAINed with sequential scans made prohibitively expensive (`enable_seqscan = off`): the
// planner still picks a Seq Scan when no index can serve the query, so dropping an index fails here.
import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { machineDefinitions } from '../../machines/index.ts';
import type { Database } from '../../src/db/client.ts';
import { casesInStates, findCase, listCases, lockCase } from '../../src/db/queries/cases.ts';
import { casesAbout } from '../../src/db/queries/payments.ts';
import { ledgerSums } from '../../src/db/queries/reports.ts';
import * as schema from '../../src/db/schema/index.ts';
import { statesWhereActorActs } from '../../src/engine/describe.ts';

interface Recorded {
  query: string;
  params: unknown[];
}

let sql: postgres.Sql;
let db: Database;
const recorded: Recorded[] = [];

class Rollback extends Error {}

/** The statements `run` sends, recorded and rolled back. */
async function statementsOf(run: (db: Database) => Promise<unknown>): Promise<Recorded[]> {
  recorded.length = 0;
  await db
    .transaction(async (tx) => {
      await run(tx as unknown as Database);
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return recorded.splice(0).filter((r) => !/^(begin|commit|rollback|savepoint)/i.test(r.query.trim()));
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

/** The plan's nodes, planned with sequential scans switched off for this transaction only. */
async function planOf(statement: Recorded): Promise<PlanNode[]> {
  const [row] = await sql.begin(async (tx) => {
    // A portfolio's worth of rows, visible to this transaction only and rolled back with it.
    await tx.unsafe(`insert into cases (machine_id, machine_version, state, snapshot, organisation_id, programme_id, version)
      select (array['youth-fund','victims-services','payment','monitoring-return'])[1 + g % 4], 1,
        (array['draft','submitted','paid','accepted','closed','scheduled'])[1 + g % 6], '{}'::jsonb,
        (select id from organisations order by id limit 1),
        case when g % 20 = 0 then (select id from programmes order by id limit 1) end, 1
      from generate_series(1, 30000) g`);
    await tx.unsafe(`insert into fund_ledger (fund_id, movement, amount_pence, note, at)
      select f.id, 'commit', 100, 'plan test', now() from generate_series(1, 2000) g cross join funds f`);
    await tx.unsafe('analyze cases, fund_ledger');
    await tx.unsafe('set local enable_seqscan = off');
    return tx.unsafe(
      `explain (format json) ${statement.query}`,
      statement.params as postgres.ParameterOrJSON<never>[],
    );
  });
  const plan = (row!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
  return flatten(plan);
}

const BIG_TABLES = ['cases', 'case_events', 'fund_ledger'];
const INDEX_NODES = ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'];

/** Every recorded statement: no Seq Scan on a big table, and the expected index in use. */
async function expectIndexed(statements: Recorded[], index: string) {
  expect(statements.length).toBeGreaterThan(0);
  for (const statement of statements) {
    const nodes = await planOf(statement);
    const described = JSON.stringify(
      nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']].filter(Boolean).join(' ')),
    );
    const seqScans = nodes.filter(
      (n) => n['Node Type'] === 'Seq Scan' && BIG_TABLES.includes(n['Relation Name']!),
    );
    expect(seqScans, `${statement.query}\n${described}`).toEqual([]);
    const used = nodes.some((n) => INDEX_NODES.includes(n['Node Type']) && n['Index Name'] === index);
    expect(used, `${index} in ${described}\nfor ${statement.query}`).toBe(true);
  }
}

beforeAll(async () => {
  sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  db = drizzle(sql, {
    schema,
    logger: { logQuery: (query, params) => recorded.push({ query, params }) },
  }) as unknown as Database;
  // Fresh statistics, so the plans reflect what the tables hold.
  await sql`analyze cases`;
  await sql`analyze fund_ledger`;
});

afterAll(async () => {
  await sql?.end();
});

describe('the hot paths use an index', () => {
  const someId = randomUUID();

  it('loads a case by id (cases_pkey)', async () => {
    await expectIndexed(await statementsOf((tx) => findCase(tx, someId)), 'cases_pkey');
  });

  it('locks a case by id (cases_pkey)', async () => {
    await expectIndexed(await statementsOf((tx) => lockCase(tx, someId)), 'cases_pkey');
  });

  it('finds the work waiting for an officer (cases_machine_state_seq_idx), list and counts', async () => {
    const officer = { userId: randomUUID(), role: 'officer' as const, organisationId: null, email: null };
    const where = machineDefinitions
      .map((definition) => ({ machineId: definition.id, states: statesWhereActorActs(definition, officer) }))
      .filter((w) => w.states.length);
    expect(where.length).toBeGreaterThan(0);
    const statements = await statementsOf((tx) => casesInStates(tx, where, undefined, 50));
    expect(statements).toHaveLength(2);
    await expectIndexed(statements, 'cases_machine_state_seq_idx');
  });

  it("lists a programme's cases, newest first (cases_programme_seq_idx)", async () => {
    const statements = await statementsOf((tx) => listCases(tx, { programmeId: someId, limit: 51 }));
    await expectIndexed(statements, 'cases_programme_seq_idx');
  });

  it("finds an award's payments (cases_award_idx)", async () => {
    await expectIndexed(await statementsOf((tx) => casesAbout(tx, someId, 'payment')), 'cases_award_idx');
  });

  it('sums the ledger of a set of funds for the reconciliation (fund_ledger_fund_idx)', async () => {
    const statements = await statementsOf((tx) => ledgerSums(tx, [someId, randomUUID(), randomUUID()]));
    await expectIndexed(statements, 'fund_ledger_fund_idx');
    // The join to each ledger row's case goes through its primary key, not a scan of every case.
    for (const statement of statements) {
      const nodes = await planOf(statement);
      expect(nodes.some((n) => n['Relation Name'] === 'cases' && n['Index Name'] === 'cases_pkey')).toBe(
        true,
      );
    }
  });
});
