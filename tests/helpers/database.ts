// A fresh database for one test run: on DATABASE_URL's server (created, then dropped), or an
// embedded PostgreSQL in a temporary directory when DATABASE_URL is unset.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { loadConfig } from '../../src/config.ts';

const embeddedServerScript = fileURLToPath(new URL('./embedded-server.ts', import.meta.url));

export interface FreshDatabase {
  url: string;
  description: string;
  drop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function createFreshDatabase(): Promise<FreshDatabase> {
  const { databaseUrl } = loadConfig();
  if (databaseUrl) {
    const name = `grants_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    await admin.end();
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      description: `database ${name} on ${url.host}`,
      drop: async () => {
        const again = postgres(databaseUrl, { max: 1, onnotice: () => {} });
        await again.unsafe(`drop database if exists "${name}" with (force)`);
        await again.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grants-test-pg-'));
  fs.chmodSync(dir, 0o755); // the server runs as the postgres user, which must reach the data directory
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', embeddedServerScript, path.join(dir, 'pg'), String(port)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const ready = /ready (\S+)/.exec(output);
      if (ready) resolve(ready[1]!);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) =>
      reject(new Error(`The embedded PostgreSQL for tests exited (${code}):\n${output}`)),
    );
  });
  return {
    url,
    description: `embedded PostgreSQL on port ${port}`,
    drop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
