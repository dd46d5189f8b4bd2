// Financial quarters, as a board report names them: "2026-27-Q3". Q1 is April to June, Q2 July to
// September, Q3 October to December and Q4 January to March, each from midnight London time at its
// start to midnight London time after its last day (BST and GMT alike).
import { z } from 'zod';
import { addDays, londonDate, londonInstant } from '../../../machines/calendar.ts';
import { financialYear } from '../../../machines/define.ts';

const QUARTER = /^(\d{4}-\d{2})-Q([1-4])$/;
const example = 'Enter a quarter such as 2026-27-Q3 (Q1 is April to June, Q4 January to March)';

export const quarterParam = z
  .string({ error: example })
  .regex(QUARTER, { error: example })
  .superRefine((text, ctx) => {
    const year = QUARTER.exec(text)?.[1];
    if (year === undefined) return;
    if (financialYear.safeParse(year).success) return;
    const follows = (Number(year.slice(0, 4)) + 1) % 100 === Number(year.slice(5));
    ctx.addIssue({
      code: 'custom',
      message: follows ? example : 'The second year must follow the first, as in 2026-27-Q3',
      input: text,
    });
  });

export interface Quarter {
  /** "2026-27-Q3" */
  id: string;
  financialYear: string;
  number: 1 | 2 | 3 | 4;
  /** First and last London dates of the quarter. */
  startsOn: string;
  endsOn: string;
  /** The first instant of the quarter, and the first instant after it. */
  start: Date;
  end: Date;
  /** "October to December 2026" */
  label: string;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number) => String(n).padStart(2, '0');

/** The quarter a valid id names; throws a RangeError for anything quarterParam refuses. */
export function quarterOf(id: string): Quarter {
  if (!quarterParam.safeParse(id).success) throw new RangeError(`Not a quarter: ${JSON.stringify(id)}`);
  const [, year, n] = QUARTER.exec(id)!;
  const number = Number(n) as Quarter['number'];
  const first = Number(year!.slice(0, 4));
  // April is month 4: Q1 starts in April of the first year, Q4 in January of the second.
  const startMonth = ((number - 1) * 3 + 3) % 12; // 0-based: 3, 6, 9, 0
  const startYear = number === 4 ? first + 1 : first;
  const startsOn = `${startYear}-${pad(startMonth + 1)}-01`;
  const nextMonth = (startMonth + 3) % 12;
  const nextStartsOn = `${nextMonth === 0 ? startYear + 1 : startYear}-${pad(nextMonth + 1)}-01`;
  return {
    id,
    financialYear: year!,
    number,
    startsOn,
    endsOn: addDays(nextStartsOn, -1),
    start: londonInstant(startsOn),
    end: londonInstant(nextStartsOn),
    label: `${MONTHS[startMonth]} to ${MONTHS[(startMonth + 2) % 12]} ${startYear}`,
  };
}

/** The quarter a London date falls in. */
export function quarterOfDate(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const first = month >= 4 ? year : year - 1;
  const number = month >= 4 ? Math.floor((month - 4) / 3) + 1 : 4;
  return `${first}-${pad((first + 1) % 100)}-Q${number}`;
}

/** The quarter an instant falls in, in London. */
export const quarterAt = (instant: Date) => quarterOfDate(londonDate(instant));

/** The four quarters of each financial year, in order. */
export const quartersOf = (years: readonly string[]) =>
  years.flatMap((year) => [1, 2, 3, 4].map((n) => `${year}-Q${n}`));
