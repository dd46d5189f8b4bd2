import { createRequire } from 'node:module';
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Fields whose values are never written, at the top of a line or one level down (`form.token`). */
const SECRET_FIELD = /^(password|token|secret|_csrf|authorization|cookie|set-cookie)$/i;
export const REDACTED = '[redacted]';

/**
 * A log line with secrets taken out: credentials and form tokens at its top or one level down, and
 * a request's or response's `headers.authorization`, `headers.cookie` and `headers["set-cookie"]`. A
 * line with nothing to hide (every request's line) is passed on as it is, so the check costs next to
 * nothing.
 */
export function redactSecrets(line: Record<string, unknown>): Record<string, unknown> {
  return hideSecrets(line, 0);
}

/** From the line into its objects (not arrays or errors), and from those into their `headers`. */
const descends = (depth: number, key: string, value: unknown): value is Record<string, unknown> =>
  value !== null &&
  typeof value === 'object' &&
  (depth === 0 ? !Array.isArray(value) && !(value instanceof Error) : depth === 1 && key === 'headers');

function hideSecrets(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  let out = value;
  for (const key in value) {
    const inner = value[key];
    const hidden = SECRET_FIELD.test(key)
      ? REDACTED
      : descends(depth, key, inner)
        ? hideSecrets(inner, depth + 1)
        : inner;
    if (hidden !== inner) {
      if (out === value) out = { ...value };
      out[key] = hidden;
    }
  }
  return out;
}

/**
 * The service's logger: JSON lines for whatever collects them, or readable lines when a person is
 * watching a terminal (`pretty`, pino-pretty, loaded only then).
 */
export function createLogger(
  level: string,
  options: { pretty?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  // Redacted by a formatter of ours rather than pino's `redact` paths: those cost about 20 µs on
  // every line, and every request writes one (README, Performance).
  const settings = { level, base: undefined, formatters: { log: redactSecrets } };
  // Standard output written asynchronously: lines that arrive while a write is under way go out
  // together in the next, not one system call each (pino flushes what is left when the process exits).
  if (!options.pretty)
    return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: false }));
  const pretty = createRequire(import.meta.url)('pino-pretty') as (o: object) => pino.DestinationStream;
  // A request's line reads "GET /cases/:id 200 12 ms (officer …)"; other lines as they are.
  const messageFormat = (line: Record<string, unknown>, key: string) =>
    line.durationMs === undefined
      ? String(line[key])
      : `${String(line[key])} ${String(line.durationMs)} ms${line.userId ? ` (${String(line.role)} ${String(line.userId)})` : ''}`;
  return pino(
    settings,
    pretty({
      colorize: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'reqId,method,route,path,status,userId,role,durationMs',
      messageFormat,
      ...(options.destination && { destination: options.destination }),
    }),
  );
}
