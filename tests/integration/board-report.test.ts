// The quarterly board report: spend against budget by Police and Crime Plan theme as at the end of a
// financial quarter, awards made in it (first commitment in the quarter, at the award value as at its end; London dates across BST
// and GMT), monitoring returns due in it (on time, late, not yet in) and the outcomes they report.
// A hand-made quarter with money either side of each boundary, then generated portfolios checked
// against sums worked out here from their rows. Everything is dated in years no other test uses.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeasureSpec, victimsMeasures } from '../../machines/define.ts';
import type { Figures } from '../../machines/measures.ts';
import { youthFundMeasures } from '../../machines/youth-fund.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { apportion } from '../../src/domain/fund-position.ts';
import { NO_OUTCOME } from '../../src/domain/reports/outcomes.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { figuresFor, victimsFigures } from '../helpers/figures.ts';
import { readPence } from '../helpers/pence.ts';
import {
  buildPortfolio,
  insertPortfolio,
  type LedgerRow,
  type Portfolio,
  portfolioArb,
  TEST_MACHINE,
  THEMES,
} from '../helpers/portfolios.ts';
import { signedIn } from '../helpers/web.ts';

let t: TestApp;
let providerOrg: string;
beforeAll(async () => {
  t = await startTestApp();
  providerOrg = (await t.newProvider('Board Trust')).organisationId;
});
afterAll(() => t.close());

/** The board report as JSON, its sums of pence (strings in JSON) read as numbers. */
async function board(quarter: string, email: Parameters<TestApp['as']>[0] = 'finance@demo.test') {
  const res = await t.http.get(`/api/reports/board?quarter=${quarter}`).set(t.as(email));
  if (res.status === 200) res.body = readPence(res.body);
  return res;
}

async function fund(year: string, budget: number, themes: string[]) {
  const [row] = await t.sql`insert into funds (name, source, financial_year, starts_on, ends_on, budget_pence)
    values (${`Board fund ${randomUUID().slice(0, 8)}`}, 'Test', ${year}, ${`${year.slice(0, 4)}-04-01`},
      ${`${Number(year.slice(0, 4)) + 1}-03-31`}, ${budget}) returning id`;
  const programmes: string[] = [];
  for (const theme of themes) {
    const [p] =
      await t.sql`insert into programmes (name, cycle, fund_id, theme_id, delegation_threshold_pence, criteria)
      values ('Board programme', 'youth-fund', ${row!.id}, ${theme}, 0, '[]'::jsonb) returning id`;
    programmes.push(p!.id);
  }
  return { id: row!.id as string, programmes };
}

async function award(programmeId: string | null) {
  const [row] =
    await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id, programme_id, version)
    values (${TEST_MACHINE}, 1, 'live', '{}'::jsonb, ${providerOrg}, ${programmeId}, 1) returning id`;
  return row!.id as string;
}

async function ledger(fundId: string, caseId: string, movement: string, amount: number, at: string) {
  await t.sql`insert into fund_ledger (fund_id, case_id, movement, amount_pence, note, at)
    values (${fundId}, ${caseId}, ${movement}, ${amount}, 'board test', ${at})`;
}

/** What a return gives: the measures it was opened with, and its figures for them. */
type Given = { measures: readonly MeasureSpec[]; figures: Figures };
const victims = (n: number, cope: number): Given => ({
  measures: victimsMeasures,
  figures: victimsFigures(n, cope).measures,
});

/** A monitoring return as the machine keeps it, about an award; on a machine version no list of the app runs. */
async function monitoringReturn(
  dueOn: string,
  state: string,
  given: Given | null,
  submittedLate = false,
  awardId: string | null = null,
  /** Figures given before the latest (a return queried and corrected); the latest is what counts. */
  earlier: Figures[] = [],
) {
  const submission = (figures: Figures | undefined) => ({
    performance: 'Delivered',
    spendPence: 1000,
    underspendPence: 0,
    narrative: null,
    measures: figures,
  });
  const latestReturn = given && submission(given.figures);
  const context = {
    awardCaseId: awardId ?? randomUUID(),
    measures: given?.measures ?? victimsMeasures,
    periodStart: '2170-04-01',
    periodEnd: '2170-06-30',
    dueOn,
    reminderSent: true,
    submittedLate,
    latestReturn,
    submissions: latestReturn ? [...earlier.map(submission), latestReturn] : [],
    queries: [],
    holdsPayments: false,
  };
  await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id, version, award_case_id)
    values ('monitoring-return', 999, ${state},
      ${JSON.stringify({ status: 'active', value: state, context })}::jsonb, ${providerOrg}, 1, ${awardId})`;
}

describe('a hand-made quarter: October to December 2170', () => {
  beforeAll(async () => {
    const f1 = await fund('2170-71', 1_000_000, ['victims', 'offenders']);
    await fund('2170-71', 500_000, ['communities']); // nothing committed: all its budget to communities
    const earlier = await fund('2169-70', 900_000, ['communities']);
    const [a, b, c, d, e] = [
      await award(f1.programmes[0]!),
      await award(f1.programmes[1]!),
      await award(f1.programmes[0]!),
      await award(null),
      await award(earlier.programmes[0]!),
    ];
    // 23:30 UTC on 30 September is 00:30 on 1 October in London (BST): Q3.
    await ledger(f1.id, a, 'commit', 300_000, '2170-09-30T23:30:00Z');
    await ledger(f1.id, a, 'payment', 50_000, '2170-07-10T10:00:00Z');
    await ledger(f1.id, a, 'payment', 100_000, '2170-10-15T10:00:00Z');
    // 22:30 UTC on 30 September is 23:30 on 30 September in London: Q2. A later commitment is no new award.
    await ledger(f1.id, b, 'commit', 200_000, '2170-09-30T22:30:00Z');
    await ledger(f1.id, b, 'commit', 50_000, '2170-11-01T10:00:00Z');
    // 23:30 UTC on 31 December is 23:30 in London (GMT): still Q3. Midnight after is Q4.
    await ledger(f1.id, b, 'payment', 20_000, '2170-12-31T23:30:00Z');
    await ledger(f1.id, b, 'payment', 7_000, '2171-01-01T00:00:00Z');
    await ledger(f1.id, c, 'commit', 40_000, '2170-12-31T23:59:00Z');
    await ledger(f1.id, c, 'release', 40_000, '2171-01-05T10:00:00Z');
    await ledger(f1.id, d, 'commit', 10_000, '2171-01-02T10:00:00Z');
    // A fund of the year before: its award counts as made in the quarter, its money not in the year's spend.
    await ledger(earlier.id, e, 'commit', 25_000, '2170-10-20T10:00:00Z');
    await ledger(earlier.id, e, 'payment', 25_000, '2170-10-21T10:00:00Z');

    // The victims' programme serves two of the Plan's outcomes; the offenders' one names none.
    await t.sql`insert into programme_outcomes (programme_id, outcome_id)
      values (${f1.programmes[0]!}, 'V1'), (${f1.programmes[0]!}, 'V3')`;
    await monitoringReturn('2170-10-01', 'accepted', victims(10, 80), false, a);
    await monitoringReturn('2170-12-31', 'submitted', victims(5, 75.5), true, a);
    await monitoringReturn('2170-11-15', 'late', null, false, a);
    await monitoringReturn('2170-12-20', 'due', null);
    await monitoringReturn('2170-10-10', 'queried', victims(7, 81), false, c);
    await monitoringReturn('2170-09-30', 'accepted', victims(100, 10), false, a);
    const youth = { measures: youthFundMeasures, figures: figuresFor(youthFundMeasures, 12) };
    await monitoringReturn('2170-11-01', 'accepted', youth, false, b);
    await monitoringReturn('2171-01-01', 'late', null);
    // No longer due: waived by an officer, or withdrawn when the award ended before the period.
    await monitoringReturn('2170-11-30', 'waived', null);
    await monitoringReturn('2170-12-01', 'withdrawn', null);
  });

  it('spend against budget by theme, as at the end of the quarter', async () => {
    const res = await board('2170-71-Q3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      quarter: '2170-71-Q3',
      financialYear: '2170-71',
      startsOn: '2170-10-01',
      endsOn: '2170-12-31',
    });
    const line = (budget: number, committed: number, paidInQuarter: number, paidToDate: number) => ({
      budgetPence: budget,
      committedPence: committed,
      paidInQuarterPence: paidInQuarter,
      paidToDatePence: paidToDate,
    });
    // £10,000 split 340:250 between victims and offenders, largest remainder: 576,271p and 423,729p.
    expect(res.body.spend.themes).toEqual([
      { themeId: 'victims', name: 'Victims', ...line(576_271, 340_000, 100_000, 150_000) },
      { themeId: 'offenders', name: 'Offenders', ...line(423_729, 250_000, 20_000, 20_000) },
      { themeId: 'communities', name: 'Communities', ...line(500_000, 0, 0, 0) },
      { themeId: 'transformation', name: 'Transformation', ...line(0, 0, 0, 0) },
    ]);
    expect(res.body.spend.total).toEqual(line(1_500_000, 590_000, 120_000, 170_000));
  });

  it('awards made: first commitment in the quarter, London time, at the award value as at the quarter end', async () => {
    const q3 = (await board('2170-71-Q3')).body.awards;
    expect(q3.total).toEqual({ count: 3, valuePence: 365_000 });
    expect(q3.themes).toEqual([
      { themeId: 'victims', name: 'Victims', count: 2, valuePence: 340_000 },
      { themeId: 'offenders', name: 'Offenders', count: 0, valuePence: 0 },
      { themeId: 'communities', name: 'Communities', count: 1, valuePence: 25_000 },
      { themeId: 'transformation', name: 'Transformation', count: 0, valuePence: 0 },
    ]);
    const q2 = (await board('2170-71-Q2')).body.awards;
    expect(q2.total).toEqual({ count: 1, valuePence: 200_000 });
    const q4 = (await board('2170-71-Q4')).body;
    expect(q4.awards.total).toEqual({ count: 1, valuePence: 10_000 });
    expect(q4.awards.themes.at(-1)).toEqual({
      themeId: 'unassigned',
      name: 'Unassigned',
      count: 1,
      valuePence: 10_000,
    });
    // As at the end of Q4, C's commitment is released and D's is held (no theme).
    expect(q4.spend.total).toMatchObject({ committedPence: 560_000, paidInQuarterPence: 7_000 });
  });

  it('returns due in the quarter: on time, late, not yet in; and the outcomes they report, by Plan theme and outcome', async () => {
    const res = await board('2170-71-Q3');
    expect(res.body.returns).toEqual({ due: 6, onTime: 3, late: 1, notYetIn: 2, overdue: 1 });
    // Victims supported 10 + 5 + 7, each split into its parts (4/3/3, 3/1/1, 3/2/2). Cope-and-recover
    // weighted by victims supported: (80 × 10 + 75.5 × 5 + 81 × 7) / 22 = 79.29…, not the plain mean 78.83…
    const victimsLines = (outcomeId: string, outcome: string) => [
      {
        themeId: 'victims',
        theme: 'Victims',
        outcomeId,
        outcome,
        measureId: 'victimsSupported',
        measure: 'Victims supported',
        unit: 'count',
        weightedBy: null,
        reports: 3,
        value: '22', // a sum: a string in JSON
        parts: [
          { part: 'Domestic abuse', value: '10' },
          { part: 'Sexual violence', value: '6' },
          { part: 'Other crime', value: '6' },
        ],
      },
      {
        themeId: 'victims',
        theme: 'Victims',
        outcomeId,
        outcome,
        measureId: 'copeAndRecover',
        measure: 'Victims who say they are better able to cope and recover',
        unit: 'percent',
        weightedBy: 'Victims supported',
        reports: 3,
        value: '79.3',
        parts: [],
      },
    ];
    // The offenders' programme names no outcome: its own measures, under its theme.
    const offenders = {
      themeId: 'offenders',
      theme: 'Offenders',
      outcomeId: null,
      outcome: NO_OUTCOME,
      reports: 1,
    };
    expect(res.body.outcomes).toEqual({
      returnsWithFigures: 4,
      lines: [
        ...victimsLines('V1', 'Victims are supported to cope and recover'),
        ...victimsLines('V3', 'Vulnerable people are safeguarded from harm and exploitation'),
        {
          ...offenders,
          measureId: 'youngPeopleTakingPart',
          measure: 'Young people taking part',
          unit: 'count',
          weightedBy: null,
          value: '12',
          parts: [
            { part: 'Aged 10 to 13', value: '12' },
            { part: 'Aged 14 to 17', value: '0' },
            { part: 'Aged 18 to 24', value: '0' },
          ],
        },
        {
          ...offenders,
          measureId: 'youngPeopleCompleting',
          measure: 'Young people completing the project',
          unit: 'count',
          weightedBy: null,
          value: '12',
          parts: [],
        },
        {
          ...offenders,
          measureId: 'feelLessLikelyToOffend',
          measure: 'Young people who say they are less likely to get into trouble',
          unit: 'percent',
          weightedBy: 'Young people taking part',
          value: '50.0',
          parts: [],
        },
      ],
    });
    const empty = await board('2170-71-Q1');
    expect(empty.body.returns).toEqual({ due: 0, onTime: 0, late: 0, notYetIn: 0, overdue: 0 });
    expect(empty.body.outcomes).toEqual({ returnsWithFigures: 0, lines: [] });
  });

  it('as CSV: one row per figure', async () => {
    const csv = await t.http.get('/api/reports/board.csv?quarter=2170-71-Q3').set(t.as('officer@demo.test'));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('board-report-2170-71-Q3.csv');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('quarter,section,lineId,line,measure,value');
    expect(lines).toContain('2170-71-Q3,spend,victims,Victims,budgetPence,576271');
    expect(lines).toContain('2170-71-Q3,spend,total,Total,paidToDatePence,170000');
    expect(lines).toContain('2170-71-Q3,awards,total,Total,count,3');
    expect(lines).toContain('2170-71-Q3,returns,total,Monitoring returns due in the quarter,late,1');
    expect(lines).toContain(
      '2170-71-Q3,outcomes,victims/V1,Victims: Victims are supported to cope and recover,copeAndRecoverPercent,79.3',
    );
    expect(lines).toContain(
      '2170-71-Q3,outcomes,victims/V3,Victims: Vulnerable people are safeguarded from harm and exploitation,victimsSupported: Domestic abuse,10',
    );
    expect(lines).toContain(
      `2170-71-Q3,outcomes,offenders/none,Offenders: ${NO_OUTCOME},youngPeopleCompleting,12`,
    );
    const viaFormat = await board('2170-71-Q3&format=csv');
    expect(viaFormat.text).toBe(csv.text);
  });
});

/** A Youth Fund grant's end-of-grant report (its figures are in `report`), under its own programme. */
async function youthFundReport(
  programmeId: string,
  reportDueOn: string,
  state: string,
  figures: Figures | null,
) {
  const context = {
    title: 'Youth club',
    measures: youthFundMeasures,
    reportDueOn,
    report: figures && { summary: 'Ran all year', spentPence: 1000, measures: figures },
  };
  await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id, programme_id, version)
    values ('youth-fund', 999, ${state},
      ${JSON.stringify({ status: 'active', value: state, context })}::jsonb, ${providerOrg}, ${programmeId}, 1)`;
}

describe('the outcomes, pinned: July to September 2160', () => {
  // Two victims' programmes share outcome V1; the second also serves O1, an outcome of another theme;
  // a youth programme serves none; an award has no programme. Returns are corrected, lack figures,
  // lack a weight, weigh nothing, fall either side of the quarter or are no longer due.
  beforeAll(async () => {
    const f = await fund('2160-61', 1_000_000, ['victims', 'victims', 'offenders']);
    const [pV, pV2, pYouth] = f.programmes as [string, string, string];
    await t.sql`insert into programme_outcomes (programme_id, outcome_id)
      values (${pV}, 'V1'), (${pV}, 'V3'), (${pV2}, 'V1'), (${pV2}, 'O1')`;
    const [aV, aV2, aNone] = [await award(pV), await award(pV2), await award(null)];
    const only = (figures: Figures): Given => ({ measures: victimsMeasures, figures });
    await monitoringReturn('2160-07-15', 'accepted', victims(10, 80), false, aV);
    // Queried and corrected: only the latest figures count.
    await monitoringReturn('2160-08-15', 'accepted', victims(12, 90), false, aV, [victims(50, 20).figures]);
    await monitoringReturn('2160-09-30', 'submitted', victims(9, 70.5), true, aV2);
    // No cope-and-recover figure; then a cope-and-recover figure without the count that weights it.
    await monitoringReturn(
      '2160-07-01',
      'accepted',
      only({ victimsSupported: victimsFigures(6, 0).measures.victimsSupported! }),
      false,
      aV2,
    );
    await monitoringReturn('2160-08-01', 'accepted', only({ copeAndRecover: { value: 75 } }), false, aV);
    // Victims supported given without its parts.
    await monitoringReturn(
      '2160-08-25',
      'accepted',
      only({ victimsSupported: { value: 4 }, copeAndRecover: { value: 100 } }),
      false,
      aV,
    );
    // No victims supported: a percentage with nothing to weight it. No programme: unassigned.
    await monitoringReturn('2160-09-01', 'accepted', victims(0, 55), false, aNone);
    // In, but its figures were never given (a return filed before measures were asked).
    await monitoringReturn('2160-08-20', 'queried', { measures: victimsMeasures } as Given, false, aV);
    // A return opened with a measure of its own.
    const referrals: MeasureSpec = {
      id: 'referrals',
      name: 'Referrals received',
      unit: 'count',
      target: null,
      breakdowns: [],
    };
    await monitoringReturn(
      '2160-09-10',
      'accepted',
      {
        measures: [victimsMeasures[0]!, referrals],
        figures: { ...victimsFigures(3, 0).measures, referrals: { value: 7 } },
      },
      false,
      aV2,
    );
    await monitoringReturn('2160-09-20', 'due', null, false, aV);
    await monitoringReturn('2160-07-05', 'late', null, false, aV);
    // Outside the quarter, or no longer due: not counted.
    await monitoringReturn('2160-10-01', 'accepted', victims(1000, 1), false, aV);
    await monitoringReturn('2160-06-30', 'accepted', victims(1000, 1), false, aV);
    await monitoringReturn('2161-08-01', 'accepted', victims(1000, 1), false, aV);
    await monitoringReturn('2160-08-10', 'withdrawn', victims(500, 5), false, aV);
    // Youth Fund end-of-grant reports, due on their own date.
    await youthFundReport(pYouth, '2160-09-15', 'reportSubmitted', figuresFor(youthFundMeasures, 8));
    await youthFundReport(pYouth, '2160-07-31', 'closed', {
      youngPeopleTakingPart: {
        value: 20,
        breakdown: { 'Aged 10 to 13': 5, 'Aged 14 to 17': 10, 'Aged 18 to 24': 5 },
      },
      youngPeopleCompleting: { value: 15 },
      feelLessLikelyToOffend: { value: 62.5 },
    });
    await youthFundReport(pYouth, '2160-08-31', 'reporting', null);
    await youthFundReport(pYouth, '2160-10-01', 'reportSubmitted', figuresFor(youthFundMeasures, 900));
    await youthFundReport(pYouth, '2160-08-01', 'withdrawn', figuresFor(youthFundMeasures, 900));
  });

  it('adds up every return’s latest figures by Plan theme and outcome, weighting each percentage by its count', async () => {
    const res = await board('2160-61-Q2');
    expect(res.status).toBe(200);
    expect(res.body.returns).toEqual({ due: 11, onTime: 8, late: 1, notYetIn: 2, overdue: 1 });
    const line = (
      theme: [string, string],
      outcome: [string | null, string],
      measure: [string, string, 'count' | 'percent', string | null],
      reports: number,
      value: string | null,
      parts: [string, string][] = [],
    ) => ({
      themeId: theme[0],
      theme: theme[1],
      outcomeId: outcome[0],
      outcome: outcome[1],
      measureId: measure[0],
      measure: measure[1],
      unit: measure[2],
      weightedBy: measure[3],
      reports,
      value,
      parts: parts.map(([part, v]) => ({ part, value: v })),
    });
    const VICTIMS: [string, string] = ['victims', 'Victims'];
    const OFFENDERS: [string, string] = ['offenders', 'Offenders'];
    const V1: [string, string] = ['V1', 'Victims are supported to cope and recover'];
    const V3: [string, string] = ['V3', 'Vulnerable people are safeguarded from harm and exploitation'];
    const O1: [string, string] = ['O1', 'Reoffending is reduced'];
    const NONE: [null, string] = [null, NO_OUTCOME];
    const supported: [string, string, 'count', null] = [
      'victimsSupported',
      'Victims supported',
      'count',
      null,
    ];
    const cope: [string, string, 'percent', string] = [
      'copeAndRecover',
      'Victims who say they are better able to cope and recover',
      'percent',
      'Victims supported',
    ];
    const referrals: [string, string, 'count', null] = ['referrals', 'Referrals received', 'count', null];
    const parts = (da: number, sv: number, oc: number): [string, string][] => [
      ['Domestic abuse', String(da)],
      ['Sexual violence', String(sv)],
      ['Other crime', String(oc)],
    ];
    expect(res.body.outcomes).toEqual({
      returnsWithFigures: 9,
      lines: [
        // V1: both victims' programmes. 10 + 12 (not the 50 first given) + 9 + 6 + 4 + 3; the parts
        // leave out the 4 given without them. Cope-and-recover weighted: (80×10 + 90×12 + 70.5×9 +
        // 100×4) / 35 = 83.27…; the 75 with no count to weight it is a report, not a weight.
        line(VICTIMS, V1, supported, 6, '44', parts(14, 13, 13)),
        line(VICTIMS, V1, cope, 5, '83.3'),
        line(VICTIMS, V1, referrals, 1, '7'),
        // V3: the first programme alone. (800 + 1080 + 400) / 26 = 87.69…
        line(VICTIMS, V3, supported, 3, '26', parts(8, 7, 7)),
        line(VICTIMS, V3, cope, 4, '87.7'),
        // O1, an offenders' outcome the second victims' programme serves: under its own theme.
        line(OFFENDERS, O1, supported, 3, '18', parts(6, 6, 6)),
        line(OFFENDERS, O1, cope, 1, '70.5'),
        line(OFFENDERS, O1, referrals, 1, '7'),
        // The youth programme names no outcome. (50×8 + 62.5×20) / 28 = 58.92…
        line(OFFENDERS, NONE, ['youngPeopleTakingPart', 'Young people taking part', 'count', null], 2, '28', [
          ['Aged 10 to 13', '13'],
          ['Aged 14 to 17', '10'],
          ['Aged 18 to 24', '5'],
        ]),
        line(
          OFFENDERS,
          NONE,
          ['youngPeopleCompleting', 'Young people completing the project', 'count', null],
          2,
          '23',
        ),
        line(
          OFFENDERS,
          NONE,
          [
            'feelLessLikelyToOffend',
            'Young people who say they are less likely to get into trouble',
            'percent',
            'Young people taking part',
          ],
          2,
          '58.9',
        ),
        // No programme: unassigned, last. Nobody supported, so nothing weights cope-and-recover.
        line(['unassigned', 'Unassigned'], NONE, supported, 1, '0', parts(0, 0, 0)),
        line(['unassigned', 'Unassigned'], NONE, cope, 1, null),
      ],
    });
  });

  it('counts a return in its own quarter and year only', async () => {
    const next = await board('2160-61-Q3');
    expect(next.body.outcomes.returnsWithFigures).toBe(1);
    expect(next.body.outcomes.lines.map((l: any) => [l.outcomeId, l.measureId, l.reports, l.value])).toEqual([
      ['V1', 'victimsSupported', 1, '1000'],
      ['V1', 'copeAndRecover', 1, '1.0'],
      ['V3', 'victimsSupported', 1, '1000'],
      ['V3', 'copeAndRecover', 1, '1.0'],
      [null, 'youngPeopleTakingPart', 1, '900'],
      [null, 'youngPeopleCompleting', 1, '900'],
      [null, 'feelLessLikelyToOffend', 1, '50.0'],
    ]);
    const yearOn = await board('2161-62-Q2');
    expect(yearOn.body.outcomes.returnsWithFigures).toBe(1);
    expect(yearOn.body.outcomes.lines.map((l: any) => l.value)).toEqual(['1000', '1.0', '1000', '1.0']);
  });

  it('shows them on the page, a percentage with nothing to weight it said so', async () => {
    const finance = await signedIn(t.baseUrl, 'finance@demo.test', DEMO_PASSWORD);
    const page = await finance.get('/finance/board-report?quarter=2160-61-Q2');
    expect(page.status).toBe(200);
    const outcomes = page.text
      .slice(page.text.indexOf('id="outcomes"'))
      .split('Adjustments to closed quarters')[0]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
    for (const text of [
      'Victims Victims are supported to cope and recover Measure Figure Returns Victims supported 44 6 Domestic abuse 14 Sexual violence 13 Other crime 13',
      'Victims who say they are better able to cope and recover 83.3% (average weighted by victims supported) 5 Referrals received 7 1',
      'Offenders Reoffending is reduced',
      `${NO_OUTCOME} Measure Figure Returns Young people taking part 28 2`,
      'Unassigned',
      'Victims who say they are better able to cope and recover No figures to weight 1',
    ])
      expect(outcomes).toContain(text);
  });
});

describe('a measure asked in different words', () => {
  it('is worded as the return opened last asked it, its parts first, then any other part named', async () => {
    const f = await fund('2162-63', 100_000, ['transformation']);
    const a = await award(f.programmes[0]!);
    const asked = (name: string, breakdowns: string[]): MeasureSpec[] => [
      { ...victimsMeasures[0]!, name, breakdowns },
    ];
    await monitoringReturn(
      '2162-05-01',
      'accepted',
      {
        measures: asked('Victims helped', ['Domestic abuse', 'Sexual violence', 'Other crime']),
        figures: victimsFigures(9, 0).measures,
      },
      false,
      a,
    );
    // Opened later, though due earlier: its words are the line's.
    await monitoringReturn(
      '2162-04-15',
      'accepted',
      {
        measures: asked('People supported', ['Domestic abuse', 'Other']),
        figures: { victimsSupported: { value: 5, breakdown: { 'Domestic abuse': 2, Other: 3 } } },
      },
      false,
      a,
    );
    const res = await board('2162-63-Q1');
    expect(res.body.outcomes.lines).toEqual([
      {
        themeId: 'transformation',
        outcomeId: null,
        outcome: NO_OUTCOME,
        theme: 'Transformation',
        measureId: 'victimsSupported',
        measure: 'People supported',
        unit: 'count',
        weightedBy: null,
        reports: 2,
        value: '14',
        parts: [
          { part: 'Domestic abuse', value: '5' },
          { part: 'Other', value: '3' },
          { part: 'Other crime', value: '3' },
          { part: 'Sexual violence', value: '3' },
        ],
      },
    ]);
  });
});

describe('GET /api/reports/board', () => {
  it('refuses a quarter that is not one, naming the parameter', async () => {
    for (const quarter of ['2026-27-Q5', '2026-28-Q1', 'Q3', '2026-27', '1999-00-Q1', '2026-27-q3']) {
      const res = await board(encodeURIComponent(quarter));
      expect(res.status, quarter).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: any) => e.field)).toEqual(['quarter']);
      expect(res.body.errors[0].message).toMatch(/2026-27-Q3/);
    }
    const extra = await t.http.get('/api/reports/board?period=Q3').set(t.as('finance@demo.test'));
    expect(extra.status).toBe(400);
    expect(extra.body.errors.map((e: any) => e.field)).toEqual(['period']);
  });

  it('is for staff only, and without a quarter reports the one we are in', async () => {
    for (const email of ['provider@demo.test', 'panel@demo.test'] as const)
      expect((await board('2026-27-Q3', email)).status).toBe(403);
    for (const email of [
      'finance@demo.test',
      'officer@demo.test',
      'approver@demo.test',
      'admin@demo.test',
    ] as const)
      expect((await board('2026-27-Q3', email)).status).toBe(200);
    const now = await t.http.get('/api/reports/board').set(t.as('finance@demo.test'));
    expect(now.status).toBe(200);
    expect(now.body.quarter).toMatch(/^\d{4}-\d{2}-Q[1-4]$/);
    expect(now.body.startsOn <= new Date().toISOString().slice(0, 10)).toBe(true);
  });
});

/** The quarter's figures worked out from a portfolio's rows (all dated 09:00 UTC, the same London day). */
function expectedBoard(p: Portfolio, q: number) {
  const first = Number(p.financialYear.slice(0, 4));
  const starts = [`${first}-04-01`, `${first}-07-01`, `${first}-10-01`, `${first + 1}-01-01`];
  const ends = [`${first}-06-30`, `${first}-09-30`, `${first}-12-31`, `${first + 1}-03-31`];
  const day = (r: LedgerRow) => r.at.toISOString().slice(0, 10);
  const upTo = (r: LedgerRow) => day(r) <= ends[q - 1]!;
  const inQuarter = (r: LedgerRow) => upTo(r) && day(r) >= starts[q - 1]!;
  const themeOf = (r: LedgerRow) => (r.caseId && p.caseTheme.get(r.caseId)) || 'unassigned';
  const net = (rows: LedgerRow[]) =>
    rows.reduce(
      (a, r) => a + (r.movement === 'commit' ? r.amount : r.movement === 'release' ? -r.amount : 0n),
      0n,
    );
  const sum = (rows: LedgerRow[]) => rows.reduce((a, r) => a + r.amount, 0n);
  const keys = [...THEMES, 'unassigned'];
  const budgets = new Map<string, bigint>();
  for (const fund of p.funds) {
    const rows = p.rows.filter((r) => r.fundId === fund.id && upTo(r));
    const shares = keys.map((k) => {
      const held = net(rows.filter((r) => themeOf(r) === k));
      return held > 0n ? held : 0n;
    });
    const add = (k: string, v: bigint) => budgets.set(k, (budgets.get(k) ?? 0n) + v);
    if (shares.some((s) => s > 0n)) {
      for (const [i, v] of apportion(fund.budget, shares).entries()) add(keys[i]!, v);
    } else {
      const themes = new Set(fund.programmes.map((pr) => pr.themeId));
      add(themes.size === 1 ? [...themes][0]! : 'not-yet-allocated', fund.budget);
    }
  }
  const spend = Object.fromEntries(
    [...keys, 'not-yet-allocated'].map((k) => {
      const rows = p.rows.filter((r) => themeOf(r) === k);
      const payments = rows.filter((r) => r.movement === 'payment');
      return [
        k,
        {
          budgetPence: Number(budgets.get(k) ?? 0n),
          committedPence: Number(net(rows.filter(upTo))),
          paidInQuarterPence: Number(sum(payments.filter(inQuarter))),
          paidToDatePence: Number(sum(payments.filter(upTo))),
        },
      ];
    }),
  );
  // An award is made on the day of its first commitment, at its award value (as varied) as at the
  // quarter's end: commitments less releases by decision or re-phasing (the money glossary).
  const awards: Record<string, { count: number; valuePence: number }> = {};
  for (const kase of p.cases) {
    const commits = p.rows
      .filter((r) => r.caseId === kase.id && r.movement === 'commit')
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    if (!commits[0] || !inQuarter(commits[0])) continue;
    const theme = p.caseTheme.get(kase.id) ?? 'unassigned';
    const line = awards[theme] ?? { count: 0, valuePence: 0 };
    awards[theme] = line;
    line.count += 1;
    const own = p.rows.filter((r) => r.caseId === kase.id && upTo(r));
    const givenBack = own.filter(
      (r) => r.movement === 'release' && ['decision', 'rephased'].includes(r.cause),
    );
    line.valuePence += Number(sum(own.filter((r) => r.movement === 'commit')) - sum(givenBack));
  }
  return { spend, awards };
}

describe('generated portfolios: the board report equals the sums of their rows', () => {
  it('for every quarter of the year', async () => {
    let year = 2180;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(portfolioArb, fc.integer({ min: 1, max: 4 }), async (spec, q) => {
        const first = year++;
        const financialYear = `${first}-${String((first + 1) % 100).padStart(2, '0')}`;
        const p = buildPortfolio(spec, financialYear, []);
        await insertPortfolio(t.sql, p, providerOrg);
        const res = await board(`${financialYear}-Q${q}`);
        expect(res.status).toBe(200);
        const expected = expectedBoard(p, q);
        for (const line of res.body.spend.themes) {
          const { themeId, name: _name, ...figures } = line;
          expect(figures, `${themeId} Q${q}`).toEqual(expected.spend[themeId]);
        }
        const shown = new Set(res.body.spend.themes.map((l: any) => l.themeId));
        for (const [themeId, figures] of Object.entries(expected.spend))
          if (!shown.has(themeId))
            expect(
              Object.values(figures).every((v) => v === 0),
              themeId,
            ).toBe(true);
        const awards = Object.fromEntries(
          res.body.awards.themes
            .filter((l: any) => l.count > 0)
            .map((l: any) => [l.themeId, { count: l.count, valuePence: l.valuePence }]),
        );
        expect(awards).toEqual(expected.awards);
        runs++;
      }),
      { numRuns: 10, endOnFailure: true },
    );
    expect(runs).toBe(10);
  }, 120_000);
});

describe('closing a quarter once its report has been presented', () => {
  const FINANCE = () => t.as('finance@demo.test');
  it('keeps the report as presented; money dated into it later is an adjustment where it is recorded', async () => {
    const f = await fund('2001-02', 800_000, ['victims']);
    const a = await award(f.programmes[0]!);
    await ledger(f.id, a, 'commit', 300_000, '2001-05-10T10:00:00Z');
    await ledger(f.id, a, 'payment', 100_000, '2001-06-10T10:00:00Z');
    const raw = (quarter: string, csv = false) =>
      t.http.get(`/api/reports/board${csv ? '.csv' : ''}?quarter=${quarter}`).set(FINANCE());
    const close = (quarter: unknown, email: Parameters<TestApp['as']>[0] = 'finance@demo.test') =>
      t.http.post('/api/reports/board/close').set(t.as(email)).send({ quarter });
    const presented = (await raw('2001-02-Q1')).body;
    expect(presented).toMatchObject({ closed: null, spend: { total: { paidToDatePence: '100000' } } });
    const presentedCsv = (await raw('2001-02-Q1', true)).text;

    // Only finance closes a quarter, only once it has ended, and only once.
    expect((await close('2001-02-Q1', 'officer@demo.test')).status).toBe(403);
    const early = await close('2170-71-Q3');
    expect([early.status, early.body.title]).toEqual([409, 'The quarter has not ended']);
    const nonsense = await close('2001-Q1');
    expect([nonsense.status, nonsense.body.errors?.[0]?.field]).toEqual([422, 'quarter']);
    const closed = await close('2001-02-Q1');
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);
    expect(closed.body).toMatchObject({ quarter: '2001-02-Q1', closedAt: expect.any(String) });
    const again = await close('2001-02-Q1');
    expect([again.status, again.body.title]).toEqual([409, 'The quarter is already closed']);

    // A payment recorded now with a day in the closed quarter (as a late finance entry would be).
    await t.sql`insert into fund_ledger (fund_id, case_id, movement, amount_pence, note, at, effective_on)
      values (${f.id}, ${a}, 'payment', 50000, 'paid in June, recorded late', now(), '2001-06-20')`;

    // The closed report comes again exactly as presented, as JSON and as CSV, saying who closed it.
    const [finance] = await t.sql`select name from users where email = 'finance@demo.test'`;
    const after = (await raw('2001-02-Q1')).body;
    expect({ ...after, closed: null }).toEqual(presented);
    expect(after.closed).toEqual({ closedAt: closed.body.closedAt, closedBy: finance!.name });
    expect((await raw('2001-02-Q1', true)).text).toBe(presentedCsv);
    // The next quarter's report, still open, counts the payment in its figures to date...
    expect((await raw('2001-02-Q2')).body.spend.total.paidToDatePence).toBe('150000');
    // ...and the report of the quarter it was recorded in shows it as an adjustment to the closed one.
    const recordedIn = (await t.http.get('/api/reports/board').set(FINANCE())).body;
    expect(recordedIn.adjustments.filter((x: { quarter: string }) => x.quarter === '2001-02-Q1')).toEqual([
      {
        quarter: '2001-02-Q1',
        themeId: 'victims',
        name: 'Victims',
        committedPence: '0',
        paidPence: '50000',
        returnedPence: '0',
        entries: 1,
      },
    ]);
    const csv = (await t.http.get('/api/reports/board.csv').set(FINANCE())).text;
    expect(csv).toContain('adjustments,2001-02-Q1 victims,"Victims, dated into 2001-02-Q1",paidPence,50000');
  });
});
