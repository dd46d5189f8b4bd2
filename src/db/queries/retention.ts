// Personal data past its retention period: accounts to anonymise, old email to clear, and what a
// person did that the records must keep (who acted on public money).
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import {
  apiTokens,
  caseEvents,
  cases,
  formDrafts,
  idempotencyKeys,
  memberships,
  outbox,
  panelDeclarations,
  panelScores,
  passwordLinks,
  pendingSignIns,
  recoveryCodes,
  users,
  webSessions,
} from '../schema/index.ts';

/** What stands in for an address removed from an email kept for its shape. */
export const REMOVED_ADDRESS = 'removed@anonymised.invalid';
export const FORMER_USER = 'A former user';

/** Accounts whose personal data is past keeping: deactivated, or never used, before the cut-off. */
export async function accountsPastRetention(db: Db, cutoff: Date, limit = 100): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        isNull(users.anonymisedAt),
        or(
          lt(users.deactivatedAt, cutoff),
          and(
            isNull(users.emailVerifiedAt),
            isNull(users.passwordHash),
            isNull(users.oidcSubject),
            lt(users.createdAt, cutoff),
          ),
        ),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Removes a person's personal data, keeping the row (and so the history's shape): "A former user"
 * with an address that reaches nobody, no way to sign in, no memberships, drafts or email kept.
 */
export async function anonymiseUser(db: Db, userId: string, at: Date): Promise<boolean> {
  const [user] = await db
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, userId))
    .for('update');
  if (!user) return false;
  await db
    .update(outbox)
    .set({
      toEmail: REMOVED_ADDRESS,
      toName: FORMER_USER,
      subject: '(removed)',
      text: '',
      html: '',
      // Nothing more goes to someone whose address is gone.
      status: sql`case when ${outbox.status} = 'pending' then 'failed' else ${outbox.status} end`,
      lastError: sql`case when ${outbox.status} = 'pending' then 'The address was removed' else ${outbox.lastError} end`,
    })
    .where(sql`lower(${outbox.toEmail}) = lower(${user.email})`);
  for (const table of [
    memberships,
    recoveryCodes,
    passwordLinks,
    pendingSignIns,
    webSessions,
    formDrafts,
    idempotencyKeys,
  ])
    await db.delete(table).where(eq(table.userId, userId));
  await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${at.toISOString()}::timestamptz)` })
    .where(eq(apiTokens.userId, userId));
  await db
    .update(users)
    .set({
      name: FORMER_USER,
      email: `former-user-${userId}@anonymised.invalid`,
      passwordHash: null,
      totpSecret: null,
      totpLastStep: null,
      oidcSubject: null,
      deactivatedAt: sql`coalesce(${users.deactivatedAt}, ${at.toISOString()}::timestamptz)`,
      anonymisedAt: at,
    })
    .where(eq(users.id, userId));
  return true;
}

/** Clears the addresses and words of email sent (or given up on) before the cut-off; how many. */
export async function clearOldEmail(db: Db, cutoff: Date, limit = 1000): Promise<number> {
  const rows = await db
    .update(outbox)
    .set({ toEmail: REMOVED_ADDRESS, toName: '(removed)', subject: '(removed)', text: '', html: '' })
    .where(
      sql`${outbox.id} in (select id from ${outbox} where ${outbox.status} <> 'pending'
        and ${outbox.createdAt} < ${cutoff.toISOString()}::timestamptz and ${outbox.toEmail} <> ${REMOVED_ADDRESS}
        limit ${limit})`,
    )
    .returning({ id: outbox.id });
  return rows.length;
}

/** The last time the person acted on a case (commissioning or money) or on bank details; null if never. */
export async function lastActOnRecords(db: Db, userId: string): Promise<Date | null> {
  const [row] = await db.execute<{ at: string | null }>(sql`
    select max(at) as at from (
      select max(at) as at from case_events where actor_id = ${userId}
      union all select max(requested_at) from bank_details where requested_by = ${userId}
      union all select max(decided_at) from bank_details where decided_by = ${userId}
    ) acts`);
  return row?.at ? new Date(row.at) : null;
}

/** Closed cases (their machine finished) untouched since before the cut-off, whose free text is still there. */
export async function closedCasesPastRetention(db: Db, cutoff: Date, limit = 100) {
  return db
    .select({
      id: cases.id,
      machineId: cases.machineId,
      machineVersion: cases.machineVersion,
      snapshot: cases.snapshot,
    })
    .from(cases)
    .where(
      and(
        isNull(cases.anonymisedAt),
        sql`${cases.snapshot} ->> 'status' = 'done'`,
        lt(cases.updatedAt, cutoff),
      ),
    )
    .limit(limit);
}

export async function eventsOfCase(db: Db, caseId: string) {
  return db
    .select({ version: caseEvents.version, type: caseEvents.type, payload: caseEvents.payload })
    .from(caseEvents)
    .where(eq(caseEvents.caseId, caseId));
}

/**
 * Writes a closed case back without its free text: its snapshot, each event's payload, and the panel's
 * comments and conflict reasons; its drafts go. Amounts, dates, states and who acted stay.
 */
export async function rewriteClosedCase(
  db: Db,
  caseId: string,
  snapshot: unknown,
  title: string,
  payloads: readonly { version: number; payload: unknown }[],
  at: Date,
): Promise<void> {
  await db.update(cases).set({ snapshot, title, anonymisedAt: at }).where(eq(cases.id, caseId));
  for (const { version, payload } of payloads)
    await db
      .update(caseEvents)
      .set({ payload })
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.version, version)));
  await db.update(panelScores).set({ comment: null }).where(eq(panelScores.caseId, caseId));
  await db.update(panelDeclarations).set({ reason: null }).where(eq(panelDeclarations.caseId, caseId));
  await db.delete(formDrafts).where(eq(formDrafts.caseId, caseId));
}

/** Forgets the answers stored for retries (which repeat what was sent) made before the cut-off; how many. */
export async function forgetOldRetries(db: Db, cutoff: Date): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, cutoff))
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
