import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/db/migrate.ts';
import { createFreshDatabase } from './database.ts';
import { seedTestDatabase } from './seed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One fresh, migrated, seeded database for the whole run; dropped at the end. */
export default async function setup(project: TestProject) {
  const database = await createFreshDatabase();
  console.log(`tests use ${database.description}`);
  await applyMigrations(database.url);
  await seedTestDatabase(database.url);
  project.provide('databaseUrl', database.url);
  return () => database.drop();
}
