// Requests Node refuses before Express sees them (a head over 16 kB, a malformed request line):
// Node's own answer is a bare status line. These get a problem+json body like every other refusal.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProblemError } from '../engine/errors.ts';
import { problemDocument } from './problem.ts';

const refusals: Record<string, ProblemError> = {
  HPE_HEADER_OVERFLOW: new ProblemError(
    431,
    'Request header fields too large',
    'The request line and headers together must be under 16 kB.',
  ),
  ERR_HTTP_REQUEST_TIMEOUT: new ProblemError(
    408,
    'Request timeout',
    'The request did not arrive in full in time.',
  ),
};

const notHttp = new ProblemError(400, 'Bad request', 'The request is not well-formed HTTP/1.1.');

/** The raw HTTP/1.1 response for a request Node could not parse. */
export function clientErrorResponse(code: string | undefined): string {
  const refusal = (code && refusals[code]) || notHttp;
  const body = JSON.stringify(problemDocument(refusal));
  return [
    `HTTP/1.1 ${refusal.status} ${refusal.title}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers unparseable requests with problem+json, then closes the connection as Node would. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection reset or one already answered has no one to tell.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error.code));
  });
}
