// The Idempotency-Key fingerprint: the same request whatever order its fields came in.
import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from '../../src/engine/idempotency.ts';

describe('requestHash', () => {
  it('is the same for the same fields in another order, at any depth', () => {
    const a = { type: 'SUBMIT', title: 'x', nested: { b: 1, a: [{ d: 1, c: 2 }] } };
    const b = { nested: { a: [{ c: 2, d: 1 }], b: 1 }, title: 'x', type: 'SUBMIT' };
    expect(requestHash(['POST', '/x', null, a])).toBe(requestHash(['POST', '/x', null, b]));
    expect(canonicalJson(b)).toBe('{"nested":{"a":[{"c":2,"d":1}],"b":1},"title":"x","type":"SUBMIT"}');
  });

  it('differs when a value, an array order or a field name differs', () => {
    const hash = (body: unknown) => requestHash(['POST', '/x', null, body]);
    expect(hash({ a: [1, 2] })).not.toBe(hash({ a: [2, 1] }));
    expect(hash({ a: 1 })).not.toBe(hash({ a: '1' }));
    expect(hash({ a: 1 })).not.toBe(hash({ b: 1 }));
    expect(hash({ a: null })).not.toBe(hash({}));
  });

  it('writes what JSON.stringify writes, keys aside', () => {
    const value = { s: 'a"\u0001\ud800', n: -0.5, t: true, z: null, u: undefined, list: [undefined, 1] };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('refuses nesting deep enough to overflow the stack with a 400, not a RangeError', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40_000; i++) deep = [deep];
    expect(() => requestHash(deep)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
