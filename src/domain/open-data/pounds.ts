// Published amounts are in pounds; money here is integer pence. The conversion is exact: integer
// division into pounds and pence, never a float multiplication (1000001 pence is 10000.01, not
// 10000.010000000002).

/** 1000001n → "10000.01"; 5n → "0.05"; -150n → "-1.50". */
export function poundsText(pence: bigint): string {
  const sign = pence < 0n ? '-' : '';
  const whole = pence < 0n ? -pence : pence;
  return `${sign}${whole / 100n}.${String(whole % 100n).padStart(2, '0')}`;
}

/** Below this many pence an amount has at most 15 significant digits, which a double keeps exactly. */
const EXACT_LIMIT = 10n ** 15n;

/**
 * Pounds as a JSON number with at most two decimals. Parsing the exact decimal text gives the double
 * nearest to it, which JSON writes back as that same short decimal (10000.01, 12.5, 7): doubles
 * round-trip any decimal of up to 15 significant digits, hence the limit (£10 trillion).
 */
export function poundsNumber(pence: bigint): number {
  if (pence >= EXACT_LIMIT || pence <= -EXACT_LIMIT) {
    throw new RangeError(`${pence} pence is too large to publish as a JSON number exactly`);
  }
  return Number(poundsText(pence));
}
