// The finance reports in the browser, with the web sign-in instead of an API token: the
// reconciliation (filtered by financial year and fund) and the quarterly board report, each as a page
// and as CSV. Parsing and rules are the API's (src/http/api/reports.ts); these handlers render.

import { Router } from 'express';
import type { Database } from '../../db/client.ts';
import { listFunds } from '../../db/queries/funds.ts';
import { financialYearsWithFunds } from '../../db/queries/reports.ts';
import type { BoardReport } from '../../domain/reports/board-report.ts';
import { budgetAndPaidChart } from '../../domain/reports/chart.ts';
import { closeQuarter, mayCloseQuarter } from '../../domain/reports/closed-quarters.ts';
import { type Figures, figureNames, poundsText } from '../../domain/reports/figures.ts';
import type { OutcomeLine } from '../../domain/reports/outcomes.ts';
import { quarterAt, quarterOf, quarterParam, quartersOf } from '../../domain/reports/quarter.ts';
import type { Reconciliation } from '../../domain/reports/reconciliation.ts';
import type { Clock } from '../../engine/clock.ts';
import { type FieldError, ProblemError } from '../../engine/errors.ts';
import {
  boardCsv,
  boardReportFor,
  REPORT_ROLES,
  reconciliationCsv,
  reconciliationFor,
} from '../api/reports.ts';
import { sendDownload } from '../downloads.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const RECONCILIATION = '/finance/reconciliation';
const BOARD = '/finance/board-report';

const staffOnly = onlyFor(REPORT_ROLES, 'OPCC finance, commissioning and approval staff');

/** A form's filters: an empty choice means "all", and only the report's own parameters are read. */
const filters = (query: Record<string, unknown>, names: readonly string[]) =>
  Object.fromEntries(
    names.flatMap((name) => (query[name] === undefined || query[name] === '' ? [] : [[name, query[name]]])),
  );

const withQuery = (path: string, params: Record<string, unknown>) => {
  const search = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  ).toString();
  return search ? `${path}?${search}` : path;
};

const moneyCells = (f: Figures) => figureNames.map((name) => poundsText(f[name]));

function reconciliationView(r: Reconciliation) {
  return {
    funds: r.funds.map((f) => ({
      id: f.fundId,
      title: `${f.name} (${f.financialYear})`,
      rows: [
        ['Whole fund', ...moneyCells(f.figures)],
        ...f.streams.map((s) => [`Ring-fenced: ${s.name}`, ...moneyCells(s.figures)]),
        ['Not ring-fenced', ...moneyCells(f.unfenced)],
        ...f.contributors.map((c) => [`Partner: ${c.name}`, ...moneyCells(c.figures)]),
      ],
    })),
    themes: [...r.themes.map((t) => [t.name, ...moneyCells(t.figures)]), ['Total', ...moneyCells(r.total)]],
    checks: r.checks,
    allHold: r.checks.every((c) => c.holds),
  };
}

function boardView(r: BoardReport) {
  const q = r.quarter;
  const title = `Budget and paid to date by Police and Crime Plan theme, ${q.financialYear} Q${q.number}`;
  return {
    quarter: q,
    chart: budgetAndPaidChart(title, r.spend),
    chartTitle: title,
    spend: [
      ...r.spend.map((l) => [l.name, l.budget, l.committed, l.paidInQuarter, l.paidToDate]),
      [
        'Total',
        r.spendTotal.budget,
        r.spendTotal.committed,
        r.spendTotal.paidInQuarter,
        r.spendTotal.paidToDate,
      ],
    ].map(([name, ...money]) => [name as string, ...(money as bigint[]).map(poundsText)]),
    awards: [
      ...r.awards.map((l) => [l.name, String(l.count), poundsText(l.value)]),
      ['Total', String(r.awardsTotal.count), poundsText(r.awardsTotal.value)],
    ],
    returns: r.returns,
    closed: r.closed ?? null,
    adjustments: r.adjustments.map((a) => [
      a.quarter.replace(/-Q/, ' Q'),
      a.name,
      poundsText(a.committed),
      poundsText(a.paid),
      poundsText(a.returned),
    ]),
    outcomes: outcomeGroups(r.outcomes ?? []),
  };
}

/** The outcome lines as the page shows them: a table per Plan outcome, under its theme. */
function outcomeGroups(lines: readonly OutcomeLine[]) {
  type Row = { measure: string; figure: string; reports: string; part: boolean };
  const themes: { theme: string; outcomes: { outcome: string; rows: Row[] }[] }[] = [];
  for (const l of lines) {
    if (themes.at(-1)?.theme !== l.theme) themes.push({ theme: l.theme, outcomes: [] });
    const theme = themes.at(-1)!;
    if (theme.outcomes.at(-1)?.outcome !== l.outcome) theme.outcomes.push({ outcome: l.outcome, rows: [] });
    const outcome = theme.outcomes.at(-1)!;
    const figure =
      l.value === null
        ? 'No figures to weight'
        : l.unit === 'percent'
          ? `${l.value}%${l.weightedBy ? ` (average weighted by ${l.weightedBy.toLowerCase()})` : ' (average)'}`
          : BigInt(l.value).toLocaleString('en-GB');
    outcome.rows.push({ measure: l.measure, figure, reports: String(l.reports), part: false });
    for (const p of l.parts)
      outcome.rows.push({
        measure: p.part,
        figure: BigInt(p.value).toLocaleString('en-GB'),
        reports: '',
        part: true,
      });
  }
  return themes;
}

const fieldErrorsOf = (error: unknown): FieldError[] | undefined =>
  error instanceof ProblemError && error.status < 500
    ? ((error.extensions.errors as FieldError[] | undefined) ?? [{ field: '(query)', message: error.detail }])
    : undefined;

export function reportPagesRouter(deps: { db: Database; clock: Clock }): Router {
  const router = Router();
  const { db, clock } = deps;
  const thisYear = () => quarterAt(clock.now()).slice(0, 7);

  router.get(RECONCILIATION, requireSignIn, staffOnly, async (req, res) => {
    // With no choice made, the year we are in; "All years" is an empty choice.
    const chosenNothing = req.query.financialYear === undefined && req.query.fund === undefined;
    const query: Record<string, unknown> = chosenNothing ? { financialYear: thisYear() } : req.query;
    const chosen = filters(query, ['financialYear', 'fund']);
    const [years, funds] = await Promise.all([financialYearsWithFunds(db), listFunds(db)]);
    const page = {
      title: 'Reconciliation',
      yearValue: typeof query.financialYear === 'string' ? query.financialYear : '',
      fundValue: typeof query.fund === 'string' ? query.fund : '',
      years: [...new Set([...years, thisYear()])].sort(),
      funds: funds
        .filter((f) => !chosen.financialYear || f.financialYear === chosen.financialYear)
        .map((f) => ({ value: f.id, text: `${f.name} (${f.financialYear})` })),
      csvHref: withQuery(`${RECONCILIATION}.csv`, chosen),
    };
    try {
      const { report } = await reconciliationFor(db, chosen);
      res.render('reconciliation.njk', { ...page, report: reconciliationView(report) });
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const status = (error as ProblemError).status;
      const text = (field: string) => errors.find((e) => e.field === field)?.message;
      res.status(status).render('reconciliation.njk', {
        ...page,
        yearError: text('financialYear'),
        fundError: text('fund'),
        errors: errors.map((e) => ({
          href: e.field === 'fund' ? '#fund' : '#financialYear',
          text: e.field === 'fund' ? `Fund: ${e.message}` : `Financial year: ${e.message}`,
        })),
      });
    }
  });

  router.get(`${RECONCILIATION}.csv`, requireSignIn, staffOnly, async (req, res) => {
    const { report, name } = await reconciliationFor(db, filters(req.query, ['financialYear', 'fund']));
    sendDownload(res, `${name}.csv`, 'csv', reconciliationCsv(report));
  });

  router.get(BOARD, requireSignIn, staffOnly, async (req, res) => {
    const given = typeof req.query.quarter === 'string' ? req.query.quarter : undefined;
    const years = await financialYearsWithFunds(db);
    const quarters = quartersOf([...new Set([...years, thisYear()])].sort());
    const page = (value: string) => ({
      title: 'Quarterly board report',
      quarterValue: value,
      quarters: (quarters.includes(value) || !value ? quarters : [...quarters, value]).map((q) => ({
        value: q,
        text: q.replace(/-Q/, ' Q'),
        selected: q === value,
      })),
    });
    if (req.query.quarter !== undefined && !quarterParam.safeParse(given).success) {
      const message =
        quarterParam.safeParse(given).error?.issues[0]?.message ?? 'Enter a quarter such as 2026-27-Q3';
      return res.status(400).render('board-report.njk', {
        ...page(''),
        quarterError: message,
        errors: [{ href: '#quarter', text: message }],
      });
    }
    const { report } = await boardReportFor(db, clock, { quarter: given });
    // Finance closes a quarter that has ended, once; its report is then kept as presented.
    const mayClose = mayCloseQuarter(webActor(res), report, clock.now());
    res.render('board-report.njk', {
      ...page(report.quarter.id),
      title: `Board report: ${report.quarter.financialYear} Q${report.quarter.number}`,
      report: boardView(report),
      csvHref: withQuery(`${BOARD}.csv`, { quarter: report.quarter.id }),
      closeForm: mayClose ? { quarter: report.quarter.id } : undefined,
      done: req.query.done === 'closed',
    });
  });

  // Closing cannot be undone: it is confirmed on a page of its own first.
  router.get(`${BOARD}/close`, requireSignIn, onlyFor(['finance'], 'finance staff'), async (req, res) => {
    const given = typeof req.query.quarter === 'string' ? req.query.quarter : '';
    if (!quarterParam.safeParse(given).success) return res.redirect(303, BOARD);
    const quarter = quarterOf(given);
    res.render('close-quarter.njk', { title: `Close ${quarter.label}?`, quarter });
  });

  router.post(`${BOARD}/close`, requireSignIn, onlyFor(['finance'], 'finance staff'), async (req, res) => {
    const quarter = String((req.body as Record<string, unknown>)?.quarter ?? '');
    await closeQuarter(db, webActor(res), { quarter }, clock.now());
    res.redirect(303, withQuery(BOARD, { quarter, done: 'closed' }));
  });

  router.get(`${BOARD}.csv`, requireSignIn, staffOnly, async (req, res) => {
    const { report, name } = await boardReportFor(db, clock, filters(req.query, ['quarter']));
    sendDownload(res, `${name}.csv`, 'csv', boardCsv(report));
  });

  return router;
}
