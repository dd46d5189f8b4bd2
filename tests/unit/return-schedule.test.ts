// When an award's monitoring returns fall (src/domain/return-schedule.ts).
import { describe, expect, it } from 'vitest';
import { returnPeriods } from '../../src/domain/return-schedule.ts';

const quarterly = { everyMonths: 3, dueDays: 30 };
const rows = (terms: Parameters<typeof returnPeriods>[0], today: string) =>
  returnPeriods(terms, today).map((p) => [p.periodStart, p.periodEnd, p.dueOn]);

describe('monitoring return periods', () => {
  it('are the quarters of a financial-year agreement, each due 30 days after it ends', () => {
    const terms = { ...quarterly, startsOn: '2027-04-01', endsOn: '2028-03-31' };
    expect(rows(terms, '2026-12-06')).toEqual([
      ['2027-04-01', '2027-06-30', '2027-07-30'],
      ['2027-07-01', '2027-09-30', '2027-10-30'],
      ['2027-10-01', '2027-12-31', '2028-01-30'],
      ['2028-01-01', '2028-03-31', '2028-04-30'],
    ]);
  });

  it('cut the first and last quarters to an agreement that starts and ends mid-quarter, the last included', () => {
    // The SARC contract: May 2027 to April 2030.
    const periods = returnPeriods(
      { ...quarterly, startsOn: '2027-05-01', endsOn: '2030-04-30' },
      '2026-12-06',
    );
    expect(periods).toHaveLength(13);
    expect(periods[0]).toEqual({ periodStart: '2027-05-01', periodEnd: '2027-06-30', dueOn: '2027-07-30' });
    expect(periods.at(-1)).toEqual({
      periodStart: '2030-04-01',
      periodEnd: '2030-04-30',
      dueOn: '2030-05-30',
    });
    // Every day of the agreement is in exactly one period, none beyond it.
    for (let i = 1; i < periods.length; i += 1) {
      const next = new Date(`${periods[i - 1]!.periodEnd}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      expect(periods[i]!.periodStart).toBe(next.toISOString().slice(0, 10));
    }
  });

  it('fall due at once where the period has ended by the day the agreement is signed', () => {
    // A crime and disorder grant for 2026-27 whose conditions are accepted on 6 December 2026.
    const terms = { ...quarterly, startsOn: '2026-04-01', endsOn: '2027-03-31' };
    expect(rows(terms, '2026-12-06')).toEqual([
      ['2026-04-01', '2026-06-30', '2026-12-06'],
      ['2026-07-01', '2026-09-30', '2026-12-06'],
      ['2026-10-01', '2026-12-31', '2027-01-30'],
      ['2027-01-01', '2027-03-31', '2027-04-30'],
    ]);
  });

  it('follow the programme: half-yearly or yearly, and due when it says', () => {
    const terms = { startsOn: '2027-04-01', endsOn: '2029-03-31', dueDays: 60 };
    expect(rows({ ...terms, everyMonths: 6 }, '2026-12-06')).toEqual([
      ['2027-04-01', '2027-09-30', '2027-11-29'],
      ['2027-10-01', '2028-03-31', '2028-05-30'],
      ['2028-04-01', '2028-09-30', '2028-11-29'],
      ['2028-10-01', '2029-03-31', '2029-05-30'],
    ]);
    expect(rows({ ...terms, everyMonths: 12 }, '2026-12-06')).toEqual([
      ['2027-04-01', '2028-03-31', '2028-05-30'],
      ['2028-04-01', '2029-03-31', '2029-05-30'],
    ]);
  });

  it('is one day for a one-day agreement, and none for one that ends before it starts', () => {
    expect(rows({ ...quarterly, startsOn: '2027-01-01', endsOn: '2027-01-01' }, '2026-12-06')).toEqual([
      ['2027-01-01', '2027-01-01', '2027-01-31'],
    ]);
    expect(rows({ ...quarterly, startsOn: '2027-01-02', endsOn: '2027-01-01' }, '2026-12-06')).toEqual([]);
  });
});
