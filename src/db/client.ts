import path from 'node:path';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres } from './embedded.ts';

// No schema is given to drizzle: nothing uses its relational queries, and with one every
// transaction would build a query builder per table before its first statement.
export type Database = PostgresJsDatabase;
/** A transaction handle; queries take `Db` so they run inside a caller's transaction or on their own. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Db = Database | Tx;

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  url: string;
  /** Says which database is in use, for the start-up log (never the password). */
  description: string;
  close(): Promise<void>;
}

/** The longest a query waits for a lost connection to be tried again (postgres.js backs off to 20 s). */
const MAX_RECONNECT_DELAY_S = 0.5;
/** A pool that lost a connection is replaced this long after, so a burst of losses replaces it once. */
const RENEW_AFTER_MS = 500;
/** How long queries in flight on a replaced pool may still run before it is closed under them. */
const REPLACED_POOL_GRACE_S = 10;

// PostgreSQL's JIT compiler (on by default where the server was built with it) compiles a query
// whose estimated cost passes jit_above_cost: the reports' estimates do, and compiling took longer
// than the queries ever run: 1.9 s of the board report's 2 s at a million cases, 0.4 s without it
// (README "Performance"). Every connection the service opens turns it off.

/**
 * A postgres.js pool behind a `sql` and a drizzle `db` that stay the same while the pool under them
 * is replaced by a fresh one whenever the server or the network drops one of its connections.
 * postgres.js 3.4.9 does not reliably recover such a connection (porsager/postgres#1208): a write
 * still pending when the socket closed is never flushed, so every later connect on it times out.
 */
export function connect(url: string, poolSize: number): { db: Database; sql: postgres.Sql } {
  let closing = false;
  let renewal: NodeJS.Timeout | undefined;
  const open = (): postgres.Sql => {
    const pool: postgres.Sql = postgres(url, {
      max: poolSize,
      onnotice: () => {},
      connection: { jit: 'off' },
      connect_timeout: 10,
      backoff: (attempts) => Math.min(0.05 * 2 ** attempts, MAX_RECONNECT_DELAY_S),
      onclose: () => {
        if (pool !== current.pool || closing || renewal) return;
        renewal = setTimeout(renew, RENEW_AFTER_MS).unref();
      },
    });
    drizzle(pool); // sets the pool's date parsers the way drizzle maps dates
    return pool;
  };
  let current = preparing(open(), () => sql);
  const renew = () => {
    renewal = undefined;
    if (closing) return;
    const replaced = current.pool;
    current = preparing(open(), () => sql);
    void replaced.end({ timeout: REPLACED_POOL_GRACE_S });
  };
  const end = async (options?: { timeout?: number }) => {
    closing = true;
    clearTimeout(renewal);
    await current.pool.end(options);
  };
  const sql = new Proxy(current.pool, {
    apply: (_pool, _this, args) => Reflect.apply(current.pool, undefined, args),
    get: (_pool, property) => {
      if (property === 'end') return end;
      if (property === 'unsafe') return current.unsafe;
      if (property === 'begin') return current.begin;
      return Reflect.get(current.pool, property);
    },
  });
  return { sql, db: drizzle(sql) };
}

// drizzle sends its queries unprepared, and postgres.js then asks the server to describe a query
// with parameters before it runs it: two round trips, and a parse and plan, every time (four times
// the client's CPU of a prepared statement; see README "Performance"). Prepared, postgres.js
// describes a statement once per connection and runs it in one round trip after that. Statements
// are told apart by their text, which drizzle writes with $1, $2, …: their number is that of the
// queries' shapes, and a connection's are dropped with it (postgres.js renews each within the hour).

type Unsafe = postgres.Sql['unsafe'];

/** A pool with its `unsafe` and `begin` made to prepare, once for the pool, not at every query. */
function preparing(pool: postgres.Sql, root: () => postgres.Sql) {
  return { pool, unsafe: preparedUnsafe(pool), begin: preparingWork(pool.begin as Run, root) };
}

/** What a transaction's handle answers `poolOf` with: the handle `connect` gave, whose it is. */
const POOL = Symbol('pool');

/**
 * The handle `connect` gave that a statement runs on: itself, or the one a transaction (or
 * savepoint) in hand was begun on. What belongs to one app's database handle, not the process, is
 * told apart by it (account-changes.ts).
 */
export function poolOf(sql: postgres.Sql): postgres.Sql {
  return (sql as postgres.Sql & { [POOL]?: postgres.Sql })[POOL] ?? sql;
}

/** `unsafe` (what drizzle runs every query with), prepared whenever the query has parameters. */
function preparedUnsafe(target: { unsafe: Unsafe }): Unsafe {
  return ((query: string, parameters?: unknown[], options?: postgres.UnsafeQueryOptions) =>
    target.unsafe(
      query,
      parameters as postgres.ParameterOrJSON<never>[],
      parameters?.length ? { ...options, prepare: true } : options,
    )) as Unsafe;
}

/**
 * `begin` or `savepoint` (whose last argument is the work to do in the transaction), handing that
 * work a transaction whose `unsafe`, and savepoints', prepare as the pool's do.
 */
type Run = (...args: unknown[]) => Promise<unknown>;
function preparingWork<F>(run: Run, root: () => postgres.Sql): F {
  return ((...args: unknown[]) => {
    const work = args.pop() as (tx: postgres.TransactionSql) => unknown;
    return run(...args, (tx: postgres.TransactionSql) => work(preparingTransaction(tx, root)));
  }) as F;
}

function preparingTransaction<T extends postgres.TransactionSql>(tx: T, root: () => postgres.Sql): T {
  // Made once for the transaction, not at every query it runs.
  const unsafe = preparedUnsafe(tx);
  // postgres.js's functions use no `this`: they are passed on as they are.
  const savepoint = preparingWork(tx.savepoint as Run, root);
  return new Proxy(tx, {
    apply: (target, _this, args) => Reflect.apply(target, undefined, args),
    get: (target, property) => {
      if (property === 'unsafe') return unsafe;
      if (property === 'savepoint') return savepoint;
      if (property === POOL) return root();
      return Reflect.get(target, property);
    },
  });
}

/**
 * postgres.js 3.4.9 can also write to a connection whose server has just closed it, from a timer
 * where no caller can catch the TypeError (porsager/postgres#1208, #1154): a transaction's own
 * ROLLBACK after its connection died. The transaction has already failed with CONNECTION_CLOSED and
 * the pool is being replaced, so that one throw is logged instead of ending the process; any other
 * uncaught exception still ends it, as it would without this listener.
 */
let survivingDeadSocketWrites = false;
function surviveDeadSocketWrites(logger: Logger): void {
  if (survivingDeadSocketWrites) return;
  survivingDeadSocketWrites = true;
  process.on('uncaughtException', (error) => {
    const stack = error?.stack ?? '';
    if (
      error instanceof TypeError &&
      error.message.includes("reading 'write'") &&
      /postgres[\\/](cjs[\\/])?src[\\/]connection\.js/.test(stack) &&
      stack.includes('nextWrite')
    ) {
      logger.warn('postgres.js wrote to a connection the database had closed; ignored');
      return;
    }
    process.stderr.write(`${stack || String(error)}\n`);
    process.exit(1);
  });
}

export function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

export interface OpenOptions {
  /**
   * With the embedded server: use one another process already runs on DATA_DIR (for the CLI).
   * Off by default: the app and the worker refuse to start beside a server they did not start,
   * since its owner stops it when it exits.
   */
  joinRunning?: boolean;
}

export async function openDatabase(
  config: Config,
  logger: Logger,
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  surviveDeadSocketWrites(logger);
  if (config.databaseUrl) {
    const { db, sql } = connect(config.databaseUrl, config.databasePoolSize);
    return {
      db,
      sql,
      url: config.databaseUrl,
      description: `PostgreSQL at ${describeUrl(config.databaseUrl)} (DATABASE_URL)`,
      close: () => sql.end(),
    };
  }
  const databaseDir = path.join(config.dataDir, 'pg');
  const server = await startEmbeddedPostgres({
    databaseDir,
    port: config.embeddedPgPort,
    persistent: true,
    joinRunning: options.joinRunning ?? false,
    onLog: (line) => logger.debug({ postgres: line }),
  });
  const { db, sql } = connect(server.url, config.databasePoolSize);
  return {
    db,
    sql,
    url: server.url,
    description: `embedded PostgreSQL on 127.0.0.1:${config.embeddedPgPort}, data in ${databaseDir}`,
    close: async () => {
      await sql.end();
      await server.stop();
    },
  };
}
