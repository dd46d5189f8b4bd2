import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWorkingDay } from '../../machines/calendar.ts';
import { addMonths, reprofile, scheduleSlots, splitPence } from '../../src/domain/payment-schedule.ts';

const sum = (parts: bigint[]) => parts.reduce((a, b) => a + b, 0n);

describe('splitting an award into instalments', () => {
  it('£10,000.01 over 4 puts the odd penny in the stated instalment', () => {
    expect(splitPence(1_000_001n, 4, 'last')).toEqual([250_000n, 250_000n, 250_000n, 250_001n]);
    expect(splitPence(1_000_001n, 4, 'first')).toEqual([250_001n, 250_000n, 250_000n, 250_000n]);
  });

  it('£1 over 3 is 33p, 33p, 34p (or 34p first)', () => {
    expect(splitPence(100n, 3, 'last')).toEqual([33n, 33n, 34n]);
    expect(splitPence(100n, 3, 'first')).toEqual([34n, 33n, 33n]);
  });

  it('always sums to the total, and only the stated instalment differs', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 53n }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom('first' as const, 'last' as const),
        (total, count, place) => {
          const parts = splitPence(total, count, place);
          expect(parts).toHaveLength(count);
          expect(sum(parts)).toBe(total);
          const others = place === 'first' ? parts.slice(1) : parts.slice(0, -1);
          expect(new Set(others.map(String)).size).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('refuses no instalments and negative totals', () => {
    expect(() => splitPence(100n, 0, 'last')).toThrow(RangeError);
    expect(() => splitPence(-1n, 2, 'last')).toThrow(RangeError);
  });
});

describe('due dates', () => {
  it('quarterly in advance falls at the start of each quarter, moved off weekends and bank holidays', () => {
    const slots = scheduleSlots({
      profile: 'quarterlyInAdvance',
      instalments: null,
      startsOn: '2026-04-01',
      endsOn: '2027-03-31',
    });
    // 1 Jan 2027 is a bank holiday (Friday): paid Monday 4 January.
    expect(slots.map((s) => s.dueOn)).toEqual(['2026-04-01', '2026-07-01', '2026-10-01', '2027-01-04']);
  });

  it('quarterly in arrears falls on the first working day after each quarter ends', () => {
    const slots = scheduleSlots({
      profile: 'quarterlyInArrears',
      instalments: null,
      startsOn: '2026-04-01',
      endsOn: '2027-03-31',
    });
    expect(slots.map((s) => s.dueOn)).toEqual(['2026-07-01', '2026-10-01', '2027-01-04', '2027-04-01']);
  });

  it('a part quarter at the end is its own instalment', () => {
    const slots = scheduleSlots({
      profile: 'quarterlyInAdvance',
      instalments: null,
      startsOn: '2026-04-01',
      endsOn: '2026-08-15',
    });
    expect(slots).toHaveLength(2);
  });

  it('instalments spread evenly over the term; one-off is paid when it starts', () => {
    const four = scheduleSlots({
      profile: 'instalments',
      instalments: 4,
      startsOn: '2026-06-01',
      endsOn: '2027-05-31',
    });
    expect(four.map((s) => s.instalment)).toEqual([1, 2, 3, 4]);
    expect(four[0]!.dueOn).toBe('2026-06-01');
    const once = scheduleSlots({
      profile: 'oneOff',
      instalments: null,
      startsOn: '2026-11-21',
      endsOn: '2026-11-21',
    });
    // Saturday 21 November 2026 → Monday 23rd.
    expect(once).toEqual([{ instalment: 1, dueOn: '2026-11-23' }]);
  });

  it('every due date is a working day, in order', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2190-01-01'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 1500 }),
        fc.constantFrom('quarterlyInAdvance', 'quarterlyInArrears', 'instalments', 'oneOff') as fc.Arbitrary<
          'quarterlyInAdvance' | 'quarterlyInArrears' | 'instalments' | 'oneOff'
        >,
        fc.integer({ min: 1, max: 12 }),
        (start, days, profile, instalments) => {
          const startsOn = start.toISOString().slice(0, 10);
          const endsOn = new Date(start.getTime() + days * 86_400_000).toISOString().slice(0, 10);
          const slots = scheduleSlots({ profile, instalments, startsOn, endsOn });
          expect(slots.length).toBeGreaterThan(0);
          for (const s of slots) expect(isWorkingDay(s.dueOn)).toBe(true);
          const dates = slots.map((s) => s.dueOn);
          expect([...dates].sort()).toEqual(dates);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adds months without running past a short month', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });
});

describe('re-profiling the unpaid part', () => {
  const terms = {
    profile: 'quarterlyInAdvance' as const,
    instalments: null,
    remainderIn: 'last' as const,
    startsOn: '2026-04-01',
    endsOn: '2027-03-31',
  };

  it('spreads what is unpaid over the instalments not yet paid', () => {
    const plan = reprofile(terms, new Set([1, 2]), 20_001n, '2026-10-01');
    expect(plan.unpaid.map((p) => [p.instalment, p.amountPence])).toEqual([
      [3, 10_000n],
      [4, 10_001n],
    ]);
  });

  it('adds one instalment when everything is paid and more is owed', () => {
    const plan = reprofile(terms, new Set([1, 2, 3, 4]), 5_000n, '2027-05-10');
    expect(plan.unpaid).toEqual([{ instalment: 5, dueOn: '2027-05-10', amountPence: 5_000n }]);
  });

  it('nothing unpaid means no payments', () => {
    expect(reprofile(terms, new Set([1]), 0n, '2026-10-01').unpaid).toEqual([]);
  });
});
