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

/**
 * If-Match (RFC 9110 §13.1.1) as the versions it lets through: undefined when the header is absent
 * or `*` (no condition); otherwise the versions of its strong ETags, `"2", "3"` → [2, 3]. Weak
 * ETags (`W/"2"`) are well-formed but never match under the strong comparison If-Match uses, so
 * they add nothing: `W/"2"` alone → [] (nothing matches: 412 once the case is found). Anything
 * that is not an ETag this API could have given is 400.
 */
export function parseIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  // Empty list elements are allowed (RFC 9110 §5.6.1); `"` cannot occur inside our ETags, so a
  // comma always separates two of them.
  const tags = header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  const versions: number[] = [];
  for (const tag of tags) {
    const match = /^(W\/)?"(\d{1,9})"$/.exec(tag);
    if (!match) {
      throw badRequest('If-Match must be * or ETags this API gave you, such as "3" or "3", "4".', [
        { field: 'If-Match', message: 'Expected quoted version numbers, separated by commas' },
      ]);
    }
    const version = Number(match[2]);
    if (!match[1] && !versions.includes(version)) versions.push(version);
  }
  if (!tags.length) {
    throw badRequest('If-Match must not be empty.', [{ field: 'If-Match', message: 'Empty' }]);
  }
  return versions;
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
