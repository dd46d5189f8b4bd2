// Writing an award's money for its payments and returns: one ledger row in a given fund, the award a
// payment or return is about, the fund a year's payment is paid from, and the balancing of the award's
// years after one of its payments changed. Shared by the payment effects (payments.ts).

import { londonDate } from '../../machines/calendar.ts';
import type { PaymentPart } from '../../machines/payment.ts';
import type { Tx } from '../db/client.ts';
import { type CaseRow, lockCase } from '../db/queries/cases.ts';
import { insertLedgerRow, netCommittedByCase, netCommittedByFund } from '../db/queries/funds.ts';
import type { LedgerMovement, ReleaseCause } from '../db/schema/index.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { integrity, ProblemError } from '../engine/errors.ts';
import { type Balancing, balanceYears, fundingForYear } from './award-years.ts';
import { fundingOf } from './programmes.ts';

export interface Movement {
  award: CaseRow;
  /** The fund and stream the row is in. */
  funding: { fundId: string; streamId: string | null };
  movement: LedgerMovement;
  amountPence: bigint;
  cause?: ReleaseCause;
  paymentCaseId?: string;
  /** The case and version whose transition wrote the row. */
  by: CaseRow;
  actor: Actor;
  at: Date;
  /** The day the money moved (paid, received); the London day of `at` when absent. */
  effectiveOn?: string;
  /** The finance system's reference for money paid or received. */
  reference?: string | null;
}

/** One ledger row of the award's, in the fund and stream given. */
export async function record(tx: Tx, m: Movement): Promise<void> {
  if (m.amountPence <= 0n) return;
  await insertLedgerRow(tx, {
    fundId: m.funding.fundId,
    streamId: m.funding.streamId,
    programmeId: m.award.programmeId,
    caseId: m.award.id,
    caseVersion: m.by.id === m.award.id ? m.by.version : null,
    paymentCaseId: m.paymentCaseId ?? null,
    movement: m.movement,
    cause: m.cause ?? 'decision',
    amountPence: m.amountPence,
    note: `${m.by.machineId} ${m.by.state}`,
    actorId: m.actor.userId,
    at: m.at,
    effectiveOn: m.effectiveOn ?? londonDate(m.at),
    reference: m.reference ?? null,
  });
}

/** The award a case is about (a return, a payment), locked; or the case itself when it is the award. */
export async function awardOf(tx: Tx, caseRow: CaseRow): Promise<CaseRow> {
  if (!caseRow.awardCaseId) return caseRow;
  const award = await lockCase(tx, caseRow.awardCaseId);
  if (!award) throw integrity(`Case ${caseRow.id} names award ${caseRow.awardCaseId}, which does not exist.`);
  return award;
}

/**
 * The fund a payment (or spend reported) of the award for a financial year is in: that year's, where
 * the award holds money in it; otherwise where it holds the most (an award committed before its money
 * was placed by year), or its programme's fund.
 */
export async function fundingOfYear(tx: Tx, award: CaseRow, year: string) {
  const held = (await netCommittedByFund(tx, award.id)).filter((h) => h.net > 0n);
  const programme = await fundingOf(tx, award.programmeId);
  const forYear = await fundingForYear(tx, programme, year).catch((error: unknown) => {
    if (error instanceof ProblemError) return null;
    throw error;
  });
  if (forYear && held.some((h) => h.fundId === forYear.fund.id && h.streamId === forYear.streamId))
    return { fundId: forYear.fund.id, streamId: forYear.streamId };
  const most = held.sort((a, b) => (b.net > a.net ? 1 : b.net < a.net ? -1 : 0))[0];
  return most ?? { fundId: programme.fundId, streamId: programme.streamId };
}

/**
 * Balancing the award that a payment or a return is about, for what that case just did: the award's
 * own definition (another machine's), the case as the cause, and the payment the rows belong to.
 */
export function aboutAward(
  engine: Engine,
  award: CaseRow,
  on: { caseRow: CaseRow; actor: Actor; at: Date },
  cause: ReleaseCause,
  paymentCaseId?: string,
): Balancing {
  const definition = engine.registry.get(award.machineId, award.machineVersion);
  if (!definition)
    throw integrity(`No machine ${award.machineId} v${award.machineVersion} for case ${award.id}.`);
  return { award, definition, by: on.caseRow, actor: on.actor, at: on.at, cause, paymentCaseId };
}

/** Places the award's money by year as its payments now stand (one cancelled, moved or returned). */
export const rebalance = async (tx: Tx, balancing: Balancing) =>
  balanceYears(tx, balancing, await netCommittedByCase(tx, balancing.award.id));

export interface PaymentContext {
  amountPence: number;
  dueOn: string;
  paid: { paidOn: string; reference: string } | null;
  parts: PaymentPart[];
  returned: { amountPence: number; receivedOn: string; reference: string } | null;
  corrections?: Array<{ paidOn: string; reference: string; reason: string }>;
}
export const paymentContext = (row: CaseRow) => (row.snapshot as { context: PaymentContext }).context;
