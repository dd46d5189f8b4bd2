// A fresh clone in a private folder (a home directory, mode 700). Started by root, the embedded
// PostgreSQL runs as the postgres user, which cannot pass through it: the service says so, naming
// the folder and what to do, and doing what it says lets it start. Started by anyone else, the
// folder is theirs and it simply starts.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

const privateFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'private-home-'));
fs.chmodSync(privateFolder, 0o700);
afterAll(() => fs.rmSync(privateFolder, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe('the embedded PostgreSQL in a private folder', () => {
  it('says what to do when its user cannot reach its data, and starts once that is done', async () => {
    const databaseDir = path.join(privateFolder, 'clone/.data/pg');
    const start = async () =>
      startEmbeddedPostgres({ databaseDir, port: await freePort(), persistent: false });
    if (process.getuid?.() === 0) {
      const refused = await start().then(
        () => 'started',
        (error: Error) => error.message,
      );
      expect(refused).toContain('The embedded PostgreSQL cannot start here. Started as root');
      expect(refused).toContain(`cannot pass through ${privateFolder} (mode 700)`);
      expect(refused).toContain(`chmod o+x ${privateFolder}`);
      expect(refused).toContain('set DATABASE_URL');
      expect(fs.existsSync(path.join(databaseDir, 'PG_VERSION'))).toBe(false);
      // Doing what it says: the postgres user may pass through (not list or read) the folder.
      fs.chmodSync(privateFolder, 0o701);
    }
    const server = await start();
    try {
      expect(server.url).toMatch(/^postgres:\/\//);
      expect(fs.existsSync(path.join(databaseDir, 'PG_VERSION'))).toBe(true);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
