import os from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { machineDefinitions } from '../machines/index.ts';
import { connect } from '../src/db/client.ts';
import { hashPassword, signIn } from '../src/domain/sessions.ts';
import { freePort } from '../tests/helpers/database.ts';
import { type RunningApp, startApp } from './app-process.ts';
import { createProgrammes, OFFICER_EMAIL, officerWithToken, prepareDatabase } from './database.ts';
import { JsonClient } from './http-client.ts';
import { describeMachine, type MachineInfo } from './machine.ts';
import { writeResultsFiles } from './report.ts';
import { GetClient } from './scale-http.ts';
import { SCALE_YEAR, type SeedSizes, seedSettled } from './scale-seed.ts';
import { positive, roundTo, summariseLatencies } from './stats.ts';

/** The self-loop `npm run bench` sends: no effects, timers or mail. */
const MACHINE = 'commissioning-round';
const EVENT = 'RECORD_NEEDS_ASSESSMENT';
const LIVE_CASES = 64;
/** Transition turns per size, taken alternately (see measureBoth). */
const TURNS = 4;

const { values: flags } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000000' },
    'small-fraction': { type: 'string', default: '0.01' },
    sends: { type: 'string', default: '400' },
    reads: { type: 'string', default: '200' },
    reports: { type: 'string', default: '10' },
    clients: { type: 'string', default: '16' },
  },
});
const options = {
  cases: Math.floor(positive('cases', flags.cases)),
  smallFraction: positive('small-fraction', flags['small-fraction']),
  sends: Math.floor(positive('sends', flags.sends)),
  reads: Math.floor(positive('reads', flags.reads)),
  reports: Math.floor(positive('reports', flags.reports)),
  clients: Math.floor(positive('clients', flags.clients)),
};

const log = (line: string) => console.log(line);

interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
const percentiles = (ms: number[]): Percentiles => {
  const s = summariseLatencies(ms);
  return {
    count: s.count,
    p50: roundTo(s.p50Ms, 2),
    p95: roundTo(s.p95Ms, 2),
    p99: roundTo(s.p99Ms, 2),
    max: roundTo(s.maxMs, 2),
  };
};

interface SizeFigures {
  label: 'small' | 'large';
  database: string;
  seedSeconds: number;
  analyseSeconds: number;
  sizes: SeedSizes;
  rows: Record<string, number>;
  tableMB: Record<string, number>;
  transitionSequential: Percentiles;
  transitionConcurrent: Percentiles;
  waiting: Percentiles & { bytes: number };
  programmeList: Percentiles & { bytes: number; programmeCases: number };
  reconciliation: Percentiles & { bytes: number };
}

/** One database of a size, seeded, with its own app process and clients, until `close`. */
interface Size {
  label: 'small' | 'large';
  database: string;
  seedSeconds: number;
  analyseSeconds: number;
  sizes: SeedSizes;
  rows: Record<string, number>;
  tableMB: Record<string, number>;
  /** The cases transitions are sent to. */
  live: string[];
  clients: JsonClient[];
  web: GetClient;
  api: GetClient;
  bare: postgres.Sql;
  close(): Promise<void>;
}

async function openSize(label: 'small' | 'large', cases: number): Promise<Size> {
  log(`\n== ${label}: ${cases} cases ==`);
  const database = await prepareDatabase();
  log(`uses ${database.description}`);
  const { db, sql } = connect(database.url, 2);
  const bare = postgres(database.url, { max: 1, onnotice: () => {} });
  let app: RunningApp | undefined;
  const clients: JsonClient[] = [];
  const readers: GetClient[] = [];
  const close = async () => {
    for (const client of clients) client.close();
    for (const reader of readers) reader.close();
    await app?.stop();
    await Promise.all([sql.end(), bare.end()]);
    await database.drop();
    log(`dropped the ${label} database`);
  };
  try {
    const officer = await officerWithToken(db);
    const programmeIds = await createProgrammes(db, LIVE_CASES, machineDefinitions);
    const port = await freePort();
    app = await startApp({
      databaseUrl: database.url,
      port,
      poolSize: undefined,
      runWorker: false,
      cpuProfileDir: undefined,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; i < options.clients; i++) clients.push(new JsonClient(baseUrl, officer.token));

    // The cases the transitions are sent to: real ones, opened over HTTP before the bulk arrives.
    const live: string[] = [];
    for (let i = 0; i < LIVE_CASES; i++) {
      const created = await clients[0]!.expect(201, '/api/cases', {
        machine: MACHINE,
        organisationId: officer.organisationId,
        input: { programmeId: programmeIds[i] },
      });
      live.push((JSON.parse(created.text) as { id: string }).id);
    }
    const [real] = await sql`select snapshot from cases where id = ${live[0]!}`;
    const template = real!.snapshot as Record<string, unknown>;

    const { sizes, seedSeconds, analyseSeconds } = await seedSettled(bare, cases, template, log);
    log(`seeded in ${seedSeconds} s; vacuum analyze ${analyseSeconds} s`);

    const rows: Record<string, number> = {};
    const tableMB: Record<string, number> = {};
    for (const table of ['cases', 'case_events', 'fund_ledger', 'programmes', 'funds', 'organisations']) {
      const [r] = await bare.unsafe(
        `select count(*)::bigint as n, pg_total_relation_size('${table}')::bigint as bytes from ${table}`,
      );
      rows[table] = Number(r!.n);
      tableMB[table] = roundTo(Number(r!.bytes) / (1024 * 1024), 1);
    }
    log(`rows ${JSON.stringify(rows)}`);

    await bare`update users set password_hash = ${await hashPassword('scale bench password')}
      where lower(email) = ${OFFICER_EMAIL}`;
    const session = await signIn(
      db,
      { email: OFFICER_EMAIL, password: 'scale bench password' },
      new Date(),
      8,
    );
    if (!session.ok) throw new Error(`could not sign ${OFFICER_EMAIL} in: ${session.reason}`);
    const web = new GetClient(baseUrl, { Cookie: `opcc_session=${session.token}` });
    const api = new GetClient(baseUrl, { Authorization: `Bearer ${officer.token}` });
    readers.push(web, api);
    return {
      label,
      database: database.description,
      seedSeconds,
      analyseSeconds,
      sizes,
      rows,
      tableMB,
      live,
      clients,
      web,
      api,
      bare,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Transitions on a size's live cases: `sends` one at a time, then four times as many 16 at once. */
async function transitionTurn(size: Size, sends: number) {
  let iteration = 0;
  const send = async (client: number, caseId: string) => {
    const n = iteration++;
    const start = performance.now();
    await size.clients[client]!.expect(200, `/api/cases/${caseId}/events`, {
      type: EVENT,
      summary: `Needs assessment ${n}`.padEnd(256, 'n'),
      evidence: `Evidence ${n}`.padEnd(256, 'e'),
    });
    return performance.now() - start;
  };
  const sequential: number[] = [];
  for (let i = 0; i < sends; i++) sequential.push(await send(0, size.live[i % LIVE_CASES]!));
  const concurrent: number[] = [];
  const perClient = Math.ceil((sends * 4) / options.clients);
  await Promise.all(
    size.clients.map(async (_, c) => {
      for (let i = 0; i < perClient; i++) {
        // Each client its own cases, so no two wait on one row lock.
        const caseId = size.live[(c + i * options.clients) % LIVE_CASES]!;
        concurrent.push(await send(c, caseId));
      }
    }),
  );
  return { sequential, concurrent };
}

/** The work waiting, a programme's case list and the reconciliation, each timed after a warm-up. */
async function measureReads(size: Size) {
  const [busiest] = await size.bare`select programme_id, count(*)::int as n from cases
    where programme_id is not null group by programme_id order by n desc limit 1`;
  const timeMany = async (client: GetClient, url: string, count: number, warmup: number) => {
    let bytes = 0;
    for (let i = 0; i < warmup; i++) await client.timed(url);
    const ms: number[] = [];
    for (let i = 0; i < count; i++) {
      const answer = await client.timed(url);
      ms.push(answer.ms);
      bytes = answer.bytes;
    }
    return { ...percentiles(ms), bytes };
  };
  const waiting = await timeMany(size.web, '/', options.reads, 10);
  const programmeList = {
    ...(await timeMany(size.api, `/api/cases?programme=${busiest!.programme_id}`, options.reads, 10)),
    programmeCases: Number(busiest!.n),
  };
  const reconciliation = await timeMany(
    size.api,
    `/api/reports/reconciliation?financialYear=${SCALE_YEAR}`,
    options.reports,
    2,
  );
  return { waiting, programmeList, reconciliation };
}

/**
 * Both sizes measured in turns, small-large then large-small, so a machine that speeds up or
 * slows down over the run (other work, a shared host) weighs on both alike.
 */
async function measureBoth(small: Size, large: Size): Promise<[SizeFigures, SizeFigures]> {
  const times = new Map<Size, { sequential: number[]; concurrent: number[] }>([
    [small, { sequential: [], concurrent: [] }],
    [large, { sequential: [], concurrent: [] }],
  ]);
  for (const size of [small, large]) await transitionTurn(size, LIVE_CASES); // warm-up
  const perTurn = Math.ceil(options.sends / TURNS);
  for (let turn = 0; turn < TURNS; turn++) {
    for (const size of turn % 2 ? [large, small] : [small, large]) {
      const { sequential, concurrent } = await transitionTurn(size, perTurn);
      times.get(size)!.sequential.push(...sequential);
      times.get(size)!.concurrent.push(...concurrent);
    }
  }
  const figures = async (size: Size): Promise<SizeFigures> => {
    const { sequential, concurrent } = times.get(size)!;
    const result: SizeFigures = {
      label: size.label,
      database: size.database,
      seedSeconds: size.seedSeconds,
      analyseSeconds: size.analyseSeconds,
      sizes: size.sizes,
      rows: size.rows,
      tableMB: size.tableMB,
      transitionSequential: percentiles(sequential),
      transitionConcurrent: percentiles(concurrent),
      ...(await measureReads(size)),
    };
    log(`measured: ${JSON.stringify({ ...result, sizes: undefined, rows: undefined })}`);
    return result;
  };
  return [await figures(small), await figures(large)];
}

interface Verdict {
  name: string;
  target: string;
  small: number | null;
  large: number;
  pass: boolean;
}

function verdicts(small: SizeFigures, large: SizeFigures): Verdict[] {
  const out: Verdict[] = [];
  for (const kind of ['transitionSequential', 'transitionConcurrent'] as const) {
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const s = small[kind][p];
      const l = large[kind][p];
      out.push({
        name: `${kind === 'transitionSequential' ? 'transition, 1 at a time' : `transition, ${options.clients} at once`} ${p}`,
        target: `<= 1.2 x small (${roundTo(s * 1.2, 2)} ms)`,
        small: s,
        large: l,
        pass: l <= s * 1.2,
      });
    }
  }
  out.push({
    name: 'work waiting (GET /) p95',
    target: '< 50 ms',
    small: small.waiting.p95,
    large: large.waiting.p95,
    pass: large.waiting.p95 < 50,
  });
  out.push({
    name: 'programme case list p95',
    target: '< 50 ms',
    small: small.programmeList.p95,
    large: large.programmeList.p95,
    pass: large.programmeList.p95 < 50,
  });
  out.push({
    name: 'reconciliation p95',
    target: '< 1000 ms',
    small: small.reconciliation.p95,
    large: large.reconciliation.p95,
    pass: large.reconciliation.p95 < 1000,
  });
  return out;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const probe = await prepareDatabase();
  let machine: MachineInfo;
  const probeSql = postgres(probe.url, { max: 1, onnotice: () => {} });
  try {
    machine = await describeMachine(probeSql);
  } finally {
    await probeSql.end();
    await probe.drop();
  }
  const smallCases = Math.max(2000, Math.round(options.cases * options.smallFraction));
  const opened: Size[] = [];
  let small: SizeFigures;
  let large: SizeFigures;
  try {
    opened.push(await openSize('small', smallCases));
    opened.push(await openSize('large', options.cases));
    [small, large] = await measureBoth(opened[0]!, opened[1]!);
  } finally {
    for (const size of opened) await size.close();
  }
  const targets = verdicts(small, large);

  log('');
  log(
    `${machine.cpuModel}, ${machine.cores} cores, ${roundTo(machine.memoryBytes / 2 ** 30, 1)} GiB; PostgreSQL ${machine.postgres}`,
  );
  log(
    `small: ${small.rows.cases} cases, ${small.rows.case_events} events, ${small.rows.fund_ledger} ledger rows` +
      ` (seeded in ${small.seedSeconds} s)`,
  );
  log(
    `large: ${large.rows.cases} cases, ${large.rows.case_events} events, ${large.rows.fund_ledger} ledger rows` +
      ` (seeded in ${large.seedSeconds} s)`,
  );
  log('');
  log(
    `${'measure'.padEnd(36)} ${'target'.padEnd(28)} ${'small ms'.padStart(10)} ${'large ms'.padStart(10)}  verdict`,
  );
  for (const v of targets) {
    log(
      `${v.name.padEnd(36)} ${v.target.padEnd(28)} ${String(v.small ?? '').padStart(10)} ${String(v.large).padStart(10)}  ${v.pass ? 'PASS' : 'FAIL'}`,
    );
  }
  const results = {
    benchmark: 'scale',
    startedAt: startedAt.toISOString(),
    machine,
    loadAverage: roundTo(os.loadavg()[0]!, 2),
    options,
    small,
    large,
    targets,
  };
  const files = writeResultsFiles('scale', results, startedAt);
  log(`results   ${files.join(', ')}`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
