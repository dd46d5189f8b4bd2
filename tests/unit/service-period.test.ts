import { describe, expect, it } from 'vitest';
import { longestEnd, servicePeriodProblems } from '../../src/domain/service-period.ts';

const open = { serviceStartsOn: null, serviceEndsOn: null, maxServiceMonths: null };

describe('a service period against its programme', () => {
  it('runs to the day before the same date the months on, or the month-end where there is none', () => {
    expect(longestEnd('2027-04-01', 36)).toBe('2030-03-31');
    expect(longestEnd('2027-01-31', 1)).toBe('2027-02-27');
    expect(longestEnd('2027-11-15', 3)).toBe('2028-02-14');
  });

  it('holds the start within the dates set, whichever are set, and the length to the longest', () => {
    const period = { startsOn: '2027-04-01', endsOn: '2028-03-31' };
    expect(servicePeriodProblems(open, period)).toEqual([]);
    expect(servicePeriodProblems({ ...open, serviceStartsOn: '2027-04-02' }, period)).toEqual([
      {
        field: 'startsOn',
        message: 'The service must start on or after 2 April 2027, the dates this programme funds',
      },
    ]);
    expect(servicePeriodProblems({ ...open, serviceEndsOn: '2027-03-31' }, period)).toEqual([
      {
        field: 'startsOn',
        message: 'The service must start on or before 31 March 2027, the dates this programme funds',
      },
    ]);
    expect(servicePeriodProblems({ ...open, maxServiceMonths: 12 }, period)).toEqual([]);
    expect(servicePeriodProblems({ ...open, maxServiceMonths: 11 }, period)).toEqual([
      {
        field: 'endsOn',
        message: 'The service can last at most 11 months: from 1 April 2027, it must end by 29 February 2028',
      },
    ]);
  });
});
