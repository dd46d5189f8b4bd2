// Query and response shapes of the finance reports, shared by the routes (to parse) and the OpenAPI
// document (to describe).
import { z } from 'zod';
import { financialYear } from '../../../machines/define.ts';
import { quarterParam } from '../../domain/reports/quarter.ts';

const format = z
  .enum(['json', 'csv'], { error: 'Use json or csv' })
  .optional()
  .describe('csv: the same report as CSV, one row per line');

export const reconciliationQuery = z.strictObject({
  financialYear: financialYear.optional().describe('Only funds of this financial year, e.g. 2026-27'),
  fund: z.uuid({ error: 'Enter the id of a fund' }).optional().describe('Only this fund'),
  format,
});

export const boardReportQuery = z.strictObject({
  quarter: quarterParam
    .optional()
    .describe('A financial quarter, e.g. 2026-27-Q3 (Q1 April–June … Q4 January–March); default: now'),
  format,
});

/** A sum of pence: a string of whole pence, so that it stays exact past 2^53 (JSON numbers do not). */
const pence = z
  .string()
  .regex(/^-?\d+$/)
  .describe('Whole pence, as a string: a sum, exact at any size (for example "123456789012345678")');
const figures = {
  budgetPence: pence,
  committedPence: pence.describe('Commitments less releases: the commitment held now'),
  paidPence: pence,
  reportedSpendPence: pence.describe('Spend providers reported in returns (no money moves)'),
  underspendPence: pence.describe('Commitment released because of an underspend'),
  returnedPence: pence.describe('Money providers repaid (clawback)'),
  remainingPence: pence.describe('Budget less committed'),
};
const line = z.object(figures);

export const reconciliationReport = z.object({
  financialYear: z.string().nullable(),
  fundId: z.uuid().nullable(),
  funds: z.array(
    z.object({
      fundId: z.uuid(),
      name: z.string(),
      financialYear: z.string(),
      ...figures,
      streams: z.array(z.object({ streamId: z.uuid(), name: z.string(), ...figures })),
      unfenced: line.describe('The fund outside every ring-fenced stream'),
      contributors: z
        .array(z.object({ organisationId: z.uuid(), name: z.string(), ...figures }))
        .describe("Each partner's share of every figure, apportioned by share (largest remainder)"),
    }),
  ),
  themes: z.array(
    z.object({
      themeId: z.string().describe('A Plan theme id, or unassigned / not-yet-allocated'),
      name: z.string(),
      ...figures,
    }),
  ),
  total: line,
  checks: z.object({
    allHold: z.boolean(),
    items: z.array(
      z.object({
        id: z.string(),
        statement: z.string(),
        holds: z.boolean(),
        failures: z.array(z.string()),
      }),
    ),
  }),
});

const spend = {
  budgetPence: pence,
  committedPence: pence,
  paidInQuarterPence: pence,
  paidToDatePence: pence,
};
export const boardReportBody = z.object({
  quarter: z.string(),
  financialYear: z.string(),
  startsOn: z.iso.date(),
  endsOn: z.iso.date(),
  spend: z.object({
    themes: z.array(z.object({ themeId: z.string(), name: z.string(), ...spend })),
    total: z.object(spend),
  }),
  awards: z.object({
    themes: z.array(z.object({ themeId: z.string(), name: z.string(), count: z.int(), valuePence: pence })),
    total: z.object({ count: z.int(), valuePence: pence }),
  }),
  returns: z.object({
    due: z.int(),
    onTime: z.int(),
    late: z.int(),
    notYetIn: z.int(),
    overdue: z.int().describe('Of those not yet in, how many are past their due date'),
  }),
  outcomes: z.object({
    returnsWithFigures: z.int(),
    lines: z
      .array(
        z.object({
          themeId: z.string(),
          theme: z.string(),
          outcomeId: z.string().nullable().describe('The Plan outcome; null for programmes that name none'),
          outcome: z.string(),
          measureId: z.string(),
          measure: z.string(),
          unit: z.enum(['count', 'percent']),
          weightedBy: z.string().nullable().describe('For a percentage, the count it is weighted by'),
          reports: z.int().describe('How many returns or reports gave a figure for it'),
          value: z
            .string()
            .nullable()
            .describe('A count: a string of digits, exact at any size; a percentage: to one decimal place'),
          parts: z.array(z.object({ part: z.string(), value: z.string().regex(/^\d+$/) })),
        }),
      )
      .describe(
        'Per Police and Crime Plan theme and outcome, each measure the returns due in the quarter reported',
      ),
  }),
  adjustments: z
    .array(
      z.object({
        quarter: z.string().describe('The closed quarter the money is dated into'),
        themeId: z.string(),
        name: z.string(),
        committedPence: pence,
        paidPence: pence,
        returnedPence: pence,
        entries: z.int(),
      }),
    )
    .describe('Money recorded in this quarter with a day in a quarter already closed'),
  closed: z
    .object({ closedAt: z.iso.datetime(), closedBy: z.string() })
    .nullable()
    .describe('When finance closed the quarter: the report is then as presented'),
});
