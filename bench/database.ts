// The benchmark's own database, made the way the tests make theirs (tests/helpers): a fresh one on
// DATABASE_URL's server, or a temporary embedded PostgreSQL when it is unset; migrated, seeded with
// the plan, demo organisations and users, and dropped at the end.

import { randomUUID } from 'node:crypto';
import type { Database } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { findUserByEmail } from '../src/db/queries/people.ts';
import { createProgramme, type ProgrammeCycle } from '../src/domain/catalogue.ts';
import { createFund } from '../src/domain/funds.ts';
import { issueToken } from '../src/domain/people.ts';
import { systemActor } from '../src/engine/actor.ts';
import { createFreshDatabase, type FreshDatabase } from '../tests/helpers/database.ts';
import { seedTestDatabase } from '../tests/helpers/seed.ts';

export const OFFICER_EMAIL = 'officer@demo.test';

export async function prepareDatabase(): Promise<FreshDatabase> {
  const database = await createFreshDatabase();
  try {
    await applyMigrations(database.url);
    await seedTestDatabase(database.url);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

export interface Officer {
  userId: string;
  organisationId: string;
  token: string;
}

export async function officerWithToken(db: Database): Promise<Officer> {
  const user = await findUserByEmail(db, OFFICER_EMAIL);
  if (!user?.organisationId) throw new Error(`The seed has no ${OFFICER_EMAIL} in an organisation`);
  return { userId: user.id, organisationId: user.organisationId, token: await issueToken(db, OFFICER_EMAIL) };
}

/**
 * One fund and `count` programmes on it. A programme has exactly one commissioning round, so
 * each benchmark case needs a programme of its own. No closing time: no timers.
 */
export async function createProgrammes(
  db: Database,
  count: number,
  knownCycles: readonly ProgrammeCycle[],
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const tag = randomUUID().slice(0, 8);
    const fundId = await createFund(tx, {
      name: `Benchmark fund ${tag}`,
      source: 'Benchmark',
      financialYear: '2026-27',
      budgetPence: 1_000_000_000,
    });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(
        await createProgramme(
          tx,
          {
            name: `Benchmark programme ${tag} ${i + 1}`,
            cycle: 'youth-fund',
            fundId,
            themeId: 'offenders',
            outcomeIds: ['O2'],
            delegationThresholdPence: 500_000,
            maxAwardPence: 500_000,
          },
          knownCycles,
          systemActor,
        ),
      );
    }
    return ids;
  });
}
