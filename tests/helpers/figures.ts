// Figures a return or report gives against its measures, for tests: the Ministry of Justice's for a
// victims' service, or figures that fit whatever measures a case holds.
import type { MeasureSpec } from '../../machines/define.ts';
import type { Figures } from '../../machines/measures.ts';

/** A victims' service's figures: victims supported, split across its three parts, and cope-and-recover. */
export function victimsFigures(victims: number, copeAndRecover: number): { measures: Figures } {
  const third = Math.floor(victims / 3);
  return {
    measures: {
      victimsSupported: {
        value: victims,
        breakdown: {
          'Domestic abuse': victims - 2 * third,
          'Sexual violence': third,
          'Other crime': third,
        },
      },
      copeAndRecover: { value: copeAndRecover },
    },
  };
}

/** Figures that fit these measures: each count `n` (its parts all in the first), each percentage 50. */
export function figuresFor(measures: readonly MeasureSpec[], n = 3): Figures {
  return Object.fromEntries(
    measures.map((m) => [
      m.id,
      m.unit === 'percent'
        ? { value: 50 }
        : m.breakdowns.length
          ? { value: n, breakdown: Object.fromEntries(m.breakdowns.map((p, i) => [p, i === 0 ? n : 0])) }
          : { value: n },
    ]),
  );
}
