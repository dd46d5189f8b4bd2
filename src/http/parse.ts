import type { z } from 'zod';
import { fieldErrors, invalid } from '../engine/errors.ts';
import { badRequest } from './problem.ts';

/** Parses a request body with zod: 422 naming each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('Send a JSON object as the request body.', [
      { field: '(body)', message: 'Expected a JSON object' },
    ]);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid('The request body is not valid.', fieldErrors(parsed.error.issues));
  return parsed.data;
}

/** Parses query parameters with zod: 400 naming each bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success)
    throw badRequest('The query parameters are not valid.', fieldErrors(parsed.error.issues));
  return parsed.data;
}

/** `If-Match: "3"` → 3; absent or `*` → undefined. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) {
    throw badRequest('If-Match must be an ETag this API gave you, such as "3".', [
      { field: 'If-Match', message: 'Expected a quoted version number' },
    ]);
  }
  return Number(match[1]);
}

export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.', [
      { field: 'Idempotency-Key', message: 'Invalid key' },
    ]);
  }
  return header;
}
