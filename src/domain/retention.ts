// Personal data kept only as long as it should be. Retention periods are settings (RETAIN_*). A
// scheduled pass anonymises accounts past their period and clears old email; an admin can produce
// everything held about a person (a subject access request) and erase a person on request, except
// while the records of public money must still say who acted on them.
import type { Database, Db } from '../db/client.ts';
import { announceAccountChange } from '../db/queries/account-changes.ts';
import { replaceMessagesOfCase } from '../db/queries/case-messages.ts';
import { replaceNotesOfCase } from '../db/queries/case-notes.ts';
import { personalDataOf, personByEmail } from '../db/queries/personal-data.ts';
import {
  accountsPastRetention,
  anonymiseUser,
  clearOldEmail,
  closedCasesPastRetention,
  eventsOfCase,
  forgetOldRetries,
  lastActOnRecords,
  rewriteClosedCase,
} from '../db/queries/retention.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, notFound, ProblemError } from '../engine/errors.ts';
import { REMOVED_TEXT, withoutFreeText } from '../engine/field-meta.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { eventSpec } from '../engine/rulebook.ts';
import { titleOf } from '../engine/views.ts';
import { forgetBidFreeText } from './bid-application.ts';

export interface RetentionSettings {
  /** Months after an account is deactivated, or an unused invitation was made, before it is anonymised. */
  accountMonths: number;
  /** Days an email's addresses and words are kept once sent or given up on. */
  emailDays: number;
  /** Years the records of commissioning and money, and who acted on them, are kept after the last act. */
  recordsYears: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { accountMonths: 24, emailDays: 365, recordsYears: 7 };

/** How long the answer to a POST with an Idempotency-Key is kept for its retries. */
export const RETRIES_KEPT_DAYS = 30;

const monthsBefore = (at: Date, months: number) => {
  const d = new Date(at);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
};

/**
 * One pass of the retention job: how many accounts were anonymised, emails cleared and closed cases
 * had their free text removed (those closed, untouched for RETAIN_RECORDS_YEARS).
 */
export async function applyRetention(
  db: Database,
  settings: RetentionSettings,
  now: Date,
  registry: Pick<MachineRegistry, 'get'>,
) {
  let accounts = 0;
  for (const userId of await accountsPastRetention(db, monthsBefore(now, settings.accountMonths))) {
    await db.transaction(async (tx) => {
      if (await anonymiseUser(tx, userId, now)) accounts += 1;
      await announceAccountChange(tx, userId);
    });
  }
  const messages = await clearOldEmail(db, new Date(now.getTime() - settings.emailDays * 86_400_000));
  // A retry comes within moments; a stored answer (which repeats what was sent) is kept a month.
  await forgetOldRetries(db, new Date(now.getTime() - RETRIES_KEPT_DAYS * 86_400_000));
  let cases = 0;
  for (const row of await closedCasesPastRetention(db, monthsBefore(now, 12 * settings.recordsYears))) {
    const definition = registry.get(row.machineId, row.machineVersion);
    // A case whose machine version is no longer registered is left as it is, and said so in the count.
    if (!definition) continue;
    await db.transaction(async (tx) => {
      const snapshot = row.snapshot as { context?: unknown };
      const payloads = (await eventsOfCase(tx, row.id)).map(({ version, type, payload }) => {
        const schema = type === 'CREATE' ? definition.input : eventSpec(definition, type)?.payload;
        return { version, payload: schema ? withoutFreeText(schema, payload) : payload };
      });
      const context = withoutFreeText(definition.context, snapshot.context);
      await rewriteClosedCase(
        tx,
        row.id,
        { ...snapshot, context },
        titleOf(definition, context),
        payloads,
        now,
      );
      await forgetBidFreeText(tx, row.id, definition);
      await replaceNotesOfCase(tx, row.id, REMOVED_TEXT);
      await replaceMessagesOfCase(tx, row.id, REMOVED_TEXT);
    });
    cases += 1;
  }
  return { accounts, messages, cases };
}

/**
 * Why a person may not be erased now, or null: the records of public money must say who acted on
 * them for the retention period after their last act.
 */
export async function erasureRefusal(db: Db, userId: string, settings: RetentionSettings, now: Date) {
  const last = await lastActOnRecords(db, userId);
  if (!last) return null;
  const until = monthsBefore(last, -12 * settings.recordsYears);
  if (until <= now) return null;
  return { lastAct: last, keptUntil: until };
}

/** Erases a person on request, where the law allows (erasureRefusal); never oneself. */
export async function erasePerson(
  db: Database,
  actor: Actor,
  userId: string,
  settings: RetentionSettings,
  now: Date,
): Promise<void> {
  if (actor.role !== 'admin') throw forbidden('Only an admin erases personal data.');
  if (userId === actor.userId)
    throw new ProblemError(409, 'Not your own', 'Another admin must erase your personal data.');
  await db.transaction(async (tx) => {
    const refusal = await erasureRefusal(tx, userId, settings, now);
    if (refusal)
      throw new ProblemError(
        409,
        'Must be kept',
        'They acted on records of public money, which must say who acted on them until the retention period ends.',
      );
    await anonymiseUser(tx, userId, now);
    await announceAccountChange(tx, userId);
  });
}

/**
 * Everything held about one person, for a subject access request: as JSON to give them, with each
 * case named by its reference. Never a password hash, key or token.
 */
export async function subjectAccessReport(
  db: Database,
  actor: Actor,
  userId: string,
  referenceOf: (machine: string, seq: number | null) => string,
) {
  if (actor.role !== 'admin') throw forbidden('Only an admin produces a person’s data.');
  const held = await personalDataOf(db, userId);
  if (!held) throw notFound();
  const named = <T extends { caseId: string; machine: string; seq: number | null }>(rows: T[]) =>
    rows.map(({ caseId, machine, seq, ...rest }) => ({ case: referenceOf(machine, seq), caseId, ...rest }));
  return {
    ...held,
    caseActions: named(held.caseActions),
    messagesWritten: named(held.messagesWritten),
    notesWritten: named(held.notesWritten),
    conflictDeclarations: named(held.conflictDeclarations),
    scores: named(held.scores),
    drafts: named(held.drafts),
  };
}

/** The person with this email address, if any, for an admin looking them up. */
export const personWithEmail = (db: Db, email: string) => personByEmail(db, email);
