// Payments: the effects that build an award's schedule, keep it paying exactly what the award holds
// committed, hold it while a return is overdue or queried, and write the ledger rows for money paid,
// returned or no longer to be paid. All of it runs inside the transition that caused it.
import { londonDate } from '../../machines/calendar.ts';
import type { FundsParams, PaymentTerms } from '../../machines/define.ts';
import { monitoringReturn } from '../../machines/monitoring-return.ts';
import { paidSoFar, payment } from '../../machines/payment.ts';
import type { Tx } from '../db/client.ts';
import type { CaseRow } from '../db/queries/cases.ts';
import { insertLedgerRow, netCommittedByCase } from '../db/queries/funds.ts';
import {
  countCasesAboutWithFlag,
  findSchedule,
  lockCasesAbout,
  paidNetByCase,
  saveSchedule,
  standingPaymentRows,
} from '../db/queries/payments.ts';
import { systemActor } from '../engine/actor.ts';
import type { EffectHandler, Engine } from '../engine/engine.ts';
import { integrity, ProblemError } from '../engine/errors.ts';
import { type Balancing, balanceYears, UNPAID_STATES } from './award-years.ts';
import { financialYearOf } from './financial-year.ts';
import { endReturns, scheduleReturns } from './monitoring-returns.ts';
import {
  aboutAward,
  awardOf,
  fundingOfYear,
  type PaymentContext,
  paymentContext,
  rebalance,
  record,
} from './payment-ledger.ts';
import { reprofile } from './payment-schedule.ts';
import { poundsText as pounds } from './reports/figures.ts';

/** The machine each scheduled payment of an award runs on. */
export const PAYMENT_MACHINE = payment.id;
/** The monitoring returns whose `holdsPayments` flag holds their award's payments. */
const RETURN_MACHINE = monitoringReturn.id;
/** An award machine that waits for its money declares this system event; it is sent once all is paid. */
const PAID_EVENT = 'RECORD_PAYMENT';

const OPEN = UNPAID_STATES;
const SETTLED = ['paid', 'returned'];

/**
 * Sets what the award holds to `total`: its unpaid payments are re-profiled to it first, where it
 * has a schedule, and then each financial year's fund holds its part (balanceYears).
 */
export async function settleAward(
  tx: Tx,
  engine: Engine,
  balancing: Balancing,
  total: bigint,
  variedBy: string | null,
): Promise<void> {
  await reprofileAward(tx, engine, balancing.award, balancing.at, variedBy, total);
  await balanceYears(tx, balancing, total);
}

/**
 * Makes the award's unpaid payments add up to `total` (by default what it holds committed) less
 * what has been paid, on its schedule's terms: existing unpaid payments are varied or dropped,
 * missing instalments opened.
 */
export async function reprofileAward(
  tx: Tx,
  engine: Engine,
  award: CaseRow,
  at: Date,
  variedBy: string | null,
  total?: bigint,
): Promise<void> {
  const schedule = await findSchedule(tx, award.id);
  if (!schedule) return;
  const payments = await lockCasesAbout(tx, award.id, PAYMENT_MACHINE);
  const unpaid = (total ?? (await netCommittedByCase(tx, award.id))) - (await paidNetByCase(tx, award.id));
  if (unpaid < 0n) {
    throw new ProblemError(
      409,
      'The award would be less than has been paid',
      `${pounds(-unpaid)} more has been paid than the award would hold. Record the money returned first.`,
    );
  }
  const instalmentOf = (p: CaseRow) => (p.snapshot as { context: { instalment: number } }).context.instalment;
  const settled = new Set(payments.filter((p) => SETTLED.includes(p.state)).map(instalmentOf));
  const plan = reprofile(
    { ...schedule, instalments: schedule.instalments },
    settled,
    unpaid,
    londonDate(at),
  ).unpaid.filter((slot) => slot.amountPence > 0n);
  const open = payments.filter((p) => OPEN.includes(p.state));
  for (const payment of open) {
    const slot = plan.find((s) => s.instalment === instalmentOf(payment));
    const context = paymentContext(payment);
    // A payment paid in part keeps what was paid: its slot is the rest; without one, it ends at what was paid.
    const part = paidSoFar(context);
    const event = slot
      ? { type: 'VARY', amountPence: part + Number(slot.amountPence), dueOn: slot.dueOn, variedBy }
      : part > 0
        ? { type: 'VARY', amountPence: part, dueOn: context.dueOn, variedBy }
        : { type: 'SUPERSEDE' };
    if (slot && context.amountPence === event.amountPence && context.dueOn === slot.dueOn) continue;
    await engine.send(systemActor, payment.id, event, { tx });
  }
  const holding = (await countCasesAboutWithFlag(tx, award.id, RETURN_MACHINE, 'holdsPayments')) > 0;
  for (const slot of plan.filter((s) => !open.some((p) => instalmentOf(p) === s.instalment))) {
    const opened = await engine.create(
      systemActor,
      {
        machine: PAYMENT_MACHINE,
        // A contract's payments go to its supplier; a grant's to the organisation it was awarded to.
        organisationId: schedule.payeeOrganisationId ?? award.organisationId,
        input: {
          awardCaseId: award.id,
          instalment: slot.instalment,
          dueOn: slot.dueOn,
          amountPence: Number(slot.amountPence),
          scheduledBy: schedule.scheduledBy,
        },
      },
      tx,
      { byDomain: true },
    );
    if (holding) await engine.send(systemActor, opened.id, { type: 'HOLD' }, { tx });
  }
}

/**
 * The award's agreement is signed (or its terms changed): build or re-profile its payment schedule,
 * and open the monitoring returns its periods need.
 */
export const schedulePaymentsEffect: EffectHandler = async (
  tx,
  effect,
  { caseRow, actor, at, engine, definition },
) => {
  const terms = effect.params as PaymentTerms;
  const startsOn = terms.startsOn ?? londonDate(at);
  const existing = await findSchedule(tx, caseRow.id);
  await saveSchedule(tx, {
    awardCaseId: caseRow.id,
    profile: terms.profile,
    instalments: terms.profile === 'instalments' ? terms.instalments : null,
    remainderIn: terms.remainderIn,
    startsOn,
    endsOn: terms.endsOn ?? startsOn,
    scheduledBy: actor.userId,
    payeeOrganisationId: terms.payeeOrganisationId ?? null,
    createdAt: at,
    updatedAt: at,
  });
  const balancing = { award: caseRow, definition, by: caseRow, actor, at, cause: 'decision' as const };
  await settleAward(
    tx,
    engine,
    balancing,
    await netCommittedByCase(tx, caseRow.id),
    existing ? actor.userId : null,
  );
  const agreement = {
    startsOn,
    endsOn: terms.endsOn ?? startsOn,
    payeeOrganisationId: terms.payeeOrganisationId ?? null,
  };
  await scheduleReturns(tx, engine, { award: caseRow, definition, at }, agreement);
};

/** Underspend reported and accepted: release it from the award's unpaid part, then re-profile. */
export const recordUnderspendEffect: EffectHandler = async (tx, effect, on) => {
  const reported = BigInt((effect.params as FundsParams).amountPence);
  if (reported <= 0n) return;
  const award = await awardOf(tx, on.caseRow);
  const held = await netCommittedByCase(tx, award.id);
  const unpaid = held - (await paidNetByCase(tx, award.id));
  // Underspend beyond what is still to pay was paid out already: it comes back as a clawback.
  const release = reported < unpaid ? reported : unpaid;
  if (release <= 0n) return;
  await settleAward(tx, on.engine, aboutAward(on.engine, award, on, 'underspend'), held - release, null);
};

/** The award ends: release what is not paid, drop the unpaid payments and the returns after today. */
export const releaseUnpaidEffect: EffectHandler = async (
  tx,
  _effect,
  { caseRow, actor, at, engine, definition },
) => {
  const balancing = { award: caseRow, definition, by: caseRow, actor, at, cause: 'decision' as const };
  await settleAward(tx, engine, balancing, await paidNetByCase(tx, caseRow.id), null);
  await endReturns(tx, engine, caseRow, at);
};

/** Spend reported in a return: a memorandum in the fund of the year it was reported in. */
export const reportSpendEffect: EffectHandler = async (tx, effect, { caseRow, actor, at }) => {
  const award = await awardOf(tx, caseRow);
  const amountPence = BigInt((effect.params as FundsParams).amountPence);
  const funding = await fundingOfYear(tx, award, financialYearOf(londonDate(at)));
  await record(tx, { award, funding, movement: 'reported', amountPence, by: caseRow, actor, at });
};

/** Holds the award's payments not yet paid (a return is overdue or queried). */
export const holdAwardPaymentsEffect: EffectHandler = async (tx, _effect, { caseRow, engine }) => {
  const award = await awardOf(tx, caseRow);
  for (const payment of await lockCasesAbout(tx, award.id, PAYMENT_MACHINE)) {
    if (payment.state === 'scheduled' || payment.state === 'approved')
      await engine.send(systemActor, payment.id, { type: 'HOLD' }, { tx });
  }
};

/** Releases them when no return of the award still holds them. */
export const releaseAwardPaymentsEffect: EffectHandler = async (tx, _effect, { caseRow, engine }) => {
  const award = await awardOf(tx, caseRow);
  if ((await countCasesAboutWithFlag(tx, award.id, RETURN_MACHINE, 'holdsPayments')) > 0) return;
  for (const payment of await lockCasesAbout(tx, award.id, PAYMENT_MACHINE)) {
    if (payment.state === 'held') await engine.send(systemActor, payment.id, { type: 'RELEASE' }, { tx });
  }
};

/**
 * A payment made: the ledger's `payment` row. When it settles the schedule, an award machine that
 * waits for its money (declares the system event RECORD_PAYMENT) is told how much was paid.
 */
export const paymentMadeEffect: EffectHandler = async (tx, _effect, { caseRow, actor, at, engine }) => {
  const award = await awardOf(tx, caseRow);
  const context = paymentContext(caseRow);
  // The amount just paid: the whole payment, or the part recorded now.
  const part = context.parts.at(-1);
  if (!part) throw integrity(`Payment ${caseRow.id} was paid but records no amount paid.`);
  // Paid from the year it fell due in, where its money was committed; dated the day it was paid.
  const funding = await fundingOfYear(tx, award, financialYearOf(context.dueOn));
  await record(tx, {
    award,
    funding,
    movement: 'payment',
    amountPence: BigInt(part.amountPence),
    paymentCaseId: caseRow.id,
    by: caseRow,
    actor,
    at,
    effectiveOn: part.paidOn,
    reference: part.reference,
  });
  await tellAwardOfPayment(tx, engine, award, context);
};

/**
 * An award machine that waits for its money (declares the system event RECORD_PAYMENT) is told what
 * was paid, on what day and with what reference, once none of its payments is still to pay; and told
 * again after a correction, where it still takes the event, so its record is the payment's.
 */
async function tellAwardOfPayment(tx: Tx, engine: Engine, award: CaseRow, context: PaymentContext) {
  const definition = engine.registry.get(award.machineId, award.machineVersion);
  if (!definition?.events[PAID_EVENT]?.sentBy.includes('system')) return;
  const payments = await lockCasesAbout(tx, award.id, PAYMENT_MACHINE);
  if (payments.some((p) => OPEN.includes(p.state))) return;
  const paid = await paidNetByCase(tx, award.id);
  const event = { type: PAID_EVENT, amountPence: Number(paid), ...context.paid };
  const view = await engine.get(systemActor, award.id, tx);
  if (view.nextEvents.some((e) => e.type === PAID_EVENT))
    await engine.send(systemActor, award.id, event, { tx });
}

/**
 * Money the provider gave back: a `repayment` in the fund the payment came from, and the same amount
 * of commitment released there (its year now holds that much less paid).
 */
export const paymentReturnedEffect: EffectHandler = async (tx, _effect, { caseRow, actor, at, engine }) => {
  const award = await awardOf(tx, caseRow);
  const returned = paymentContext(caseRow).returned;
  const amountPence = BigInt(returned?.amountPence ?? 0);
  const [paidFrom] = await standingPaymentRows(tx, caseRow.id);
  if (!paidFrom) throw integrity(`Payment ${caseRow.id} was returned but the ledger has no payment for it.`);
  await record(tx, {
    award,
    funding: paidFrom,
    amountPence,
    paymentCaseId: caseRow.id,
    by: caseRow,
    actor,
    at,
    movement: 'repayment',
    effectiveOn: returned?.receivedOn,
    reference: returned?.reference,
  });
  await rebalance(tx, aboutAward(engine, award, { caseRow, actor, at }, 'clawback', caseRow.id));
};

/**
 * The paid date or reference of the last amount paid was recorded wrongly: its `payment` row is
 * reversed (on its own day, so the period it was placed in loses it) and written again as now
 * recorded, with the reason on both. The original row stays.
 */
export const paymentCorrectedEffect: EffectHandler = async (tx, _effect, { caseRow, actor, at, engine }) => {
  const award = await awardOf(tx, caseRow);
  const context = paymentContext(caseRow);
  const part = context.parts.at(-1);
  const was = context.corrections?.at(-1);
  if (!part || !was)
    throw integrity(`Payment ${caseRow.id} was corrected but records no part or correction.`);
  // The row the corrected part was recorded as: its amount, on its day, with its reference.
  const original = (await standingPaymentRows(tx, caseRow.id))
    .filter(
      (row) =>
        row.amountPence === BigInt(part.amountPence) &&
        row.effectiveOn === was.paidOn &&
        row.reference === was.reference,
    )
    .at(-1);
  if (!original) throw integrity(`Payment ${caseRow.id} has no ledger row for the amount it corrects.`);
  const { id, at: _at, actorId: _actor, caseVersion: _version, note: _note, ...same } = original;
  const note = `Correction: ${was.reason}`;
  await insertLedgerRow(tx, {
    ...same,
    amountPence: -original.amountPence,
    reversesId: id,
    note,
    actorId: actor.userId,
    at,
  });
  await insertLedgerRow(tx, {
    ...same,
    reversesId: null,
    effectiveOn: part.paidOn,
    reference: part.reference,
    note,
    actorId: actor.userId,
    at,
  });
  await tellAwardOfPayment(tx, engine, award, context);
};

/** A payment cancelled: the award will not pay it, so its commitment goes back to its year's fund. */
export const paymentCancelledEffect: EffectHandler = async (tx, _effect, on) => {
  const award = await awardOf(tx, on.caseRow);
  await rebalance(tx, aboutAward(on.engine, award, on, 'cancelled', on.caseRow.id));
};

/** A payment moved to another day: its money moves with it if the day is in another financial year. */
export const paymentRescheduledEffect: EffectHandler = async (tx, _effect, on) => {
  const award = await awardOf(tx, on.caseRow);
  await rebalance(tx, aboutAward(on.engine, award, on, 'decision'));
};

export const paymentEffects: Record<string, EffectHandler> = {
  schedulePayments: schedulePaymentsEffect,
  recordUnderspend: recordUnderspendEffect,
  releaseUnpaid: releaseUnpaidEffect,
  reportSpend: reportSpendEffect,
  holdAwardPayments: holdAwardPaymentsEffect,
  releaseAwardPayments: releaseAwardPaymentsEffect,
  paymentMade: paymentMadeEffect,
  paymentReturned: paymentReturnedEffect,
  paymentCancelled: paymentCancelledEffect,
  paymentCorrected: paymentCorrectedEffect,
  paymentRescheduled: paymentRescheduledEffect,
};
