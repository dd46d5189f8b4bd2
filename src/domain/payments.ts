// Payments: the effects that build an award's schedule, keep it paying exactly what the award holds
// committed, hold it while a return is overdue or queried, and write the ledger rows for money paid,
// returned or no longer to be paid. All of it runs inside the transition that caused it.
import { londonDate } from '../../machines/calendar.ts';
import type { FundsParams, PaymentTerms } from '../../machines/define.ts';
import { monitoringReturn } from '../../machines/monitoring-return.ts';
import { payment } from '../../machines/payment.ts';
import type { Tx } from '../db/client.ts';
import type { CaseRow } from '../db/queries/cases.ts';
import { lockCase } from '../db/queries/cases.ts';
import { insertLedgerRow, netCommittedByCase } from '../db/queries/funds.ts';
import {
  countCasesAboutWithFlag,
  findSchedule,
  lockPaymentsOf,
  paidNetByCase,
  saveSchedule,
  standingPaymentRows,
} from '../db/queries/payments.ts';
import type { LedgerMovement, ReleaseCause } from '../db/schema/index.ts';
import { type Actor, systemActor } from '../engine/actor.ts';
import type { EffectHandler, Engine } from '../engine/engine.ts';
import { integrity, ProblemError } from '../engine/errors.ts';
import { pounds } from './money.ts';
import { reprofile } from './payment-schedule.ts';
import { fundingOf } from './programmes.ts';

/** The machine each scheduled payment of an award runs on. */
export const PAYMENT_MACHINE = payment.id;
/** The monitoring returns whose `holdsPayments` flag holds their award's payments. */
const RETURN_MACHINE = monitoringReturn.id;
/** An award machine that waits for its money declares this system event; it is sent once all is paid. */
const PAID_EVENT = 'RECORD_PAYMENT';

const OPEN = ['scheduled', 'held', 'approved'];
const SETTLED = ['paid', 'returned'];

interface Movement {
  award: CaseRow;
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

/** One ledger row against the award's programme, its fund and stream. */
async function record(tx: Tx, m: Movement): Promise<void> {
  if (m.amountPence <= 0n) return;
  const programme = await fundingOf(tx, m.award.programmeId);
  await insertLedgerRow(tx, {
    fundId: programme.fundId,
    streamId: programme.streamId,
    programmeId: programme.id,
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
async function awardOf(tx: Tx, caseRow: CaseRow): Promise<CaseRow> {
  if (!caseRow.awardCaseId) return caseRow;
  const award = await lockCase(tx, caseRow.awardCaseId);
  if (!award) throw integrity(`Case ${caseRow.id} names award ${caseRow.awardCaseId}, which does not exist.`);
  return award;
}

/**
 * Makes the award's unpaid payments add up to what it holds committed less what has been paid, on
 * its schedule's terms: existing unpaid payments are varied or dropped, missing instalments opened.
 */
export async function reprofileAward(
  tx: Tx,
  engine: Engine,
  award: CaseRow,
  at: Date,
  variedBy: string | null,
): Promise<void> {
  const schedule = await findSchedule(tx, award.id);
  if (!schedule) return;
  const payments = await lockPaymentsOf(tx, award.id, PAYMENT_MACHINE);
  const unpaid = (await netCommittedByCase(tx, award.id)) - (await paidNetByCase(tx, award.id));
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
    const event = slot
      ? { type: 'VARY', amountPence: Number(slot.amountPence), dueOn: slot.dueOn, variedBy }
      : { type: 'SUPERSEDE' };
    const context = (payment.snapshot as { context: { amountPence: number; dueOn: string } }).context;
    if (slot && context.amountPence === Number(slot.amountPence) && context.dueOn === slot.dueOn) continue;
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

/** The award's agreement is signed (or its terms changed): build or re-profile its schedule. */
export const schedulePaymentsEffect: EffectHandler = async (tx, effect, { caseRow, actor, at, engine }) => {
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
  await reprofileAward(tx, engine, caseRow, at, existing ? actor.userId : null);
};

/** Underspend reported and accepted: release it from the award's unpaid part, then re-profile. */
export const recordUnderspendEffect: EffectHandler = async (tx, effect, { caseRow, actor, at, engine }) => {
  const reported = BigInt((effect.params as FundsParams).amountPence);
  if (reported <= 0n) return;
  const award = await awardOf(tx, caseRow);
  const unpaid = (await netCommittedByCase(tx, award.id)) - (await paidNetByCase(tx, award.id));
  // Underspend beyond what is still to pay was paid out already: it comes back as a clawback.
  const release = reported < unpaid ? reported : unpaid;
  await record(tx, {
    award,
    movement: 'release',
    cause: 'underspend',
    amountPence: release,
    by: caseRow,
    actor,
    at,
  });
  await reprofileAward(tx, engine, award, at, null);
};

/** The award ends: release what is not paid, and drop the unpaid payments. */
export const releaseUnpaidEffect: EffectHandler = async (tx, _effect, { caseRow, actor, at, engine }) => {
  const unpaid = (await netCommittedByCase(tx, caseRow.id)) - (await paidNetByCase(tx, caseRow.id));
  await record(tx, { award: caseRow, movement: 'release', amountPence: unpaid, by: caseRow, actor, at });
  await reprofileAward(tx, engine, caseRow, at, null);
};

export const reportSpendEffect: EffectHandler = async (tx, effect, { caseRow, actor, at }) => {
  const award = await awardOf(tx, caseRow);
  const amountPence = BigInt((effect.params as FundsParams).amountPence);
  await record(tx, { award, movement: 'reported', amountPence, by: caseRow, actor, at });
};

/** Holds the award's payments not yet paid (a return is overdue or queried). */
export const holdAwardPaymentsEffect: EffectHandler = async (tx, _effect, { caseRow, engine }) => {
  const award = await awardOf(tx, caseRow);
  for (const payment of await lockPaymentsOf(tx, award.id, PAYMENT_MACHINE)) {
    if (payment.state === 'scheduled' || payment.state === 'approved')
      await engine.send(systemActor, payment.id, { type: 'HOLD' }, { tx });
  }
};

/** Releases them when no return of the award still holds them. */
export const releaseAwardPaymentsEffect: EffectHandler = async (tx, _effect, { caseRow, engine }) => {
  const award = await awardOf(tx, caseRow);
  if ((await countCasesAboutWithFlag(tx, award.id, RETURN_MACHINE, 'holdsPayments')) > 0) return;
  for (const payment of await lockPaymentsOf(tx, award.id, PAYMENT_MACHINE)) {
    if (payment.state === 'held') await engine.send(systemActor, payment.id, { type: 'RELEASE' }, { tx });
  }
};

interface PaymentContext {
  amountPence: number;
  paid: { paidOn: string; reference: string } | null;
  returned: { amountPence: number; receivedOn: string; reference: string } | null;
  corrections?: Array<{ reason: string }>;
}
const paymentContext = (row: CaseRow) => (row.snapshot as { context: PaymentContext }).context;

/**
 * A payment made: the ledger's `payment` row. When it settles the schedule, an award machine that
 * waits for its money (declares the system event RECORD_PAYMENT) is told how much was paid.
 */
export const paymentMadeEffect: EffectHandler = async (tx, _effect, { caseRow, actor, at, engine }) => {
  const award = await awardOf(tx, caseRow);
  const context = paymentContext(caseRow);
  const amountPence = BigInt(context.amountPence);
  await record(tx, {
    award,
    movement: 'payment',
    amountPence,
    paymentCaseId: caseRow.id,
    by: caseRow,
    actor,
    at,
    effectiveOn: context.paid?.paidOn,
    reference: context.paid?.reference,
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
  const payments = await lockPaymentsOf(tx, award.id, PAYMENT_MACHINE);
  if (payments.some((p) => OPEN.includes(p.state))) return;
  const paid = await paidNetByCase(tx, award.id);
  const event = { type: PAID_EVENT, amountPence: Number(paid), ...context.paid };
  const view = await engine.get(systemActor, award.id, tx);
  if (view.nextEvents.some((e) => e.type === PAID_EVENT))
    await engine.send(systemActor, award.id, event, { tx });
}

/** Money the provider gave back: a `repayment`, and the same amount of commitment restored to the fund. */
export const paymentReturnedEffect: EffectHandler = async (tx, _effect, { caseRow, actor, at }) => {
  const award = await awardOf(tx, caseRow);
  const returned = paymentContext(caseRow).returned;
  const amountPence = BigInt(returned?.amountPence ?? 0);
  const common = { award, amountPence, paymentCaseId: caseRow.id, by: caseRow, actor, at };
  await record(tx, {
    ...common,
    movement: 'repayment',
    effectiveOn: returned?.receivedOn,
    reference: returned?.reference,
  });
  await record(tx, { ...common, movement: 'release', cause: 'clawback', effectiveOn: returned?.receivedOn });
};

/**
 * The paid date or reference was recorded wrongly: each `payment` row that stands is reversed (on its
 * own day, so the period it was placed in loses it) and written again as now recorded, with the
 * reason on both. The original rows stay.
 */
export const paymentCorrectedEffect: EffectHandler = async (tx, _effect, { caseRow, actor, at, engine }) => {
  const award = await awardOf(tx, caseRow);
  const context = paymentContext(caseRow);
  if (!context.paid) throw integrity(`Payment ${caseRow.id} was corrected but is not paid.`);
  const reason = context.corrections?.at(-1)?.reason ?? '';
  const standing = await standingPaymentRows(tx, caseRow.id);
  if (!standing.length)
    throw integrity(`Payment ${caseRow.id} is paid but the ledger has no payment for it.`);
  for (const original of standing) {
    const { id, at: _at, actorId: _actor, caseVersion: _version, note: _note, ...same } = original;
    const note = `Correction: ${reason}`;
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
      effectiveOn: context.paid.paidOn,
      reference: context.paid.reference,
      note,
      actorId: actor.userId,
      at,
    });
  }
  await tellAwardOfPayment(tx, engine, award, context);
};

/** A payment cancelled: the award will not pay it, so its commitment goes back to the fund. */
export const paymentCancelledEffect: EffectHandler = async (tx, _effect, { caseRow, actor, at }) => {
  const award = await awardOf(tx, caseRow);
  const amountPence = BigInt(paymentContext(caseRow).amountPence);
  await record(tx, {
    award,
    movement: 'release',
    cause: 'cancelled',
    amountPence,
    paymentCaseId: caseRow.id,
    by: caseRow,
    actor,
    at,
  });
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
};
