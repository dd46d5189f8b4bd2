// `npm run bench`: transitions per second and latency of the engine over HTTP, against a baseline
// of the same database work done by hand, on a fresh database of its own.
//
//   npm run bench -- [--seconds 20] [--warmup 3] [--clients 16] [--cases 400] [--payload-bytes 512]
//                    [--rounds 2] [--app-pool N]
//   BENCH_CPU_PROF_DIR=/tmp/prof npm run bench    # also write a V8 CPU profile of the app
//
// --seconds is the measured time of each workload, split into --rounds turns that alternate
// baseline, engine, baseline, engine, ... --app-pool sets the app's DATABASE_POOL_SIZE.
//
// A measurement, not a test: it exits 0 whether or not the targets are met, and 1 only when
// something failed (a refused transition, a database that would not start).
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { machineDefinitions } from '../machines/index.ts';
import { connect } from '../src/db/client.ts';
import { freePort } from '../tests/helpers/database.ts';
import { RssSampler, type RunningApp, readRss, startApp } from './app-process.ts';
import { baselineTransition } from './baseline.ts';
import { CpuAccount, childProcess, databaseBackends, ownProcess, wholeMachine } from './cpu.ts';
import { createProgrammes, officerWithToken, prepareDatabase } from './database.ts';
import { JsonClient } from './http-client.ts';
import { caseFor, closedLoop, type LoadResult, mergeLoads } from './load.ts';
import { describeMachine } from './machine.ts';
import { MetricsScraper } from './metrics-scraper.ts';
import { printReport, type Results, writeResults } from './report.ts';
import { judge, perSecond, positive, roundTo, summariseLatencies, throughputRatio } from './stats.ts';

/** A self-loop with no effects, timers or mail: the cheapest event that can be sent over and over. */
const MACHINE = 'commissioning-round';
const EVENT = 'RECORD_NEEDS_ASSESSMENT';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    clients: { type: 'string', default: '16' },
    cases: { type: 'string', default: '400' },
    'payload-bytes': { type: 'string', default: '512' },
    rounds: { type: 'string', default: '2' },
    'app-pool': { type: 'string' },
  },
});

const options = {
  seconds: positive('seconds', flags.seconds),
  warmupSeconds: positive('warmup', flags.warmup, true),
  clients: Math.floor(positive('clients', flags.clients)),
  cases: Math.floor(positive('cases', flags.cases)),
  rounds: Math.floor(positive('rounds', flags.rounds)),
  payloadBytes: Math.floor(positive('payload-bytes', flags['payload-bytes'])),
  appPoolSize:
    flags['app-pool'] === undefined ? undefined : Math.floor(positive('app-pool', flags['app-pool'])),
  runWorker: true,
};
if (options.cases < options.clients) throw new Error('--cases must be at least --clients');

/** The event's payload: two texts of fixed length that differ every time, so every write is real. */
function assessment(client: number, iteration: number): { summary: string; evidence: string } {
  const half = Math.max(16, Math.floor(options.payloadBytes / 2));
  const tag = `${client}-${iteration}`;
  return {
    summary: `Needs assessment ${tag} `.padEnd(half, 'n').slice(0, half),
    evidence: `Evidence ${tag} `.padEnd(half, 'e').slice(0, half),
  };
}

/** The app serves /metrics with this token; the bench scrapes it as Prometheus would, throughout. */
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

let stopped = false;
process.on('SIGINT', () => {
  stopped = true;
});

const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  const startedAt = new Date();
  const database = await prepareDatabase();
  log(`bench uses ${database.description}`);
  // Seeding and checks through the app's own client code (drizzle over postgres.js). Drizzle retunes
  // the postgres.js client it wraps (its own JSON and date serialisation), so the baseline gets a
  // plain postgres.js client of its own: one connection per client.
  const { db, sql } = connect(database.url, 2);
  const bare = postgres(database.url, { max: options.clients, onnotice: () => {} });
  let app: RunningApp | undefined;
  let scraper: MetricsScraper | undefined;
  const clients: JsonClient[] = [];
  try {
    const machine = await describeMachine(sql);
    const officer = await officerWithToken(db);
    const programmeIds = await createProgrammes(db, options.cases, machineDefinitions);

    const port = await freePort();
    const cpuProfileDir = process.env.BENCH_CPU_PROF_DIR || undefined;
    app = await startApp({
      databaseUrl: database.url,
      port,
      poolSize: options.appPoolSize,
      runWorker: options.runWorker,
      cpuProfileDir,
      metricsToken: METRICS_TOKEN,
    });
    const pid = app.pid;
    const baseUrl = `http://127.0.0.1:${port}`;
    // At rest: started, its first timers and outbox polls run, nothing asked of it yet.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleRss = readRss(pid);
    scraper = new MetricsScraper(baseUrl, METRICS_TOKEN);
    for (let i = 0; i < options.clients; i++) clients.push(new JsonClient(baseUrl, officer.token));

    // The cases, opened and given their first assessment over HTTP, so both runs start from the
    // same snapshots.
    const caseIds: string[] = new Array(options.cases);
    await forEachClient(options.cases, async (client, i) => {
      const created = await clients[client]!.expect(201, '/api/cases', {
        machine: MACHINE,
        organisationId: officer.organisationId,
        input: { programmeId: programmeIds[i] },
      });
      caseIds[i] = (JSON.parse(created.text) as { id: string }).id;
      await clients[client]!.expect(200, `/api/cases/${caseIds[i]}/events`, {
        type: EVENT,
        ...assessment(client, -1),
      });
    });
    const [sizes] = await sql`select avg(octet_length(snapshot::text))::int as snapshot_bytes
      from cases where machine_id = ${MACHINE}`;
    const [effects] = await sql`select count(*)::int as rows from case_events
      where type = ${EVENT} and effects <> '[]'::jsonb`;
    if (effects?.rows) throw new Error(`${EVENT} emitted effects; the benchmark expects a bare self-loop`);
    log(
      `seeded ${options.cases} ${MACHINE} cases in planning; each transition: ${EVENT}, ` +
        `snapshot ${sizes?.snapshot_bytes} bytes, payload ${options.payloadBytes} bytes`,
    );

    // The two workloads take turns, `rounds` times each, so a neighbour's load on a shared machine
    // falls on both alike; each is warmed up before its first turn only.
    const turn = Array.from({ length: options.clients }, () => 0);
    const baselineOperation = (client: number) => {
      const n = turn[client]!++;
      return baselineTransition(bare, caseFor(caseIds, options.clients, client, n), {
        type: EVENT,
        payload: assessment(client, n),
        actorId: officer.userId,
        actorRole: 'officer',
      });
    };
    const engineOperation = async (client: number) => {
      const n = turn[client]!++;
      const caseId = caseFor(caseIds, options.clients, client, n);
      await clients[client]!.expect(200, `/api/cases/${caseId}/events`, {
        type: EVENT,
        ...assessment(client, n),
      });
    };
    await sql`vacuum analyze cases, case_events`.simple();
    const rss = new RssSampler(pid);
    const runs = { baseline: [] as LoadResult[], engine: [] as LoadResult[] };
    const measureMs = (options.seconds * 1000) / options.rounds;
    log(
      `${options.clients} clients; ${options.rounds} turns each of ${measureMs / 1000} s, ` +
        `after ${options.warmupSeconds} s warm-up`,
    );
    // CPU time over whole turns (warm-up included), to set against every transition they made.
    const cpu = new CpuAccount({
      app: childProcess(pid),
      loadGenerator: ownProcess,
      database: databaseBackends(sql, database.url),
      machine: wholeMachine,
    });
    for (let round = 0; round < options.rounds && !stopped; round++) {
      const warmupMs = round === 0 ? options.warmupSeconds * 1000 : 0;
      const common = { clients: options.clients, warmupMs, measureMs, stopped: () => stopped };
      runs.baseline.push(
        await cpu.during('baseline', () => closedLoop({ ...common, operation: baselineOperation })),
      );
      report(`baseline turn ${round + 1}`, runs.baseline.at(-1)!);
      rss.start();
      runs.engine.push(
        await cpu.during('engine', () => closedLoop({ ...common, operation: engineOperation })),
      );
      rss.pause();
      report(`engine turn ${round + 1}`, runs.engine.at(-1)!);
    }
    const baseline = mergeLoads(runs.baseline);
    const engine = mergeLoads(runs.engine);
    const memory = rss.summary();

    // Every acknowledged transition is in the history, once.
    const [history] = await sql`select count(*)::int as rows from case_events where type = ${EVENT}`;
    const expected = options.cases + baseline.succeeded + engine.succeeded;
    const historyOk = history?.rows === expected;

    if (!baseline.completed || !engine.completed) throw new Error('a run completed no transitions');
    const { machine: _engineMachine, ...engineCpu } = cpu.perTransition('engine', engine.succeeded);
    const engineFigures = { ...figures(engine), cpuMsPerTransition: engineCpu };
    const {
      app: _idleApp,
      machine: _baselineMachine,
      ...baselineCpu
    } = cpu.perTransition('baseline', baseline.succeeded);
    const baselineFigures = { ...figures(baseline), cpuMsPerTransition: baselineCpu };
    /** Cores kept busy while a workload ran: by its own processes, and by everything else. */
    const busyCores = (workload: string) => {
      const parties = ['app', 'loadGenerator', 'database'] as const;
      const ours = parties.reduce((sum, party) => sum + (cpu.cores(workload, party) ?? 0), 0);
      const all = cpu.cores(workload, 'machine');
      return { ours: roundTo(ours, 2), others: all === null ? null : roundTo(Math.max(0, all - ours), 2) };
    };
    const ratio = throughputRatio(
      perSecond(engine.completed, engine.measuredMs),
      perSecond(baseline.completed, baseline.measuredMs),
    );
    const results: Results = {
      benchmark: 'throughput',
      startedAt: startedAt.toISOString(),
      machine,
      database: database.description,
      busyCores: { engine: busyCores('engine'), baseline: busyCores('baseline') },
      options: { ...options, appPoolSize: options.appPoolSize ?? 'app default (DATABASE_POOL_SIZE=10)' },
      workload: {
        machine: MACHINE,
        event: EVENT,
        cases: options.cases,
        snapshotBytes: Number(sizes?.snapshot_bytes),
        payloadBytes: options.payloadBytes,
      },
      engine: engineFigures,
      baseline: baselineFigures,
      turns: { engine: runs.engine.map(rateOf), baseline: runs.baseline.map(rateOf) },
      ratio: roundTo(ratio, 3),
      appRss: {
        idleMB: mb(idleRss),
        peakMB: mb(memory.peakBytes),
        meanMB: mb(memory.meanBytes),
        samples: memory.samples,
      },
      history: { expectedRows: expected, foundRows: Number(history?.rows), ok: historyOk },
      observed: { logLines: app.logLines(), metricsScrapes: scraper.summary() },
      targets: judge({
        ratio,
        engineP99Ms: engineFigures.latencyMs.p99,
        idleRssBytes: idleRss,
        peakRssBytes: memory.peakBytes,
      }),
    };
    printReport(results, log);
    const files = writeResults(results, startedAt);
    log(`results   ${files.join(', ')}`);
    if (cpuProfileDir) log(`cpu profile of the app goes to ${cpuProfileDir} when it stops`);
    if (!historyOk) log(`ERROR: ${expected} transitions acknowledged, ${history?.rows} history rows`);
    return baseline.failed || engine.failed || !historyOk || stopped ? 1 : 0;
  } finally {
    scraper?.stop();
    for (const client of clients) client.close();
    await app?.stop();
    await Promise.all([sql.end(), bare.end()]);
    await database.drop();
  }
}

const rateOf = (run: LoadResult) =>
  roundTo(run.measuredMs > 0 ? perSecond(run.completed, run.measuredMs) : 0, 1);

/** One line per turn, so drift between turns shows; failures are printed as they happen. */
function report(name: string, run: LoadResult): void {
  log(`  ${name.padEnd(16)} ${rateOf(run).toFixed(1).padStart(8)} tx/s`);
  if (run.failed) log(`ERROR: ${name}: ${run.failed} failed; the first: ${run.firstError}`);
}

function figures(run: LoadResult) {
  const latency = run.completed
    ? summariseLatencies(run.latenciesMs)
    : { count: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
  return {
    transitions: run.completed,
    failed: run.failed,
    seconds: roundTo(run.measuredMs / 1000, 2),
    perSecond: rateOf(run),
    latencyMs: {
      p50: roundTo(latency.p50Ms, 2),
      p95: roundTo(latency.p95Ms, 2),
      p99: roundTo(latency.p99Ms, 2),
      mean: roundTo(latency.meanMs, 2),
      max: roundTo(latency.maxMs, 2),
    },
  };
}

const mb = (bytes: number | undefined) => (bytes === undefined ? null : roundTo(bytes / (1024 * 1024), 1));

/** Runs `count` jobs over the clients, each client taking the next job when its last is done. */
async function forEachClient(count: number, job: (client: number, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      while (next < count) await job(client, next++);
    }),
  );
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
