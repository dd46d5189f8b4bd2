import { createHash } from 'node:crypto';
import type { Tx } from '../db/client.ts';
import { claimKey, findKey, storeResponse } from '../db/queries/idempotency.ts';
import { ProblemError } from './errors.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Deeper than any body the HTTP layer lets through (it refuses more than 32 levels). */
const MAX_DEPTH = 64;

/**
 * JSON with every object's keys sorted, so the same fields in another order hash the same. Values
 * JSON drops (undefined, functions) are dropped likewise; nesting past MAX_DEPTH is refused rather
 * than left to overflow the stack.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) {
    throw new ProblemError(400, 'Bad request', 'The body is nested too deeply.', {
      errors: [{ field: '(body)', message: 'Nested too deeply' }],
    });
  }
  if (value !== null && typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return canonicalJson(json.call(value), depth);
    if (Array.isArray(value)) {
      return `[${Array.from(value, (item: unknown) => (item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item, depth + 1))).join(',')}]`;
    }
    const fields = Object.keys(value)
      .sort()
      .flatMap((key) => {
        const item = (value as Record<string, unknown>)[key];
        return item === undefined || typeof item === 'function'
          ? []
          : [`${JSON.stringify(key)}:${canonicalJson(item, depth + 1)}`];
      });
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The fingerprint of a request, the same whatever order its body's fields came in. */
export function requestHash(parts: unknown): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

/**
 * Does `work` once per (user, key): the claim, the work and the stored answer commit together, so a
 * retry after a crash either finds the answer or does the work afresh. A refused request stores
 * nothing (its transaction rolls back), so it can be retried with the same key.
 */
export async function once(
  tx: Tx,
  request: { userId: string; key: string; hash: string },
  work: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (await claimKey(tx, request.userId, request.key, request.hash)) {
    const response = await work();
    await storeResponse(tx, request.userId, request.key, response);
    return { ...response, replayed: false };
  }
  const stored = await findKey(tx, request.userId, request.key);
  if (!stored || stored.requestHash !== request.hash) {
    throw new ProblemError(
      422,
      'Idempotency key reused',
      'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
      { errors: [{ field: 'Idempotency-Key', message: 'Already used with a different body' }] },
    );
  }
  return {
    status: stored.status,
    body: stored.body,
    headers: stored.headers as Record<string, string>,
    replayed: true,
  };
}
