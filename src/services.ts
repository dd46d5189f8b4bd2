// Composition root: the database, migrations, demo data and the engine, wired once for the server,
// the CLI and the tests alike.
import { sql } from 'drizzle-orm';
import { machineDefinitions } from '../machines/index.ts';
import type { Config } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/client.ts';
import { applyMigrations } from './db/migrate.ts';
import { seedDemoCases } from './domain/demo-cases.ts';
import { seedDemoData } from './domain/demo-data.ts';
import { type Clock, systemClock } from './engine/clock.ts';
import { Engine } from './engine/engine.ts';
import { MachineRegistry } from './engine/registry.ts';
import type { Logger } from './logger.ts';

export interface Services {
  database: DatabaseHandle;
  engine: Engine;
  databaseAnswers: () => Promise<void>;
}

export function createEngine(database: DatabaseHandle, clock: Clock = systemClock): Engine {
  return new Engine({ db: database.db, registry: new MachineRegistry(machineDefinitions), clock });
}

export function databaseProbe(database: DatabaseHandle, timeoutMs = 2000) {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database timeout')), timeoutMs);
    });
    try {
      await Promise.race([database.db.execute(sql`select 1`), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

export async function startServices(config: Config, logger: Logger): Promise<Services> {
  const database = await openDatabase(config, logger);
  logger.info(`database: ${database.description}`);
  await applyMigrations(database.url);
  const engine = createEngine(database);
  if (config.seedDemoData && (await seedDemoData(database.db))) {
    await seedDemoCases(database.db, engine);
    logger.info('seeded demo data into an empty database');
  }
  return { database, engine, databaseAnswers: databaseProbe(database) };
}
