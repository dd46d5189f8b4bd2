import { createRequire } from 'node:module';
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Wherever they turn up in a log line, these are never written: secrets, credentials, form tokens. */
const REDACT = [
  'password',
  'token',
  'secret',
  '_csrf',
  '*.password',
  '*.token',
  '*.secret',
  '*._csrf',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
];

/**
 * The service's logger: JSON lines for whatever collects them, or readable lines when a person is
 * watching a terminal (`pretty`, pino-pretty, loaded only then).
 */
export function createLogger(
  level: string,
  options: { pretty?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  const settings = { level, base: undefined, redact: { paths: REDACT, censor: '[redacted]' } };
  if (!options.pretty) return options.destination ? pino(settings, options.destination) : pino(settings);
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
