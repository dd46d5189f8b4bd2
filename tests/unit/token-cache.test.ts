import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/domain/token-cache.ts';
import type { Actor } from '../../src/engine/actor.ts';

const officer: Actor = {
  userId: 'u1',
  role: 'officer',
  organisationId: 'o1',
  email: 'officer@demo.test',
  permissions: [],
};

/** A lookup that counts its calls and answers from a table that a test can change. */
function directory(entries: Record<string, Actor | undefined>) {
  const lookUp = async (hash: string) => {
    lookUp.calls++;
    return entries[hash];
  };
  lookUp.calls = 0;
  return lookUp;
}

describe('TokenCache', () => {
  it('answers a remembered token without looking it up until the cache time has passed', async () => {
    let now = 1_000;
    const cache = new TokenCache(5_000, () => now);
    const lookUp = directory({ h1: officer });
    expect(await cache.actorFor('h1', lookUp)).toEqual(officer);
    now += 4_999;
    expect(await cache.actorFor('h1', lookUp)).toEqual(officer);
    expect(lookUp.calls).toBe(1);
    now += 1;
    expect(await cache.actorFor('h1', lookUp)).toEqual(officer);
    expect(lookUp.calls).toBe(2);
  });

  it('sees a revocation made elsewhere once the cache time has passed', async () => {
    let now = 0;
    const entries: Record<string, Actor | undefined> = { h1: officer };
    const cache = new TokenCache(1_000, () => now);
    const lookUp = directory(entries);
    await cache.actorFor('h1', lookUp);
    entries.h1 = undefined; // revoked by another process
    now = 1_000;
    expect(await cache.actorFor('h1', lookUp)).toBeUndefined();
  });

  it('forgets a token revoked through it at once', async () => {
    const cache = new TokenCache(60_000, () => 0);
    const entries: Record<string, Actor | undefined> = { h1: officer };
    const lookUp = directory(entries);
    await cache.actorFor('h1', lookUp);
    entries.h1 = undefined;
    cache.forget('h1');
    expect(await cache.actorFor('h1', lookUp)).toBeUndefined();
  });

  it('never remembers a token that did not work, so a token issued next works at once', async () => {
    const cache = new TokenCache(60_000, () => 0);
    const entries: Record<string, Actor | undefined> = {};
    const lookUp = directory(entries);
    expect(await cache.actorFor('h1', lookUp)).toBeUndefined();
    entries.h1 = officer;
    expect(await cache.actorFor('h1', lookUp)).toEqual(officer);
  });

  it('remembers nothing when the cache time is 0', async () => {
    const cache = new TokenCache(0, () => 0);
    const lookUp = directory({ h1: officer });
    await cache.actorFor('h1', lookUp);
    await cache.actorFor('h1', lookUp);
    expect(lookUp.calls).toBe(2);
  });

  it('keeps at most 10,000 tokens, dropping the oldest first', async () => {
    const cache = new TokenCache(60_000, () => 0);
    const lookUp = async (hash: string) => ({ ...officer, userId: hash });
    for (let i = 0; i <= 10_000; i++) await cache.actorFor(`h${i}`, lookUp);
    let looked = 0;
    const counting = async (hash: string) => {
      looked++;
      return lookUp(hash);
    };
    await cache.actorFor('h10000', counting);
    expect(looked).toBe(0);
    await cache.actorFor('h0', counting);
    expect(looked).toBe(1);
  });
});
