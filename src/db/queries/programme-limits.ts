import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { programmeLimitChanges, programmes, users } from '../schema/index.ts';

export interface LimitsRow {
  delegationThresholdPence: bigint;
  maxAwardPence: bigint | null;
  panelQuorum: number;
}

/** The programme's row, locked until the transaction ends, so two changes to its limits queue. */
export async function lockProgramme(db: Db, id: string) {
  const [row] = await db.select().from(programmes).where(eq(programmes.id, id)).for('update');
  return row;
}

export async function setLimits(db: Db, programmeId: string, limits: LimitsRow): Promise<void> {
  await db.update(programmes).set(limits).where(eq(programmes.id, programmeId));
}

/** Logs a setting of the programme's limits, with who set them and why. */
export async function logLimits(
  db: Db,
  programmeId: string,
  limits: LimitsRow,
  by: { userId: string | null; reason: string; at: Date },
): Promise<void> {
  await db.insert(programmeLimitChanges).values({
    programmeId,
    ...limits,
    reason: by.reason,
    changedBy: by.userId,
    changedAt: by.at,
  });
}

/** Every setting of a programme's limits, the first first, with the name of who set them. */
export async function limitChangesOf(db: Db, programmeId: string) {
  return db
    .select({
      delegationThresholdPence: programmeLimitChanges.delegationThresholdPence,
      maxAwardPence: programmeLimitChanges.maxAwardPence,
      panelQuorum: programmeLimitChanges.panelQuorum,
      reason: programmeLimitChanges.reason,
      changedAt: programmeLimitChanges.changedAt,
      changedBy: programmeLimitChanges.changedBy,
      changedByName: sql<string | null>`${users.name}`,
    })
    .from(programmeLimitChanges)
    .leftJoin(users, eq(users.id, programmeLimitChanges.changedBy))
    .where(eq(programmeLimitChanges.programmeId, programmeId))
    .orderBy(asc(programmeLimitChanges.changedAt), asc(programmeLimitChanges.id));
}
