// Funds: one budget line for one financial year, with its ring-fenced streams and partners' shares,
// set up by finance, and a planning figure confirmed. Shared by the API, the pages, the demo data and
// the tests; every input is checked here.

import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { financialYear, formatPounds, pence as moneyInPence } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { confirmFundBudget, contributorsOf, ledgerTotals, lockFund, streamsOf } from '../db/queries/funds.ts';
import { fundContributors, fundStreams, funds, organisations } from '../db/schema/index.ts';
import type { Actor } from '../engine/actor.ts';
import { invalid, notFound, ProblemError, validOr422 } from '../engine/errors.ts';
import { financialYearDates } from './financial-year.ts';

// Money in pence, refused in the words every machine's amounts use (machines/define.ts).
const pence = moneyInPence;

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
        services: z
          .array(z.string({ error: 'Choose the services it may fund' }).trim().min(1).max(50), {
            error: 'Choose the services it may fund',
          })
          .max(30)
          .default([])
          .meta({
            title: 'Services it may fund',
            hint: 'Leave them all unticked for a stream that may fund any service',
            widget: 'choice',
          }),
      }),
      { error: 'List the ring-fenced streams, each with its name and budget' },
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
      { error: 'List the partners, each with their share' },
    )
    .max(20, { error: 'A fund has at most 20 partners' })
    .default([])
    .meta({
      title: 'Partners’ shares',
      hint: 'For a fund partners pay into jointly: the shares add up to the budget. Leave them empty for a fund of the Commissioner’s own',
      itemTitle: 'Partner',
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
