// For tests of the background work (timers and email): a clock moved by hand, a sender aimed at a
// capture server, and readers of what happened to a given set of cases — narrowed to those cases,
// because other test files share the database.
import os from 'node:os';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { connect, type Database } from '../../src/db/client.ts';
import { caseEvents, outbox, timerLog, timers, users } from '../../src/db/schema/index.ts';
import { type Clock, systemClock } from '../../src/engine/clock.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/logger.ts';
import { deliverDue, type SenderDeps } from '../../src/mail/sender.ts';
import { createMailTransport, createSmtpTransport } from '../../src/mail/transport.ts';
import { createEngine, messageIdDomain } from '../../src/services.ts';
import type { SmtpCapture } from './smtp.ts';

export const silentLogger = createLogger('silent');
export const MAIL_FROM = 'OPCC Commissioning <commissioning@opcc.example>';
export const MESSAGE_ID_DOMAIN = messageIdDomain(MAIL_FROM);
export const messageIdOf = (outboxId: number) => `<outbox-${outboxId}@${MESSAGE_ID_DOMAIN}>`;

/**
 * Words each Youth Fund subject carries (src/mail/templates.ts), so a message cannot pass for
 * another; only the stable part of each subject, not dates or amounts.
 */
export const subjectWords: Record<string, string> = {
  bidReceived: 'we have received your bid',
  bidEligible: 'your bid is eligible',
  bidIneligible: 'your bid is not eligible',
  bidDeclined: 'the panel has made its decision',
  offerMade: 'you have been offered a grant',
  offerLapsing: 'lapses in 7 days',
  offerLapsed: 'the grant offer has lapsed',
  paymentRecorded: 'your grant has been paid',
  reportDueSoon: 'end-of-grant report is due',
  reportOverdue: 'report is overdue',
  reportQueried: 'a question about your end-of-grant report',
  paymentApproved: 'a payment has been approved',
  paymentMade: 'a payment has been made',
};

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export interface TestClock extends Clock {
  set(instant: Date | string | number): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string): TestClock {
  let current = new Date(start);
  return {
    now: () => current,
    set: (instant) => {
      current = new Date(instant);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

/** An engine on a connection pool of its own, as another process (or a restarted one) would have. */
export function engineOnOwnPool(
  url: string,
  options: { clock: Clock; publicUrl: string; poolSize?: number },
): { engine: Engine; db: Database; close(): Promise<void> } {
  const { db, sql } = connect(url, options.poolSize ?? 3);
  const close = () => sql.end();
  const engine = createEngine({ db, sql, url, description: 'own pool', close }, options);
  return { engine, db, close };
}

/** Sender deps with a real nodemailer SMTP transport pointed at the capture server. */
export function smtpSender(db: Database, capture: SmtpCapture, clock: Clock): SenderDeps & { close(): void } {
  const transport = createSmtpTransport(capture.url);
  return {
    db,
    transport,
    clock,
    logger: silentLogger,
    mailFrom: MAIL_FROM,
    messageIdDomain: MESSAGE_ID_DOMAIN,
    close: () => transport.close(),
  };
}

/** Runs deliverDue over the given rows until a run sends nothing; returns the total sent. */
export async function deliverAll(deps: SenderDeps, onlyIds: number[]): Promise<number> {
  let sent = 0;
  for (;;) {
    const run = await deliverDue(deps, { onlyIds, batch: 500 });
    sent += run.sent;
    if (run.sent + run.retried + run.failed === 0) return sent;
  }
}

export const outboxOf = (db: Database, caseIds: string[]) =>
  db.select().from(outbox).where(inArray(outbox.caseId, caseIds)).orderBy(asc(outbox.id));

export const timersOf = (db: Database, caseIds: string[]) =>
  db.select().from(timers).where(inArray(timers.caseId, caseIds)).orderBy(asc(timers.dueAt), asc(timers.id));

export const timerLogOf = (db: Database, caseIds: string[]) =>
  db.select().from(timerLog).where(inArray(timerLog.caseId, caseIds)).orderBy(asc(timerLog.firedAt));

export const historyOf = (db: Database, caseIds: string[]) =>
  db
    .select()
    .from(caseEvents)
    .where(inArray(caseEvents.caseId, caseIds))
    .orderBy(asc(caseEvents.caseId), asc(caseEvents.version));

/** Everyone with a staff role, as notifications to that role reach them all. */
export async function emailsOfRole(db: Database, role: 'officer' | 'panel' | 'finance'): Promise<string[]> {
  const rows = await db.select({ email: users.email }).from(users).where(eq(users.role, role));
  return rows.map((r) => r.email).sort();
}

/** How many times each value occurs. */
export function tally<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Polls until `check` returns true, or fails after `timeoutMs` saying what was awaited. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Sends a case's waiting email to the loopback SMTP server, as the worker would; returns every message
 * of the case the server has received.
 */
export async function deliverCaseMail(db: Database, capture: SmtpCapture, caseId: string) {
  const rows = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.caseId, caseId));
  await deliverRows(db, capture, rows);
  return capture.messages.filter((m) => rows.some((r) => m.messageId === messageIdOf(Number(r.id))));
}

/** Sends these outbox rows to the loopback SMTP server, as the worker would. */
async function deliverRows(db: Database, capture: SmtpCapture, rows: { id: number }[]) {
  const transport = createMailTransport({ smtpUrl: capture.url, dataDir: os.tmpdir() }, silentLogger);
  try {
    const deps = {
      db,
      transport,
      clock: systemClock,
      logger: silentLogger,
      mailFrom: MAIL_FROM,
      messageIdDomain: MESSAGE_ID_DOMAIN,
    };
    await deliverDue(deps, { onlyIds: rows.map((r) => Number(r.id)) });
  } finally {
    transport.close();
  }
}

/** Sends the waiting email to one address (mail about no case: a password link); returns what it received. */
export async function deliverMailTo(db: Database, capture: SmtpCapture, email: string) {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.toEmail, email), eq(outbox.status, 'pending')));
  await deliverRows(db, capture, rows);
  return capture.messages.filter((m) => m.to.includes(email));
}
