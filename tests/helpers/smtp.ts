// A real SMTP server on loopback that keeps every message it accepts, and can be told to answer
// 451 (try again later) for a while, to test delivery against a refusing mail server.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerEnvelope } from 'smtp-server';

export interface Captured {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  /** Header names in lower case, folded lines joined, encoded words decoded. */
  headers: Record<string, string>;
  /** The text/plain and text/html parts, decoded, with LF line ends. */
  text: string | undefined;
  html: string | undefined;
  envelope: { from: string; to: string[] };
  raw: string;
}

export interface SmtpCapture {
  url: string;
  messages: Captured[];
  /** How many messages were answered 451 so far. */
  refused(): number;
  /** Answers the next `n` messages with 451. */
  refuseNext(n: number): void;
  /** Answers every message with 451 until `done()` returns true. */
  refuseUntil(done: () => boolean): void;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function decodeQuotedPrintable(input: string): Buffer {
  const text = input.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words, as nodemailer writes them for non-ASCII or long headers. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')).toString('utf8'),
    );
}

function splitHeaders(entity: string): { headers: Record<string, string>; body: string } {
  const end = entity.search(/\r?\n\r?\n/);
  const head = end < 0 ? entity : entity.slice(0, end);
  const body = end < 0 ? '' : entity.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const decoded =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body).toString('utf8')
        : body;
  return decoded.replace(/\r\n/g, '\n');
}

/** Walks a MIME entity and keeps the first text/plain and text/html parts. */
function collectParts(entity: string, found: { text?: string; html?: string }): void {
  const { headers, body } = splitHeaders(entity);
  const type = (headers['content-type'] ?? 'text/plain').toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (type.startsWith('multipart/') && boundary) {
    const pieces = body.split(`--${boundary}`).slice(1);
    for (const piece of pieces) {
      if (piece.startsWith('--')) break;
      collectParts(piece.replace(/^\r?\n/, '').replace(/\r?\n$/, ''), found);
    }
  } else if (type.startsWith('text/html')) {
    found.html ??= decodeBody(headers, body);
  } else if (type.startsWith('text/plain')) {
    found.text ??= decodeBody(headers, body);
  }
}

export function parseMessage(raw: string, envelope: SMTPServerEnvelope): Captured {
  const { headers } = splitHeaders(raw);
  const parts: { text?: string; html?: string } = {};
  collectParts(raw, parts);
  return {
    messageId: headers['message-id'] ?? '',
    from: headers.from ?? '',
    to: headers.to ?? '',
    subject: headers.subject ?? '',
    headers,
    text: parts.text,
    html: parts.html,
    envelope: {
      from: envelope.mailFrom ? envelope.mailFrom.address : '',
      to: envelope.rcptTo.map((rcpt) => rcpt.address),
    },
    raw,
  };
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: Captured[] = [];
  let refuseCount = 0;
  let refuseUntilDone: (() => boolean) | undefined;
  let refusedCount = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    banner: 'test capture',
    closeTimeout: 2000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        const refuse = refuseCount > 0 || (refuseUntilDone !== undefined && !refuseUntilDone());
        if (refuse) {
          if (refuseCount > 0) refuseCount--;
          refusedCount++;
          const error = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        messages.push(parseMessage(Buffer.concat(chunks).toString('utf8'), session.envelope));
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refused: () => refusedCount,
    refuseNext: (n) => {
      refuseCount = n;
    },
    refuseUntil: (done) => {
      refuseUntilDone = done;
    },
    waitFor: async (count, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} messages, the capture has ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
