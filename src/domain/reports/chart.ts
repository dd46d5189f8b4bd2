// A bar chart drawn on the server as inline SVG: no script, no library. Each group (a Plan theme) has
// its name above a bar per series, and every bar says in words what it is and how much, so the chart
// reads at a glance and without colour. Colours are GOV.UK palette primaries, each at least 3:1
// against white (blue 5.2:1, green 5.4:1); text is GOV.UK black.
import { escapeMarkup } from '../../markup.ts';
import { poundsText } from './figures.ts';

export interface ChartSeries {
  name: string;
  colour: string;
}
export interface ChartGroup {
  name: string;
  /** One value (pence) per series, in the series' order. */
  values: readonly bigint[];
}

export const GOVUK_BLUE = '#1d70b8';
export const GOVUK_GREEN = '#0f7a52';
const TEXT = '#0b0c0c';

const WIDTH = 880;
const BAR_SPACE = 560;
const BAR_HEIGHT = 20;
const GAP = 4;
const LABEL_HEIGHT = 20;
const GROUP_GAP = 18;

/** The words a screen reader hears for the whole chart: every bar's name and value. */
export function chartSummary(title: string, series: readonly ChartSeries[], groups: readonly ChartGroup[]) {
  const parts = groups.map(
    (g) =>
      `${g.name}: ${series.map((s, i) => `${s.name.toLowerCase()} ${poundsText(g.values[i] ?? 0n)}`).join(', ')}`,
  );
  return `${title}. ${parts.join('; ')}.`;
}

/** An SVG bar chart, one group per line, bars scaled to the largest value. */
export function barChart(options: {
  title: string;
  series: readonly ChartSeries[];
  groups: readonly ChartGroup[];
}): string {
  const { title, series, groups } = options;
  const largest = groups.flatMap((g) => g.values).reduce((a, v) => (v > a ? v : a), 0n);
  const widthOf = (value: bigint) => {
    if (value <= 0n || largest === 0n) return 0;
    return Math.max(1, Number((value * BigInt(BAR_SPACE)) / largest));
  };
  const groupHeight = LABEL_HEIGHT + series.length * (BAR_HEIGHT + GAP) + GROUP_GAP;
  const height = Math.max(groupHeight * groups.length, groupHeight);
  const body = groups.map((group, g) => {
    const top = g * groupHeight;
    const bars = series.map((s, i) => {
      const value = group.values[i] ?? 0n;
      const y = top + LABEL_HEIGHT + GAP + i * (BAR_HEIGHT + GAP);
      const w = widthOf(value);
      return (
        `<rect x="0" y="${y}" width="${w}" height="${BAR_HEIGHT}" fill="${s.colour}"/>` +
        `<text x="${w + 8}" y="${y + BAR_HEIGHT - 5}" font-size="16" fill="${TEXT}">` +
        `${escapeMarkup(`${s.name} ${poundsText(value)}`)}</text>`
      );
    });
    return (
      `<g><text x="0" y="${top + LABEL_HEIGHT - 4}" font-size="19" font-weight="bold" fill="${TEXT}">` +
      `${escapeMarkup(group.name)}</text>${bars.join('')}</g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" ` +
    `font-family="GDS Transport, arial, sans-serif" role="img" focusable="false" aria-label="${escapeMarkup(chartSummary(title, series, groups))}">` +
    `<title>${escapeMarkup(title)}</title>${body.join('')}</svg>`
  );
}

/** The board report's chart: per theme, its budget and what has been paid to date. */
export function budgetAndPaidChart(
  title: string,
  lines: readonly { name: string; budget: bigint; paidToDate: bigint }[],
): string {
  return barChart({
    title,
    series: [
      { name: 'Budget', colour: GOVUK_BLUE },
      { name: 'Paid to date', colour: GOVUK_GREEN },
    ],
    groups: lines.map((l) => ({ name: l.name, values: [l.budget, l.paidToDate] })),
  });
}
