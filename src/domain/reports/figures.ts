// The figures of a reconciliation line, from ledger sums, in integer pence (bigint) throughout.
import { formatPounds } from '../../../machines/define.ts';
import { integrity } from '../../engine/errors.ts';

/** Sums of ledger rows by what they record (pence). */
export interface LedgerSums {
  commit: bigint;
  release: bigint;
  payment: bigint;
  repayment: bigint;
  reported: bigint;
  /** Releases whose cause is an underspend (part of `release`). */
  underspend: bigint;
}

export const noSums = (): LedgerSums => ({
  commit: 0n,
  release: 0n,
  payment: 0n,
  repayment: 0n,
  reported: 0n,
  underspend: 0n,
});

/** One grouped row of the ledger: a movement, its cause, and the sum of its amounts. */
export interface MovementSum {
  movement: string;
  cause: string;
  total: bigint;
}

/** Adds a grouped sum into `sums` (in place) and returns it. */
export function addMovement(sums: LedgerSums, row: MovementSum): LedgerSums {
  switch (row.movement) {
    case 'commit':
      sums.commit += row.total;
      break;
    case 'release':
      sums.release += row.total;
      if (row.cause === 'underspend') sums.underspend += row.total;
      break;
    case 'payment':
      sums.payment += row.total;
      break;
    case 'repayment':
      sums.repayment += row.total;
      break;
    case 'reported':
      sums.reported += row.total;
      break;
    default:
      throw integrity(`The ledger holds a movement this report does not know: ${row.movement}.`);
  }
  return sums;
}

/**
 * What a line of the reconciliation shows. `committed` is the commitment held now (commitments less
 * releases of any cause); `remaining` is what is left to commit.
 */
export interface Figures {
  budget: bigint;
  committed: bigint;
  paid: bigint;
  reportedSpend: bigint;
  underspend: bigint;
  returned: bigint;
  remaining: bigint;
}

export const figureNames = [
  'budget',
  'committed',
  'paid',
  'reportedSpend',
  'underspend',
  'returned',
  'remaining',
] as const satisfies readonly (keyof Figures)[];
export type FigureName = (typeof figureNames)[number];

/** The figures that come from the ledger, as apportioned to contributors (budget and remaining are not). */
export const movementFigures = ['committed', 'paid', 'reportedSpend', 'underspend', 'returned'] as const;

export function figuresOf(budget: bigint, sums: LedgerSums): Figures {
  const committed = sums.commit - sums.release;
  return {
    budget,
    committed,
    paid: sums.payment,
    reportedSpend: sums.reported,
    underspend: sums.underspend,
    returned: sums.repayment,
    remaining: budget - committed,
  };
}

export const zeroFigures = (): Figures => figuresOf(0n, noSums());

export function sumFigures(lines: readonly Figures[]): Figures {
  const total = zeroFigures();
  for (const line of lines) for (const name of figureNames) total[name] += line[name];
  return total;
}

/** The figures that differ between two lines (empty when they agree to the penny). */
export const differences = (a: Figures, b: Figures): FigureName[] =>
  figureNames.filter((name) => a[name] !== b[name]);

/** Figures as the API gives them: `budgetPence`, `committedPence`, … in bigint pence (strings in JSON). */
export function figuresJson(f: Figures) {
  return {
    budgetPence: f.budget,
    committedPence: f.committed,
    paidPence: f.paid,
    reportedSpendPence: f.reportedSpend,
    underspendPence: f.underspend,
    returnedPence: f.returned,
    remainingPence: f.remaining,
  };
}
export type FiguresJson = ReturnType<typeof figuresJson>;

/** Pence as people read money: £1,234.56, and −£12.00 for a negative amount. */
export function poundsText(pence: bigint): string {
  return pence < 0n ? `−${formatPounds(-pence)}` : formatPounds(pence);
}
