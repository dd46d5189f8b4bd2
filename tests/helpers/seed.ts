// What every test database holds: the Police and Crime Plan and the demo organisations, users,
// funds and programmes — but no demo cases, so tests count only what they make.
import { machineDefinitions } from '../../machines/index.ts';
import { connect } from '../../src/db/client.ts';
import { seedDemoData } from '../../src/domain/demo-data.ts';
import { ensurePlan } from '../../src/domain/plan.ts';

export async function seedTestDatabase(url: string): Promise<void> {
  const { db, sql } = connect(url, 1);
  try {
    await ensurePlan(db);
    await seedDemoData(db, machineDefinitions);
  } finally {
    await sql.end();
  }
}
