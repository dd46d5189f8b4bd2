/**
 * Legal calendar for the grants office: London wall-clock time, England and Wales (and UK-wide)
 * bank holidays, working-day arithmetic and the Procurement Act 2023 standstill period.
 *
 * PURE: no imports, no clock, no I/O. The only environment dependency is the built-in IANA zone data
 * (`Intl.DateTimeFormat` with `timeZone: 'Europe/London'`). Memo caches are referentially transparent.
 *
 * Conventions:
 * - A "date" is a London calendar date 'YYYY-MM-DD'; an "instant" is a `Date` (or an ISO string that
 *   carries `Z` or a `±HH:MM` offset). Dates compare correctly as strings.
 * - Malformed or impossible input throws `RangeError`.
 */

/** Which bank holidays make a day non-working. */
export type HolidayCalendar = 'england-and-wales' | 'uk';
const EW: HolidayCalendar = 'england-and-wales';

/** `date` is the proclaimed holiday; `replaces` is the regular one it moved, if it was moved not added. */
export interface OneOffChange {
  readonly date: string;
  readonly replaces?: string;
  readonly reason: string;
}

/**
 * One-off changes proclaimed by the government (all so far UK-wide). EXTEND THIS TABLE when a new
 * one is announced (GOV.UK "Bank holidays" page); nothing else needs changing.
 */
export const ONE_OFF_CHANGES: readonly OneOffChange[] = [
  { date: '1981-07-29', reason: 'Wedding of the Prince of Wales' },
  { date: '1995-05-08', replaces: '1995-05-01', reason: 'Early May bank holiday moved (VE Day 50)' },
  { date: '1999-12-31', reason: 'Millennium' },
  { date: '2011-04-29', reason: 'Royal Wedding' },
  { date: '2012-06-04', replaces: '2012-05-28', reason: 'Spring bank holiday moved (Diamond Jubilee)' },
  { date: '2012-06-05', reason: 'Diamond Jubilee' },
  { date: '2020-05-08', replaces: '2020-05-04', reason: 'Early May bank holiday moved (VE Day 75)' },
  { date: '2022-06-02', replaces: '2022-05-30', reason: 'Spring bank holiday moved (Platinum Jubilee)' },
  { date: '2022-06-03', reason: 'Platinum Jubilee' },
  { date: '2022-09-19', reason: 'State Funeral of Queen Elizabeth II' },
  { date: '2023-05-08', reason: 'Coronation of King Charles III' },
];

const DAY_MS = 86_400_000;
const DATE_RE = /^([1-9]\d{3})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

// ---- plain calendar-date arithmetic (day numbers since 1970-01-01, no time zone involved) ----

function parseDay(date: string): number | undefined {
  const m = DATE_RE.exec(date);
  if (!m) return undefined;
  const n = ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  return fromDayNumber(n) === date ? n : undefined; // rejects 2026-02-30, 2026-13-01, …
}

function dayNumber(date: string): number {
  const n = parseDay(date);
  if (n === undefined)
    throw new RangeError(`Invalid date ${JSON.stringify(date)}: expected an existing 'YYYY-MM-DD'`);
  return n;
}

function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

function ymd(y: number, month: number, day: number): number {
  return Date.UTC(y, month - 1, day) / DAY_MS;
}

/** Day of week of a day number: 0 = Sunday … 6 = Saturday. */
function dow(n: number): number {
  return (((n + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** True for a well-formed, existing 'YYYY-MM-DD' date. */
export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && parseDay(value) !== undefined;
}

/** Day of week of a date: 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return dow(dayNumber(date));
}

const IN_WORDS = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A date as people write it: '2027-03-31' → '31 March 2027'. */
export function dayInWords(date: string): string {
  if (!isIsoDate(date)) throw new RangeError(`dayInWords: ${JSON.stringify(date)} is not a date`);
  return IN_WORDS.format(new Date(`${date}T00:00:00Z`));
}

/** Calendar-day arithmetic; `n` may be negative. */
export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return fromDayNumber(dayNumber(date) + n);
}

// ---- London wall clock ----

function toInstant(instant: Date | string): number {
  if (typeof instant === 'string' && (!INSTANT_RE.test(instant) || !isIsoDate(instant.slice(0, 10)))) {
    throw new RangeError(`Invalid instant ${JSON.stringify(instant)}: expected ISO 8601 with Z or ±HH:MM`);
  }
  const t = (typeof instant === 'string' ? new Date(instant) : instant).getTime();
  if (Number.isNaN(t)) throw new RangeError(`Invalid instant ${String(instant)}`);
  return t;
}

/** London wall-clock time of instant t, expressed as if it were UTC (ms, whole seconds). */
function londonWall(t: number): number {
  return Math.floor(t / 1000) * 1000 + hourOffset(Math.floor(t / HOUR_MS));
}

const HOUR_MS = 3_600_000;
/** London's offset from UTC through each UTC hour asked about: formatToParts is slow, and hot. */
const offsets = new Map<number, number>();

/**
 * London's offset from UTC (ms) during a UTC hour. It is constant within one: the clocks change on
 * the hour in UTC (01:00 since 1981, 02:00 or 03:00 GMT before), and every offset since 1847 is whole hours.
 */
function hourOffset(hour: number): number {
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const t = hour * HOUR_MS;
    const p: Record<string, number> = {};
    for (const { type, value } of LONDON.formatToParts(new Date(t))) p[type] = Number(value);
    offset =
      Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - t;
    if (offsets.size >= 100_000) offsets.clear(); // bounded: a long-running process asks about many hours
    offsets.set(hour, offset);
  }
  return offset;
}

const offsetAt = (t: number): number => londonWall(t) - t;

/**
 * The instant at which London wall-clock time is `time` ('HH:MM', 24h) on `date`.
 * Autumn overlap (e.g. 01:30 on the last Sunday of October): the FIRST occurrence (BST).
 * Spring gap (01:00–01:59 on the last Sunday of March): the first valid instant after the gap,
 * i.e. 02:00 BST (01:00 UTC).
 */
export function londonInstant(date: string, time = '00:00'): Date {
  const tm = TIME_RE.exec(time);
  if (!tm) throw new RangeError(`Invalid time ${JSON.stringify(time)}: expected 'HH:MM' (00:00–23:59)`);
  const wall = dayNumber(date) * DAY_MS + (Number(tm[1]) * 60 + Number(tm[2])) * 60_000;
  const before = offsetAt(wall - DAY_MS / 2);
  const after = offsetAt(wall + DAY_MS / 2);
  // Earliest candidate first, so an ambiguous wall time resolves to its first occurrence.
  for (const t of [wall - Math.max(before, after), wall - Math.min(before, after)]) {
    if (londonWall(t) === wall) return new Date(t);
  }
  // In a gap: binary-search (by minute) the transition instant in (wall - after, wall - before].
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (offsetAt(mid) === after) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The London calendar date of an instant. */
export function londonDate(instant: Date | string): string {
  return new Date(londonWall(toInstant(instant))).toISOString().slice(0, 10);
}

/** First instant of the next London day: a deadline "by the end of `date`" fires at this instant. */
export function endOfLondonDay(date: string): Date {
  return londonInstant(addDays(date, 1), '00:00');
}

// ---- bank holidays ----

function easterSunday(y: number): number {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const [a, b, c] = [y % 19, Math.floor(y / 100), y % 100];
  const g = Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3);
  const h = (19 * a + b - Math.floor(b / 4) - g + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const n = h + l - 7 * Math.floor((a + 11 * h + 22 * l) / 451) + 114;
  return ymd(y, Math.floor(n / 31), (n % 31) + 1);
}

const firstMonday = (y: number, month: number): number =>
  ymd(y, month, 1) + ((8 - dow(ymd(y, month, 1))) % 7);
const lastMonday = (y: number, month: number): number =>
  ymd(y, month + 1, 0) - ((dow(ymd(y, month + 1, 0)) + 6) % 7);
/** The day itself, or the following Monday if it falls at a weekend. */
const mondayIfWeekend = (d: number): number => (dow(d) === 6 ? d + 2 : dow(d) === 0 ? d + 1 : d);
/**
 * Two consecutive holidays (25/26 Dec; 1/2 Jan in Scotland) with substitutes:
 * Sat+Sun → Mon+Tue; Sun+Mon → Mon+Tue; Fri+Sat → Fri+Mon; otherwise both days.
 */
// Offsets of the two holidays from the first day, indexed by the first day's weekday (Sun … Sat).
// biome-ignore format: keep the table on one line
const PAIR_SHIFT = [[1, 2], [0, 1], [0, 1], [0, 1], [0, 1], [0, 3], [2, 3]] as const;
const holidayPair = (first: number): number[] => (PAIR_SHIFT[dow(first)] ?? [0, 1]).map((s) => first + s);

function regularHolidays(y: number, calendar: HolidayCalendar): number[] {
  const easter = easterSunday(y);
  const days = [
    mondayIfWeekend(ymd(y, 1, 1)),
    easter - 2, // Good Friday
    easter + 1, // Easter Monday
    firstMonday(y, 5),
    lastMonday(y, 5),
    lastMonday(y, 8),
    ...holidayPair(ymd(y, 12, 25)),
  ];
  if (calendar === 'uk') {
    // Scotland: 2 January (paired with New Year), first Monday of August, St Andrew's Day.
    days.push(...holidayPair(ymd(y, 1, 1)), firstMonday(y, 8), mondayIfWeekend(ymd(y, 11, 30)));
    // Northern Ireland: St Patrick's Day, Battle of the Boyne.
    days.push(mondayIfWeekend(ymd(y, 3, 17)), mondayIfWeekend(ymd(y, 7, 12)));
  }
  return days;
}

const cache = new Map<string, ReadonlySet<string>>();

function holidaySet(year: number, calendar: HolidayCalendar): ReadonlySet<string> {
  if (!Number.isInteger(year) || year < 1978 || year > 9999) {
    throw new RangeError(`Bank holiday rules are implemented for years 1978–9999, got ${year}`);
  }
  const key = `${calendar}:${year}`;
  let set = cache.get(key);
  if (!set) {
    const dates = new Set(regularHolidays(year, calendar).map(fromDayNumber));
    for (const change of ONE_OFF_CHANGES) {
      if (!change.date.startsWith(`${year}-`)) continue;
      if (change.replaces) dates.delete(change.replaces);
      dates.add(change.date);
    }
    set = new Set([...dates].sort());
    cache.set(key, set);
  }
  return set;
}

/** England and Wales bank holidays in `year` (GOV.UK list), sorted ascending. */
export function bankHolidays(year: number): string[] {
  return [...holidaySet(year, EW)];
}

/**
 * Days that are a bank holiday in ANY part of the UK (England and Wales ∪ Scotland ∪ Northern Ireland),
 * sorted. This is the Procurement Act 2023 s.123 notion of a non-working weekday.
 */
export function ukBankHolidays(year: number): string[] {
  return [...holidaySet(year, 'uk')];
}

// ---- working days ----

/** Not a Saturday, Sunday or bank holiday (England and Wales by default). */
export function isWorkingDay(date: string, calendar: HolidayCalendar = EW): boolean {
  const w = dayOfWeek(date);
  return w !== 0 && w !== 6 && !holidaySet(Number(date.slice(0, 4)), calendar).has(date);
}

/**
 * The n-th working day strictly AFTER `date` (n ≥ 1), so from a Friday, n = 1 is normally Monday.
 * n = 0 rolls forward: `date` itself if it is a working day, else the next working day.
 */
export function addWorkingDays(date: string, n: number, calendar: HolidayCalendar = EW): string {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`addWorkingDays: n must be an integer ≥ 0, got ${n}`);
  let d = n === 0 ? addDays(date, -1) : date;
  for (let left = Math.max(n, 1); left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d, calendar)) left--;
  }
  return d;
}

/**
 * Working days in the half-open range (from, to]: excludes `from`, includes `to`; negative if to < from.
 * Inverse of addWorkingDays: workingDaysBetween(d, addWorkingDays(d, n)) === n for n ≥ 1.
 */
export function workingDaysBetween(from: string, to: string, calendar: HolidayCalendar = EW): number {
  const [a, b] = [dayNumber(from), dayNumber(to)];
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let count = 0;
  for (let d = lo + 1; d <= hi; d++) if (isWorkingDay(fromDayNumber(d), calendar)) count++;
  return sign * count;
}

/**
 * Last day of the Procurement Act 2023 s.51 mandatory standstill period: "the period of eight working days
 * beginning with the day on which the contract award notice is published". The publication day counts as
 * working day 1 if it is a working day. "Working day" is per s.123: not a Saturday, Sunday or a bank holiday
 * in ANY part of the UK, so Scottish and Northern Irish bank holidays are skipped too (calendar 'uk').
 * The contract may be entered into only after the end of the returned day (see standstillEndsAt).
 */
export function standstillEnd(awardNoticeDate: string, workingDays = 8): string {
  if (!Number.isInteger(workingDays) || workingDays < 1) {
    throw new RangeError(`standstillEnd: workingDays must be an integer ≥ 1, got ${workingDays}`);
  }
  return addWorkingDays(addDays(awardNoticeDate, -1), workingDays, 'uk');
}

/** The instant the standstill period expires (start of the London day after standstillEnd). */
export function standstillEndsAt(awardNoticeDate: string, workingDays = 8): Date {
  return endOfLondonDay(standstillEnd(awardNoticeDate, workingDays));
}
