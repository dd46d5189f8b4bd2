// Delivers due outbox rows. Each message is claimed, sent and marked in one transaction, with the
// row locked FOR UPDATE SKIP LOCKED: any number of senders in any number of processes can run at
// once and none sends a row another is sending. A crash after the SMTP server accepted a message
// but before COMMIT sends it again; the Message-ID is the same on every attempt so the copy is
// recognisable as such.
import type { Database, Tx } from '../db/client.ts';
import { claimDueMessage, markFailed, markRetry, markSent } from '../db/queries/outbox.ts';
import { exponentialBackoff } from '../engine/backoff.ts';
import type { Clock } from '../engine/clock.ts';
import type { Logger } from '../logger.ts';
import type { MailTransport } from './transport.ts';

export interface SenderDeps {
  db: Database;
  transport: MailTransport;
  clock: Clock;
  logger: Logger;
  /** The From header, e.g. `OPCC Commissioning <commissioning@opcc.example>`. */
  mailFrom: string;
  /** The right-hand side of Message-IDs, e.g. the host name of PUBLIC_URL. */
  messageIdDomain: string;
}

export interface DeliverOptions {
  /** Most messages to take in this run (default 50). */
  batch?: number;
  /** Attempts after which a message is marked failed (default 8). */
  maxAttempts?: number;
  /** Only consider these rows. For tests that share the database with other tests. */
  onlyIds?: number[];
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
}

export const DEFAULT_BATCH = 50;
export const DEFAULT_MAX_ATTEMPTS = 8;
export const FIRST_BACKOFF_MS = 30_000;
export const MAX_BACKOFF_MS = 60 * 60_000;

/** How long to wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, 4 min, … at most an hour. */
export const backoffMs = exponentialBackoff(FIRST_BACKOFF_MS, MAX_BACKOFF_MS);

/** The Message-ID of an outbox row, the same on every attempt. */
export function messageIdFor(outboxId: number, domain: string): string {
  return `<outbox-${outboxId}@${domain}>`;
}

/** An error as last_error text: PostgreSQL text cannot hold NUL, and a whole SMTP transcript is not wanted. */
function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing NUL is the point
  return (text.replace(/\u0000/g, '').trim() || 'unknown error').slice(0, 1000);
}

type Outcome = keyof DeliveryResult | 'none';

async function deliverOne(
  tx: Tx,
  deps: SenderDeps,
  maxAttempts: number,
  onlyIds?: number[],
): Promise<Outcome> {
  const row = await claimDueMessage(tx, deps.clock.now(), onlyIds);
  if (!row) return 'none';
  const log = deps.logger.child({ outboxId: row.id, message: row.message });
  let sent: { messageId: string; savedTo?: string };
  try {
    sent = await deps.transport.send({
      outboxId: row.id,
      from: deps.mailFrom,
      to: { name: row.toName, address: row.toEmail },
      subject: row.subject,
      text: row.text,
      html: row.html,
      messageId: messageIdFor(row.id, deps.messageIdDomain),
    });
  } catch (error) {
    const attempts = row.attempts + 1;
    const lastError = describeError(error);
    if (attempts >= maxAttempts) {
      await markFailed(tx, row.id, lastError);
      log.error({ attempts, error: lastError }, 'email failed; giving up until someone retries it');
      return 'failed';
    }
    const nextAttemptAt = new Date(deps.clock.now().getTime() + backoffMs(attempts));
    await markRetry(tx, row.id, nextAttemptAt, lastError);
    log.warn({ attempts, nextAttemptAt, error: lastError }, 'email not sent; will try again');
    return 'retried';
  }
  // Outside the try: a database error here is not the message's fault and must not count as an attempt.
  await markSent(tx, row.id, deps.clock.now());
  log.debug({ messageId: sent.messageId, savedTo: sent.savedTo }, 'email sent');
  return 'sent';
}

/**
 * Sends up to `batch` due messages, one transaction each. A message the mail server refuses is
 * rescheduled (or marked failed) and the run goes on with the next one. A database error ends the
 * run; whatever was not committed is still pending for the next run.
 */
export async function deliverDue(deps: SenderDeps, options: DeliverOptions = {}): Promise<DeliveryResult> {
  const batch = options.batch ?? DEFAULT_BATCH;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0 };
  for (let i = 0; i < batch; i++) {
    let outcome: Outcome;
    try {
      outcome = await deps.db.transaction((tx) => deliverOne(tx, deps, maxAttempts, options.onlyIds));
    } catch (error) {
      deps.logger.error({ err: error }, 'email delivery stopped by a database error; the next run continues');
      break;
    }
    if (outcome === 'none') break;
    result[outcome]++;
  }
  return result;
}
