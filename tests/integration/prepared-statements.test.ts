// drizzle's queries run as prepared statements (src/db/client.ts): PostgreSQL parses and plans each
// once per connection, and each runs in one round trip rather than being described first every time.
// Seen from the server: after a query has run, its text is among the connection's prepared statements,
// on the pool, in a transaction and in a savepoint alike; a query with no parameters stays unprepared.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Db } from '../../src/db/client.ts';
import { organisations } from '../../src/db/schema/index.ts';

// One connection, so the statements PostgreSQL lists are the ones this test's queries left.
let database: ReturnType<typeof connect>;
beforeAll(() => {
  database = connect(inject('databaseUrl'), 1);
});
afterAll(async () => {
  await database?.sql.end();
});

/** The connection's prepared statements that mention the marker. */
async function preparedWith(marker: string): Promise<string[]> {
  const rows = await database.sql<{ statement: string }[]>`
    select statement from pg_prepared_statements where statement like ${`%${marker}%`}
      and statement not like '%pg_prepared_statements%'`;
  return rows.map((r) => r.statement);
}

/** A query whose text carries the marker, with the marker also as its one parameter. */
const probe = (db: Db, marker: string) =>
  db
    .select({ id: organisations.id, marker: sql<string>`${sql.raw(`'${marker}'`)}` })
    .from(organisations)
    .where(eq(organisations.name, marker));

describe('drizzle queries with parameters are prepared', () => {
  it('on the pool', async () => {
    await probe(database.db, 'marker-pool');
    await probe(database.db, 'marker-pool');
    expect(await preparedWith('marker-pool')).toHaveLength(1);
  });

  it('in a transaction and in its savepoint', async () => {
    await database.db.transaction(async (tx) => {
      await probe(tx, 'marker-transaction');
      await tx.transaction(async (savepoint) => {
        await probe(savepoint, 'marker-savepoint');
      });
    });
    expect(await preparedWith('marker-transaction')).toHaveLength(1);
    expect(await preparedWith('marker-savepoint')).toHaveLength(1);
  });

  it('but not a query without parameters, which runs in one round trip anyway', async () => {
    await database.db.execute(sql`select 'marker-simple' as marker`);
    expect(await preparedWith('marker-simple')).toEqual([]);
  });

  it('and they still return what they did', async () => {
    const [made] = await database.sql<{ id: string }[]>`
      insert into organisations (name, kind) values ('marker-returned', 'provider') returning id`;
    const [found] = await database.db
      .select({ id: organisations.id, name: organisations.name, at: organisations.createdAt })
      .from(organisations)
      .where(eq(organisations.id, made!.id));
    expect(found).toMatchObject({ id: made!.id, name: 'marker-returned' });
    expect(found!.at).toBeInstanceOf(Date);
    await database.sql`delete from organisations where id = ${made!.id}`;
  });
});

describe('the server’s JIT compiler', () => {
  // Compiling the reports' queries took longer than running them (src/db/client.ts).
  it('is off on every connection the service opens: on the pool and in a transaction', async () => {
    const [pool] = await database.sql<{ jit: string }[]>`show jit`;
    expect(pool!.jit).toBe('off');
    const inTransaction = await database.db.transaction(async (tx) =>
      tx.execute<{ jit: string }>(sql`show jit`),
    );
    expect([...inTransaction][0]!.jit).toBe('off');
  });
});
