// Setting programmes up: what a programme is asked (its cycle, fund, Plan theme and outcomes, dates
// and scoring criteria), checked here for the API, the pages, the demo data and the tests alike. Its
// limits are programme-limits.ts; its funds are funds.ts.

import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { isoDate, isoInstant, type MeasureSpec } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import { findFund, streamsOf } from '../db/queries/funds.ts';
import {
  planOutcomes,
  planThemes,
  programmeMeasures,
  programmeOutcomes,
  programmes,
} from '../db/schema/index.ts';
import type { Actor } from '../engine/actor.ts';
import { invalid, validOr422 } from '../engine/errors.ts';
import { limitFields, logStartingLimits, refuseLimitsFrom, STARTING_LIMITS } from './programme-limits.ts';

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
    .array(z.string({ error: 'Choose the Police and Crime Plan outcomes' }).min(1).max(20), {
      error: 'Choose at least one of the Police and Crime Plan outcomes',
    })
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
    .array(criterionFields, { error: 'List the scoring criteria, each with its weight' })
    .max(20, { error: 'A programme has at most 20 criteria' })
    .default([])
    .meta({
      title: 'Scoring criteria',
      hint: 'What the panel scores each bid against. Leave them empty for a cycle the panel does not score',
      itemTitle: 'Criterion',
    }),
});

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
