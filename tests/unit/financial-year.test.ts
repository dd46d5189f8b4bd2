// Financial years and an award's value spread across them by the days of its period.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../machines/calendar.ts';
import { financialYearDates, financialYearOf, spreadByDays } from '../../src/domain/financial-year.ts';

describe('financial years', () => {
  it.each([
    ['2026-04-01', '2026-27'],
    ['2027-03-31', '2026-27'],
    ['2027-04-01', '2027-28'],
    ['2099-12-31', '2099-00'],
    ['2100-01-01', '2099-00'],
  ])('%s is in %s', (date, year) => {
    expect(financialYearOf(date)).toBe(year);
  });

  it('runs from 1 April to 31 March', () => {
    expect(financialYearDates('2027-28')).toEqual({ startsOn: '2027-04-01', endsOn: '2028-03-31' });
  });
});

describe('spreading an award over the years of its period', () => {
  it('puts a period within one year all in that year', () => {
    expect([...spreadByDays(1_000_000n, '2027-04-01', '2028-03-31')]).toEqual([['2027-28', 1_000_000n]]);
  });

  it('splits two whole years evenly, and a leap year takes its extra day', () => {
    // 2027-28 has 366 days (29 February 2028), 2028-29 has 365.
    expect([...spreadByDays(7_310_000n, '2027-04-01', '2029-03-31')]).toEqual([
      ['2027-28', 3_660_000n],
      ['2028-29', 3_650_000n],
    ]);
  });

  it('splits by days across a part year: May 2027 to April 2030', () => {
    const parts = spreadByDays(240_000_000n, '2027-05-01', '2030-04-30');
    expect([...parts.keys()]).toEqual(['2027-28', '2028-29', '2029-30', '2030-31']);
    // 336 + 365 + 365 + 30 = 1,096 days.
    // The odd penny goes to 2027-28, whose share has the largest fraction (.335 of a penny).
    expect([...parts.values()]).toEqual([73_576_643n, 79_927_007n, 79_927_007n, 6_569_343n]);
    expect([...parts.values()].reduce((a, b) => a + b)).toBe(240_000_000n);
  });

  it('gives the odd pence to the largest remainders, the earliest year first on a tie', () => {
    // Two equal halves of a penny each: the earlier year takes it.
    expect([...spreadByDays(1n, '2027-03-31', '2027-04-01')]).toEqual([
      ['2026-27', 1n],
      ['2027-28', 0n],
    ]);
  });

  it('always adds up exactly, each part within a penny of its share of the days', () => {
    const day = fc.integer({ min: 0, max: 4000 }).map((n) => addDays('2026-01-01', n));
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        day,
        fc.integer({ min: 0, max: 2000 }),
        (amount, start, length) => {
          const end = addDays(start, length);
          const parts = spreadByDays(amount, start, end);
          expect([...parts.values()].reduce((a, b) => a + b, 0n)).toBe(amount);
          expect(financialYearOf(start)).toBe([...parts.keys()][0]);
          expect(financialYearOf(end)).toBe([...parts.keys()].at(-1));
        },
      ),
    );
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => spreadByDays(1n, '2027-04-02', '2027-04-01')).toThrow(RangeError);
  });
});
