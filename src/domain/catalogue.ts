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
import { invalid, notFound, ProblemError, validOr422 } from '../engine/errors.ts';
import { financialYearDates } from './financial-year.ts';
import { limitFields, logStartingLimits, refuseLimitsFrom, STARTING_LIMITS } from './programme-limits.ts';

const pence = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const newFund = z.strictObject({
  name: z
    .string({ error: 'Enter the fund’s name' })
    .trim()
    .min(1, { error: 'Enter the fund’s name' })
    .max(200, { error: 'Keep the fund’s name to 200 characters or fewer' })
    .meta({ title: 'Name', hint: 'The same name each year, for example Victims’ services grant' }),
  source: z
    .string({ error: 'Enter where the money comes from' })
    .trim()
    .min(1, { error: 'Enter where the money comes from' })
    .max(200, { error: 'Keep where the money comes from to 200 characters or fewer' })
    .meta({ title: 'Where the money comes from', hint: 'For example, Ministry of Justice grant' }),
  financialYear: financialYear.meta({ title: 'Financial year', hint: 'For example, 2027-28' }),
  budgetPence: pence.meta({ title: 'Budget', widget: 'money' }),
  /** A future year's planning figure, not yet confirmed: awards may commit against it, flagged as such. */
  indicative: z.boolean({ error: 'Say whether the budget is a planning figure' }).default(false).meta({
    title: 'Is the budget a planning figure, not yet confirmed?',
    hint: 'Awards may commit against a planning figure, flagged as such, until finance confirms it',
  }),
  streams: z
    .array(
      z.strictObject({
        name: z
          .string({ error: 'Enter the stream’s name' })
          .trim()
          .min(1, { error: 'Enter the stream’s name' })
          .max(200, { error: 'Keep the stream’s name to 200 characters or fewer' })
          .meta({ title: 'Name', hint: 'For example, Domestic abuse and sexual violence' }),
        budgetPence: pence.meta({ title: 'Ring-fenced budget', widget: 'money' }),
        // The services a ring-fenced stream may fund, as the cycles name them (e.g. idva); none for any.
        services: z.array(z.string().trim().min(1).max(50)).max(30).default([]).meta({
          title: 'Services it may fund',
          hint: 'Leave them all unticked for a stream that may fund any service',
          widget: 'choice',
        }),
      }),
    )
    .max(20, { error: 'A fund has at most 20 ring-fenced streams' })
    .default([])
    .meta({
      title: 'Ring-fenced streams',
      hint: 'Parts of the budget kept for some services. Leave them empty for a fund with none',
      itemTitle: 'Stream',
    }),
  contributors: z
    .array(
      z.strictObject({
        organisationId: z.uuid({ error: 'Choose the partner' }).meta({ title: 'Partner', widget: 'choice' }),
        sharePence: pence
          .min(1, { error: 'Enter a share of at least 1p' })
          .meta({ title: 'Their share', widget: 'money' }),
      }),
    )
    .max(20, { error: 'A fund has at most 20 partners' })
    .default([])
    .meta({
      title: 'Partners’ shares',
      hint: 'For a fund partners pay into jointly: the shares add up to the budget. Leave them empty for a fund of the Commissioner’s own',
      itemTitle: 'Partner',
    }),
});

/** A criterion's id as scores name it, from its label: "Value for money" → valueForMoney. */
export function criterionId(label: string, taken: readonly string[] = []): string {
  const words = label.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const joined = words.map((w, i) => (i ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join('');
  const base = (/^[a-z]/.test(joined) ? joined : `criterion${joined}`).slice(0, 36);
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}${n}`;
  return id;
}

const words = (title: string, most: number) =>
  z
    .string({ error: `Enter the ${title}` })
    .trim()
    .min(1, { error: `Enter the ${title}` })
    .max(most, { error: `Keep the ${title} to ${most} characters or fewer` });

/** A programme's scoring criterion: what the panel scores, its weight, and what scorers look for. */
export const criterionFields = z.strictObject({
  /** As scores name it; made from the label when not given. */
  id: z
    .string()
    .regex(/^[a-z][a-zA-Z0-9]{0,40}$/, {
      error: 'Enter an id of letters and digits, starting with a small letter',
    })
    .optional()
    .meta({ title: 'Id', widget: 'hidden' }),
  label: words('criterion', 200).meta({ title: 'Criterion', hint: 'For example, Evidence of need' }),
  weight: z
    .number({ error: 'Enter the weight as a whole number from 1 to 100' })
    .int({ error: 'Enter the weight as a whole number from 1 to 100' })
    .min(1, { error: 'Enter the weight as a whole number from 1 to 100' })
    .max(100, { error: 'Enter the weight as a whole number from 1 to 100' })
    .meta({ title: 'Weight (%)', hint: 'The weights of all the criteria add up to 100' }),
  guidance: words('scoring guidance', 2000).optional().meta({
    title: 'Scoring guidance',
    hint: 'What the panel looks for in a strong answer',
    widget: 'textarea',
  }),
});

export const newProgramme = z.strictObject({
  name: words('programme’s name', 200).meta({
    title: 'Name',
    hint: 'As providers will see it on the funding call, for example Youth Fund 2027-28',
  }),
  /** What it funds, as the public funding call says. */
  summary: words('summary', 2000).optional().meta({
    title: 'What it funds',
    hint: 'A paragraph for the public funding call. Leave it empty to use the cycle’s own description',
    widget: 'textarea',
  }),
  cycle: z
    .string({ error: 'Choose the commissioning cycle' })
    .min(1, { error: 'Choose the commissioning cycle' })
    .max(100, { error: 'Choose the commissioning cycle' })
    .meta({
      title: 'Commissioning cycle',
      hint: 'How its bids or grants run, from start to finish',
      widget: 'choice',
    }),
  fundId: z.uuid({ error: 'Choose the fund' }).meta({ title: 'Fund', widget: 'choice' }),
  streamId: z.uuid({ error: 'Choose one of the fund’s ring-fenced streams, or none' }).optional().meta({
    title: 'Ring-fenced stream',
    hint: 'Only if the programme draws on one of its fund’s ring-fenced streams',
    widget: 'choice',
  }),
  themeId: z
    .string({ error: 'Choose the Police and Crime Plan theme' })
    .min(1, { error: 'Choose the Police and Crime Plan theme' })
    .max(50, { error: 'Choose the Police and Crime Plan theme' })
    .meta({ title: 'Police and Crime Plan theme', widget: 'choice' }),
  outcomeIds: z
    .array(z.string().min(1).max(20), { error: 'Choose at least one of the Police and Crime Plan outcomes' })
    .min(1, { error: 'Choose at least one of the Police and Crime Plan outcomes' })
    .max(20, { error: 'Choose at most 20 outcomes' })
    .meta({
      title: 'Police and Crime Plan outcomes',
      hint: 'What the programme works towards. Each must belong to its theme',
      widget: 'choice',
    }),
  opensAt: isoInstant.optional().meta({ title: 'Opens for bids', widget: 'startOfDay' }),
  closesAt: isoInstant.optional().meta({ title: 'Closes for bids' }),
  decisionOn: isoDate.optional().meta({ title: 'Decisions by' }),
  /** The rulebook's limits: only an approver or admin sets them (programme-limits.ts). */
  delegationThresholdPence: limitFields.delegationThresholdPence.optional(),
  maxAwardPence: limitFields.maxAwardPence.optional(),
  /** The dates the programme funds services for (a bid's service starts between them), and the longest. */
  serviceStartsOn: isoDate.optional().meta({
    title: 'Services start no earlier than',
    hint: 'The first day a funded service may start',
  }),
  serviceEndsOn: isoDate.optional().meta({
    title: 'Services start no later than',
    hint: 'The last day a funded service may start',
  }),
  maxServiceMonths: z
    .number({ error: 'Enter the longest service period as a whole number of months' })
    .int({ error: 'Enter the longest service period as a whole number of months' })
    .min(1, { error: 'The longest service period must be at least 1 month' })
    .max(120, { error: 'The longest service period can be at most 120 months' })
    .optional()
    .meta({ title: 'Longest service period (months)', hint: 'Leave it empty for no limit' }),
  panelQuorum: limitFields.panelQuorum.optional(),
  /** How often an award's monitoring returns fall (months, in step with the financial year), and when. */
  returnEveryMonths: z
    .number({ error: 'Choose how often monitoring returns fall' })
    .int({ error: 'Returns are every 3, 6 or 12 months' })
    .refine((n) => [3, 6, 12].includes(n), { error: 'Returns are every 3, 6 or 12 months' })
    .default(3)
    .meta({
      title: 'Monitoring returns',
      widget: 'choice',
      options: { 3: 'Every quarter', 6: 'Every half year', 12: 'Once a year' },
    }),
  returnDueDays: z
    .number({ error: 'Enter the days as a whole number from 0 to 120' })
    .int({ error: 'Enter the days as a whole number from 0 to 120' })
    .min(0, { error: 'Enter the days as a whole number from 0 to 120' })
    .max(120, { error: 'Enter the days as a whole number from 0 to 120' })
    .default(30)
    .meta({ title: 'Days to file a return', hint: 'How many days after its period ends a return is due' }),
  criteria: z
    .array(criterionFields)
    .max(20, { error: 'A programme has at most 20 criteria' })
    .default([])
    .meta({
      title: 'Scoring criteria',
      hint: 'What the panel scores each bid against. Leave them empty for a cycle the panel does not score',
      itemTitle: 'Criterion',
    }),
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

export async function createFund(tx: Tx, body: unknown): Promise<string> {
  const fund = validOr422(newFund, body, 'The fund is not valid.');
  const fenced = fund.streams.reduce((a, s) => a + s.budgetPence, 0);
  if (fenced > fund.budgetPence) {
    throw invalid('The streams are bigger than the fund.', [
      {
        field: 'streams',
        message: `The ring-fenced streams add up to ${formatPounds(fenced)}, more than the budget of ${formatPounds(fund.budgetPence)}: make them smaller`,
      },
    ]);
  }
  const shares = fund.contributors.reduce((a, c) => a + c.sharePence, 0);
  if (fund.contributors.length && shares !== fund.budgetPence) {
    throw invalid("The partners' shares do not make the budget.", [
      {
        field: 'contributors',
        message: `The partners’ shares add up to ${formatPounds(shares)}; the budget is ${formatPounds(fund.budgetPence)}: make them equal`,
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
        { field: 'contributors', message: 'Choose each partner once, from the organisations on record' },
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

/** What is wrong with a programme's dates taken together: services or bids ending before they start. */
export function datesProblems(p: {
  serviceStartsOn?: string | null | undefined;
  serviceEndsOn?: string | null | undefined;
  opensAt?: string | null | undefined;
  closesAt?: string | null | undefined;
}) {
  const problems: { field: string; message: string }[] = [];
  if (p.serviceStartsOn && p.serviceEndsOn && p.serviceEndsOn < p.serviceStartsOn)
    problems.push({
      field: 'serviceEndsOn',
      message: 'The latest day services may start must be on or after the earliest',
    });
  if (p.opensAt && p.closesAt && Date.parse(p.closesAt) <= Date.parse(p.opensAt))
    problems.push({ field: 'closesAt', message: 'Bids must close after they open' });
  return problems;
}

/** What is wrong with a programme's criteria as a whole: weights not making 100, an id twice. */
export function criteriaProblems(criteria: readonly { id: string; weight: number }[]) {
  const problems: { field: string; message: string }[] = [];
  const weights = criteria.reduce((a, c) => a + c.weight, 0);
  if (criteria.length && weights !== 100)
    problems.push({
      field: 'criteria',
      message: `The weights of the scoring criteria add up to ${weights}%: make them add up to 100%`,
    });
  if (new Set(criteria.map((c) => c.id)).size !== criteria.length)
    problems.push({ field: 'criteria', message: 'Give each criterion an id of its own' });
  return problems;
}

/** Criteria with their ids: each given one kept, each missing one made from its label. */
export function withIds(criteria: readonly z.infer<typeof criterionFields>[]) {
  const taken = criteria.flatMap((c) => (c.id ? [c.id] : []));
  return criteria.map(({ id, guidance, ...rest }) => {
    const made = id ?? criterionId(rest.label, taken);
    if (!id) taken.push(made);
    return { id: made, ...rest, ...(guidance ? { guidance } : {}) };
  });
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
  const parsed = validOr422(newProgramme, body, 'The programme is not valid.');
  const p = { ...parsed, criteria: withIds(parsed.criteria) };
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
    problems.push({ field: 'cycle', message: 'Choose one of the commissioning cycles' });
  if (!(await findFund(tx, p.fundId))) problems.push({ field: 'fundId', message: 'Choose a fund on record' });
  else if (p.streamId && !(await streamsOf(tx, p.fundId)).some((s) => s.id === p.streamId))
    problems.push({ field: 'streamId', message: 'Choose a ring-fenced stream of the programme’s own fund' });
  const [theme] = await tx.select().from(planThemes).where(eq(planThemes.id, p.themeId));
  if (!theme)
    problems.push({ field: 'themeId', message: 'Choose one of the Police and Crime Plan’s themes' });
  const outcomes = await tx.select().from(planOutcomes).where(inArray(planOutcomes.id, p.outcomeIds));
  if (outcomes.length !== new Set(p.outcomeIds).size)
    problems.push({
      field: 'outcomeIds',
      message: 'Choose outcomes of the Police and Crime Plan, each once',
    });
  else if (outcomes.some((o) => o.themeId !== p.themeId))
    problems.push({
      field: 'outcomeIds',
      message: `Choose only Police and Crime Plan outcomes of the programme’s theme${theme ? ` (${theme.name})` : ''}`,
    });
  problems.push(...criteriaProblems(p.criteria), ...datesProblems(p));
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
  const { budgetPence } = validOr422(budgetConfirmation, body, 'The budget is not valid.');
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
