// The money effects machines emit. Each runs inside the transition's transaction; commitments lock
// the funds they use first (in one order), so however many awards are decided at once a fund is never
// over-committed.
import type { FundsParams, OpenRoundParams } from '../../machines/define.ts';
import { netCommittedByCase } from '../db/queries/funds.ts';
import { roundCaseOf } from '../db/queries/programmes.ts';
import type { EffectHandler } from '../engine/engine.ts';
import { ProblemError } from '../engine/errors.ts';
import { settleAward } from './payments.ts';
import { fundingOf, ROUND_MACHINE } from './programmes.ts';
import { poundsText as pounds } from './reports/figures.ts';

/**
 * A decision commits more to the award: its new total is placed year by year (see award-years.ts),
 * its payments re-profiled first where it has a schedule.
 */
export const commitFundsEffect: EffectHandler = async (
  tx,
  effect,
  { caseRow, actor, at, definition, engine },
) => {
  const amount = BigInt((effect.params as FundsParams).amountPence);
  if (amount <= 0n) return;
  const total = (await netCommittedByCase(tx, caseRow.id)) + amount;
  const balancing = { award: caseRow, definition, by: caseRow, actor, at, cause: 'decision' as const };
  await settleAward(tx, engine, balancing, total, actor.userId);
};

/** A decision gives back part of the award's commitment: never more than it holds. */
export const releaseFundsEffect: EffectHandler = async (
  tx,
  effect,
  { caseRow, actor, at, definition, engine },
) => {
  const amount = BigInt((effect.params as FundsParams).amountPence);
  if (amount <= 0n) return;
  const held = await netCommittedByCase(tx, caseRow.id);
  if (amount > held) {
    throw new ProblemError(
      409,
      'Cannot release more than is committed',
      `This case holds ${pounds(held)} of commitment; it cannot release ${pounds(amount)}.`,
    );
  }
  const balancing = { award: caseRow, definition, by: caseRow, actor, at, cause: 'decision' as const };
  await settleAward(tx, engine, balancing, held - amount, actor.userId);
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
