// An award's money by financial year: each year's part is committed against that year's fund (the
// fund of the same name as its programme's, for that year; its stream of the same name). The parts
// follow the award's period, by days, until a payment schedule exists; then each year holds what
// has been paid from it and the payments still to make that fall due in it. One function,
// balanceYears, writes the commitments and releases that make the ledger say so, for every cycle
// and every change: a decision, a schedule signed or re-profiled, a payment cancelled or returned.
import { londonDate } from '../../machines/calendar.ts';
import type { MachineDefinition } from '../../machines/define.ts';
import { type PaymentContext, paidSoFar, payment as paymentMachine } from '../../machines/payment.ts';
import type { Db, Tx } from '../db/client.ts';
import type { CaseRow } from '../db/queries/cases.ts';
import {
  caseMoneyByFund,
  type FundRow,
  findFund,
  fundNamedFor,
  insertLedgerRow,
  ledgerTotals,
  lockFunds,
  netCommittedByFund,
  paidNetByYear,
  streamsOf,
} from '../db/queries/funds.ts';
import { findSchedule, lockCasesAbout } from '../db/queries/payments.ts';
import type { ProgrammeRow } from '../db/queries/programmes.ts';
import type { ReleaseCause } from '../db/schema/index.ts';
import type { Actor } from '../engine/actor.ts';
import { ProblemError } from '../engine/errors.ts';
import { financialYearOf, spreadByDays } from './financial-year.ts';
import { fundingOf } from './programmes.ts';
import { poundsText as pounds } from './reports/figures.ts';

/** A payment not yet made (or cancelled): its money is still to find in the year it falls due. */
export const UNPAID_STATES: readonly string[] = ['scheduled', 'held', 'approved'];

/** Where one financial year's money of a programme's awards is held. */
export interface YearFunding {
  fund: FundRow;
  streamId: string | null;
}

/**
 * The fund (and stream) holding a programme's money for a financial year: its own fund for that
 * fund's year, otherwise the fund of the same name for the year asked, and its stream of the same
 * name. Refused with 409, saying what finance must add, when there is none.
 */
export async function fundingForYear(tx: Tx, programme: ProgrammeRow, year: string): Promise<YearFunding> {
  const home = await findFund(tx, programme.fundId);
  if (!home)
    throw new ProblemError(409, 'No fund for this case', 'The programme names a fund that does not exist.');
  const fund = home.financialYear === year ? home : await fundNamedFor(tx, home.name, year);
  if (!fund) {
    throw new ProblemError(
      409,
      'No fund for that financial year',
      `This award has money to find in ${year}, but there is no “${home.name}” fund for ${year}. Finance adds that year's fund (its budget may be indicative until confirmed), and then this can go ahead.`,
      { financialYear: year, fundName: home.name },
    );
  }
  if (!programme.streamId || fund.id === home.id) return { fund, streamId: programme.streamId };
  const homeStream = (await streamsOf(tx, home.id)).find((s) => s.id === programme.streamId);
  const stream = (await streamsOf(tx, fund.id)).find((s) => s.name === homeStream?.name);
  if (!stream) {
    throw new ProblemError(
      409,
      'No stream for that financial year',
      `The “${fund.name}” fund for ${year} has no “${homeStream?.name ?? 'ring-fenced'}” stream for this award's money. Finance adds it, and then this can go ahead.`,
      { financialYear: year, fundName: fund.name },
    );
  }
  return { fund, streamId: stream.id };
}

/** What is left in the fund overall, and in the commitment's bucket (its stream, or the unfenced rest). */
export async function remainingIn(
  tx: Tx,
  fund: { id: string; budgetPence: bigint },
  streamId: string | null,
) {
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

/** What the award is to hold in each financial year. */
async function targetByYear(
  tx: Tx,
  award: CaseRow,
  definition: MachineDefinition,
  programmeYear: string,
  total: bigint,
): Promise<Map<string, bigint>> {
  const byYear = new Map<string, bigint>();
  const add = (year: string, pence: bigint) => byYear.set(year, (byYear.get(year) ?? 0n) + pence);
  if (await findSchedule(tx, award.id)) {
    for (const paid of await paidNetByYear(tx, award.id)) add(paid.financialYear, paid.net);
    for (const payment of await lockCasesAbout(tx, award.id, paymentMachine.id)) {
      if (!UNPAID_STATES.includes(payment.state)) continue;
      const context = (payment.snapshot as { context: PaymentContext }).context;
      // What is still to pay of it: a part already paid is in its year's paid figure.
      add(financialYearOf(context.dueOn), BigInt(context.amountPence - paidSoFar(context)));
    }
    return byYear;
  }
  const context = (award.snapshot as { context?: unknown }).context;
  const period = definition.awardPeriod?.(context) ?? null;
  if (period && period.endsOn >= period.startsOn) return spreadByDays(total, period.startsOn, period.endsOn);
  add(programmeYear, total);
  return byYear;
}

export interface Balancing {
  award: CaseRow;
  /** The award's definition: its period and the service a ring-fenced stream checks. */
  definition: MachineDefinition;
  /** The case whose transition moves the money (the award, or a payment or return about it). */
  by: CaseRow;
  actor: Actor;
  at: Date;
  /** Why commitment given back is released. */
  cause: ReleaseCause;
  paymentCaseId?: string;
}

/**
 * Commits and releases, fund by fund, so the award holds in each financial year what it is to pay
 * in that year: `total` spread over its period (or all in its programme's year) while there is no
 * payment schedule; once there is, what has been paid from each year and the unpaid payments due
 * in it. Funds are locked in one order, releases written first, and a commitment a fund (or its
 * stream) cannot afford is refused with 409, leaving nothing written.
 */
export async function balanceYears(tx: Tx, b: Balancing, total: bigint): Promise<void> {
  const programme = await fundingOf(tx, b.award.programmeId);
  const home = await findFund(tx, programme.fundId);
  if (!home)
    throw new ProblemError(409, 'No fund for this case', 'The programme names a fund that does not exist.');
  const targets = await targetByYear(tx, b.award, b.definition, home.financialYear, total);
  const key = (fundId: string, streamId: string | null) => `${fundId}/${streamId ?? ''}`;
  const wanted = new Map<string, { fund: FundRow; streamId: string | null; pence: bigint }>();
  for (const [year, pence] of targets) {
    if (pence === 0n) continue;
    const funding = await fundingForYear(tx, programme, year);
    wanted.set(key(funding.fund.id, funding.streamId), { ...funding, pence });
  }
  const held = new Map((await netCommittedByFund(tx, b.award.id)).map((h) => [key(h.fundId, h.streamId), h]));
  const fundIds = new Set([
    ...[...wanted.values()].map((w) => w.fund.id),
    ...[...held.values()].map((h) => h.fundId),
  ]);
  const locked = new Map((await lockFunds(tx, [...fundIds])).map((f) => [f.id, f]));

  const row = (fundId: string, streamId: string | null) => ({
    fundId,
    streamId,
    programmeId: programme.id,
    caseId: b.award.id,
    caseVersion: b.by.id === b.award.id ? b.by.version : null,
    note: `${b.by.machineId} ${b.by.state}`,
    actorId: b.actor.userId,
    at: b.at,
    effectiveOn: londonDate(b.at),
  });
  // What the award holds less in all: released for the cause given. Anything more released moves to
  // another year's fund (committed there below), and is released as re-phased.
  const sum = (values: Iterable<bigint>) => [...values].reduce((a, v) => a + v, 0n);
  let reduction = sum([...held.values()].map((h) => h.net)) - sum([...wanted.values()].map((w) => w.pence));
  for (const [k, h] of held) {
    const release = h.net - (wanted.get(k)?.pence ?? 0n);
    if (release <= 0n) continue;
    const forCause = reduction <= 0n ? 0n : release < reduction ? release : reduction;
    reduction -= forCause;
    for (const [cause, amountPence] of [
      [b.cause, forCause],
      ['rephased', release - forCause],
    ] as const)
      if (amountPence > 0n)
        await insertLedgerRow(tx, {
          ...row(h.fundId, h.streamId),
          movement: 'release',
          cause,
          amountPence,
          paymentCaseId: b.paymentCaseId ?? null,
        });
  }
  const context = (b.award.snapshot as { context?: unknown }).context;
  for (const [k, w] of wanted) {
    const commit = w.pence - (held.get(k)?.net ?? 0n);
    if (commit <= 0n) continue;
    const fund = locked.get(w.fund.id) ?? w.fund;
    await requireStreamFunds(tx, fund.id, w.streamId, b.definition.serviceOf?.(context) ?? null);
    const left = await remainingIn(tx, fund, w.streamId);
    if (commit > left) {
      throw new ProblemError(
        409,
        'Not enough money in the fund',
        `This needs ${pounds(commit)} from ${fund.name} ${fund.financialYear} but it has ${pounds(left)} left${w.streamId ? ' in its stream' : ''}.`,
        {
          fundId: fund.id,
          financialYear: fund.financialYear,
          // Sums of pence: strings in JSON, as every sum is.
          remainingPence: left,
          requiredPence: commit,
        },
      );
    }
    await insertLedgerRow(tx, { ...row(fund.id, w.streamId), movement: 'commit', amountPence: commit });
  }
}

/**
 * What an award holds committed, has been paid and has given back (money returned) in each financial
 * year's fund, for staff, in the money glossary's meanings: years with none of these are left out;
 * an indicative budget is flagged.
 */
export async function awardMoneyByYear(db: Db, caseId: string) {
  return (await caseMoneyByFund(db, caseId))
    .filter((r) => r.committed !== 0n || r.paid !== 0n || r.returned !== 0n)
    .map((r) => ({
      financialYear: r.financialYear,
      fundId: r.fundId,
      fund: r.name,
      indicative: r.indicative,
      committedPence: r.committed,
      paidPence: r.paid,
      returnedPence: r.returned,
    }));
}
