// When an award's monitoring returns fall: pure, so the awkward cases (a part quarter at either end,
// an agreement signed after some periods have ended) are tested on their own. Periods step with the
// financial year (quarters start 1 April, 1 July, 1 October, 1 January) and are cut to the agreement,
// so every day of it is reported once, the last one included, and none beyond its end.
import { addDays } from '../../machines/calendar.ts';
import { financialYearDates, financialYearOf } from './financial-year.ts';
import { addMonths } from './payment-schedule.ts';

export interface ReturnTerms {
  /** The agreement's first and last days. */
  startsOn: string;
  endsOn: string;
  /** How long a period is: 3 (quarterly), 6 or 12 months. */
  everyMonths: number;
  /** How many days after its period ends a return is due. */
  dueDays: number;
}

export interface ReturnPeriod {
  periodStart: string;
  periodEnd: string;
  dueOn: string;
}

/**
 * The returns an agreement needs, oldest first. A return whose period has already ended by `today`
 * (the agreement signed late, or backdated) falls due at once: by the end of `today`.
 */
export function returnPeriods(terms: ReturnTerms, today: string): ReturnPeriod[] {
  const { startsOn, endsOn, everyMonths, dueDays } = terms;
  if (endsOn < startsOn) return [];
  const periods: ReturnPeriod[] = [];
  let boundary = financialYearDates(financialYearOf(startsOn)).startsOn;
  while (boundary <= endsOn) {
    const next = addMonths(boundary, everyMonths);
    const first = boundary < startsOn ? startsOn : boundary;
    const last = addDays(next, -1) > endsOn ? endsOn : addDays(next, -1);
    if (last >= first) {
      periods.push({
        periodStart: first,
        periodEnd: last,
        dueOn: last < today ? today : addDays(last, dueDays),
      });
    }
    boundary = next;
  }
  return periods;
}
