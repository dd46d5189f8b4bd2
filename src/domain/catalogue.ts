// Creating the things commissioning rests on: funds (with ring-fenced streams and partner shares)
// and programmes. Shared by the API, the demo data and the tests; every input is checked here.

import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { financialYear, formatPounds, isoDate, isoInstant, type MeasureSpec } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import { isUniqueViolation } from '../db/errors.ts';
import {
  confirmFundBudget,
  contributorsOf,
  findFund,
  ledgerTotals,
  lockFund,
  streamsOf,
} from '../db/queries/funds.ts';
import {
  fundContributors,
  fundStreams,
  funds,
  organisations,
  planOutcomes,
  planThemes,
  programmeMeasures,
  programmeOutcomes,
  programmes,
} from '../db/schema/index.ts';
import type { Actor } from '../engine/actor.ts';
import { fieldErrors, invalid, notFound, ProblemError } from '../engine/errors.ts';
import { financialYearDates } from './financial-year.ts';
import { limitFields, logStartingLimits, refuseLimitsFrom, STARTING_LIMITS } from './programme-limits.ts';

const pence = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const newFund = z.strictObject({
  name: z.string().trim().min(1).max(200),
  source: z.string().trim().min(1).max(200),
  financialYear,
  budgetPence: pence,
  /** A future year's planning figure, not yet confirmed: awards may commit against it, flagged as such. */
  indicative: z.boolean().default(false),
  streams: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1).max(200),
        budgetPence: pence,
        // The services a ring-fenced stream may fund, as the cycles name them (e.g. idva); none for any.
        services: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
      }),
    )
    .max(20)
    .default([]),
  contributors: z
    .array(z.strictObject({ organisationId: z.uuid(), sharePence: pence.min(1) }))
    .max(20)
    .default([]),
});

export const newProgramme = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** What it funds, as the public funding call says. */
  summary: z.string().trim().min(1).max(2000).optional(),
  cycle: z.string().min(1).max(100),
  fundId: z.uuid(),
  streamId: z.uuid().optional(),
  themeId: z.string().min(1).max(50),
  outcomeIds: z.array(z.string().min(1).max(20)).min(1).max(20),
  opensAt: isoInstant.optional(),
  closesAt: isoInstant.optional(),
  decisionOn: isoDate.optional(),
  /** The rulebook's limits: only an approver or admin sets them (programme-limits.ts). */
  delegationThresholdPence: limitFields.delegationThresholdPence.optional(),
  maxAwardPence: limitFields.maxAwardPence.optional(),
  /** The dates the programme funds services for (a bid's service starts between them), and the longest. */
  serviceStartsOn: isoDate.optional(),
  serviceEndsOn: isoDate.optional(),
  maxServiceMonths: z.number().int().min(1).max(120).optional(),
  panelQuorum: limitFields.panelQuorum.optional(),
  /** How often an award's monitoring returns fall (months, in step with the financial year), and when. */
  returnEveryMonths: z
    .union([z.literal(3), z.literal(6), z.literal(12)], { error: 'Returns are every 3, 6 or 12 months' })
    .default(3),
  returnDueDays: z.number().int().min(0).max(120).default(30),
  criteria: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z][a-zA-Z0-9]{0,40}$/),
        label: z.string().min(1).max(200),
        weight: z.number().int().min(1).max(100),
      }),
    )
    .max(20)
    .default([]),
});

/** Runs an insert, turning a unique-index violation into a 422 naming the field. */
async function uniquely<T>(field: string, message: string, insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if (isUniqueViolation(error)) throw invalid('That already exists.', [{ field, message }]);
    throw error;
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(`The ${what} is not valid.`, fieldErrors(parsed.error.issues));
  return parsed.data;
}

export async function createFund(tx: Tx, body: unknown): Promise<string> {
  const fund = parse(newFund, body, 'fund');
  const fenced = fund.streams.reduce((a, s) => a + s.budgetPence, 0);
  if (fenced > fund.budgetPence) {
    throw invalid('The streams are bigger than the fund.', [
      { field: 'streams', message: 'Ring-fenced streams cannot add up to more than the budget' },
    ]);
  }
  const shares = fund.contributors.reduce((a, c) => a + c.sharePence, 0);
  if (fund.contributors.length && shares !== fund.budgetPence) {
    throw invalid("The partners' shares do not make the budget.", [
      {
        field: 'contributors',
        message: `Shares add up to ${shares} pence; the budget is ${fund.budgetPence}`,
      },
    ]);
  }
  if (fund.contributors.length) {
    const ids = fund.contributors.map((c) => c.organisationId);
    const found = await tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(inArray(organisations.id, ids));
    if (found.length !== ids.length || new Set(ids).size !== ids.length)
      throw invalid('A contributor is not an organisation we know.', [
        { field: 'contributors', message: 'Unknown or repeated organisation' },
      ]);
  }
  const [same] = await tx
    .select({ id: funds.id })
    .from(funds)
    .where(and(eq(funds.name, fund.name), eq(funds.financialYear, fund.financialYear)));
  if (same) {
    throw invalid('There is already a fund of that name for that year.', [
      { field: 'name', message: `"${fund.name}" already exists for ${fund.financialYear}` },
    ]);
  }
  // The check above answers the usual case; the unique index settles two at once.
  const [row] = await uniquely('name', `"${fund.name}" already exists for ${fund.financialYear}`, () =>
    tx
      .insert(funds)
      .values({
        name: fund.name,
        source: fund.source,
        financialYear: fund.financialYear,
        ...financialYearDates(fund.financialYear),
        budgetPence: BigInt(fund.budgetPence),
        indicative: fund.indicative,
      })
      .returning({ id: funds.id }),
  );
  const fundId = row!.id;
  if (fund.streams.length)
    await tx.insert(fundStreams).values(
      fund.streams.map((s) => ({
        fundId,
        name: s.name,
        budgetPence: BigInt(s.budgetPence),
        services: s.services,
      })),
    );
  if (fund.contributors.length) {
    await tx.insert(fundContributors).values(
      fund.contributors.map((c) => ({
        fundId,
        organisationId: c.organisationId,
        sharePence: BigInt(c.sharePence),
      })),
    );
  }
  return fundId;
}

/** A cycle a programme may run: its machine's id, and the measures a new programme starts with. */
export interface ProgrammeCycle {
  id: string;
  measures?: readonly MeasureSpec[] | undefined;
}

/**
 * Sets a programme up. Its limits come from an approver or admin when they set it up, else they start
 * safe (STARTING_LIMITS); either way the first entry of their log says who set them.
 */
export async function createProgramme(
  tx: Tx,
  body: unknown,
  cycles: readonly ProgrammeCycle[],
  actor: Actor,
  at = new Date(),
): Promise<string> {
  if (body && typeof body === 'object') refuseLimitsFrom(actor, body as Record<string, unknown>);
  const p = parse(newProgramme, body, 'programme');
  const limits = {
    delegationThresholdPence:
      p.delegationThresholdPence === undefined
        ? STARTING_LIMITS.delegationThresholdPence
        : BigInt(p.delegationThresholdPence),
    maxAwardPence:
      p.maxAwardPence === undefined || p.maxAwardPence === null
        ? STARTING_LIMITS.maxAwardPence
        : BigInt(p.maxAwardPence),
    panelQuorum: p.panelQuorum ?? STARTING_LIMITS.panelQuorum,
  };
  const problems: { field: string; message: string }[] = [];
  const knownCycles = cycles.map((c) => c.id);
  if (!knownCycles.includes(p.cycle))
    problems.push({ field: 'cycle', message: `Expected one of ${knownCycles.join(', ')}` });
  if (!(await findFund(tx, p.fundId))) problems.push({ field: 'fundId', message: 'Unknown fund' });
  else if (p.streamId && !(await streamsOf(tx, p.fundId)).some((s) => s.id === p.streamId))
    problems.push({ field: 'streamId', message: 'Not a stream of that fund' });
  const [theme] = await tx.select().from(planThemes).where(eq(planThemes.id, p.themeId));
  if (!theme) problems.push({ field: 'themeId', message: 'Unknown Police and Crime Plan theme' });
  const outcomes = await tx.select().from(planOutcomes).where(inArray(planOutcomes.id, p.outcomeIds));
  if (outcomes.length !== new Set(p.outcomeIds).size)
    problems.push({ field: 'outcomeIds', message: 'Unknown or repeated outcome' });
  else if (outcomes.some((o) => o.themeId !== p.themeId))
    problems.push({ field: 'outcomeIds', message: "Every outcome must belong to the programme's theme" });
  const weights = p.criteria.reduce((a, c) => a + c.weight, 0);
  if (p.criteria.length && weights !== 100)
    problems.push({ field: 'criteria', message: `Weights add up to ${weights}; they must make 100` });
  if (new Set(p.criteria.map((c) => c.id)).size !== p.criteria.length)
    problems.push({ field: 'criteria', message: 'Criterion ids must be unique' });
  if (p.serviceStartsOn && p.serviceEndsOn && p.serviceEndsOn < p.serviceStartsOn)
    problems.push({ field: 'serviceEndsOn', message: 'Must be on or after serviceStartsOn' });
  if (p.opensAt && p.closesAt && Date.parse(p.closesAt) <= Date.parse(p.opensAt))
    problems.push({ field: 'closesAt', message: 'Must be after opensAt' });
  if (problems.length) throw invalid('The programme is not valid.', problems);
  const [row] = await tx
    .insert(programmes)
    .values({
      name: p.name,
      summary: p.summary ?? null,
      cycle: p.cycle,
      fundId: p.fundId,
      streamId: p.streamId ?? null,
      themeId: p.themeId,
      opensAt: p.opensAt ? new Date(p.opensAt) : null,
      closesAt: p.closesAt ? new Date(p.closesAt) : null,
      decisionOn: p.decisionOn ?? null,
      ...limits,
      criteria: p.criteria,
      serviceStartsOn: p.serviceStartsOn ?? null,
      serviceEndsOn: p.serviceEndsOn ?? null,
      maxServiceMonths: p.maxServiceMonths ?? null,
      returnEveryMonths: p.returnEveryMonths,
      returnDueDays: p.returnDueDays,
    })
    .returning({ id: programmes.id });
  await logStartingLimits(tx, row!.id, limits, actor, at);
  await tx
    .insert(programmeOutcomes)
    .values(p.outcomeIds.map((outcomeId) => ({ programmeId: row!.id, outcomeId })));
  // The programme starts with its cycle's measures; its setup pages edit them from there.
  const measures = cycles.find((c) => c.id === p.cycle)?.measures ?? [];
  if (measures.length)
    await tx.insert(programmeMeasures).values(
      measures.map((m, position) => ({
        programmeId: row!.id,
        measureId: m.id,
        position,
        name: m.name,
        unit: m.unit,
        target: m.target === null ? null : String(m.target),
        breakdowns: [...m.breakdowns],
        weightedBy: m.weightedBy ?? null,
      })),
    );
  return row!.id;
}

export const budgetConfirmation = z.strictObject({
  budgetPence: pence.describe('The budget as confirmed, in pence: the indicative figure, or a new one'),
});

/**
 * Finance confirms an indicative budget (a future year's planning figure), at its figure or a new
 * one: never below what awards have already committed against it, nor below its ring-fenced streams,
 * and equal to the partners' shares where partners fund it jointly.
 */
export async function confirmBudget(tx: Tx, fundId: string, actor: Actor, body: unknown, at: Date) {
  const { budgetPence } = parse(budgetConfirmation, body, 'budget');
  const fund = await lockFund(tx, fundId);
  if (!fund) throw notFound('fund');
  if (!fund.indicative)
    throw new ProblemError(
      409,
      'The budget is already confirmed',
      `${fund.name} ${fund.financialYear} was confirmed already.`,
    );
  const budget = BigInt(budgetPence);
  const committed = (await ledgerTotals(tx, fund.id)).reduce(
    (sum, t) => sum + BigInt(t.committed) - BigInt(t.released),
    0n,
  );
  const fenced = (await streamsOf(tx, fund.id)).reduce((sum, s) => sum + s.budgetPence, 0n);
  const shares = (await contributorsOf(tx, fund.id)).reduce((sum, c) => sum + c.sharePence, 0n);
  const named = `${fund.name} ${fund.financialYear}`;
  const problems = [
    ...(budget < committed
      ? [
          {
            field: 'budgetPence',
            message: `Awards have already committed ${formatPounds(Number(committed))} against ${named}: confirm at least that`,
          },
        ]
      : []),
    ...(budget < fenced
      ? [
          {
            field: 'budgetPence',
            message: `The ring-fenced streams of ${named} add up to ${formatPounds(Number(fenced))}: confirm at least that`,
          },
        ]
      : []),
    ...(shares > 0n && budget !== shares
      ? [
          {
            field: 'budgetPence',
            message: `The partners' shares of ${named} make ${formatPounds(Number(shares))}: the budget must be that`,
          },
        ]
      : []),
  ];
  if (problems.length) throw invalid('The budget cannot be confirmed at that figure.', problems.slice(0, 1));
  await confirmFundBudget(tx, fund.id, budget, actor.userId, at);
}
