// The reconciliation as the API gives it: JSON with exact integer pence, and a table with one row
// per line (level fund / stream / unfenced / contributor / theme / total) for CSV.
import { type Figures, figureNames, figuresJson } from './figures.ts';
import type { Reconciliation } from './reconciliation.ts';

export function reconciliationJson(r: Reconciliation) {
  return {
    financialYear: r.financialYear,
    fundId: r.fundId,
    funds: r.funds.map((f) => ({
      fundId: f.fundId,
      name: f.name,
      financialYear: f.financialYear,
      ...figuresJson(f.figures),
      streams: f.streams.map((s) => ({ streamId: s.streamId, name: s.name, ...figuresJson(s.figures) })),
      unfenced: figuresJson(f.unfenced),
      contributors: f.contributors.map((c) => ({
        organisationId: c.organisationId,
        name: c.name,
        ...figuresJson(c.figures),
      })),
    })),
    themes: r.themes.map((t) => ({ themeId: t.themeId, name: t.name, ...figuresJson(t.figures) })),
    total: figuresJson(r.total),
    checks: { allHold: r.checks.every((c) => c.holds), items: r.checks },
  };
}

export const reconciliationHeader = [
  'level',
  'financialYear',
  'fundId',
  'fund',
  'lineId',
  'line',
  ...figureNames.map((name) => `${name}Pence`),
] as const;

type Cell = string | bigint | null;

/** One row per line item, in the order the page shows them; amounts in pence. */
export function reconciliationRows(r: Reconciliation): Cell[][] {
  const row = (
    level: string,
    fund: { fundId: string; name: string; financialYear: string } | null,
    lineId: string | null,
    line: string,
    figures: Figures,
  ): Cell[] => [
    level,
    fund?.financialYear ?? r.financialYear,
    fund?.fundId ?? null,
    fund?.name ?? null,
    lineId,
    line,
    ...figureNames.map((name) => figures[name]),
  ];
  return [
    ...r.funds.flatMap((f) => [
      row('fund', f, f.fundId, 'Whole fund', f.figures),
      ...f.streams.map((s) => row('stream', f, s.streamId, s.name, s.figures)),
      row('unfenced', f, null, 'Not ring-fenced', f.unfenced),
      ...f.contributors.map((c) => row('contributor', f, c.organisationId, c.name, c.figures)),
    ]),
    ...r.themes.map((t) => row('theme', null, t.themeId, t.name, t.figures)),
    row('total', null, null, 'Total', r.total),
  ];
}
