// A service period against its programme: it starts within the dates the programme funds services
// for, and lasts no longer than the programme allows. (Periods across financial years are money's
// to weigh; this holds them to what the programme was set up to fund.)
import { addDays, dayInWords } from '../../machines/calendar.ts';
import type { FieldProblem, ServicePeriod } from '../../machines/define.ts';
import { addMonths } from './payment-schedule.ts';

export interface ServiceWindow {
  serviceStartsOn: string | null;
  serviceEndsOn: string | null;
  maxServiceMonths: number | null;
}

/** The last day a period starting on `startsOn` may run to, at most `months` long. */
export const longestEnd = (startsOn: string, months: number) => addDays(addMonths(startsOn, months), -1);

/** When a programme's services may start: "between 1 April 2027 and 31 March 2028", or "any time". */
export function startsInWords({ serviceStartsOn: from, serviceEndsOn: to }: ServiceWindow): string {
  if (from && to) return `between ${dayInWords(from)} and ${dayInWords(to)}`;
  if (from) return `on or after ${dayInWords(from)}`;
  if (to) return `on or before ${dayInWords(to)}`;
  return 'any time';
}

export function servicePeriodProblems(window: ServiceWindow, period: ServicePeriod): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { serviceStartsOn: from, serviceEndsOn: to, maxServiceMonths: months } = window;
  if ((from && period.startsOn < from) || (to && period.startsOn > to)) {
    problems.push({
      field: 'startsOn',
      message: `The service must start ${startsInWords(window)}, the dates this programme funds`,
    });
  }
  if (months && period.endsOn > longestEnd(period.startsOn, months)) {
    problems.push({
      field: 'endsOn',
      message: `The service can last at most ${months} months: from ${dayInWords(period.startsOn)}, it must end by ${dayInWords(longestEnd(period.startsOn, months))}`,
    });
  }
  return problems;
}
