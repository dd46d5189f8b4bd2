import type { TestProject } from 'vitest/node';
import { connect } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { seedDemoData } from '../../src/domain/demo-data.ts';
import { createFreshDatabase } from './database.ts';

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
  const { db, sql } = connect(database.url, 1);
  await seedDemoData(db);
  await sql.end();
  project.provide('databaseUrl', database.url);
  return () => database.drop();
}
