// Closing a quarter: once its board report has been presented, finance closes the quarter. The report
// is kept exactly as presented and produced again from what was kept (JSON, CSV and page alike);
// money recorded later with a day in the closed quarter shows as an adjustment in the report of the
// quarter it was recorded in.
import { z } from 'zod';
import { dayInWords, londonDate } from '../../../machines/calendar.ts';
import type { Database } from '../../db/client.ts';
import { findClosedQuarter, insertClosedQuarter } from '../../db/queries/closed-quarters.ts';
import type { Actor } from '../../engine/actor.ts';
import { fieldErrors, forbidden, invalid, ProblemError } from '../../engine/errors.ts';
import { type BoardReport, liveBoardReport } from './board-report.ts';
import { type Quarter, quarterOf, quarterParam } from './quarter.ts';

export const closeQuarterBody = z.strictObject({
  quarter: quarterParam.describe('The quarter to close, e.g. 2026-27-Q2'),
});

/** A sum of pence as kept in a closed report: tagged, so it comes back a bigint, exact. */
const PENCE = '$pence';

function kept(report: BoardReport): unknown {
  const { closed: _closed, ...rest } = report;
  return JSON.parse(
    JSON.stringify({ ...rest, quarter: report.quarter.id }, (_key, value) =>
      typeof value === 'bigint' ? { [PENCE]: value.toString() } : value,
    ),
  );
}

function revived(stored: unknown): Omit<BoardReport, 'closed'> {
  const report = JSON.parse(JSON.stringify(stored), (_key, value) =>
    value && typeof value === 'object' && Object.keys(value).length === 1 && typeof value[PENCE] === 'string'
      ? BigInt(value[PENCE])
      : value,
  );
  return { ...report, quarter: quarterOf(report.quarter) };
}

/** The board report for a quarter: as presented once it is closed, else as the ledger stands now. */
export async function boardReport(db: Database, quarterId: string): Promise<BoardReport> {
  const closed = await findClosedQuarter(db, quarterId);
  if (!closed) return liveBoardReport(db, quarterId);
  return {
    ...revived(closed.closed.report),
    closed: { at: closed.closed.closedAt.toISOString(), by: closed.closedByName },
  };
}

/**
 * Finance closes a quarter that has ended: its report, as it stands, is kept as presented. 403 for
 * anyone else, 422 for a quarter not named well, 409 for one not yet ended or already closed.
 */
/** Whether this person may close the quarter of this report now: finance, once it has ended, once. */
export const mayCloseQuarter = (actor: Actor, report: BoardReport, now: Date) =>
  actor.role === 'finance' && !report.closed && ended(report.quarter, now);

const ended = (quarter: Quarter, now: Date) => londonDate(now) > quarter.endsOn;

export async function closeQuarter(db: Database, actor: Actor, body: unknown, now: Date) {
  if (actor.role !== 'finance' || !actor.userId) throw forbidden('Only finance staff close a quarter.');
  const parsed = closeQuarterBody.safeParse(body);
  if (!parsed.success) throw invalid('The quarter is not valid.', fieldErrors(parsed.error.issues));
  const quarter = quarterOf(parsed.data.quarter);
  if (!ended(quarter, now)) {
    throw new ProblemError(
      409,
      'The quarter has not ended',
      `${quarter.label} ends on ${dayInWords(quarter.endsOn)}. Close it once it has ended and its board report has been presented.`,
    );
  }
  // Money recorded from this instant on, dated into the quarter, is an adjustment in a later report.
  const report = await liveBoardReport(db, quarter.id);
  const closedNow = await insertClosedQuarter(db, {
    quarter: quarter.id,
    startsOn: quarter.startsOn,
    endsOn: quarter.endsOn,
    closedAt: now,
    closedBy: actor.userId,
    report: kept(report),
  });
  if (!closedNow) {
    throw new ProblemError(
      409,
      'The quarter is already closed',
      `${quarter.label} was closed already: its board report stays as presented.`,
    );
  }
  return { quarter: quarter.id, closedAt: now.toISOString() };
}
