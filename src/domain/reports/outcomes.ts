// Outcomes by Police and Crime Plan theme and outcome, as the quarterly performance pack shows them:
// for each outcome a programme serves, the figures its returns (and reports) gave for each of its
// measures. Counts are added up, exactly (bigint); a percentage is averaged weighted by the count it
// names (cope-and-recover by victims supported: a service of 100 victims counts 100 times one of 1),
// or plainly where it names none. A programme serving no Plan outcome is shown under its theme.
import type { MeasureSpec } from '../../../machines/define.ts';
import type { Figures } from '../../../machines/measures.ts';
import { UNASSIGNED } from './theme-budget.ts';

/** Figures one case reported, with the theme and outcomes of its programme. */
export interface ReportedFigures {
  measures: readonly MeasureSpec[];
  figures: Figures;
  themeId: string | null;
  outcomeIds: readonly string[];
}

export interface OutcomeLine {
  themeId: string;
  theme: string;
  /** The Plan outcome, or null for programmes that name none. */
  outcomeId: string | null;
  outcome: string;
  measureId: string;
  measure: string;
  unit: MeasureSpec['unit'];
  /** For a percentage: the name of the count it is weighted by, or null for a plain mean. */
  weightedBy: string | null;
  /** How many returns or reports gave a figure for it. */
  reports: number;
  /** A count's total (digits), or a percentage to one decimal place; null when there is no weight. */
  value: string | null;
  /** A count's parts, added up, in the measure's order. */
  parts: { part: string; value: string }[];
}

/** No outcome: the line's heading for programmes that serve none of the Plan's outcomes. */
export const NO_OUTCOME = 'Not linked to a Plan outcome';

interface Sum {
  line: Omit<OutcomeLine, 'value' | 'parts' | 'reports'>;
  order: [number, number, number, string];
  reports: number;
  total: bigint;
  weight: bigint;
  parts: Map<string, bigint>;
}

/** Tenths of a percentage as text: 825n → "82.5". */
const tenthsText = (tenths: bigint) => `${tenths / 10n}.${tenths % 10n}`;
/** a / b rounded half up, for non-negative whole numbers. */
const divided = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);

export function outcomeLines(
  reported: readonly ReportedFigures[],
  plan: {
    themes: readonly { id: string; name: string }[];
    outcomes: readonly { id: string; themeId: string; title: string }[];
  },
): OutcomeLine[] {
  const themeAt = (id: string) => {
    const i = plan.themes.findIndex((t) => t.id === id);
    return i < 0 ? plan.themes.length : i;
  };
  const sums = new Map<string, Sum>();
  for (const report of reported) {
    const outcomes = report.outcomeIds
      .map((id) => plan.outcomes.find((o) => o.id === id))
      .filter((o) => o !== undefined);
    // Under each outcome its programme serves, in that outcome's theme; else under the programme's theme.
    const places = outcomes.length
      ? outcomes.map((o) => ({ themeId: o.themeId, outcomeId: o.id as string | null, outcome: o.title }))
      : [{ themeId: report.themeId ?? UNASSIGNED, outcomeId: null, outcome: NO_OUTCOME }];
    report.measures.forEach((m, position) => {
      const figure = report.figures[m.id];
      if (!figure || typeof figure.value !== 'number') return;
      const weight = m.weightedBy ? report.figures[m.weightedBy]?.value : 1;
      for (const place of places) {
        const key = `${place.themeId}|${place.outcomeId ?? ''}|${m.id}`;
        let sum = sums.get(key);
        if (!sum) {
          const theme = plan.themes.find((t) => t.id === place.themeId)?.name ?? 'Unassigned';
          const outcomeAt = place.outcomeId
            ? plan.outcomes.findIndex((o) => o.id === place.outcomeId)
            : plan.outcomes.length;
          sum = {
            line: {
              ...place,
              theme,
              measureId: m.id,
              measure: m.name,
              unit: m.unit,
              weightedBy: report.measures.find((w) => w.id === m.weightedBy)?.name ?? null,
            },
            order: [themeAt(place.themeId), outcomeAt, position, m.id],
            reports: 0,
            total: 0n,
            weight: 0n,
            parts: new Map(m.breakdowns.map((p) => [p, 0n])),
          };
          sums.set(key, sum);
        }
        sum.reports += 1;
        if (m.unit === 'count') {
          sum.total += BigInt(figure.value);
          for (const [part, n] of Object.entries(figure.breakdown ?? {}))
            sum.parts.set(part, (sum.parts.get(part) ?? 0n) + BigInt(n));
        } else if (typeof weight === 'number' && Number.isSafeInteger(weight) && weight >= 0) {
          // In tenths of a percent, times the weight: exact whatever the counts.
          sum.total += BigInt(Math.round(figure.value * 10)) * BigInt(weight);
          sum.weight += BigInt(weight);
        }
      }
    });
  }
  const compare = (a: Sum, b: Sum) => {
    for (let i = 0; i < 3; i++) if (a.order[i] !== b.order[i]) return Number(a.order[i]) - Number(b.order[i]);
    return a.order[3].localeCompare(b.order[3]);
  };
  return [...sums.values()].sort(compare).map((s) => ({
    ...s.line,
    reports: s.reports,
    value:
      s.line.unit === 'count'
        ? s.total.toString()
        : s.weight > 0n
          ? tenthsText(divided(s.total, s.weight))
          : null,
    parts: [...s.parts].map(([part, value]) => ({ part, value: value.toString() })),
  }));
}
