// The funding calls organisations can bid for, as anyone reads them before signing in: what each
// funds, who may apply, how much, and when it closes. Only cycles an organisation starts itself (its
// definition's `createdBy` names the owner): not the Commissioner's procurements or allocations.
import type { MachineDefinition, OrganisationKind } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import { programmesWithRoundIn } from '../db/queries/deadlines.ts';
import type { MachineRegistry } from '../engine/registry.ts';
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

/** Whether organisations start cases of this cycle themselves (a bid), rather than the Commissioner. */
export const takesBids = (definition: MachineDefinition | undefined): definition is MachineDefinition =>
  !!definition && definition.createdBy.includes('owner');

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
