// Composition root: the database, migrations, demo data, the engine with its effects, the mail
// transport and the background work — wired once for the server, the worker, the CLI and the tests.
import { sql } from 'drizzle-orm';
import type { MachineDefinition } from '../machines/define.ts';
import { machineDefinitions } from '../machines/index.ts';
import { type BackgroundDeps, startBackground } from './background.ts';
import type { Config } from './config.ts';
import { type DatabaseHandle, type OpenOptions, openDatabase, type Tx } from './db/client.ts';
import { applyMigrations } from './db/migrate.ts';
import { seedDemoCases } from './domain/demo-cases.ts';
import { type DemoIds, holdsDemoUsers, seedDemoData } from './domain/demo-data.ts';
import { commitFundsEffect, releaseFundsEffect, requireOpenRoundEffect } from './domain/money.ts';
import { notifyEffect } from './domain/notifications.ts';
import { paymentEffects } from './domain/payments.ts';
import { ensurePlan } from './domain/plan.ts';
import { programmeRules } from './domain/programme-rules.ts';
import { delegationThreshold, prepareCaseInput } from './domain/programmes.ts';
import { fillCaseTitles } from './engine/case-titles.ts';
import { type Clock, systemClock } from './engine/clock.ts';
import { Engine, type EngineDeps } from './engine/engine.ts';
import { MachineRegistry } from './engine/registry.ts';
import { upgradeCases } from './engine/upgrade.ts';
import type { Logger } from './logger.ts';
import { createMailTransport, type MailTransport } from './mail/transport.ts';
import { createMetrics, type Metrics } from './metrics.ts';

export interface Services {
  database: DatabaseHandle;
  engine: Engine;
  clock: Clock;
  transport: MailTransport;
  databaseAnswers: () => Promise<void>;
  metrics: Metrics;
  /** Starts the timer and email loop in this process; resolves the returned stop when done. */
  startBackground: () => { stop: () => Promise<void> };
}

export function createEngine(
  database: DatabaseHandle,
  options: {
    clock?: Clock;
    publicUrl: string;
    /** The cycles this engine runs (default: every machine in machines/index.ts). */
    definitions?: readonly MachineDefinition[];
    /** Told of every event sent to a case and what became of it (the metrics). */
    observe?: EngineDeps['observe'];
  },
): Engine {
  return new Engine({
    db: database.db,
    registry: new MachineRegistry(options.definitions ?? machineDefinitions),
    clock: options.clock ?? systemClock,
    effects: {
      notify: notifyEffect(options.publicUrl),
      commitFunds: commitFundsEffect,
      releaseFunds: releaseFundsEffect,
      requireOpenRound: requireOpenRoundEffect,
      ...paymentEffects,
    },
    prepareInput: prepareCaseInput,
    programmeRules,
    delegationThreshold,
    ...(options.observe && { observe: options.observe }),
  });
}

/** The domain of Message-IDs: the sender's own, from MAIL_FROM. */
export function messageIdDomain(mailFrom: string): string {
  return /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'localhost';
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

export async function startServices(
  config: Config,
  logger: Logger,
  options: OpenOptions & { clock?: Clock } = {},
): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(config, logger, options);
  logger.info(`database: ${database.description}`);
  await applyMigrations(database.url);
  const metrics = createMetrics({ db: database.db, clock, poolSize: config.databasePoolSize });
  const engine = createEngine(database, {
    clock,
    publicUrl: config.publicUrl,
    observe: metrics.observeTransition,
  });
  await ensurePlan(database.db);
  const upgraded = await upgradeCases(database.db, engine.registry, clock, { delegationThreshold });
  for (const [machine, count] of Object.entries(upgraded))
    logger.info(`moved ${count} ${machine} cases to the machine's latest version`);
  const titled = await fillCaseTitles(database.db, engine.registry);
  if (titled) logger.info(`kept the titles of ${titled} cases made before titles were kept`);
  if (config.refuseDemoUsers && (await holdsDemoUsers(database.db))) {
    await database.close();
    throw new Error(
      'This database holds the demo users, whose password is published in the README. In production ' +
        '(NODE_ENV=production) the service will not run on it: remove those users, or set ' +
        'SEED_DEMO_DATA=true if this is a demonstration.',
    );
  }
  if (config.seedDemoData) {
    const cycles = engine.registry.list();
    const now = clock.now();
    // The demo's SARC procurement was published weeks ago: its steps run on an engine whose clock is
    // set to each step's day in turn (one engine, not one per step).
    let seededAt = now;
    let past: Engine | undefined;
    const engineAt = (at: Date) => {
      seededAt = at;
      past ??= createEngine(database, { clock: { now: () => seededAt }, publicUrl: config.publicUrl });
      return past;
    };
    const seedCases = (tx: Tx, ids: DemoIds) => seedDemoCases(tx, engine, ids, now, engineAt);
    if (await seedDemoData(database.db, cycles, seedCases, now)) {
      logger.info('seeded demo data into an empty database');
    }
  }
  const transport = createMailTransport(config, logger, clock);
  const background: BackgroundDeps = {
    db: database.db,
    engine,
    clock,
    logger,
    transport,
    mailFrom: config.mailFrom,
    messageIdDomain: messageIdDomain(config.mailFrom),
    pollMs: config.workerPollMs,
    retention: config.retention,
  };
  return {
    database,
    engine,
    clock,
    transport,
    databaseAnswers: databaseProbe(database),
    metrics,
    startBackground: () => {
      logger.info(
        `background work: timers and email (${transport.describe}) every ${config.workerPollMs} ms`,
      );
      return startBackground(background);
    },
  };
}
