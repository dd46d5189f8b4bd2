import path from 'node:path';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import * as schema from './schema/index.ts';

export type Database = PostgresJsDatabase<typeof schema>;
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

export function connect(url: string, poolSize: number): { db: Database; sql: postgres.Sql } {
  const sql = postgres(url, { max: poolSize, onnotice: () => {}, connect_timeout: 10 });
  return { sql, db: drizzle(sql, { schema }) };
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
