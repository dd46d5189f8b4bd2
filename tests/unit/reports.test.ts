// The finance reports' pure parts: financial quarters in London time, theme budgets, the chart, and
// the reconciliation's arithmetic on grouped sums (no database).
import { describe, expect, it } from 'vitest';
import { barChart, budgetAndPaidChart } from '../../src/domain/reports/chart.ts';
import { poundsText } from '../../src/domain/reports/figures.ts';
import { quarterAt, quarterOf, quarterOfDate, quarterParam } from '../../src/domain/reports/quarter.ts';
import { buildReconciliation, type ReconciliationInput } from '../../src/domain/reports/reconciliation.ts';
import { fundBudgetByTheme, NOT_YET_ALLOCATED, UNASSIGNED } from '../../src/domain/reports/theme-budget.ts';

describe('financial quarters', () => {
  it('run April–June, July–September, October–December and January–March, midnight to midnight in London', () => {
    const iso = (id: string) => {
      const q = quarterOf(id);
      return [q.startsOn, q.endsOn, q.start.toISOString(), q.end.toISOString(), q.label];
    };
    expect(iso('2026-27-Q1')).toEqual([
      '2026-04-01',
      '2026-06-30',
      '2026-03-31T23:00:00.000Z', // BST
      '2026-06-30T23:00:00.000Z',
      'April to June 2026',
    ]);
    expect(iso('2026-27-Q3')).toEqual([
      '2026-10-01',
      '2026-12-31',
      '2026-09-30T23:00:00.000Z',
      '2027-01-01T00:00:00.000Z', // GMT
      'October to December 2026',
    ]);
    expect(iso('2026-27-Q4')).toEqual([
      '2027-01-01',
      '2027-03-31',
      '2027-01-01T00:00:00.000Z',
      '2027-03-31T23:00:00.000Z',
      'January to March 2027',
    ]);
    expect(quarterOf('2099-00-Q4').endsOn).toBe('2100-03-31');
  });

  it('are found from a London date or an instant', () => {
    expect(quarterOfDate('2026-04-01')).toBe('2026-27-Q1');
    expect(quarterOfDate('2026-09-30')).toBe('2026-27-Q2');
    expect(quarterOfDate('2027-03-31')).toBe('2026-27-Q4');
    expect(quarterOfDate('2099-12-31')).toBe('2099-00-Q3');
    expect(quarterAt(new Date('2026-09-30T23:30:00Z'))).toBe('2026-27-Q3'); // 00:30 BST, 1 October
    expect(quarterAt(new Date('2027-03-31T23:30:00Z'))).toBe('2027-28-Q1'); // 00:30 BST, 1 April
    expect(quarterAt(new Date('2026-12-31T23:30:00Z'))).toBe('2026-27-Q3'); // 23:30 GMT
  });

  it('refuse anything else with a message that shows the form', () => {
    const message = (text: unknown) => quarterParam.safeParse(text).error?.issues[0]?.message;
    expect(message('2026-27-Q3')).toBeUndefined();
    expect(message('2026-27-Q5')).toMatch(/such as 2026-27-Q3/);
    expect(message('2026-28-Q1')).toBe('The second year must follow the first, as in 2026-27-Q3');
    expect(message('1999-00-Q1')).toMatch(/such as 2026-27-Q3/);
    expect(message(['2026-27-Q3'])).toMatch(/such as 2026-27-Q3/);
    expect(() => quarterOf('2026-27-Q0')).toThrow(RangeError);
  });
});

describe('theme budgets', () => {
  const order = ['victims', 'offenders', 'communities', 'transformation', UNASSIGNED, NOT_YET_ALLOCATED];
  const budget = (b: bigint, held: Record<string, bigint>, programmeThemes: string[] = []) =>
    Object.fromEntries(
      fundBudgetByTheme(
        { budget: b, committedByTheme: new Map(Object.entries(held)), programmeThemes },
        order,
      ),
    );

  it('follow the money committed, to the penny, largest remainder first', () => {
    expect(budget(100n, { victims: 1n, offenders: 1n, communities: 1n })).toEqual({
      victims: 34n,
      offenders: 33n,
      communities: 33n,
    });
    expect(budget(1_000n, { victims: 3n, [UNASSIGNED]: 1n })).toEqual({ victims: 750n, [UNASSIGNED]: 250n });
    // A line below zero (a ledger fault the checks report) takes no share.
    expect(budget(1_000n, { victims: 5n, offenders: -5n })).toEqual({ victims: 1_000n });
  });

  it('with nothing committed, go to the programmes’ one theme, or wait to be allocated', () => {
    expect(budget(500n, {}, ['offenders', 'offenders'])).toEqual({ offenders: 500n });
    expect(budget(500n, { victims: 0n }, ['offenders', 'victims'])).toEqual({ [NOT_YET_ALLOCATED]: 500n });
    expect(budget(500n, {}, [])).toEqual({ [NOT_YET_ALLOCATED]: 500n });
    expect(budget(0n, {}, [])).toEqual({});
  });
});

describe('the chart', () => {
  it('is one SVG image with a title, a spoken summary and every figure in words', () => {
    const svg = budgetAndPaidChart('Spend <by> theme', [
      { name: 'Victims & "witnesses"', budget: 100_000n, paidToDate: 25_000n },
      { name: 'Offenders', budget: 0n, paidToDate: 0n },
    ]);
    expect(svg.match(/<svg /g)).toHaveLength(1);
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('<title>Spend &lt;by&gt; theme</title>');
    expect(svg).toContain(
      'aria-label="Spend &lt;by&gt; theme. Victims &amp; &quot;witnesses&quot;: budget £1,000.00, paid to date £250.00; Offenders: budget £0.00, paid to date £0.00."',
    );
    expect(svg).toContain('>Victims &amp; &quot;witnesses&quot;</text>');
    expect(svg).toContain('>Budget £1,000.00</text>');
    expect(svg).toContain('>Paid to date £250.00</text>');
    expect(svg).not.toMatch(/<script|style=/);
    // Bars scale to the largest value; nothing is drawn for nothing.
    const widths = [...svg.matchAll(/<rect [^>]*width="(\d+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([560, 140, 0, 0]);
  });

  it('draws a bar for a tiny amount, and copes with no groups', () => {
    const svg = barChart({
      title: 'T',
      series: [{ name: 'A', colour: '#000' }],
      groups: [
        { name: 'big', values: [10_000_000n] },
        { name: 'tiny', values: [1n] },
      ],
    });
    expect([...svg.matchAll(/width="(\d+)" height/g)].map((m) => Number(m[1]))).toEqual([560, 1]);
    expect(barChart({ title: 'Empty', series: [], groups: [] })).toMatch(/^<svg [\s\S]*<\/svg>$/);
  });
});

describe('money as people read it', () => {
  it('is pounds and pence, with a minus sign for less than nothing', () => {
    expect(poundsText(0n)).toBe('£0.00');
    expect(poundsText(123_456_789n)).toBe('£1,234,567.89');
    expect(poundsText(-1_005n)).toBe('−£10.05');
  });

  it('is exact to the penny past 2^53 pence', () => {
    expect(poundsText(9_007_199_254_740_993n)).toBe('£90,071,992,547,409.93');
    expect(poundsText(-123_456_789_012_345_678_901n)).toBe('−£1,234,567,890,123,456,789.01');
  });
});

describe('the reconciliation of grouped sums', () => {
  const fundId = 'f';
  const input = (sums: ReconciliationInput['sums']): ReconciliationInput => ({
    funds: [{ id: fundId, name: 'Joint fund', financialYear: '2026-27', budgetPence: 1_000n }],
    streams: [],
    contributors: [
      { fundId, organisationId: 'a', name: 'A', sharePence: 333n },
      { fundId, organisationId: 'b', name: 'B', sharePence: 667n },
    ],
    sums,
    programmeThemes: [],
    planThemes: [{ id: 'victims', name: 'Victims' }],
  });
  const row = (movement: string, total: bigint, cause = 'decision') => ({
    fundId,
    streamId: null,
    themeId: 'victims',
    movement,
    cause,
    total,
  });

  it('splits even a negative figure across partners so that they add up exactly', () => {
    const r = buildReconciliation(input([row('commit', 10n), row('release', 11n, 'underspend')]));
    expect(r.funds[0]!.figures.committed).toBe(-1n);
    expect(r.funds[0]!.contributors.map((c) => c.figures.committed)).toEqual([0n, -1n]);
    const check = (id: string) => r.checks.find((c) => c.id === id)!;
    expect(check('contributors-make-fund').holds).toBe(true);
    expect(check('never-over-released')).toMatchObject({
      holds: false,
      failures: ['Joint fund: commitment below zero', 'Joint fund, not ring-fenced: commitment below zero'],
    });
  });

  it('refuses a movement it does not know rather than leaving it out', () => {
    expect(() => buildReconciliation(input([row('transfer', 5n)]))).toThrow(
      /movement this report does not know/,
    );
  });
});
