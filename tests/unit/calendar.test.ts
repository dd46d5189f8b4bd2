import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  bankHolidays,
  dayOfWeek,
  endOfLondonDay,
  isIsoDate,
  isWorkingDay,
  londonDate,
  londonInstant,
  ONE_OFF_CHANGES,
  standstillEnd,
  standstillEndsAt,
  ukBankHolidays,
  workingDaysBetween,
} from '../../machines/calendar.ts';

// Published GOV.UK England-and-Wales lists, written out literally.
const GOV_UK_ENGLAND_AND_WALES: [number, string[]][] = [
  [2020, ['01-01', '04-10', '04-13', '05-08', '05-25', '08-31', '12-25', '12-28']],
  [2021, ['01-01', '04-02', '04-05', '05-03', '05-31', '08-30', '12-27', '12-28']],
  [2022, ['01-03', '04-15', '04-18', '05-02', '06-02', '06-03', '08-29', '09-19', '12-26', '12-27']],
  [2023, ['01-02', '04-07', '04-10', '05-01', '05-08', '05-29', '08-28', '12-25', '12-26']],
  [2024, ['01-01', '03-29', '04-01', '05-06', '05-27', '08-26', '12-25', '12-26']],
  [2025, ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26']],
  [2026, ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28']],
  [2027, ['01-01', '03-26', '03-29', '05-03', '05-31', '08-30', '12-27', '12-28']],
];

describe('bankHolidays (England and Wales)', () => {
  it.each(GOV_UK_ENGLAND_AND_WALES)('%i matches the GOV.UK list', (year, days) => {
    expect(bankHolidays(year)).toEqual(days.map((d) => `${year}-${d}`));
  });

  it.each([
    ['2011-04-29', 2011],
    ['2012-06-05', 2012],
    ['1999-12-31', 1999],
  ])('includes the one-off %s', (date, year) => {
    expect(bankHolidays(year)).toContain(date);
  });

  it('applies moved holidays (2012 spring bank holiday moved to 4 June)', () => {
    expect(bankHolidays(2012)).not.toContain('2012-05-28');
    expect(bankHolidays(2012)).toContain('2012-06-04');
  });

  it('keeps ONE_OFF_CHANGES well formed', () => {
    for (const c of ONE_OFF_CHANGES) {
      expect(isIsoDate(c.date)).toBe(true);
      if (c.replaces) expect(c.replaces.slice(0, 4)).toBe(c.date.slice(0, 4));
    }
  });

  it('returns a fresh array each call (cache cannot be mutated)', () => {
    bankHolidays(2026).push('2026-13-01');
    expect(bankHolidays(2026)).toHaveLength(8);
  });

  it.each([1977, 2026.5, Number.NaN, 10000])('rejects year %s', (year) => {
    expect(() => bankHolidays(year)).toThrow(RangeError);
  });
});

describe('ukBankHolidays (any part of the UK)', () => {
  it.each<[number, string[]]>([
    [
      2025,
      ['01-01', '01-02', '03-17', '04-18', '04-21', '05-05', '05-26', '07-14', '08-04', '08-25', '12-01'],
    ],
    [
      2026,
      ['01-01', '01-02', '03-17', '04-03', '04-06', '05-04', '05-25', '07-13', '08-03', '08-31', '11-30'],
    ],
    [
      2027,
      ['01-01', '01-04', '03-17', '03-26', '03-29', '05-03', '05-31', '07-12', '08-02', '08-30', '11-30'],
    ],
  ])('%i is England and Wales ∪ Scotland ∪ Northern Ireland', (year, beforeDecember) => {
    const expected = [
      ...beforeDecember.map((d) => `${year}-${d}`),
      ...bankHolidays(year).filter((d) => d >= `${year}-12-20`),
    ];
    expect(ukBankHolidays(year)).toEqual(expected);
  });

  it('Scotland pairs 1 and 2 January with substitutes (2022: Sat/Sun → Mon 3, Tue 4)', () => {
    expect(ukBankHolidays(2022).slice(0, 2)).toEqual(['2022-01-03', '2022-01-04']);
  });

  it('is a superset of England and Wales', () => {
    for (let y = 2020; y <= 2030; y++)
      expect(ukBankHolidays(y)).toEqual(expect.arrayContaining(bankHolidays(y)));
  });
});

describe('London time', () => {
  it.each([
    // winter = UTC
    ['2026-01-15', '09:00', '2026-01-15T09:00:00.000Z'],
    ['2026-12-01', '00:00', '2026-12-01T00:00:00.000Z'],
    // summer = UTC+1
    ['2026-07-01', '09:00', '2026-07-01T08:00:00.000Z'],
    ['2026-07-01', '00:00', '2026-06-30T23:00:00.000Z'],
    // spring forward, Sunday 29 March 2026 at 01:00 UTC
    ['2026-03-29', '00:59', '2026-03-29T00:59:00.000Z'],
    ['2026-03-29', '01:00', '2026-03-29T01:00:00.000Z'], // in the gap → 02:00 BST
    ['2026-03-29', '01:30', '2026-03-29T01:00:00.000Z'], // in the gap → 02:00 BST
    ['2026-03-29', '02:00', '2026-03-29T01:00:00.000Z'],
    ['2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'],
    // fall back, Sunday 25 October 2026 at 01:00 UTC: 01:00–01:59 happens twice, take the first (BST)
    ['2026-10-25', '00:30', '2026-10-24T23:30:00.000Z'],
    ['2026-10-25', '01:00', '2026-10-25T00:00:00.000Z'],
    ['2026-10-25', '01:30', '2026-10-25T00:30:00.000Z'],
    ['2026-10-25', '02:00', '2026-10-25T02:00:00.000Z'],
  ])('londonInstant(%s, %s) = %s', (date, time, iso) => {
    expect(londonInstant(date, time).toISOString()).toBe(iso);
  });

  it('defaults to midnight', () => {
    expect(londonInstant('2026-06-15').toISOString()).toBe('2026-06-14T23:00:00.000Z');
  });

  it.each([
    ['2026-06-30T22:59:59.999Z', '2026-06-30'],
    ['2026-06-30T23:00:00.000Z', '2026-07-01'],
    ['2026-12-31T23:59:59Z', '2026-12-31'],
    ['2027-01-01T00:00:00+01:00', '2026-12-31'],
    ['2026-03-29T00:59:00Z', '2026-03-29'],
    ['2026-10-24T23:30:00Z', '2026-10-25'],
    // As many fractional digits as the payloads' isoInstant takes (a fuzzed deadline once gave a 500).
    ['2026-07-31T17:00:00.123456789012Z', '2026-07-31'],
  ])('londonDate(%s) = %s', (iso, date) => {
    expect(londonDate(iso)).toBe(date);
    expect(londonDate(new Date(iso))).toBe(date);
  });

  it.each([
    ['2026-12-01', '2026-12-02T00:00:00.000Z'], // winter
    ['2026-07-31', '2026-07-31T23:00:00.000Z'], // summer
    ['2026-03-28', '2026-03-29T00:00:00.000Z'], // night of spring forward
    ['2026-03-29', '2026-03-29T23:00:00.000Z'], // 23-hour day
    ['2026-10-24', '2026-10-24T23:00:00.000Z'], // night of fall back
    ['2026-10-25', '2026-10-26T00:00:00.000Z'], // 25-hour day
  ])('endOfLondonDay(%s) = %s', (date, iso) => {
    const end = endOfLondonDay(date);
    expect(end.toISOString()).toBe(iso);
    expect(londonDate(new Date(end.getTime() - 1))).toBe(date);
    expect(londonDate(end)).toBe(addDays(date, 1));
  });
});

describe('calendar-day arithmetic', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-28', 2, '2026-03-30'], // across the DST change: still whole days
    ['2026-05-10', 0, '2026-05-10'],
    ['2026-05-10', -365, '2025-05-10'],
  ])('addDays(%s, %i) = %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });

  it('dayOfWeek', () => {
    expect(dayOfWeek('2026-03-29')).toBe(0);
    expect(dayOfWeek('2026-04-03')).toBe(5);
    expect(dayOfWeek('1969-12-31')).toBe(3);
  });
});

describe('working days', () => {
  it.each([
    ['2026-07-01', true], // Wednesday
    ['2026-07-04', false], // Saturday
    ['2026-07-05', false], // Sunday
    ['2026-04-03', false], // Good Friday
    ['2026-12-28', false], // Boxing Day substitute
    ['2026-12-24', true],
    ['2026-01-02', true], // Scottish holiday only
  ])('isWorkingDay(%s) = %s', (date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });

  it.each([
    ['2026-01-02', false],
    ['2026-03-17', false],
    ['2026-07-13', false],
    ['2026-08-03', false],
    ['2026-11-30', false],
    ['2026-07-01', true],
  ])("isWorkingDay(%s, 'uk') = %s", (date, expected) => {
    expect(isWorkingDay(date, 'uk')).toBe(expected);
  });

  it.each([
    ['2026-07-01', 0, '2026-07-01'], // working day: itself
    ['2026-07-04', 0, '2026-07-06'], // Saturday rolls to Monday
    ['2026-04-03', 0, '2026-04-07'], // Good Friday rolls past Easter Monday
    ['2026-07-03', 1, '2026-07-06'], // Friday + 1 = Monday
    ['2026-07-04', 1, '2026-07-06'], // Saturday + 1 = Monday
    ['2026-07-01', 5, '2026-07-08'],
    ['2026-04-02', 1, '2026-04-07'], // Maundy Thursday + 1 skips Easter
    ['2026-05-22', 1, '2026-05-26'], // spring bank holiday
    ['2026-12-24', 1, '2026-12-29'], // Christmas, weekend, Boxing Day substitute
    ['2026-12-24', 3, '2026-12-31'],
    ['2026-12-24', 4, '2027-01-04'], // New Year's Day
    ['2025-12-31', 1, '2026-01-02'],
  ])('addWorkingDays(%s, %i) = %s', (date, n, expected) => {
    expect(addWorkingDays(date, n)).toBe(expected);
  });

  it.each([
    ['2026-07-01', '2026-07-01', 0],
    ['2026-07-03', '2026-07-06', 1],
    ['2026-07-04', '2026-07-05', 0],
    ['2026-12-24', '2027-01-04', 4],
    ['2027-01-04', '2026-12-24', -4],
    ['2026-04-01', '2026-04-30', 19],
  ])('workingDaysBetween(%s, %s) = %i', (from, to, expected) => {
    expect(workingDaysBetween(from, to)).toBe(expected);
  });

  it('workingDaysBetween inverts addWorkingDays', () => {
    for (const n of [1, 2, 5, 8, 20]) {
      for (const start of ['2026-12-18', '2026-04-02', '2026-07-04']) {
        expect(workingDaysBetween(start, addWorkingDays(start, n))).toBe(n);
        expect(workingDaysBetween(start, addWorkingDays(start, n, 'uk'), 'uk')).toBe(n);
      }
    }
  });
});

describe('standstillEnd (Procurement Act 2023 s.51: 8 working days beginning with publication day)', () => {
  it.each([
    // ordinary weeks: publication day is day 1
    ['2026-07-01', '2026-07-10'], // Wed → Fri of next week
    ['2026-07-03', '2026-07-15'], // Fri; Mon 13 Jul (NI Battle of the Boyne substitute) skipped
    ['2026-07-04', '2026-07-16'], // published Saturday: Mon 6 Jul is day 1, 13 Jul skipped
    // Christmas: 18 (1), 21–24 (2–5), 29–31 (6–8); 25, 28 Dec and weekends skipped
    ['2026-12-18', '2026-12-31'],
    // 24 (1), 29–31 (2–4), 1 Jan E&W + 4 Jan Scottish substitute for 2 Jan skipped, 5–8 (5–8)
    ['2026-12-24', '2027-01-08'],
    ['2025-12-18', '2025-12-31'],
    ['2024-12-24', '2025-01-08'], // 24 (1), 27, 30, 31 (2–4), 1–2 Jan skipped, 3, 6, 7, 8 (5–8)
    // Easter 2026: Maundy Thursday 2 Apr (1), Good Friday and Easter Monday skipped, 7–10 (2–5), 13–15 (6–8)
    ['2026-04-02', '2026-04-15'],
    ['2026-04-03', '2026-04-16'], // published on Good Friday: day 1 is Tue 7 Apr
    // St Andrew's Day (Scotland) and St Patrick's Day (NI) are not working days under s.123
    ['2026-11-20', '2026-12-02'],
    ['2026-03-10', '2026-03-20'],
  ])('notice published %s → standstill ends at the end of %s', (notice, end) => {
    expect(standstillEnd(notice)).toBe(end);
    expect(workingDaysBetween(addDays(notice, -1), end, 'uk')).toBe(8);
  });

  it('supports a longer voluntary standstill', () => {
    expect(standstillEnd('2026-07-01', 10)).toBe('2026-07-15');
  });

  it('standstillEndsAt is the start of the next London day', () => {
    expect(standstillEndsAt('2026-04-02').toISOString()).toBe('2026-04-15T23:00:00.000Z');
    expect(standstillEndsAt('2026-12-18').toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('bad input throws RangeError', () => {
  it.each([
    ['2026-02-30'],
    ['2025-02-29'],
    ['2026-13-01'],
    ['2026-00-10'],
    ['2026-1-5'],
    ['26-01-05'],
    ['2026/01/05'],
    [' 2026-01-05'],
    [''],
  ])('date %j', (date) => {
    expect(isIsoDate(date)).toBe(false);
    expect(() => londonInstant(date)).toThrow(RangeError);
    expect(() => addDays(date, 1)).toThrow(RangeError);
    expect(() => isWorkingDay(date)).toThrow(RangeError);
    expect(() => standstillEnd(date)).toThrow(RangeError);
  });

  it.each([['24:00'], ['9:00'], ['09:60'], ['09:00:00'], ['noon'], ['']])('time %j', (time) => {
    expect(() => londonInstant('2026-07-01', time)).toThrow(RangeError);
  });

  it('mentions the offending value', () => {
    expect(() => londonInstant('2026-02-30')).toThrow(/2026-02-30.*expected an existing 'YYYY-MM-DD'/);
    expect(() => londonInstant('2026-02-03', '25:00')).toThrow(/Invalid time "25:00"/);
  });

  it.each([['2026-07-01T09:00:00'], ['2026-07-01'], ['not a date'], ['2026-02-30T00:00:00Z']])(
    'instant string %j',
    (iso) => {
      expect(() => londonDate(iso)).toThrow(RangeError);
    },
  );

  it('invalid Date', () => {
    expect(() => londonDate(new Date(Number.NaN))).toThrow(RangeError);
  });

  it.each([
    () => addDays('2026-07-01', 1.5),
    () => addWorkingDays('2026-07-01', -1),
    () => addWorkingDays('2026-07-01', 0.5),
    () => standstillEnd('2026-07-01', 0),
  ])('bad counts (%#)', (fn) => {
    expect(fn).toThrow(RangeError);
  });
});
