// The money effects machines emit. Each runs inside the transition's transaction; commitments lock
// the fund row first, so however many awards are decided at once a fund is never over-committed.
import { londonDate } from '../../machines/calendar.ts';
import { type FundsParams, formatPounds, type OpenRoundParams } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import {
  insertLedgerRow,
  ledgerTotals,
  lockFund,
  netCommittedByCase,
  streamsOf,
} from '../db/queries/funds.ts';
import { roundCaseOf } from '../db/queries/programmes.ts';
import type { EffectHandler } from '../engine/engine.ts';
import { ProblemError } from '../engine/errors.ts';
import { fundingOf, ROUND_MACHINE } from './programmes.ts';

/** Pence held as bigint, as people read it. */
export const pounds = (pence: bigint) => formatPounds(Number(pence));

/** What is left in the fund overall, and in the commitment's bucket (its stream, or the unfenced rest). */
async function remaining(tx: Tx, fund: { id: string; budgetPence: bigint }, streamId: string | null) {
  const [streams, totals] = await Promise.all([streamsOf(tx, fund.id), ledgerTotals(tx, fund.id)]);
  const net = (rows: typeof totals) =>
    rows.reduce((a, t) => a + BigInt(t.committed) - BigInt(t.released), 0n);
  const overall = fund.budgetPence - net(totals);
  const bucketBudget = streamId
    ? (streams.find((s) => s.id === streamId)?.budgetPence ?? 0n)
    : fund.budgetPence - streams.reduce((a, s) => a + s.budgetPence, 0n);
  const bucket = bucketBudget - net(totals.filter((t) => t.streamId === streamId));
  return overall < bucket ? overall : bucket;
}

/**
 * A ring-fenced stream that names its services funds only those: a commitment for another service,
 * or for a case whose machine names none, is refused.
 */
async function requireStreamFunds(tx: Tx, fundId: string, streamId: string | null, service: string | null) {
  if (!streamId) return;
  const stream = (await streamsOf(tx, fundId)).find((s) => s.id === streamId);
  if (!stream?.services.length || (service !== null && stream.services.includes(service))) return;
  throw new ProblemError(
    409,
    'The stream does not fund this service',
    `The “${stream.name}” stream can fund only these services: ${stream.services.join(', ')}. This is ${service ? `for ${service}` : 'for no named service'}, so its money cannot come from that stream: decline it, or fund it from another programme.`,
    { streamId, services: stream.services, service },
  );
}

export const commitFundsEffect: EffectHandler = async (tx, effect, { caseRow, actor, at, definition }) => {
  const amount = BigInt((effect.params as FundsParams).amountPence);
  if (amount <= 0n) return;
  const programme = await fundingOf(tx, caseRow.programmeId);
  const fund = await lockFund(tx, programme.fundId);
  if (!fund)
    throw new ProblemError(409, 'No fund for this case', 'The programme names a fund that does not exist.');
  const context = (caseRow.snapshot as { context?: unknown }).context;
  await requireStreamFunds(tx, fund.id, programme.streamId, definition.serviceOf?.(context) ?? null);
  const left = await remaining(tx, fund, programme.streamId);
  if (amount > left) {
    throw new ProblemError(
      409,
      'Not enough money in the fund',
      `This needs ${pounds(amount)} but ${fund.name} has ${pounds(left)} left${programme.streamId ? ' in its stream' : ''}.`,
      { fundId: fund.id, remainingPence: Number(left), requiredPence: Number(amount) },
    );
  }
  await insertLedgerRow(tx, {
    fundId: fund.id,
    streamId: programme.streamId,
    programmeId: programme.id,
    caseId: caseRow.id,
    caseVersion: caseRow.version,
    movement: 'commit',
    amountPence: amount,
    note: `${caseRow.machineId} ${caseRow.state}`,
    actorId: actor.userId,
    at,
    effectiveOn: londonDate(at),
  });
};

export const releaseFundsEffect: EffectHandler = async (tx, effect, { caseRow, actor, at }) => {
  const amount = BigInt((effect.params as FundsParams).amountPence);
  if (amount <= 0n) return;
  const programme = await fundingOf(tx, caseRow.programmeId);
  await lockFund(tx, programme.fundId);
  const held = await netCommittedByCase(tx, caseRow.id);
  if (amount > held) {
    throw new ProblemError(
      409,
      'Cannot release more than is committed',
      `This case holds ${pounds(held)} of commitment; it cannot release ${pounds(amount)}.`,
    );
  }
  await insertLedgerRow(tx, {
    fundId: programme.fundId,
    streamId: programme.streamId,
    programmeId: programme.id,
    caseId: caseRow.id,
    caseVersion: caseRow.version,
    movement: 'release',
    amountPence: amount,
    note: `${caseRow.machineId} ${caseRow.state}`,
    actorId: actor.userId,
    at,
    effectiveOn: londonDate(at),
  });
};

export const requireOpenRoundEffect: EffectHandler = async (tx, effect, { caseRow, at }) => {
  const programme = await fundingOf(tx, caseRow.programmeId);
  const round = await roundCaseOf(tx, programme.id, ROUND_MACHINE, true);
  // An applicant an officer gave a later deadline may still bid once the round has closed, until
  // then, as long as assessment has not moved on to decisions.
  const own = (effect.params as Partial<OpenRoundParams> | undefined)?.ownDeadline ?? null;
  const ownOpen =
    own !== null && at < new Date(own) && (round?.state === 'closed' || round?.state === 'assessment');
  if (round?.state !== 'open' && !ownOpen) {
    throw new ProblemError(
      409,
      'The call for bids is not open',
      `${programme.name} is not taking bids now.`,
      {
        roundState: round?.state ?? null,
      },
    );
  }
};
