// Cases opened under a programme: the client names the programme, and the machine gets its
// settings (cap, delegation threshold, scoring criteria, closing time) as part of its input.

import { dayInWords } from '../../machines/calendar.ts';
import { commissioningRound } from '../../machines/commissioning-round.ts';
import type { OrganisationKind, ProgrammeSettings, ScoringCriterion } from '../../machines/define.ts';
import type { Db, Tx } from '../db/client.ts';
import { type CaseRow, casesWithContext, lockCase } from '../db/queries/cases.ts';
import { netCommittedByCase } from '../db/queries/funds.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import { findSchedule } from '../db/queries/payments.ts';
import { findProgramme, measuresOf, type ProgrammeRow, roundCaseOf } from '../db/queries/programmes.ts';
import type { InputPreparer } from '../engine/engine.ts';
import { invalid, notFound, ProblemError } from '../engine/errors.ts';
import { isUuid } from '../engine/ids.ts';
import { applicationEvent } from './application-form.ts';
import { prepareBid } from './bid-start.ts';

/** The machine that runs a programme's round itself; every other machine's cases are its bids or grants. */
export const ROUND_MACHINE = commissioningRound.id;

/** What a case opened under the programme is given: its settings, and its measures as they stand. */
export async function programmeSettings(tx: Db, row: ProgrammeRow): Promise<ProgrammeSettings> {
  return {
    measures: await measuresOf(tx, row.id),
    id: row.id,
    name: row.name,
    maxAwardPence: row.maxAwardPence === null ? null : Number(row.maxAwardPence),
    delegationThresholdPence: Number(row.delegationThresholdPence),
    // The criteria as scores name them; their guidance is for the panel's pages, not the case.
    criteria: (row.criteria as ScoringCriterion[]).map(({ id, label, weight }) => ({ id, label, weight })),
    closesAt: row.closesAt?.toISOString() ?? null,
  };
}

/**
 * The domain's say when a case is opened: the owner must be the kind of organisation the machine
 * is for, a case about an award must name an award of the same owner, and a case under a programme
 * gets the programme's settings.
 */
export const prepareCaseInput: InputPreparer = async (tx, request) => {
  const { definition, input, organisationId } = request;
  const owner = await findOrganisation(tx, organisationId);
  if (!owner || !definition.ownerKinds.includes(owner.kind)) {
    throw invalid(`A ${definition.title.toLowerCase()} cannot belong to that organisation.`, [
      {
        field: 'organisationId',
        message: `Must be ${definition.ownerKinds.map((k) => kindNames[k]).join(' or ')}`,
      },
    ]);
  }
  const awardCaseId = typeof input.awardCaseId === 'string' ? input.awardCaseId : null;
  const award = awardCaseId ? await checkAward(tx, request, input) : undefined;
  const prepared = await prepareProgrammeInput(tx, request);
  const afterInsert =
    prepared.programmeId && applicationEvent(definition)
      ? await prepareBid(tx, { ...request, programmeId: prepared.programmeId })
      : undefined;
  // A case about an award works under the award's programme: a return reports on its measures.
  const programme = award?.programmeId ? await findProgramme(tx, award.programmeId) : undefined;
  if (programme && !prepared.input.programme)
    prepared.input = { ...prepared.input, programme: await programmeSettings(tx, programme) };
  return { ...prepared, awardCaseId, award, ...(afterInsert ? { afterInsert } : {}) };
};

/**
 * A case about an award (a monitoring return, a payment) must name a real award of the same
 * organisation (or, for a contract, of the supplier it pays) — one holding committed money — and there is one return per award per period. The award row is locked,
 * so two officers opening the same return at once cannot both succeed.
 */
async function checkAward(
  tx: Tx,
  { definition, organisationId, definitionOf }: Parameters<InputPreparer>[1],
  input: Record<string, unknown>,
): Promise<CaseRow> {
  const machineId = definition.id;
  const awardCaseId = input.awardCaseId as string;
  const field = 'input.awardCaseId';
  const award = await lockCase(tx, awardCaseId);
  // A contract's payments belong to its supplier, the payee its schedule names.
  const schedule = award ? await findSchedule(tx, award.id) : undefined;
  const payee = schedule?.payeeOrganisationId;
  const owns = award?.organisationId === organisationId || (!!payee && payee === organisationId);
  if (!award || !owns || (await netCommittedByCase(tx, award.id)) <= 0n) {
    throw invalid('That is not an award of this organisation.', [
      { field, message: 'Name an award (a case holding money) belonging to the same organisation' },
    ]);
  }
  if (typeof input.periodStart !== 'string') return award;
  const period = { awardCaseId, periodStart: input.periodStart, periodEnd: String(input.periodEnd) };
  // A return reports on part of a live agreement: not on an award that has ended, nor outside its dates.
  const awardDefinition = definitionOf(award);
  if (!awardDefinition.takesReturns) {
    throw invalid('That award does not take monitoring returns.', [
      {
        field,
        message: `A ${awardDefinition.title.toLowerCase()} reports in its own case, not by monitoring returns`,
      },
    ]);
  }
  if ((award.snapshot as { status?: string }).status === 'done') {
    throw invalid('That award has ended.', [
      { field, message: 'The award has ended, so it takes no more monitoring returns' },
    ]);
  }
  if (!schedule) {
    throw invalid('That award has no agreement yet.', [
      { field, message: 'A monitoring return reports on an agreement; this award has none signed yet' },
    ]);
  }
  if (period.periodStart < schedule.startsOn || period.periodEnd > schedule.endsOn) {
    throw invalid('The period is outside the agreement.', [
      {
        field: period.periodStart < schedule.startsOn ? 'input.periodStart' : 'input.periodEnd',
        message: `The period must fall within the agreement, ${dayInWords(schedule.startsOn)} to ${dayInWords(schedule.endsOn)}`,
      },
    ]);
  }
  if ((await casesWithContext(tx, machineId, period)).length) {
    throw new ProblemError(
      409,
      'Already exists',
      'There is already a monitoring return for that award and period.',
    );
  }
  return award;
}

const kindNames: Record<OrganisationKind, string> = {
  commissioner: 'the commissioner',
  provider: 'a provider',
  partner: 'a partner',
  communitySafetyPartnership: 'a Community Safety Partnership',
};

export const prepareProgrammeInput: InputPreparer = async (tx, { definition, input }) => {
  const id = input.programmeId;
  if (typeof id !== 'string') return { input, programmeId: null };
  const programme = await findProgramme(tx, id);
  const field = 'input.programmeId';
  if (!programme) throw invalid('There is no such programme.', [{ field, message: 'Unknown programme' }]);
  if (definition.id === ROUND_MACHINE) {
    if (await roundCaseOf(tx, id, ROUND_MACHINE)) {
      throw new ProblemError(
        409,
        'Round already exists',
        `The programme "${programme.name}" already has its round.`,
      );
    }
  } else if (programme.cycle !== definition.id) {
    throw invalid('That programme is for a different kind of case.', [
      { field, message: `"${programme.name}" runs ${programme.cycle} cases, not ${definition.id}` },
    ]);
  }
  return { input: { ...input, programme: await programmeSettings(tx, programme) }, programmeId: id };
};

/** A programme by its id as a person gave it, or 404: an id that is no uuid is simply not found. */
export async function programmeOr404(db: Db, programmeId: string): Promise<ProgrammeRow> {
  const programme = isUuid(programmeId) ? await findProgramme(db, programmeId) : undefined;
  if (!programme) throw notFound('programme');
  return programme;
}

/** Where a case's money comes from: its programme's fund and stream. */
export async function fundingOf(tx: Tx, programmeId: string | null) {
  const programme = programmeId ? await findProgramme(tx, programmeId) : undefined;
  if (!programme) {
    throw new ProblemError(
      409,
      'No fund for this case',
      'The case is not under a programme, so it has no fund to use.',
    );
  }
  return programme;
}

/**
 * The delegation threshold for a case's decisions: its programme's. A case under no programme has
 * none, so every decision on it is signed by an approver: the safe default.
 */
export async function delegationThreshold(db: Db, caseRow: CaseRow): Promise<number> {
  const programme = caseRow.programmeId ? await findProgramme(db, caseRow.programmeId) : undefined;
  return programme ? Number(programme.delegationThresholdPence) : 0;
}
