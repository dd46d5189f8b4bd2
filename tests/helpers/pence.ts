// Sums of pence as the API writes them: strings of whole pence, exact past 2^53 (src/http/app.ts).
// Tests read them back as numbers to do arithmetic, checking on the way that each was such a string.
import { expect } from 'vitest';

/** A sum of pence from the API as a number: it must be a string of whole pence, exact as a number. */
export function penceOf(value: unknown, what = 'a sum of pence'): number {
  expect(value, `${what} is a string of whole pence`).toEqual(expect.stringMatching(/^-?\d+$/));
  const n = Number(value);
  expect(Number.isSafeInteger(n), `${what} (${value}) is small enough for a test to add up`).toBe(true);
  return n;
}

/** An API body with every `…Pence` field, at any depth, read by penceOf. */
export function readPence<T>(body: T, path = 'body'): T {
  if (Array.isArray(body)) return body.map((item, i) => readPence(item, `${path}[${i}]`)) as T;
  if (body === null || typeof body !== 'object') return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [
      key,
      key.endsWith('Pence') && value !== null
        ? penceOf(value, `${path}.${key}`)
        : readPence(value, `${path}.${key}`),
    ]),
  ) as T;
}
