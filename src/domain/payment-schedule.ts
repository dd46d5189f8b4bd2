// How an award's money is spread over its payments: pure, so it can be tested on awkward amounts.
// Due dates fall on working days (England and Wales bank holidays); the pence that do not divide
// evenly all land in one stated instalment, so a schedule always sums to exactly what it must pay.
import { addDays, isWorkingDay } from '../../machines/calendar.ts';
import type { PaymentProfile, RemainderPlace } from '../../machines/define.ts';

export interface ScheduleTerms {
  profile: PaymentProfile;
  instalments: number | null;
  startsOn: string;
  endsOn: string;
}

export interface Slot {
  instalment: number;
  dueOn: string;
}

/** Splits `total` pence into `count` parts that differ only in the stated one, which takes the rest. */
export function splitPence(total: bigint, count: number, remainderIn: RemainderPlace): bigint[] {
  if (count < 1) throw new RangeError('A schedule needs at least one instalment');
  if (total < 0n) throw new RangeError('A schedule cannot pay a negative amount');
  const each = total / BigInt(count);
  const parts = Array.from({ length: count }, () => each);
  parts[remainderIn === 'first' ? 0 : count - 1]! += total - each * BigInt(count);
  return parts;
}

/** The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** The first working day on or after `date`: money is not paid on a weekend or bank holiday. */
export function workingDayOnOrAfter(date: string): string {
  let day = date;
  while (!isWorkingDay(day)) day = addDays(day, 1);
  return day;
}

/** The periods of the award, each as [first day, last day]. */
function periods(terms: ScheduleTerms): Array<[string, string]> {
  const { startsOn, endsOn } = terms;
  if (terms.profile === 'oneOff') return [[startsOn, endsOn]];
  if (terms.profile === 'instalments') {
    const count = terms.instalments ?? 1;
    const days = daysBetween(startsOn, endsOn) + 1;
    return Array.from({ length: count }, (_, i) => {
      const first = addDays(startsOn, Math.floor((days * i) / count));
      const last = addDays(startsOn, Math.floor((days * (i + 1)) / count) - 1);
      return [first, last < first ? first : last];
    });
  }
  const quarters: Array<[string, string]> = [];
  for (let first = startsOn, k = 1; first <= endsOn; k += 1) {
    const next = addMonths(startsOn, 3 * k);
    const last = addDays(next, -1);
    quarters.push([first, last > endsOn ? endsOn : last]);
    first = next;
  }
  return quarters;
}

/** The award's instalments and when each falls due. */
export function scheduleSlots(terms: ScheduleTerms): Slot[] {
  const inArrears = terms.profile === 'quarterlyInArrears';
  return periods(terms).map(([first, last], i) => ({
    instalment: i + 1,
    // In advance: at the start of the period. In arrears: the first working day after it ends.
    dueOn: workingDayOnOrAfter(inArrears ? addDays(last, 1) : first),
  }));
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface PaymentOnSchedule {
  instalment: number;
  amountPence: bigint;
  dueOn: string;
  /** Paid (or paid and returned): fixed, whatever the new terms say. */
  settled: boolean;
}

export interface Reprofile {
  /** What each unpaid instalment should now be; instalments not listed are dropped. */
  unpaid: Array<{ instalment: number; dueOn: string; amountPence: bigint }>;
}

/**
 * The unpaid part of a schedule under (new) terms: `unpaidPence` spread over the instalments no
 * payment has settled. When every instalment is settled and money is still owed (an increase after
 * the last payment), one more instalment is added, due on `today` or the last due date if later.
 */
export function reprofile(
  terms: ScheduleTerms & { remainderIn: RemainderPlace },
  settledInstalments: ReadonlySet<number>,
  unpaidPence: bigint,
  today: string,
): Reprofile {
  if (unpaidPence === 0n) return { unpaid: [] };
  let open = scheduleSlots(terms).filter((slot) => !settledInstalments.has(slot.instalment));
  if (!open.length) {
    const instalment = Math.max(0, ...settledInstalments) + 1;
    open = [{ instalment, dueOn: workingDayOnOrAfter(today > terms.endsOn ? today : terms.endsOn) }];
  }
  const amounts = splitPence(unpaidPence, open.length, terms.remainderIn);
  return { unpaid: open.map((slot, i) => ({ ...slot, amountPence: amounts[i]! })) };
}
