import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { cases } from './cases.ts';
import { fundStreams, funds } from './funds.ts';
import { programmes } from './programmes.ts';
import { users } from './users.ts';

/**
 * What a ledger row records:
 * - `commit`: money promised to an award; `release`: commitment given back (its `cause` says why);
 * - `payment`: money paid to the provider against its commitment; `repayment`: money the provider
 *   returned (clawback), which comes with a `release` of the same amount;
 * - `reported`: spend the provider reported in a return. A memorandum: no money moves.
 */
export const ledgerMovements = ['commit', 'release', 'payment', 'repayment', 'reported'] as const;
export type LedgerMovement = (typeof ledgerMovements)[number];
/**
 * Why commitment was released: a decision (a reduction, a termination, a lapse), a reported
 * underspend, money returned, a cancelled payment, or re-phasing: the award's money moved to another
 * financial year's fund (a commitment there of the same amount goes with it; the award holds as much).
 */
export const releaseCauses = ['decision', 'underspend', 'clawback', 'cancelled', 'rephased'] as const;
export type ReleaseCause = (typeof releaseCauses)[number];

/**
 * Every movement of money against a fund. Rows are never updated or deleted (a trigger refuses it);
 * a fund's position is the sum of its rows. A mistake is corrected by a reversal (a row that names
 * the one it undoes, with the same movement and the amount negated) and a new entry, so sums by
 * movement stay right and the original stays on record.
 */
export const fundLedger = pgTable(
  'fund_ledger',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    fundId: uuid('fund_id')
      .notNull()
      .references(() => funds.id),
    streamId: uuid('stream_id').references(() => fundStreams.id),
    caseId: uuid('case_id').references(() => cases.id),
    caseVersion: integer('case_version'),
    /**
     * The case's programme, copied onto the row so reports group money by programme and theme
     * without joining every row to its case. A trigger fills it in from the case and refuses a
     * row that names a different one (migrations/0008).
     */
    programmeId: uuid('programme_id').references(() => programmes.id),
    /** The payment a `payment` or `repayment` (or a cancelled payment's release) belongs to. */
    paymentCaseId: uuid('payment_case_id').references(() => cases.id),
    movement: text('movement', { enum: ledgerMovements }).notNull(),
    /** For releases, why; 'decision' for every other movement. */
    cause: text('cause', { enum: releaseCauses }).notNull().default('decision'),
    /** Positive, except on a reversal, which carries the negated amount of the row it undoes. */
    amountPence: bigint('amount_pence', { mode: 'bigint' }).notNull(),
    /**
     * The day the money counts from in the accounts: for a payment the day it was paid, for a
     * repayment the day the money was received; for every other row the London day it was recorded.
     * Reports place money in quarters and years by this day, not by when someone typed it in.
     */
    effectiveOn: date('effective_on').notNull(),
    /** The finance system's reference, for payments and repayments. */
    reference: text('reference'),
    /** On a reversal: the row it undoes (which it may be only once). */
    reversesId: bigint('reverses_id', { mode: 'number' }).references((): AnyPgColumn => fundLedger.id),
    note: text('note').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check(
      'fund_ledger_amount_sign',
      sql`(${t.reversesId} is null and ${t.amountPence} > 0) or (${t.reversesId} is not null and ${t.amountPence} < 0)`,
    ),
    uniqueIndex('fund_ledger_reverses_key').on(t.reversesId),
    check(
      'fund_ledger_movement',
      sql`${t.movement} in ('commit','release','payment','repayment','reported')`,
    ),
    check(
      'fund_ledger_cause',
      sql`${t.cause} in ('decision','underspend','clawback','cancelled','rephased')`,
    ),
    // A fund's money grouped as the reports group it (fund, programme, stream, movement, cause),
    // with the amount: an index-only scan in that order sums a year's ledger without sorting it or
    // reading the table. Also serves every other lookup by fund.
    index('fund_ledger_fund_sums_idx').on(
      t.fundId,
      t.programmeId,
      t.streamId,
      t.movement,
      t.cause,
      t.amountPence,
    ),
    // A case's rows; with what the board report's awards made read of each (the award's value, and
    // whether it was first committed before the quarter) riding along, so it reads no table rows.
    index('fund_ledger_case_idx').on(t.caseId, t.movement, t.effectiveOn, t.cause, t.amountPence),
    index('fund_ledger_payment_idx').on(t.paymentCaseId),
    // The board report's "awards made in a quarter" and paid-in-a-period sums.
    index('fund_ledger_movement_effective_idx').on(t.movement, t.effectiveOn),
  ],
);

/** The money a ledger row adds to (or takes from) the commitment it belongs to. */
export const netCommitment = sql<string>`coalesce(sum(case ${fundLedger.movement} when 'commit' then ${fundLedger.amountPence} when 'release' then -${fundLedger.amountPence} else 0 end), 0)`;

/**
 * An award's value as varied, summed over its ledger rows (every year's fund): what it committed, less
 * what decisions gave back (a reduction, a termination) and what moved to another year; an
 * underspend, money returned or a payment cancelled leave the value awarded as it was. The README's
 * money glossary calls it "award value".
 */
export const awardValue = sql<string>`coalesce(sum(${fundLedger.amountPence}) filter (where ${fundLedger.movement} = 'commit'), 0)
  - coalesce(sum(${fundLedger.amountPence}) filter (where ${fundLedger.movement} = 'release' and ${fundLedger.cause} in ('decision', 'rephased')), 0)`;
