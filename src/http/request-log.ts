// One log line per request: its id (also sent back as X-Request-Id), who asked, the route it matched,
// the status and how long it took. Secrets never reach the log: the line names the route's pattern
// and a path with any secret link's token taken out, and no headers, cookies or bodies at all.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { type Logger, REDACTED } from '../logger.ts';

/** An id a proxy in front may already have given the request; anything else is replaced by ours. */
const GIVEN_ID = /^[\w.:-]{1,100}$/;

/** Route parameters and query fields whose values are secrets (a password link's token, a code). */
const SECRET_NAME = /token|code|secret|password|key|link|csrf|signin/i;

/** The path as it may be logged: secret route parameters replaced, the query kept to its names. */
export function loggablePath(req: Pick<Request, 'originalUrl' | 'params'>): string {
  const [path = '', query] = req.originalUrl.split('?', 2);
  let safe = path;
  for (const [name, value] of Object.entries(req.params ?? {}))
    if (SECRET_NAME.test(name) && typeof value === 'string' && value)
      safe = safe.split(encodeURIComponent(value)).join(REDACTED).split(value).join(REDACTED);
  if (!query) return safe;
  const fields = new URLSearchParams(query);
  const kept = [...fields.keys()].map((name) =>
    SECRET_NAME.test(name) ? `${name}=${REDACTED}` : `${name}=${fields.get(name)}`,
  );
  return `${safe}?${kept.join('&')}`;
}

/** The route's pattern, as express matched it ("/api/cases/:id/events"), or none for a 404. */
export function routeOf(req: Request): string | undefined {
  const pattern = (req as Request & { route?: { path?: unknown } }).route?.path;
  return typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : undefined;
}

function describe(req: IncomingMessage, res: ServerResponse) {
  const request = req as Request;
  const response = res as Response;
  const actor = response.locals?.actor as { userId?: string | null; role?: string } | undefined;
  return {
    method: request.method,
    route: routeOf(request),
    path: loggablePath(request),
    status: res.statusCode,
    userId: actor?.userId ?? undefined,
    role: actor?.role,
  };
}

export function requestLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Each line carries the request's id alone as its binding; what it says is written below.
    quietReqLogger: true,
    quietResLogger: true,
    // pino-http still binds the whole request to a logger nothing writes with, serialising it (its
    // headers included) for every request: a fifth of a transition's logging. It is never logged.
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined },
    customAttributeKeys: { responseTime: 'durationMs' },
    customSuccessObject: (req, res, value) => ({
      ...describe(req, res),
      durationMs: (value as { durationMs?: number }).durationMs,
    }),
    customErrorObject: (req, res, error, value) => ({
      ...describe(req, res),
      durationMs: (value as { durationMs?: number }).durationMs,
      err: error,
    }),
    customSuccessMessage: (req, res) =>
      `${req.method} ${routeOf(req as Request) ?? '(no route)'} ${res.statusCode}`,
    customErrorMessage: (req, res) =>
      `${req.method} ${routeOf(req as Request) ?? '(no route)'} ${res.statusCode}`,
    // A server error is logged where it is handled, with its detail; here it is one line like the rest.
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'warn' : 'info'),
    // Load balancers ask for /health every few seconds: not worth a line each.
    autoLogging: { ignore: (req) => req.url === '/health' },
  });
}
