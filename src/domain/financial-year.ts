// Financial years (1 April to 31 March, named '2026-27') and how an award's value is spread across
// them. Pure: dates are London calendar dates as text, money is bigint pence.

/** The financial year a London date falls in: 2026-11-22 → '2026-27', 2027-03-31 → '2026-27'. */
export function financialYearOf(date: string): string {
  const year = Number(date.slice(0, 4)) - (date.slice(5, 7) < '04' ? 1 : 0);
  return `${year}-${String((year + 1) % 100).padStart(2, '0')}`;
}

/** The financial year `n` years after another: ('2026-27', 2) → '2028-29'. */
export function yearsAhead(financialYear: string, n: number): string {
  return financialYearOf(`${Number(financialYear.slice(0, 4)) + n}-04-01`);
}

/** The first and last days of a financial year: '2026-27' → 2026-04-01 to 2027-03-31. */
export function financialYearDates(financialYear: string): { startsOn: string; endsOn: string } {
  const first = Number(financialYear.slice(0, 4));
  return { startsOn: `${first}-04-01`, endsOn: `${first + 1}-03-31` };
}

const dayNumber = (date: string) =>
  Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / 864e5;
/** Days from `startsOn` to `endsOn`, both counted. */
const daysIn = (startsOn: string, endsOn: string) => dayNumber(endsOn) - dayNumber(startsOn) + 1;

/**
 * An amount spread over the financial years a period touches, in proportion to the days of the
 * period in each; the pence that do not divide go one each to the years with the largest remainders
 * (the earliest first on a tie), so the parts add up exactly. Years in order.
 */
export function spreadByDays(amountPence: bigint, startsOn: string, endsOn: string): Map<string, bigint> {
  if (endsOn < startsOn) throw new RangeError(`spreadByDays: ${endsOn} is before ${startsOn}`);
  const total = BigInt(daysIn(startsOn, endsOn));
  const years: Array<{ year: string; days: bigint }> = [];
  for (let year = financialYearOf(startsOn); ; ) {
    const bounds = financialYearDates(year);
    const from = bounds.startsOn > startsOn ? bounds.startsOn : startsOn;
    const to = bounds.endsOn < endsOn ? bounds.endsOn : endsOn;
    years.push({ year, days: BigInt(daysIn(from, to)) });
    if (bounds.endsOn >= endsOn) break;
    year = yearsAhead(year, 1);
  }
  const parts = years.map((y) => ({
    ...y,
    pence: (amountPence * y.days) / total,
    rest: (amountPence * y.days) % total,
  }));
  let left = amountPence - parts.reduce((sum, p) => sum + p.pence, 0n);
  for (const part of [...parts].sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : 0))) {
    if (left <= 0n) break;
    part.pence += 1n;
    left -= 1n;
  }
  return new Map(parts.map((p) => [p.year, p.pence]));
}
