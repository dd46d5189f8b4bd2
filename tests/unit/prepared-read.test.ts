// preparedRead builds a query once per database handle (src/db/prepared.ts), not on every call.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { preparedRead } from '../../src/db/prepared.ts';

describe('preparedRead', () => {
  it('builds and prepares once per handle, under the name given', () => {
    const built: string[] = [];
    const read = preparedRead('a_read', (db) => {
      built.push(String((db as unknown as { label: string }).label));
      return { prepare: (name: string) => ({ name, on: db }) };
    });
    const pool = { label: 'pool' } as unknown as Db;
    const transaction = { label: 'transaction' } as unknown as Db;
    const first = read(pool);
    expect(read(pool)).toBe(first);
    expect(first).toMatchObject({ name: 'a_read', on: pool });
    // A transaction's read is its own, so its statements run in that transaction.
    expect(read(transaction).on).toBe(transaction);
    expect(read(transaction)).toBe(read(transaction));
    expect(built).toEqual(['pool', 'transaction']);
  });
});
