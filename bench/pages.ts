import os from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { connect } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { findUserByEmail } from '../src/db/queries/people.ts';
import { startSession } from '../src/domain/sessions.ts';
import { createFreshDatabase, freePort } from '../tests/helpers/database.ts';
import { type RunningApp, readCpuMs, readRss, startApp } from './app-process.ts';
import { describeMachine } from './machine.ts';
import { MetricsScraper } from './metrics-scraper.ts';
import { idsIn, isReport, pageKind, pageLinks } from './page-kinds.ts';
import { writeResultsFiles } from './report.ts';
import { GetClient } from './scale-http.ts';
import { seedSettled } from './scale-seed.ts';
import { positive, roundTo, summariseLatencies } from './stats.ts';

const PEOPLE = [
  'officer@demo.test',
  'officer2@demo.test',
  'approver@demo.test',
  'panel@demo.test',
  'provider@demo.test',
  'provider2@demo.test',
  'finance@demo.test',
  'admin@demo.test',
];
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
/** Addresses kept of each kind of page, per person: enough to vary, few enough to visit them all. */
const PER_KIND = 6;
const PAGE_P95_MS = 100;
const REPORT_P95_MS = 1000;
const LARGE_TO_SMALL = 1.2;
const CASE_PAGE_CPU_MS = 1.5;

const { values: flags } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000000' },
    small: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '60' },
    turns: { type: 'string', default: '4' },
    'cpu-requests': { type: 'string', default: '60' },
    crawl: { type: 'string', default: '250' },
  },
});
const options = {
  cases: Math.floor(positive('cases', flags.cases)),
  smallCases: Math.floor(positive('small', flags.small)),
  seconds: positive('seconds', flags.seconds),
  turns: Math.floor(positive('turns', flags.turns)),
  cpuRequests: Math.floor(positive('cpu-requests', flags['cpu-requests'])),
  crawl: Math.floor(positive('crawl', flags.crawl)),
};

const log = (line: string) => console.log(line);

interface Person {
  email: string;
  client: GetClient;
  /** Kind of page → addresses of that kind this person reached. */
  kinds: Map<string, string[]>;
}

interface Size {
  label: 'small' | 'large';
  cases: number;
  app: RunningApp;
  people: Person[];
  scraper: MetricsScraper;
  seedSeconds: number;
  close(): Promise<void>;
}

async function openSize(label: 'small' | 'large', cases: number): Promise<Size> {
  log(`\n== ${label}: ${cases} cases ==`);
  const database = await createFreshDatabase();
  const { db, sql } = connect(database.url, 2);
  const bare = postgres(database.url, { max: 1, onnotice: () => {} });
  let app: RunningApp | undefined;
  let scraper: MetricsScraper | undefined;
  const people: Person[] = [];
  const close = async () => {
    scraper?.stop();
    for (const person of people) person.client.close();
    await app?.stop();
    await Promise.all([sql.end(), bare.end()]);
    await database.drop();
    log(`dropped the ${label} database`);
  };
  try {
    await applyMigrations(database.url);
    const port = await freePort();
    // The demo data goes into the empty database as `npm start` puts it there.
    app = await startApp({
      databaseUrl: database.url,
      port,
      poolSize: undefined,
      runWorker: false,
      cpuProfileDir: process.env.BENCH_CPU_PROF_DIR || undefined,
      metricsToken: METRICS_TOKEN,
      seedDemoData: true,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const known = new Set(
      (
        await bare`select id::text from cases union all select id::text from programmes
          union all select id::text from funds union all select id::text from organisations
          union all select id::text from users`
      ).map((row) => String(row.id)),
    );
    const [template] =
      await bare`select snapshot from cases order by machine_id = 'commissioning-round' desc limit 1`;
    const settled = await seedSettled(bare, cases, template!.snapshot as Record<string, unknown>, log);
    const seedSeconds = roundTo(settled.seedSeconds + settled.analyseSeconds, 1);
    const [count] = await bare`select count(*)::int as n from cases`;
    log(`${count!.n} cases after seeding (${seedSeconds} s with vacuum analyze)`);

    for (const email of PEOPLE) {
      const user = await findUserByEmail(db, email);
      if (!user) throw new Error(`the demo data has no ${email}`);
      const token = await startSession(db, user.id, new Date(), 8);
      const client = new GetClient(baseUrl, { Cookie: `opcc_session=${token}` });
      people.push({ email, client, kinds: new Map() });
    }
    for (const person of people) {
      const found = await crawl(person, known);
      log(
        `  ${person.email.padEnd(22)} ${String(found.fetched).padStart(4)} pages read, ` +
          `${person.kinds.size} kinds kept, ${found.skippedSeeded} links to seeded rows not followed`,
      );
      if (found.errors.length) throw new Error(`${person.email}: ${found.errors.join('; ')}`);
    }
    scraper = new MetricsScraper(baseUrl, METRICS_TOKEN);
    return { label, cases, app, people, scraper, seedSeconds, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Follows links from the person's home page, breadth first, keeping a few addresses of each kind. */
async function crawl(person: Person, known: Set<string>) {
  const queue = ['/'];
  const seen = new Set<string>();
  const errors: string[] = [];
  let fetched = 0;
  let skippedSeeded = 0;
  while (queue.length && fetched < options.crawl) {
    const address = queue.shift()!;
    if (seen.has(address)) continue;
    seen.add(address);
    const kind = pageKind(address);
    if ((person.kinds.get(kind)?.length ?? 0) >= PER_KIND) continue;
    if (idsIn(address).some((id) => !known.has(id))) {
      skippedSeeded++;
      continue;
    }
    const answer = await person.client.get(address);
    fetched++;
    if (answer.status >= 300 && answer.status < 400) continue; // somewhere else first (a form's start)
    if (answer.status !== 200) {
      errors.push(`GET ${address} answered ${answer.status}`);
      continue;
    }
    if (!answer.type.startsWith('text/html')) continue;
    const addresses = person.kinds.get(kind) ?? [];
    addresses.push(address);
    person.kinds.set(kind, addresses);
    queue.push(...pageLinks(answer.body.toString('utf8')));
  }
  return { fetched, skippedSeeded, errors };
}

type Samples = Map<string, number[]>;

interface Load {
  samples: Samples;
  failures: string[];
}

/** Every person opening their pages with no think time for `ms`; latencies kept per kind after the warm-up. */
async function mixedTurn(size: Size, ms: number, warmupMs: number, into: Load): Promise<void> {
  const measureFrom = performance.now() + warmupMs;
  const until = measureFrom + ms;
  await Promise.all(
    size.people.map(async (person, p) => {
      const kinds = [...person.kinds.keys()];
      for (let i = p; performance.now() < until && into.failures.length < 20; i++) {
        const kind = kinds[i % kinds.length]!;
        const addresses = person.kinds.get(kind)!;
        const address = addresses[Math.floor(i / kinds.length) % addresses.length]!;
        const answer = await person.client.get(address);
        if (answer.status !== 200) {
          into.failures.push(`${size.label}: ${person.email} GET ${address} answered ${answer.status}`);
          continue;
        }
        if (performance.now() < measureFrom) continue;
        const list = into.samples.get(kind) ?? [];
        list.push(answer.ms);
        into.samples.set(kind, list);
      }
    }),
  );
}

interface KindCpu {
  /** App CPU per page, milliseconds (user + system, from /proc). */
  cpuMs: number;
  /** Time to the whole answer with nothing else running, median. */
  aloneP50Ms: number;
  bytes: number;
}

/** Each kind on its own, one request at a time, so the app's CPU can be put down to it. */
async function cpuPerKind(size: Size): Promise<Map<string, KindCpu>> {
  const result = new Map<string, KindCpu>();
  const owners = new Map<string, { person: Person; addresses: string[] }>();
  for (const person of size.people)
    for (const [kind, addresses] of person.kinds)
      if (!owners.has(kind)) owners.set(kind, { person, addresses });
  for (const [kind, { person, addresses }] of [...owners].sort(([a], [b]) => a.localeCompare(b))) {
    const count = isReport(kind) ? Math.max(5, Math.round(options.cpuRequests / 6)) : options.cpuRequests;
    for (let i = 0; i < 3; i++) await person.client.timed(addresses[i % addresses.length]!);
    const before = readCpuMs(size.app.pid);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const answer = await person.client.timed(addresses[i % addresses.length]!);
      times.push(answer.ms);
      bytes = answer.bytes;
    }
    const after = readCpuMs(size.app.pid);
    result.set(kind, {
      cpuMs: before === undefined || after === undefined ? Number.NaN : roundTo((after - before) / count, 2),
      aloneP50Ms: roundTo(summariseLatencies(times).p50Ms, 2),
      bytes,
    });
  }
  return result;
}

interface KindFigures {
  kind: string;
  report: boolean;
  small: { count: number; p50: number; p95: number; cpuMs: number | null; aloneP50Ms: number | null };
  large: { count: number; p50: number; p95: number; cpuMs: number | null; aloneP50Ms: number | null };
  largeToSmallP95: number;
  pass: boolean;
  why: string[];
}

function figuresFor(
  kind: string,
  loads: { small: Load; large: Load },
  cpu: { small: Map<string, KindCpu>; large: Map<string, KindCpu> },
): KindFigures | undefined {
  const one = (label: 'small' | 'large') => {
    const samples = loads[label].samples.get(kind);
    if (!samples?.length) return undefined;
    const s = summariseLatencies(samples);
    const c = cpu[label].get(kind);
    return {
      count: s.count,
      p50: roundTo(s.p50Ms, 2),
      p95: roundTo(s.p95Ms, 2),
      cpuMs: c && Number.isFinite(c.cpuMs) ? c.cpuMs : null,
      aloneP50Ms: c?.aloneP50Ms ?? null,
    };
  };
  const small = one('small');
  const large = one('large');
  if (!small || !large) return undefined;
  const report = isReport(kind);
  const ratio = roundTo(large.p95 / small.p95, 2);
  const why: string[] = [];
  if (large.p95 >= (report ? REPORT_P95_MS : PAGE_P95_MS))
    why.push(`p95 ${large.p95} ms, not under ${report ? REPORT_P95_MS : PAGE_P95_MS} ms`);
  if (!report && ratio > LARGE_TO_SMALL) why.push(`${ratio}x the small database`);
  if (kind === '/cases/:id' && !(large.cpuMs !== null && large.cpuMs < CASE_PAGE_CPU_MS))
    why.push(`case page CPU ${large.cpuMs} ms, not under ${CASE_PAGE_CPU_MS} ms`);
  return { kind, report, small, large, largeToSmallP95: ratio, pass: why.length === 0, why };
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const probe = await createFreshDatabase();
  const probeSql = postgres(probe.url, { max: 1, onnotice: () => {} });
  const machine = await describeMachine(probeSql).finally(async () => {
    await probeSql.end();
    await probe.drop();
  });
  const opened: Size[] = [];
  const loads = {
    small: { samples: new Map(), failures: [] } as Load,
    large: { samples: new Map(), failures: [] } as Load,
  };
  const cpu = { small: new Map<string, KindCpu>(), large: new Map<string, KindCpu>() };
  const memory = { small: { idleMB: 0, peakMB: 0 }, large: { idleMB: 0, peakMB: 0 } };
  const scrapes: Record<string, ReturnType<MetricsScraper['summary']>> = {};
  let seedSeconds = { small: 0, large: 0 };
  try {
    opened.push(await openSize('small', options.smallCases));
    opened.push(await openSize('large', options.cases));
    const [small, large] = opened as [Size, Size];
    seedSeconds = { small: small.seedSeconds, large: large.seedSeconds };
    for (const size of opened) memory[size.label].idleMB = roundTo((readRss(size.app.pid) ?? 0) / 2 ** 20, 1);
    const turnMs = (options.seconds * 1000) / options.turns;
    log(`\n${PEOPLE.length} people, ${options.turns} turns of ${turnMs / 1000} s on each database`);
    for (let turn = 0; turn < options.turns; turn++) {
      for (const size of turn % 2 ? [large, small] : [small, large]) {
        const sampler = setInterval(() => {
          const mb = roundTo((readRss(size.app.pid) ?? 0) / 2 ** 20, 1);
          memory[size.label].peakMB = Math.max(memory[size.label].peakMB, mb);
        }, 250);
        await mixedTurn(size, turnMs, turn < 2 ? 5000 : 0, loads[size.label]);
        clearInterval(sampler);
        const pages = [...loads[size.label].samples.values()].reduce((n, list) => n + list.length, 0);
        log(`  turn ${turn + 1} ${size.label.padEnd(5)} ${pages} pages measured so far`);
      }
    }
    for (const size of opened) {
      log(`app CPU per kind of page, ${size.label}`);
      cpu[size.label] = await cpuPerKind(size);
      scrapes[size.label] = size.scraper.summary();
    }
  } finally {
    for (const size of opened) await size.close();
  }

  const failures = [...loads.small.failures, ...loads.large.failures];
  const kinds = new Set([...loads.small.samples.keys(), ...loads.large.samples.keys()]);
  const figures = [...kinds]
    .sort()
    .map((kind) => figuresFor(kind, loads, cpu))
    .filter((f): f is KindFigures => f !== undefined);
  const onlyOne = [...kinds].filter((kind) => !figures.some((f) => f.kind === kind));

  log('');
  log(
    `${machine.cpuModel}, ${machine.cores} cores, ${roundTo(machine.memoryBytes / 2 ** 30, 1)} GiB; PostgreSQL ${machine.postgres}`,
  );
  log(
    `${'kind of page'.padEnd(44)} ${'small p95'.padStart(9)} ${'large p50'.padStart(9)} ${'large p95'.padStart(9)} ` +
      `${'ratio'.padStart(6)} ${'CPU ms'.padStart(7)}  verdict`,
  );
  for (const f of figures) {
    log(
      `${f.kind.slice(0, 44).padEnd(44)} ${f.small.p95.toFixed(1).padStart(9)} ${f.large.p50.toFixed(1).padStart(9)} ` +
        `${f.large.p95.toFixed(1).padStart(9)} ${f.largeToSmallP95.toFixed(2).padStart(6)} ` +
        `${String(f.large.cpuMs ?? '?').padStart(7)}  ${f.pass ? 'PASS' : `FAIL (${f.why.join('; ')})`}`,
    );
  }
  if (onlyOne.length) log(`measured on one database only (not judged): ${onlyOne.join(', ')}`);
  log(
    `app RSS   small: idle ${memory.small.idleMB} MB, peak ${memory.small.peakMB} MB; large: idle ${memory.large.idleMB} MB, peak ${memory.large.peakMB} MB`,
  );
  for (const failure of failures.slice(0, 10)) log(`ERROR: ${failure}`);

  const results = {
    benchmark: 'pages',
    startedAt: startedAt.toISOString(),
    machine,
    loadAverage: roundTo(os.loadavg()[0]!, 2),
    options,
    people: PEOPLE,
    seedSeconds,
    memory,
    metricsScrapes: scrapes,
    passed: figures.filter((f) => f.pass).length,
    failed: figures.filter((f) => !f.pass).map((f) => f.kind),
    kinds: figures,
    failures,
  };
  const files = writeResultsFiles('pages', results, startedAt);
  log(`results   ${files.join(', ')}`);
  return failures.length ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
