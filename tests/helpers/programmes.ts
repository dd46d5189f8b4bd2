// A programme of a test's own: its own fund (so money tests never share a budget), and for bid
// cycles a commissioning round already open for bids.

import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { insertPanelMember } from '../../src/db/queries/panel.ts';
import { findUserByEmail } from '../../src/db/queries/people.ts';
import { fundStreams } from '../../src/db/schema/index.ts';
import { createProgramme } from '../../src/domain/catalogue.ts';
import { createFund } from '../../src/domain/funds.ts';
import { actorOf } from '../../src/domain/people.ts';
import { systemActor } from '../../src/engine/actor.ts';
import type { Engine } from '../../src/engine/engine.ts';

export interface TestProgramme {
  programmeId: string;
  fundId: string;
  roundId: string | null;
}

export interface ProgrammeOptions {
  cycle?: string;
  budgetPence?: number;
  maxAwardPence?: number;
  delegationThresholdPence?: number;
  streams?: { name: string; budgetPence: number; services?: string[] }[];
  /** Index into `streams`: the programme draws on that ring-fenced stream. */
  stream?: number;
  criteria?: { id: string; label: string; weight: number }[];
  /** Panel members sitting on the programme (default: both demo panel members). */
  panel?: string[];
  panelQuorum?: number;
  /** Its Police and Crime Plan theme and outcomes (default offenders, O2). */
  themeId?: string;
  outcomeIds?: string[];
  /** How often its awards' monitoring returns fall, in months (default 3). */
  returnEveryMonths?: 3 | 6 | 12;
  /** Open the round for bids (default true). */
  open?: boolean;
  closesAt?: string;
  /**
   * The financial years the programme's budget line runs in besides its own 2026-27 (default the
   * next two, which the usual test agreements of 2027-28 need): awards are committed against the
   * fund of each year they pay in. Kept short, as every fund is on the finance page.
   */
  otherYears?: readonly string[];
}

/** 2027-28 and 2028-29. */
export const NEXT_TWO_YEARS = ['2027-28', '2028-29'] as const;
/** 2027-28 to 2031-32. */
export const NEXT_FIVE_YEARS = ['2027-28', '2028-29', '2029-30', '2030-31', '2031-32'] as const;
/** Every year a date fuzzing generates can fall in (2024 to 2035), besides 2026-27. */
export const FUZZED_YEARS = [
  '2023-24',
  '2024-25',
  '2025-26',
  ...NEXT_FIVE_YEARS,
  '2032-33',
  '2033-34',
  '2034-35',
  '2035-36',
] as const;

async function actor(db: Database, email: string) {
  const user = await findUserByEmail(db, email);
  if (!user) throw new Error(`no user ${email}`);
  return actorOf(user);
}

export async function openProgramme(
  db: Database,
  engine: Engine,
  options: ProgrammeOptions = {},
): Promise<TestProgramme> {
  const tag = randomUUID().slice(0, 8);
  const cycle = options.cycle ?? 'youth-fund';
  const { fundId, programmeId } = await db.transaction(async (tx) => {
    // The programme's fund is 2026-27's; the same budget line runs in other years (by default the
    // next two), as awards are committed against the fund of each year they pay in.
    const line = (financialYear: string) =>
      createFund(tx, {
        name: `Test fund ${tag}`,
        source: 'Test',
        financialYear,
        budgetPence: options.budgetPence ?? 1_000_000_000,
        streams: options.streams ?? [],
      });
    const fundId = await line('2026-27');
    for (const year of options.otherYears ?? NEXT_TWO_YEARS) await line(year);
    const streams = await tx.select().from(fundStreams).where(eq(fundStreams.fundId, fundId));
    const streamId =
      options.stream === undefined
        ? undefined
        : streams.find((s) => s.name === options.streams![options.stream!]!.name)!.id;
    const programmeId = await createProgramme(
      tx,
      {
        name: `Test programme ${tag}`,
        cycle,
        fundId,
        streamId,
        themeId: options.themeId ?? 'offenders',
        outcomeIds: options.outcomeIds ?? ['O2'],
        closesAt: options.closesAt,
        delegationThresholdPence: options.delegationThresholdPence ?? 500_000,
        maxAwardPence: options.maxAwardPence ?? (cycle === 'youth-fund' ? 500_000 : undefined),
        panelQuorum: options.panelQuorum,
        returnEveryMonths: options.returnEveryMonths,
        criteria: options.criteria ?? [
          { id: 'need', label: 'Evidence of need', weight: 60 },
          { id: 'value', label: 'Value for money', weight: 40 },
        ],
      },
      engine.registry.list(),
      systemActor,
    );
    for (const email of options.panel ?? ['panel@demo.test', 'panel2@demo.test']) {
      const member = await findUserByEmail(tx, email);
      await insertPanelMember(tx, {
        programmeId,
        userId: member!.id,
        assignedBy: null,
        assignedAt: new Date(),
      });
    }
    return { fundId, programmeId };
  });
  if (options.open === false) return { programmeId, fundId, roundId: null };
  const officer = await actor(db, 'officer@demo.test');
  const approver = await actor(db, 'approver@demo.test');
  const opcc = officer.organisationId!;
  const round = await engine.create(officer, {
    machine: 'commissioning-round',
    organisationId: opcc,
    input: { programmeId },
  });
  await engine.send(officer, round.id, {
    type: 'RECORD_NEEDS_ASSESSMENT',
    summary: 'Need',
    evidence: 'Data',
  });
  await engine.send(officer, round.id, { type: 'RECORD_INTENTIONS', summary: 'Intentions' });
  await engine.send(officer, round.id, { type: 'REQUEST_LAUNCH' });
  await engine.send(approver, round.id, { type: 'APPROVE_LAUNCH' });
  return { programmeId, fundId, roundId: round.id };
}
