// Finance reports over the API: the reconciliation to the penny and the quarterly board report, as
// JSON or CSV. For OPCC finance, commissioning and approval staff (and admins); providers and panel
// members are refused.
import { Router } from 'express';
import type { Database } from '../../db/client.ts';
import { toCsv } from '../../domain/csv.ts';
import { boardHeader, boardReportJson, boardRows } from '../../domain/reports/board-report.ts';
import { boardReport, closeQuarter } from '../../domain/reports/closed-quarters.ts';
import { quarterAt } from '../../domain/reports/quarter.ts';
import { reconciliation } from '../../domain/reports/reconciliation.ts';
import {
  reconciliationHeader,
  reconciliationJson,
  reconciliationRows,
} from '../../domain/reports/reconciliation-export.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Clock } from '../../engine/clock.ts';
import { forbidden } from '../../engine/errors.ts';
import { actorOf } from '../authenticate.ts';
import { sendDownload } from '../downloads.ts';
import { parseQuery } from '../parse.ts';
import { boardReportQuery, reconciliationQuery } from './report-schemas.ts';

export const REPORT_ROLES: readonly Actor['role'][] = ['finance', 'officer', 'approver', 'admin'];

export function requireReportRole(actor: Actor): void {
  if (!REPORT_ROLES.includes(actor.role))
    throw forbidden('Finance reports are for OPCC finance, commissioning and approval staff.');
}

/** The reconciliation a query asks for, and a file name saying which. 400, 404 or 422 naming the parameter. */
export async function reconciliationFor(db: Database, query: unknown) {
  const q = parseQuery(reconciliationQuery, query);
  const report = await reconciliation(db, { financialYear: q.financialYear, fundId: q.fund });
  const name = ['reconciliation', q.financialYear, q.fund].filter(Boolean).join('-');
  return { report, name, format: q.format };
}

/** The board report a query asks for (default: the quarter we are in). 400 for a bad quarter. */
export async function boardReportFor(db: Database, clock: Clock, query: unknown) {
  const q = parseQuery(boardReportQuery, query);
  const report = await boardReport(db, q.quarter ?? quarterAt(clock.now()));
  return { report, name: `board-report-${report.quarter.id}`, format: q.format };
}

export const reconciliationCsv = (report: Awaited<ReturnType<typeof reconciliation>>) =>
  toCsv(reconciliationHeader, reconciliationRows(report));
export const boardCsv = (report: Awaited<ReturnType<typeof boardReport>>) =>
  toCsv(boardHeader, boardRows(report));

export function reportsRouter(db: Database, clock: Clock): Router {
  const router = Router();

  router.get(['/reconciliation', '/reconciliation.csv'], async (req, res) => {
    requireReportRole(actorOf(res));
    const { report, name, format } = await reconciliationFor(db, req.query);
    if (format === 'csv' || req.path.endsWith('.csv'))
      return sendDownload(res, `${name}.csv`, 'csv', reconciliationCsv(report));
    res.json(reconciliationJson(report));
  });

  router.get(['/board', '/board.csv'], async (req, res) => {
    requireReportRole(actorOf(res));
    const { report, name, format } = await boardReportFor(db, clock, req.query);
    if (format === 'csv' || req.path.endsWith('.csv'))
      return sendDownload(res, `${name}.csv`, 'csv', boardCsv(report));
    res.json(boardReportJson(report));
  });

  // Finance closes a quarter once its board report has been presented.
  router.post('/board/close', async (req, res) => {
    const closed = await closeQuarter(db, actorOf(res), req.body, clock.now());
    res.status(201).json(closed);
  });

  return router;
}
