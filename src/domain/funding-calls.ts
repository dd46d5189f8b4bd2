// The funding calls organisations can bid for, as anyone reads them before signing in: what each
// funds, who may apply, how much, and when it closes. Only cycles an organisation starts itself (its
// definition's `createdBy` names the owner): not the Commissioner's procurements or allocations.
import type { MachineDefinition, OrganisationKind } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import { programmesWithRoundIn } from '../db/queries/deadlines.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import { findProgramme, roundCaseOf } from '../db/queries/programmes.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { notFound, ProblemError } from '../engine/errors.ts';
import { isUuid } from '../engine/ids.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { takesBids } from './open-case.ts';
import { ROUND_MACHINE } from './programmes.ts';

/** Who may apply, in the words a funding call uses. */
const applicants: Record<OrganisationKind, string> = {
  provider: 'Charities, voluntary and community groups and social enterprises',
  communitySafetyPartnership: 'Community Safety Partnerships',
  partner: 'Partner agencies',
  commissioner: 'The Office of the Police and Crime Commissioner',
};

export interface FundingCall {
  id: string;
  name: string;
  /** What it funds: the programme's own words, else its cycle's. */
  summary: string;
  cycleTitle: string;
  themeName: string;
  whoMayApply: string[];
  /** The most one award may be, where the programme caps awards. */
  largestAwardPence: bigint | null;
  /** What the call has to give: its stream's budget, or its fund's. */
  availablePence: bigint;
  /** When bids close (the round's deadline, extended or reopened perhaps); null when none is set. */
  closesAt: string | null;
  /** When funded services may start and end, where the programme says. */
  serviceStartsOn: string | null;
  serviceEndsOn: string | null;
  maxServiceMonths: number | null;
  /** The cycle's machine and the kinds of organisation it is for, to say who may start a bid. */
  definition: MachineDefinition;
}

/** The calls open for bids now, closing soonest first. */
export async function openFundingCalls(db: Db, registry: MachineRegistry): Promise<FundingCall[]> {
  const rows = await programmesWithRoundIn(db, ROUND_MACHINE, 'open');
  return rows.flatMap(({ programme, themeName, roundClosesAt, budgetPence }) => {
    const definition = registry.latest(programme.cycle);
    if (!takesBids(definition)) return [];
    return [
      {
        id: programme.id,
        name: programme.name,
        summary: programme.summary ?? definition.description,
        cycleTitle: definition.title,
        themeName: themeName ?? programme.themeId,
        whoMayApply: definition.ownerKinds.map((kind) => applicants[kind]),
        largestAwardPence: programme.maxAwardPence,
        availablePence: BigInt(budgetPence),
        closesAt: roundClosesAt ?? programme.closesAt?.toISOString() ?? null,
        serviceStartsOn: programme.serviceStartsOn,
        serviceEndsOn: programme.serviceEndsOn,
        maxServiceMonths: programme.maxServiceMonths,
        definition,
      },
    ];
  });
}

/** One open call by its programme's id, or undefined when it is not open for bids. */
export async function openFundingCall(db: Db, registry: MachineRegistry, id: string) {
  return (await openFundingCalls(db, registry)).find((c) => c.id === id);
}

/** The kind of organisation a provider acts for; undefined for anyone else. */
async function biddingKind(db: Db, actor: Actor | undefined): Promise<string | undefined> {
  if (actor?.role !== 'provider' || !actor.organisationId) return undefined;
  return (await findOrganisation(db, actor.organisationId))?.kind;
}

const forKind = (kind: string | undefined, call: FundingCall) =>
  !!kind && (call.definition.ownerKinds as readonly string[]).includes(kind);

/** Whether this person may start a bid for the call: a provider of a kind its cycle is for. */
export async function mayBid(db: Db, actor: Actor | undefined, call: FundingCall): Promise<boolean> {
  return forKind(await biddingKind(db, actor), call);
}

/**
 * The calls a person is shown: to someone acting for an organisation, only those it may bid for (a
 * Community Safety Partnership is not shown a call for charities); to anyone else, every open call.
 */
export async function callsFor(
  db: Db,
  actor: Actor | undefined,
  calls: readonly FundingCall[],
): Promise<FundingCall[]> {
  if (actor?.role !== 'provider') return [...calls];
  const kind = await biddingKind(db, actor);
  return calls.filter((call) => forKind(kind, call));
}

const notOpen = (name: string) =>
  new ProblemError(409, 'The call for bids is not open', `${name} is not taking bids now.`);

/** The open call, or 404 for no such programme and 409 for one not taking bids now. */
export async function openCallOr409(
  db: Db,
  registry: MachineRegistry,
  programmeId: string,
): Promise<FundingCall> {
  const programme = isUuid(programmeId) ? await findProgramme(db, programmeId) : undefined;
  if (!programme) throw notFound('programme');
  const call = await openFundingCall(db, registry, programme.id);
  if (!call) throw notOpen(programme.name);
  return call;
}

/**
 * A provider starts a bid: a draft under the programme, only while its call is open (it can be
 * submitted only then, too), with its answers to the eligibility questions. 404 for no such
 * programme, 409 for a call not open, 422 when an answer rules the organisation out.
 */
export async function startBid(
  db: Db,
  engine: Engine,
  actor: Actor,
  programmeId: string,
  title: string,
  eligibility?: Record<string, unknown>,
) {
  const programme = isUuid(programmeId) ? await findProgramme(db, programmeId) : undefined;
  if (!programme) throw notFound('programme');
  return engine.transaction(async (tx) => {
    const round = await roundCaseOf(tx, programme.id, ROUND_MACHINE);
    if (round?.state !== 'open') throw notOpen(programme.name);
    return engine.create(
      actor,
      { machine: programme.cycle, input: { programmeId: programme.id, title }, eligibility },
      tx,
    );
  });
}
