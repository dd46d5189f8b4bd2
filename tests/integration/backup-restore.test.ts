// Backup and restore as the README describes them: pg_dump (of the server's major version) in the
// custom format, pg_restore into a new database, and the app started on it. The demo portfolio
// (seeded by the app itself) comes back whole: every case, history row, ledger row, timer, payment
// and email; and the app moves a restored case on.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/database.ts';
import { baseEnv, lastLine, runCli, startServer } from '../helpers/processes.ts';

/** The machine's PostgreSQL, where pg_dump is of the same major version as the server. */
const MACHINE_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

const majorOf = async (url: string) => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ server_version_num: string }[]>`show server_version_num`;
    return Math.floor(Number(row!.server_version_num) / 10_000);
  } finally {
    await sql.end();
  }
};
const pgDumpMajor = () =>
  Number(/(\d+)\./.exec(execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }))![1]);

const made: { server: string; name: string }[] = [];
async function emptyDatabase(server: string, label: string) {
  const name = `grants_${label}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  made.push({ server, name });
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'grants-backup-'));
afterAll(async () => {
  for (const { server, name } of made) {
    const admin = postgres(server, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
  fs.rmSync(folder, { recursive: true, force: true });
});

/** Every table's rows, as counts, and the cases, events, ledger and timers themselves. */
async function contents(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ name: string }[]>`select tablename as name from pg_tables
      where schemaname = 'public' order by tablename`;
    const counts: Record<string, number> = {};
    for (const { name } of tables)
      counts[name] = (await sql.unsafe(`select count(*)::int as n from "${name}"`))[0]!.n as number;
    return {
      counts,
      cases: await sql`select id, state, version, snapshot, title from cases order by id`,
      events:
        await sql`select case_id, version, type, payload, at from case_events order by case_id, version`,
      ledger: await sql`select * from fund_ledger order by id`,
      timers: await sql`select case_id, timer_key, due_at from timers order by case_id, timer_key`,
      migrations: await sql`select hash from drizzle.__drizzle_migrations order by id`,
    };
  } finally {
    await sql.end();
  }
}

describe('backup and restore', () => {
  it('restores every case, history row, ledger row and timer, and the app moves a restored case on', async () => {
    const run = inject('databaseUrl');
    // pg_dump must be of the server's major version: the run's server when it is, else the machine's.
    const server = (await majorOf(run)) === pgDumpMajor() ? run : MACHINE_POSTGRES;
    expect(await majorOf(server), 'pg_dump and the server are of one major version').toBe(pgDumpMajor());

    // The app seeds its demo portfolio into an empty database, as `npm start` does.
    const live = await emptyDatabase(server, 'live');
    const seeding = await startServer(
      baseEnv({ DATABASE_URL: live, SEED_DEMO_DATA: 'true', PORT: String(await freePort()) }),
    );
    expect(seeding.output()).toContain('seeded demo data');
    expect([0, 143]).toContain(await seeding.stop());

    // The README's procedure: a custom-format dump, restored into a new, empty database.
    const dump = path.join(folder, 'opcc.dump');
    execFileSync('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, `--dbname=${live}`]);
    const restored = await emptyDatabase(server, 'restored');
    execFileSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restored}`, dump]);

    const [before, after] = await Promise.all([contents(live), contents(restored)]);
    expect(after).toEqual(before);
    expect(before.counts.cases).toBeGreaterThan(20);
    expect(before.counts.case_events).toBeGreaterThan(50);
    expect(before.counts.fund_ledger).toBeGreaterThan(0);
    expect(before.counts.timers).toBeGreaterThan(0);

    // The app starts on the restored database (no migration to apply, nothing seeded) and works it.
    const port = await freePort();
    const env = baseEnv({ DATABASE_URL: restored, SEED_DEMO_DATA: 'false', PORT: String(port) });
    const app = await startServer(env);
    try {
      expect(app.output()).not.toContain('seeded demo data');
      const token = lastLine((await runCli(['user:token', 'officer@demo.test'], env)).stdout);
      const sql = postgres(restored, { max: 1, onnotice: () => {} });
      const [bid] = await sql<{ id: string; version: number }[]>`select id, version from cases
        where machine_id = 'youth-fund' and state = 'submitted' order by seq limit 1`;
      await sql.end();
      const res = await fetch(`http://127.0.0.1:${port}/api/cases/${bid!.id}/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'CONFIRM_ELIGIBLE' }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(((await res.json()) as { version: number }).version).toBe(bid!.version + 1);
    } finally {
      expect([0, 143]).toContain(await app.stop());
    }
  }, 180_000);
});
