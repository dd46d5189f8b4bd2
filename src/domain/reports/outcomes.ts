// Outcomes by Police and Crime Plan theme and outcome, as the quarterly performance pack shows them:
// for each outcome a programme serves, the figures its returns (and reports) gave for each of its
// measures. Counts are added up, exactly; a percentage is averaged weighted by the count it names
// (cope-and-recover by victims supported: a service of 100 victims counts 100 times one of 1), or
// plainly where it names none. A programme serving no Plan outcome is shown under its theme. The
// adding up is PostgreSQL's (outcomeSums); this puts the sums in order and words them.
import type { MeasureSpec } from '../../../machines/define.ts';
import type { OutcomeSum } from '../../db/queries/outcome-sums.ts';
import { UNASSIGNED } from './theme-budget.ts';

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

/** Tenths of a percentage as text: 825n → "82.5". */
const tenthsText = (tenths: bigint) => `${tenths / 10n}.${tenths % 10n}`;
/** a / b rounded half up, for non-negative whole numbers. */
const divided = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);

/**
 * The report's outcome lines from the sums PostgreSQL added up (db/queries/outcome-sums.ts),
 * in the Plan's order: by theme, then outcome (those naming none last), then the measure's place in
 * the list its returns were asked, then its id.
 */
export function outcomeLines(
  sums: readonly OutcomeSum[],
  plan: {
    themes: readonly { id: string; name: string }[];
    outcomes: readonly { id: string; themeId: string; title: string }[];
  },
): OutcomeLine[] {
  const themeAt = (id: string) => {
    const i = plan.themes.findIndex((t) => t.id === id);
    return i < 0 ? plan.themes.length : i;
  };
  const outcomeAt = (id: string | null) => {
    const i = id === null ? -1 : plan.outcomes.findIndex((o) => o.id === id);
    return i < 0 ? plan.outcomes.length : i;
  };
  const lines = sums.map((s) => {
    const themeId = s.themeId ?? UNASSIGNED;
    const m = s.measure as Partial<MeasureSpec> | null;
    const outcome = s.outcomeId ? plan.outcomes.find((o) => o.id === s.outcomeId)?.title : NO_OUTCOME;
    // Every part the measure is broken into, 0 where none was given, then any other part named.
    const parts = new Map<string, bigint>((m?.breakdowns ?? []).map((p) => [p, 0n]));
    for (const [part, value] of s.parts) parts.set(part, (parts.get(part) ?? 0n) + value);
    const unit = m?.unit as MeasureSpec['unit'];
    const line: OutcomeLine = {
      themeId,
      outcomeId: s.outcomeId,
      outcome: outcome ?? NO_OUTCOME,
      theme: plan.themes.find((t) => t.id === themeId)?.name ?? 'Unassigned',
      measureId: s.measureId,
      measure: m?.name as string,
      unit,
      weightedBy: s.weightedBy,
      reports: s.reports,
      value:
        unit === 'count' ? s.total.toString() : s.weight > 0n ? tenthsText(divided(s.total, s.weight)) : null,
      parts: [...parts].map(([part, value]) => ({ part, value: value.toString() })),
    };
    return { line, order: [themeAt(themeId), outcomeAt(s.outcomeId), s.position] as const };
  });
  return lines
    .sort((a, b) => {
      for (let i = 0; i < 3; i++) if (a.order[i] !== b.order[i]) return a.order[i]! - b.order[i]!;
      return a.line.measureId.localeCompare(b.line.measureId);
    })
    .map((l) => l.line);
}
