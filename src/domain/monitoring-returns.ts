// An award's monitoring returns follow its agreement: built with its payment schedule (quarterly
// unless the programme says otherwise), added to when the agreement is extended, withdrawn when the
// award ends before their period, and spend reported above the award's value needs an explanation.
import { dayInWords, londonDate } from '../../machines/calendar.ts';
import type { FieldProblem, MachineDefinition, SpendReport } from '../../machines/define.ts';
import { monitoringReturn } from '../../machines/monitoring-return.ts';
import type { Tx } from '../db/client.ts';
import type { CaseRow } from '../db/queries/cases.ts';
import { netCommittedByCase } from '../db/queries/funds.ts';
import { lockCasesAbout, spendReportedOn } from '../db/queries/payments.ts';
import { findProgramme } from '../db/queries/programmes.ts';
import { systemActor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { poundsText } from './reports/figures.ts';
import { returnPeriods } from './return-schedule.ts';

const RETURN_MACHINE = monitoringReturn.id;
/** Returns not yet in: the ones an award's end withdraws. */
const NOT_IN = ['due', 'late'];
const context = (row: CaseRow) =>
  (row.snapshot as { context: { periodStart: string; periodEnd: string } }).context;

/**
 * Opens a return for every period of the agreement that has none, owned by whoever the award pays
 * (a contract's supplier, else the award's organisation), and withdraws those not yet in whose period
 * now falls outside it. Returns opened by hand inside the agreement are left as they are.
 */
export async function scheduleReturns(
  tx: Tx,
  engine: Engine,
  on: { award: CaseRow; definition: MachineDefinition; at: Date },
  agreement: { startsOn: string; endsOn: string; payeeOrganisationId: string | null },
): Promise<void> {
  const { award, definition, at } = on;
  if (!definition.takesReturns) return;
  const programme = award.programmeId ? await findProgramme(tx, award.programmeId) : undefined;
  const terms = {
    startsOn: agreement.startsOn,
    endsOn: agreement.endsOn,
    everyMonths: programme?.returnEveryMonths ?? 3,
    dueDays: programme?.returnDueDays ?? 30,
  };
  const existing = await lockCasesAbout(tx, award.id, RETURN_MACHINE);
  const outside = (row: CaseRow) =>
    context(row).periodStart > agreement.endsOn || context(row).periodEnd < agreement.startsOn;
  for (const row of existing.filter((r) => NOT_IN.includes(r.state) && outside(r))) {
    await withdraw(
      tx,
      engine,
      row,
      `The agreement now runs from ${dayInWords(agreement.startsOn)} to ${dayInWords(agreement.endsOn)}.`,
    );
  }
  const starts = new Set(existing.map((r) => context(r).periodStart));
  for (const period of returnPeriods(terms, londonDate(at))) {
    if (starts.has(period.periodStart)) continue;
    await engine.create(
      systemActor,
      {
        machine: RETURN_MACHINE,
        organisationId: agreement.payeeOrganisationId ?? award.organisationId,
        input: { awardCaseId: award.id, ...period },
      },
      tx,
      { byDomain: true },
    );
  }
}

/** The award has ended: its returns not yet in for periods starting after today are withdrawn. */
export async function endReturns(tx: Tx, engine: Engine, award: CaseRow, at: Date): Promise<void> {
  const today = londonDate(at);
  for (const row of await lockCasesAbout(tx, award.id, RETURN_MACHINE)) {
    if (NOT_IN.includes(row.state) && context(row).periodStart > today)
      await withdraw(tx, engine, row, `The award ended on ${dayInWords(today)}, before this period.`);
  }
}

async function withdraw(tx: Tx, engine: Engine, row: CaseRow, reason: string) {
  await engine.send(systemActor, row.id, { type: 'WITHDRAW_RETURN', reason }, { tx });
}

/**
 * Spend reported on the award so far, this report included, above the award's value (what it holds
 * committed, as varied) needs an explanation. Spend above what has been paid is normal in arrears.
 */
export async function spendProblems(tx: Tx, caseRow: CaseRow, report: SpendReport): Promise<FieldProblem[]> {
  if (report.explanation || !caseRow.awardCaseId) return [];
  const value = await netCommittedByCase(tx, caseRow.awardCaseId);
  const before = await spendReportedOn(tx, caseRow.awardCaseId, caseRow.machineId, caseRow.id);
  const total = before + BigInt(report.spendPence);
  if (total <= value) return [];
  return [
    {
      field: 'spendAboveAward',
      message: `The spend reported on this award comes to ${poundsText(total)}, more than its value of ${poundsText(value)}. Say why`,
    },
  ];
}
