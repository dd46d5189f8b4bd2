// The spread of a panel's scores: what moderators weigh, and what a moderated score is held against.

const round2 = (n: number) => Math.round(n * 100) / 100;

/** min, max, mean (2 dp) and range (max − min) of some numbers; nulls when there are none. */
export function spreadOf(values: readonly number[]) {
  if (!values.length) return { count: 0, min: null, max: null, mean: null, range: null };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return { count: values.length, min, max, mean: round2(mean), range: round2(max - min) };
}
