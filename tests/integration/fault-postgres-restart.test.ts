// Issue 7: PostgreSQL stopped under load and started again, under a running app process. While the
// database is down the app answers 503 problem+json with Retry-After — on the API and on /health —
// quickly, never 500 and never hanging; once it is back the same process answers 2xx again by
// itself, and no transition a client saw acknowledged is lost.
//
// The app runs against a PostgreSQL server of this file's own, which the test stops and starts: the
// run's server (and the machine's service) must never be stopped, since other files use it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/migrate.ts';
import { startTestApp } from '../helpers/app.ts';
import { freePort } from '../helpers/database.ts';
import {
  type Answer,
  actorsFor,
  casesOf,
  deal,
  expectIntact,
  openCases,
  pollUntil,
  startLoad,
  succeeded,
  tallyAnswers,
} from '../helpers/fault-load.ts';
import { baseEnv, type RunningServer, startServer } from '../helpers/processes.ts';
import { type RestartablePostgres, startRestartablePostgres } from '../helpers/restartable-postgres.ts';
import { seedTestDatabase } from '../helpers/seed.ts';

const CLIENTS = 5;
const CASES = 20;
/** Acknowledged transitions before the database is stopped. */
const BEFORE_STOP = 40;
/** The database stays down at least this long, long enough for the pool to have tried it again. */
const DOWN_AT_LEAST_MS = 2_000;
/** Acknowledged transitions each client must see once the database is back. */
const AFTER_START = 5;
/** Longer than any answer may take, down or up: an app that waited on a dead database would not make it. */
const ANSWER_WITHIN_MS = 8_000;

let pg: RestartablePostgres;
let server: RunningServer | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grants-fault-app-'));

beforeAll(async () => {
  pg = await startRestartablePostgres();
  await applyMigrations(pg.url);
  await seedTestDatabase(pg.url);
});
afterAll(async () => {
  if (server && server.process.exitCode === null) server.process.kill('SIGKILL');
  await pg?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Polls GET /health and keeps every answer, until stopped. */
function watchHealth(baseUrl: string) {
  const answers: Answer[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const startedAt = Date.now();
      try {
        const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(20_000) });
        answers.push({
          client: -1,
          method: 'GET',
          path: '/health',
          status: res.status,
          contentType: res.headers.get('content-type') ?? undefined,
          retryAfter: res.headers.get('retry-after') ?? undefined,
          body: await res.json(),
          startedAt,
          endedAt: Date.now(),
        });
      } catch (error) {
        const e = error as Error & { cause?: { code?: string } };
        answers.push({
          client: -1,
          method: 'GET',
          path: '/health',
          status: null,
          error: e.cause?.code ?? e.name,
          startedAt,
          endedAt: Date.now(),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    answers,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Whether the app process still runs, and the end of what it logged: for failure messages. */
const appState = () => ({
  exitCode: server?.process.exitCode,
  signal: server?.process.signalCode,
  log: server?.output().slice(-3000),
});

const isProblem503 = (a: Answer) =>
  a.status === 503 &&
  /^application\/problem\+json/.test(a.contentType ?? '') &&
  (a.body as { status?: number }).status === 503 &&
  /^\d+$/.test(a.retryAfter ?? '');

describe('PostgreSQL stopped and started again under load', () => {
  it('answers 503 while it is down, recovers by itself, and loses no acknowledged transition', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = baseEnv({
      DATABASE_URL: pg.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO_DATA: 'false',
      // The background worker runs too: its loop must live through the outage as well.
      RUN_WORKER: 'true',
      WORKER_POLL_MS: '200',
      DATA_DIR: dataDir,
    });
    // While the app process starts, an in-process app sets the scene (a programme, a provider, its
    // cases, tokens); it is closed before the fault, and the rows are read after on a client of their own.
    const [app, { actors, caseIds, programmeId, organisationId }] = await Promise.all([
      startServer(env).then((started) => {
        server = started;
        return started;
      }),
      (async () => {
        const t = await startTestApp({ databaseUrl: pg.url, poolSize: 4 });
        try {
          const provider = await t.newProvider('Database Restart Trust');
          return {
            actors: actorsFor(t, provider),
            caseIds: await openCases(t, provider, CASES),
            programmeId: t.youthFund.programmeId,
            organisationId: provider.organisationId,
          };
        } finally {
          await t.close();
        }
      })(),
    ]);
    const pid = app.process.pid;

    const load = startLoad({
      baseUrl,
      casesByClient: deal(caseIds, CLIENTS),
      actors,
      programmeId,
      timeoutMs: 30_000,
    });
    const health = watchHealth(baseUrl);
    let downAt = 0;
    let upAt = 0;
    try {
      await pollUntil('a load of acknowledged transitions', () => load.acks.length >= BEFORE_STOP, {
        timeoutMs: 60_000,
        explain: () => tallyAnswers(load.answers),
      });
      const acksAtStop = load.acks.length;
      await pg.stop();
      downAt = Date.now();

      // While it is down: every client, and /health, told 503 a few times.
      const refusedSinceDown = (answers: Answer[]) =>
        answers.filter((a) => a.startedAt >= downAt && a.status === 503);
      await pollUntil(
        '503s from every client and from /health while the database is down',
        () =>
          Date.now() - downAt >= DOWN_AT_LEAST_MS &&
          new Set(refusedSinceDown(load.answers).map((a) => a.client)).size === CLIENTS &&
          refusedSinceDown(load.answers).length >= 4 * CLIENTS &&
          refusedSinceDown(health.answers).length >= 3,
        {
          explain: () => ({
            api: tallyAnswers(load.answers.filter((a) => a.startedAt >= downAt)),
            health: tallyAnswers(health.answers.filter((a) => a.startedAt >= downAt)),
            sample: load.answers.filter((a) => a.startedAt >= downAt && a.status !== 503).slice(-2),
            app: appState(),
          }),
        },
      );
      upAt = Date.now();
      await pg.start();
      const atStart = load.acksByClient();

      // Back by itself: the same process answers 2xx again, on the API and /health.
      await pollUntil(
        'every client to be acknowledged again',
        () => load.acksByClient().every((n, i) => n >= atStart[i]! + AFTER_START),
        {
          timeoutMs: 60_000,
          explain: () => ({
            acks: load.acksByClient(),
            api: tallyAnswers(load.answers.filter((a) => a.startedAt > upAt)),
            sample: load.answers.filter((a) => a.startedAt > upAt && !succeeded(a)).slice(-2),
            app: appState(),
          }),
        },
      );
      await pollUntil(
        '/health to answer 200 again',
        () => health.answers.some((a) => a.startedAt > upAt && a.status === 200),
        { explain: () => tallyAnswers(health.answers.filter((a) => a.startedAt > upAt)) },
      );
      await Promise.all([load.stop(), health.stop()]);
      expect(app.process.exitCode).toBe(null);
      expect(app.process.pid).toBe(pid);
      expect(app.output().match(/listening on/g)).toHaveLength(1);

      const answers = [...load.answers, ...health.answers];
      // Down: only 503 problem+json with Retry-After, on every path.
      const whileDown = answers.filter((a) => a.startedAt >= downAt && a.endedAt <= upAt);
      expect(whileDown.length).toBeGreaterThan(0);
      expect(whileDown.filter((a) => !isProblem503(a))).toEqual([]);
      // Ever: success, or 503 as above — never a 500, never a dropped connection — and always promptly.
      expect(answers.filter((a) => !succeeded(a) && !isProblem503(a))).toEqual([]);
      expect(answers.filter((a) => a.endedAt - a.startedAt > ANSWER_WITHIN_MS)).toEqual([]);
      expect(health.answers.at(-1)?.status).toBe(200);

      expect(await app.stop()).toBe(0);
      const sql = postgres(pg.url, { max: 2, onnotice: () => {} });
      try {
        const rows = await expectIntact(sql, await casesOf(sql, organisationId), load.acks);
        const slowest = Math.max(...answers.map((a) => a.endedAt - a.startedAt));
        const logged = (text: string) => app.output().split(text).length - 1;
        console.log(
          `stopped after ${acksAtStop} acknowledged transitions, down ${upAt - downAt} ms: ` +
            `${whileDown.length} answers while down, slowest answer ${slowest} ms; ` +
            `app log: ${logged('database unavailable')} unavailable, ` +
            `${logged('postgres.js wrote to a connection')} dead-socket writes ignored; ` +
            `${load.acks.length} acknowledged in all; rows: ${JSON.stringify(rows)}`,
        );
      } finally {
        await sql.end();
      }
    } finally {
      await Promise.all([load.stop(), health.stop()]);
    }
  }, 150_000);
});
