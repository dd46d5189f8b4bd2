// A change to an account is told to whoever follows changes: at once on the database handle that
// made it (before its transaction commits, so the change's own request is answered after it), and
// through LISTEN/NOTIFY, after the commit, on every other handle.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/db/client.ts';
import { announceAccountChange, followAccountChanges } from '../../src/db/queries/account-changes.ts';

let here: ReturnType<typeof connect>;
let elsewhere: ReturnType<typeof connect>;
beforeAll(() => {
  here = connect(inject('databaseUrl'), 2);
  elsewhere = connect(inject('databaseUrl'), 2);
});
afterAll(async () => {
  await Promise.all([here?.sql.end(), elsewhere?.sql.end()]);
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('account changes', () => {
  it('are told on the handle that made them at once, in its transaction, and elsewhere after the commit', async () => {
    const toldHere: string[] = [];
    const toldElsewhere: string[] = [];
    await followAccountChanges(here.db, (id) => toldHere.push(id));
    await followAccountChanges(elsewhere.db, (id) => toldElsewhere.push(id));
    const userId = randomUUID();
    await here.db.transaction(async (tx) => {
      await tx.transaction(async (savepoint) => announceAccountChange(savepoint, userId));
      // Not yet committed: no notification has gone out, and the handle that made it already knows.
      expect(toldHere).toContain(userId);
      expect(toldElsewhere).not.toContain(userId);
    });
    await until(() => toldElsewhere.includes(userId));
    expect(toldElsewhere).toContain(userId);
  });
});
