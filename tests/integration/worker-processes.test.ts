// The worker (`npm run worker`, src/worker.ts) as real processes over many due timers: killed with
// SIGKILL mid-way and started again, and two copies at once. Cases are opened through the API and
// their timers then moved into the past with SQL, so they are due as the workers start.
//
// Cases are bids under the file's Youth Fund programme (t.youthFund, made in that database), so
// each lapse also gives its award back to the programme's fund.
//
// The workers get a database of this file's own on the run's server: a worker fires every due timer
// and sends every due message of the database it is given, and in the shared database it would take
// other files' rows (their messages are due at real time) from under them.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, timerLog, timers } from '../../src/db/schema/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import {
  historyOf,
  MAIL_FROM,
  messageIdOf,
  outboxOf,
  tally,
  timerLogOf,
  timersOf,
  waitUntil,
} from '../helpers/background-work.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { baseEnv } from '../helpers/processes.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { type RunningWorker, startWorker } from '../helpers/worker-process.ts';
import { youthFundDriver } from '../helpers/youth-fund-driver.ts';

const CASES = 30;
let own: OwnDatabase;
let t: TestApp;
let capture: SmtpCapture;
let officers: string[];
const workers: RunningWorker[] = [];

beforeAll(async () => {
  own = await createOwnDatabase('worker');
  t = await startTestApp({ databaseUrl: own.url });
  capture = await startSmtpCapture();
  // Officers' email goes to the case officer: the officer who confirmed each bid eligible.
  officers = ['officer@demo.test'];
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await t?.close();
  await capture?.close();
  await own?.drop();
});

const workerEnv = () =>
  baseEnv({
    DATABASE_URL: own.url,
    SMTP_URL: capture.url,
    MAIL_FROM,
    WORKER_POLL_MS: '100',
    SEED_DEMO_DATA: 'false',
    PUBLIC_URL: 'http://grants.test',
  });
async function worker(): Promise<RunningWorker> {
  const started = await startWorker(workerEnv());
  workers.push(started);
  return started;
}

/** Opens `CASES` offered cases of a new provider; returns their ids. */
async function offeredCases(label: string): Promise<string[]> {
  const yf = youthFundDriver(t, await t.newProvider(label));
  const ids: string[] = [];
  for (let i = 0; i < CASES; i += 10) {
    const batch = await Promise.all(Array.from({ length: 10 }, () => yf.caseAt('offered')));
    ids.push(...batch.map((c) => c.id));
  }
  return ids;
}

/** Moves the cases' 21- and 28-day timers 29 days back, in order, so both are due now. */
async function makeDue(caseIds: string[]) {
  const moved = await t.db
    .update(timers)
    .set({ dueAt: sql`${timers.dueAt} - interval '29 days'` })
    .where(inArray(timers.caseId, caseIds))
    .returning({ caseId: timers.caseId, timerKey: timers.timerKey });
  expect(moved).toHaveLength(2 * caseIds.length);
  return moved.map((m) => `${m.caseId}/${m.timerKey}`).sort();
}

const firedSoFar = async (caseIds: string[]) =>
  (
    await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(timerLog)
      .where(inArray(timerLog.caseId, caseIds))
  )[0]!.n;

const pendingOf = async (caseIds: string[]) =>
  (
    await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(and(inArray(outbox.caseId, caseIds), eq(outbox.status, 'pending')))
  )[0]!.n;

const allDone = async (caseIds: string[]) =>
  (await timersOf(t.db, caseIds)).length === 0 && (await pendingOf(caseIds)) === 0;

/** Each timer fired once, each case reminded once and lapsed once by the system, nothing discarded. */
async function expectFiredOnce(caseIds: string[], timerKeys: string[]) {
  expect(await timersOf(t.db, caseIds)).toEqual([]);
  const log = await timerLogOf(t.db, caseIds);
  expect(log.filter((l) => l.outcome !== 'fired')).toEqual([]);
  expect(log.map((l) => `${l.caseId}/${l.timerKey}`).sort()).toEqual(timerKeys);
  const history = await historyOf(t.db, caseIds);
  const lapses = history.filter((h) => h.toState === 'lapsed');
  const reminders = history.filter((h) => h.fromState === 'offered' && h.toState === 'offered');
  for (const rows of [lapses, reminders]) {
    expect(rows.map((h) => h.caseId).sort()).toEqual([...caseIds].sort());
    expect(rows.every((h) => h.actorRole === 'system' && h.actorId === null)).toBe(true);
  }
  // Each lapse gave the award back to the programme's fund once, as the system.
  const ledger = await t.sql<{ caseId: string; movement: string; amount: number; bySystem: boolean }[]>`
    select case_id as "caseId", movement, amount_pence::int as amount, actor_id is null as "bySystem"
    from fund_ledger where case_id = any(${caseIds}) order by id`;
  for (const id of caseIds) {
    expect(ledger.filter((r) => r.caseId === id).map((r) => [r.movement, r.amount, r.bySystem])).toEqual([
      ['commit', 300_000, false],
      ['release', 300_000, true],
    ]);
  }
}

/** Every message of the cases sent; returns how many copies of each the SMTP server received. */
async function copiesOfEach(caseIds: string[]) {
  const rows = await outboxOf(t.db, caseIds);
  // bidReceived, bidEligible, offerMade, offerLapsing; offerLapsed to the owner and the officers.
  expect(rows).toHaveLength(caseIds.length * (5 + officers.length));
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  const received = tally(capture.messages.map((m) => m.messageId));
  return rows.map((row) => ({ row, copies: received.get(messageIdOf(row.id)) ?? 0 }));
}

describe('the worker process', () => {
  it('fires each timer once and delivers every message across two SIGKILLs and restarts', async () => {
    const caseIds = await offeredCases('Killed Worker Trust');
    const timerKeys = await makeDue(caseIds);
    const total = timerKeys.length;

    // First kill: while it fires timers (each pass fires due timers before it sends mail).
    const first = await worker();
    await waitUntil('the first timer to fire', async () => (await firedSoFar(caseIds)) > 0, 30_000, 2);
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const firedAtKill = await firedSoFar(caseIds);
    expect(firedAtKill).toBeLessThan(total);

    // Second kill: while it sends mail, as soon as the capture server has taken a few messages.
    const second = await worker();
    const seen = capture.messages.length;
    await waitUntil('some mail', () => capture.messages.length >= seen + 5, 30_000, 1);
    expect(await second.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await pendingOf(caseIds)).toBeGreaterThan(0);

    const third = await worker();
    await waitUntil('every timer fired and every message sent', () => allDone(caseIds), 90_000, 100);
    expect(await third.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    await expectFiredOnce(caseIds, timerKeys);
    const copies = await copiesOfEach(caseIds);
    expect(copies.filter((c) => c.copies === 0)).toEqual([]);
    // A message the SMTP server accepted just before the kill, whose "sent" the killed worker had
    // not committed, is still pending and is sent again by the next worker, under the same
    // Message-ID (outbox-<id>@domain) so the copy is recognisable. At most one message is in
    // flight per worker, so at most one such copy per kill.
    const again = copies.filter((c) => c.copies > 1);
    expect(again.reduce((sum, c) => sum + c.copies - 1, 0)).toBeLessThanOrEqual(2);
    for (const { row } of again) {
      const versions = capture.messages.filter((m) => m.messageId === messageIdOf(row.id));
      expect(new Set(versions.map((m) => `${m.envelope.to}|${m.subject}|${m.text}`)).size).toBe(1);
    }
    console.log(
      `killed at ${firedAtKill}/${total} timers fired; ${again.length} message(s) sent twice; ` +
        `${capture.messages.length} received for ${copies.length} outbox rows`,
    );
  }, 180_000);

  it('two workers at once over the same due timers fire none twice and send each message once', async () => {
    const caseIds = await offeredCases('Two Workers Trust');
    const before = capture.messages.length;
    const [a, b] = await Promise.all([worker(), worker()]);
    // Let both send the earlier messages and go idle, then make every timer due at once.
    await waitUntil('the earlier mail', async () => (await pendingOf(caseIds)) === 0, 60_000, 50);
    const timerKeys = await makeDue(caseIds);
    await waitUntil('every timer fired and every message sent', () => allDone(caseIds), 90_000, 50);
    expect(await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')])).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);

    await expectFiredOnce(caseIds, timerKeys);
    const [workA, workB] = [a.work(), b.work()];
    expect(workA.fired + workB.fired).toBe(timerKeys.length);
    expect(workA.discarded + workB.discarded).toBe(0);
    expect(workA.fired).toBeGreaterThan(0);
    expect(workB.fired).toBeGreaterThan(0);

    const copies = await copiesOfEach(caseIds);
    expect(copies.filter((c) => c.copies !== 1)).toEqual([]);
    expect(workA.sent + workB.sent).toBe(copies.length);
    expect(capture.messages.length - before).toBe(copies.length);
    console.log(`timers fired ${workA.fired} + ${workB.fired}; mail sent ${workA.sent} + ${workB.sent}`);
  }, 180_000);
});
