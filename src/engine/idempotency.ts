import { createHash } from 'node:crypto';
import type { Tx } from '../db/client.ts';
import { claimKey, findKey, storeResponse } from '../db/queries/idempotency.ts';
import { ProblemError } from './errors.ts';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export function requestHash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
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
