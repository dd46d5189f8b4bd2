// Where rendered messages go: an SMTP server when SMTP_URL is set, otherwise .eml files under
// DATA_DIR/mail so a development install can read what it would have sent.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import { type Clock, systemClock } from '../engine/clock.ts';
import type { Logger } from '../logger.ts';

export interface OutgoingMail {
  /** The outbox row, used to name the file of the file transport. */
  outboxId: number;
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** The Message-ID header, angle brackets included; the same on every attempt at one row. */
  messageId: string;
}

export interface MailTransport {
  /** Resolves once the server accepted the message (or the file is written); rejects otherwise. */
  send(mail: OutgoingMail): Promise<{ messageId: string; savedTo?: string }>;
  /** Says where mail goes, for the start-up log (never a password). */
  describe: string;
  close(): void;
}

function mailOptions(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: { name: mail.to.name, address: mail.to.address },
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
  };
}

function describeSmtpUrl(url: string): string {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return `SMTP at ${parsed.hostname}:${parsed.port || (secure ? 465 : 587)}${secure ? ' (TLS)' : ''}`;
}

export function createSmtpTransport(url: string): MailTransport {
  // Short timeouts: the sender holds a database transaction open while a message is on its way.
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  });
  return {
    describe: describeSmtpUrl(url),
    async send(mail) {
      const info = await transporter.sendMail(mailOptions(mail));
      return { messageId: info.messageId ?? mail.messageId };
    },
    close: () => transporter.close(),
  };
}

export function createFileTransport(
  directory: string,
  logger: Logger,
  clock: Clock = systemClock,
): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `.eml files in ${directory}`,
    async send(mail) {
      const info = await transporter.sendMail(mailOptions(mail));
      if (!Buffer.isBuffer(info.message)) throw new Error('The stream transport did not return a buffer');
      await mkdir(directory, { recursive: true });
      const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
      const savedTo = path.join(directory, `${stamp}-${mail.outboxId}.eml`);
      await writeFile(savedTo, info.message);
      logger.info({ outboxId: mail.outboxId, to: mail.to.address, path: savedTo }, 'email written to file');
      return { messageId: info.messageId ?? mail.messageId, savedTo };
    },
    close: () => transporter.close(),
  };
}

/** SMTP when `smtpUrl` is set, otherwise .eml files under `<dataDir>/mail`. */
export function createMailTransport(
  config: Pick<Config, 'smtpUrl' | 'dataDir'>,
  logger: Logger,
  clock: Clock = systemClock,
): MailTransport {
  if (config.smtpUrl) return createSmtpTransport(config.smtpUrl);
  return createFileTransport(path.join(config.dataDir, 'mail'), logger, clock);
}
