// A database of one test file's own, on the same server as the run's: migrated and seeded with
// the demo users. For tests that start a real worker process, which fires every due timer and
// sends every due message in the database it is given — in the shared database it would take
// other files' rows from under them.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { applyMigrations } from '../../src/db/migrate.ts';
import { seedTestDatabase } from './seed.ts';

export interface OwnDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createOwnDatabase(label: string): Promise<OwnDatabase> {
  const serverUrl = inject('databaseUrl');
  const name = `grants_${label}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  await seedTestDatabase(url.toString());
  return {
    url: url.toString(),
    drop: async () => {
      const again = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists "${name}" with (force)`);
      await again.end();
    },
  };
}
