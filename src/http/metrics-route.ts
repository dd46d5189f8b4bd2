// /metrics for Prometheus, to whoever brings the metrics token (METRICS_TOKEN) and nobody else, and
// the timing of every request by the route it matched.
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Metrics } from '../metrics.ts';
import { routeOf } from './request-log.ts';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRoute(metrics: Metrics, token: string): RequestHandler {
  return async (req: Request, res: Response) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!sameSecret(given, token)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"').status(401).type('text/plain');
      res.send('Send the metrics token as a bearer token.\n');
      return;
    }
    res.set('Cache-Control', 'no-store').type(metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  };
}

/** Times each request; a request no route matched counts as "unmatched", so labels stay few. */
export function timeRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () =>
      end({ method: req.method, route: routeOf(req) ?? 'unmatched', status: String(res.statusCode) }),
    );
    next();
  };
}
