// Issue 7: the app as a real process, killed with SIGKILL in the middle of a load of transitions
// from several keep-alive clients, then started again on the same database. Every transition a
// client saw acknowledged must be in the history, and nothing half-written may exist.
//
// The app gets a database of this file's own on the run's server, so the checks read only the rows
// this load wrote and a kill never touches another file's work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
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
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { baseEnv, type RunningServer, startServer } from '../helpers/processes.ts';

const CLIENTS = 6;
const CASES = 36;
/** Acknowledged transitions before the kill: well into the load, its cases spread over the machine. */
const BEFORE_KILL = 100;
/** Acknowledged transitions each client must see from the restarted app. */
const AFTER_RESTART = 5;

let own: OwnDatabase;
let t: TestApp;
const servers: RunningServer[] = [];

beforeAll(async () => {
  own = await createOwnDatabase('sigkill');
  // The in-process app only sets the scene (a programme, a provider, its cases, tokens) and reads
  // the rows after.
  t = await startTestApp({ databaseUrl: own.url, poolSize: 4 });
});
const alive = (server: RunningServer) =>
  server.process.exitCode === null && server.process.signalCode === null;

afterAll(async () => {
  for (const server of servers) if (alive(server)) server.process.kill('SIGKILL');
  await t?.close();
  await own?.drop();
});

describe('the app killed with SIGKILL under load', () => {
  it('keeps every acknowledged transition and leaves nothing half-written', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = baseEnv({
      DATABASE_URL: own.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO_DATA: 'false',
    });
    const provider = await t.newProvider('Killed App Trust');
    const actors = actorsFor(t, provider);
    // The cases are opened by the in-process app while the app process starts.
    const [first, caseIds] = await Promise.all([
      startServer(env).then((server) => {
        servers.push(server);
        return server;
      }),
      openCases(t, provider, CASES),
    ]);

    const load = startLoad({
      baseUrl,
      casesByClient: deal(caseIds, CLIENTS),
      actors,
      programmeId: t.youthFund.programmeId,
    });
    let killedAt = 0;
    try {
      await pollUntil('a load of acknowledged transitions', () => load.acks.length >= BEFORE_KILL, {
        timeoutMs: 60_000,
        explain: () => tallyAnswers(load.answers),
      });
      const exited = new Promise((resolve) => first.process.once('exit', (_code, signal) => resolve(signal)));
      killedAt = Date.now();
      first.process.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const acksAtKill = load.acks.length;

      // The clients find the app gone: each has had a request refused or cut off.
      await pollUntil(
        'every client to find the app gone',
        () =>
          new Set(load.answers.filter((a) => a.status === null && a.endedAt >= killedAt).map((a) => a.client))
            .size === CLIENTS,
        { explain: () => tallyAnswers(load.answers.filter((a) => a.endedAt >= killedAt)) },
      );

      const second = await startServer(env);
      servers.push(second);
      const restartedAt = Date.now();
      const atRestart = load.acksByClient();
      await pollUntil(
        'every client to be acknowledged by the restarted app',
        () => load.acksByClient().every((n, i) => n >= atRestart[i]! + AFTER_RESTART),
        {
          timeoutMs: 60_000,
          explain: () => ({ acks: load.acksByClient(), answers: tallyAnswers(load.answers) }),
        },
      );
      await load.stop();
      expect(alive(second)).toBe(true);
      expect(await second.stop()).toBe(0);

      // Requests in flight at the kill were cut off: the kill really came mid-load.
      const cutOff = load.answers.filter((a) => a.status === null && a.startedAt < killedAt);
      expect(cutOff.length).toBeGreaterThan(0);
      // The only failures: requests refused or cut off while the app was down.
      const whileDown = (a: Answer) => a.endedAt >= killedAt && a.startedAt <= restartedAt;
      const unexpected = load.answers.filter(
        (a) =>
          !succeeded(a) &&
          !(
            whileDown(a) &&
            a.status === null &&
            ['ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(a.error ?? '')
          ),
      );
      expect(unexpected).toEqual([]);

      const rows = await expectIntact(t.sql, await casesOf(t.sql, provider.organisationId), load.acks);
      expect(load.acks.length).toBeGreaterThan(acksAtKill);
      console.log(
        `SIGKILL after ${acksAtKill} acknowledged transitions, ${cutOff.length} request(s) cut off; ` +
          `${load.acks.length} acknowledged in all; rows: ${JSON.stringify(rows)}`,
      );
    } finally {
      await load.stop();
    }
  }, 150_000);
});
