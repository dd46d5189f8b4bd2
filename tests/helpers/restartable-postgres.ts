// A PostgreSQL server of one test's own that the test can stop and start again, for fault tests:
// the run's shared server (and the machine's service at 127.0.0.1:5432) must never be stopped,
// since other test files use it at the same time.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './database.ts';

const serverScript = fileURLToPath(new URL('./restartable-postgres-server.ts', import.meta.url));

export interface RestartablePostgres {
  /** The server's `postgres` database, as the superuser. */
  url: string;
  /** A fast shutdown (sessions are ended, as `pg_ctl stop` does); resolves once the server is down. */
  stop(): Promise<void>;
  /** Starts it again on the same data and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  close(): Promise<void>;
  output(): string;
}

export async function startRestartablePostgres(timeoutMs = 60_000): Promise<RestartablePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grants-fault-pg-'));
  fs.chmodSync(dir, 0o755); // the server runs as the postgres user, which must reach the data directory
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', serverScript, path.join(dir, 'pg'), String(port)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let log = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  /** Waits for the answer line `expected` to appear after what stdout held before the command. */
  const answer = (expected: RegExp, from: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!expected.test(stdout.slice(from))) return;
        cleanUp();
        resolve();
      };
      const fail = (why: string) => {
        cleanUp();
        reject(new Error(`the test PostgreSQL ${why} (${what}):\n${log.slice(-4000)}`));
      };
      const timer = setTimeout(() => fail('did not answer in time'), timeoutMs);
      const onExit = () => fail('exited');
      const cleanUp = () => {
        clearTimeout(timer);
        child.stdout.off('data', check);
        child.off('exit', onExit);
      };
      child.stdout.on('data', check);
      child.once('exit', onExit);
      check();
    });

  const command = async (line: string, expected: RegExp) => {
    const from = stdout.length;
    child.stdin.write(`${line}\n`);
    await answer(expected, from, line);
  };

  try {
    await answer(/ready \S+\n/, 0, 'first start');
  } catch (error) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => command('stop', /^stopped$/m),
    start: () => command('start', /^ready \S+$/m),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end('exit\n');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
    output: () => log,
  };
}
