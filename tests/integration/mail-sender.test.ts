// Outbox delivery against the run's PostgreSQL and a real SMTP server on loopback, through real
// nodemailer. Other files share the database, so every run is narrowed to this test's rows.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../src/db/client.ts';
import { findOutboxRow, insertOutboxRows, listOutbox, retryFailed } from '../../src/db/queries/outbox.ts';
import { createLogger } from '../../src/logger.ts';
import { backoffMs, deliverDue, type SenderDeps } from '../../src/mail/sender.ts';
import { createMailTransport, type MailTransport } from '../../src/mail/transport.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

const logger = createLogger('silent');
const mailFrom = 'OPCC Commissioning <commissioning@opcc.example>';
const messageIdDomain = 'grants.test';
const idOf = (id: number) => `<outbox-${id}@${messageIdDomain}>`;

function testClock(start = new Date()) {
  let current = start;
  return {
    now: () => current,
    advance: (ms: number) => {
      current = new Date(current.getTime() + ms);
    },
  };
}
type TestClock = ReturnType<typeof testClock>;

let db: Database;
let closeDb: () => Promise<void>;
let capture: SmtpCapture;
let clock: TestClock;
const transports: MailTransport[] = [];

beforeAll(() => {
  const connection = connect(inject('databaseUrl'), 6);
  db = connection.db;
  closeDb = () => connection.sql.end();
});
afterAll(() => closeDb());
beforeEach(async () => {
  capture = await startSmtpCapture();
  clock = testClock();
});
afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await capture.close();
});

function smtpTransport(): MailTransport {
  const transport = createMailTransport({ smtpUrl: capture.url, dataDir: os.tmpdir() }, logger);
  transports.push(transport);
  return transport;
}

function deps(overrides: Partial<SenderDeps> = {}): SenderDeps {
  return { db, transport: smtpTransport(), clock, logger, mailFrom, messageIdDomain, ...overrides };
}

/** Inserts `count` messages to people at a domain of this call's own; returns the row ids. */
async function insertMessages(count: number, toEmail?: (i: number) => string) {
  const tag = randomUUID();
  return insertOutboxRows(
    db,
    Array.from({ length: count }, (_, i) => ({
      message: 'testMessage',
      toEmail: toEmail?.(i) ?? `person-${i}@${tag}.test`,
      toName: `Person ${i}`,
      subject: `Grant update ${i} ${tag}`,
      text: `Dear Person ${i},\n\nYour offer of £5,000 is ready.\n`,
      html: `<p>Dear Person ${i},</p><p>Your offer of <strong>£5,000</strong> is ready.</p>`,
      nextAttemptAt: clock.now(),
      createdAt: clock.now(),
    })),
  );
}

async function row(id: number) {
  const found = await findOutboxRow(db, id);
  if (!found) throw new Error(`no outbox row ${id}`);
  return found;
}

function deliveriesOf(id: number) {
  return capture.messages.filter((m) => m.messageId === idOf(id)).length;
}

describe('deliverDue', () => {
  it('delivers pending messages with their recipient, subject, bodies and a stable Message-ID', async () => {
    const ids = await insertMessages(3);
    const result = await deliverDue(deps(), { onlyIds: ids });
    expect(result).toEqual({ sent: 3, retried: 0, failed: 0 });

    for (const [i, id] of ids.entries()) {
      const stored = await row(id);
      const mail = capture.messages.find((m) => m.messageId === idOf(id));
      expect(mail, `message of row ${id}`).toBeDefined();
      expect(mail!.envelope.to).toEqual([stored.toEmail]);
      expect(mail!.to).toContain(`Person ${i}`);
      expect(mail!.to).toContain(stored.toEmail);
      expect(mail!.from).toBe(mailFrom);
      expect(mail!.subject).toBe(stored.subject);
      expect(mail!.text?.trimEnd()).toBe(stored.text.trimEnd());
      expect(mail!.html?.trimEnd()).toBe(stored.html);
      expect(stored).toMatchObject({ status: 'sent', attempts: 1, lastError: null, sentAt: clock.now() });
    }
    expect(capture.messages).toHaveLength(3);
    // Nothing is due any more.
    expect(await deliverDue(deps(), { onlyIds: ids })).toEqual({ sent: 0, retried: 0, failed: 0 });
    const listed = await listOutbox(db, { status: 'sent', limit: 1000 });
    expect(listed.filter((r) => ids.includes(r.id)).map((r) => r.id)).toEqual([...ids].reverse());
  });

  it('goes on past a message that cannot be sent', async () => {
    const ids = await insertMessages(3, (i) => (i === 1 ? '' : `ok-${i}-${randomUUID()}@example.test`));
    const result = await deliverDue(deps(), { onlyIds: ids });
    expect(result).toEqual({ sent: 2, retried: 1, failed: 0 });
    const bad = await row(ids[1]!);
    expect(bad).toMatchObject({ status: 'pending', attempts: 1 });
    expect(bad.lastError).toBeTruthy();
    expect(bad.nextAttemptAt).toEqual(new Date(clock.now().getTime() + backoffMs(1)));
    expect((await row(ids[0]!)).status).toBe('sent');
    expect((await row(ids[2]!)).status).toBe('sent');
  });

  it('retries with backoff while the SMTP server refuses, then delivers each message once', async () => {
    const [first, second] = (await insertMessages(2)) as [number, number];
    const ids = [first, second];
    capture.refuseNext(3);

    expect(await deliverDue(deps(), { onlyIds: ids })).toEqual({ sent: 0, retried: 2, failed: 0 });
    expect(await row(first)).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await row(first)).lastError).toMatch(/451/);

    // Not yet due: nothing is tried.
    clock.advance(backoffMs(1) - 1000);
    expect(await deliverDue(deps(), { onlyIds: ids })).toEqual({ sent: 0, retried: 0, failed: 0 });

    clock.advance(1000);
    // The first is refused a third time; the second goes.
    expect(await deliverDue(deps(), { onlyIds: ids })).toEqual({ sent: 1, retried: 1, failed: 0 });
    const afterSecondTry = await row(first);
    expect(afterSecondTry).toMatchObject({ status: 'pending', attempts: 2 });
    expect(afterSecondTry.nextAttemptAt).toEqual(new Date(clock.now().getTime() + backoffMs(2)));

    clock.advance(backoffMs(2));
    expect(await deliverDue(deps(), { onlyIds: ids })).toEqual({ sent: 1, retried: 0, failed: 0 });

    expect(capture.refused()).toBe(3);
    expect(deliveriesOf(first)).toBe(1);
    expect(deliveriesOf(second)).toBe(1);
    expect(await row(first)).toMatchObject({ status: 'sent', attempts: 3, sentAt: clock.now() });
    expect((await row(first)).lastError).toMatch(/451/);
    expect(await row(second)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('never sends a message twice when two senders run at once', async () => {
    const ids = await insertMessages(30);
    // Two pools, as two processes would have.
    const other = connect(inject('databaseUrl'), 3);
    try {
      const [a, b] = await Promise.all([
        deliverDue(deps(), { onlyIds: ids, batch: 100 }),
        deliverDue(deps({ db: other.db }), { onlyIds: ids, batch: 100 }),
      ]);
      expect(a.sent + b.sent).toBe(30);
      expect(a.sent).toBeGreaterThan(0);
      expect(b.sent).toBeGreaterThan(0);
    } finally {
      await other.sql.end();
    }
    expect(capture.messages).toHaveLength(30);
    for (const id of ids) {
      expect(deliveriesOf(id), `deliveries of row ${id}`).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
    }
  });

  it('marks a message failed after maxAttempts, and retryFailed puts it back', async () => {
    const [id] = (await insertMessages(1)) as [number];
    capture.refuseNext(3);
    const options = { onlyIds: [id], maxAttempts: 3 };

    expect(await deliverDue(deps(), options)).toEqual({ sent: 0, retried: 1, failed: 0 });
    clock.advance(backoffMs(1));
    expect(await deliverDue(deps(), options)).toEqual({ sent: 0, retried: 1, failed: 0 });
    clock.advance(backoffMs(2));
    expect(await deliverDue(deps(), options)).toEqual({ sent: 0, retried: 0, failed: 1 });

    const failed = await row(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, sentAt: null });
    expect(failed.lastError).toMatch(/451/);
    clock.advance(24 * 60 * 60_000);
    expect(await deliverDue(deps(), options)).toEqual({ sent: 0, retried: 0, failed: 0 });
    const listed = await listOutbox(db, { status: 'failed', limit: 1000 });
    expect(listed.some((r) => r.id === id)).toBe(true);

    expect(await retryFailed(db, id, clock.now())).toBe(true);
    expect(await retryFailed(db, id, clock.now())).toBe(false);
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: clock.now() });

    expect(await deliverDue(deps(), options)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(deliveriesOf(id)).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

describe('mail transports', () => {
  it('writes an .eml file under <dataDir>/mail when no SMTP_URL is set, and logs its path', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'opcc-mail-'));
    const lines: string[] = [];
    const fileLogger = pino(
      { level: 'info', base: undefined },
      { write: (line: string) => lines.push(line) },
    );
    try {
      const transport = createMailTransport({ smtpUrl: undefined, dataDir }, fileLogger, clock);
      expect(transport.describe).toContain(path.join(dataDir, 'mail'));
      const [id] = (await insertMessages(1)) as [number];
      const result = await deliverDue(deps({ transport }), { onlyIds: [id] });
      expect(result).toEqual({ sent: 1, retried: 0, failed: 0 });
      transport.close();

      const files = await readdir(path.join(dataDir, 'mail'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`-${id}\\.eml$`));
      const saved = path.join(dataDir, 'mail', files[0]!);
      const content = await readFile(saved, 'utf8');
      const stored = await row(id);
      expect(content).toContain(`Subject: ${stored.subject}`);
      expect(content).toContain(`Message-ID: ${idOf(id)}`);
      expect(content).toContain(stored.toEmail);
      const logged = lines.map((line) => JSON.parse(line) as { level: number; path?: string });
      expect(logged).toContainEqual(expect.objectContaining({ level: 30, path: saved }));
      expect(capture.messages).toHaveLength(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('describes an SMTP transport without its password', () => {
    const transport = createMailTransport(
      { smtpUrl: 'smtp://user:secret@mail.example.org:2525', dataDir: os.tmpdir() },
      logger,
    );
    expect(transport.describe).toBe('SMTP at mail.example.org:2525');
    transport.close();
  });
});

describe('backoffMs', () => {
  it('doubles from 30 seconds and stops at an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000,
    ]);
    expect(backoffMs(8)).toBe(3_600_000);
    expect(backoffMs(9)).toBe(3_600_000);
    expect(backoffMs(10_000)).toBe(3_600_000);
    expect(backoffMs(0)).toBe(30_000);
  });
});
