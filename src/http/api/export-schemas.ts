// Query and response shapes of the open data exports, shared by the routes (to parse) and the
// OpenAPI document (to describe).
import { z } from 'zod';
import { financialYear } from '../../../machines/define.ts';
import { publicationMonth } from '../../domain/open-data/crime-disorder-publication.ts';

export const grantExportQuery = z.strictObject({
  financialYear: financialYear
    .optional()
    .describe('Only grants from funds of this financial year, e.g. 2026-27'),
  fund: z.uuid({ error: 'Enter the id of a fund' }).optional().describe('Only grants from this fund'),
});

export const publicationQuery = z.strictObject({
  month: publicationMonth.describe('The London calendar month, YYYY-MM'),
});

const organisation = z.object({
  id: z.string(),
  name: z.string(),
  charityNumber: z.string().optional(),
  companyNumber: z.string().optional(),
});

export const threeSixtyGivingPackage = z
  .object({
    grants: z.array(
      z.object({
        id: z.string().describe('360G-<prefix>-<case reference>'),
        title: z.string(),
        description: z.string(),
        currency: z.literal('GBP'),
        amountAwarded: z.number().describe('Pounds, at most two decimals: what the award holds committed'),
        awardDate: z.iso.date().describe('The London date the money was first committed'),
        recipientOrganization: z.array(organisation),
        fundingOrganization: z.array(z.object({ id: z.string(), name: z.string() })),
        plannedDates: z
          .array(z.object({ startDate: z.iso.date(), endDate: z.iso.date() }))
          .optional()
          .describe("From the award's payment schedule, when it has one"),
        grantProgramme: z.array(z.object({ code: z.string(), title: z.string() })).optional(),
        beneficiaryLocation: z.array(z.object({ name: z.string(), countryCode: z.literal('GB') })),
        dateModified: z.iso.datetime(),
      }),
    ),
  })
  .describe('A 360Giving Data Standard (1.4) grant package');

export const crimeDisorderPublicationBody = z.object({
  month: z.string(),
  label: z.string(),
  firstDay: z.iso.date(),
  lastDay: z.iso.date(),
  grants: z.array(
    z.object({
      caseId: z.uuid(),
      reference: z.string(),
      madeOn: z.iso.date().describe('The London date the partnership accepted the conditions'),
      recipient: z.object({ id: z.uuid(), name: z.string() }),
      amountPence: z.int(),
      financialYear: z.string(),
      purpose: z.string(),
      conditions: z.string().nullable(),
      reasons: z.string().nullable(),
    }),
  ),
});
