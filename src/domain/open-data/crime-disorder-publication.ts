// The crime and disorder reduction grants the Commissioner made in a month, as they must be
// published: recipient, amount, purpose, the conditions attached and the reasons for them.
//
// A grant counts as made when the partnership accepts its conditions: its case enters `live`.
// Before that it is an allocation whose conditions may still be queried and changed, or which may be
// withdrawn. Months are London calendar months.
import { z } from 'zod';
import { addDays, londonDate, londonInstant } from '../../../machines/calendar.ts';
import {
  type CrimeDisorderGrantContext,
  crimeDisorderGrant,
  GRANT_MADE_STATE,
  publicationRecord,
} from '../../../machines/crime-disorder-grant.ts';
import type { Db } from '../../db/client.ts';
import { casesEnteringState } from '../../db/queries/open-data.ts';
import type { MachineRegistry } from '../../engine/registry.ts';
import { caseReference } from '../../engine/views.ts';
import { toCsv } from '../csv.ts';
import { poundsText } from './pounds.ts';

const MONTH = /^(\d{4})-(\d{2})$/;
const MONTH_MESSAGE = 'Enter a month as a year and month, such as 2026-11';

/** A publication month, 'YYYY-MM', between 2000 and 2199 like every date here. */
export const publicationMonth = z
  .string({ error: MONTH_MESSAGE })
  .regex(MONTH, { error: MONTH_MESSAGE })
  .refine((m) => !MONTH.test(m) || (m.slice(5) >= '01' && m.slice(5) <= '12'), {
    error: 'The month must be from 01 to 12',
  })
  .refine((m) => !MONTH.test(m) || (m >= '2000' && m < '2200'), {
    error: 'Enter a month between 2000 and 2199',
  });

/** The month a London date or instant falls in: '2026-11'. */
export const monthOf = (instant: Date) => londonDate(instant).slice(0, 7);

/** The month after (or, with -1, before) a month. */
export function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** '2026-11' → 'November 2026'. */
export const monthLabel = (month: string) =>
  new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T12:00:00Z`),
  );

export interface PublishedCrimeDisorderGrant {
  caseId: string;
  reference: string;
  /** The London date the grant was made (its conditions accepted). */
  madeOn: string;
  recipient: { id: string; name: string };
  amountPence: number;
  financialYear: string;
  purpose: string;
  conditions: string | null;
  reasons: string | null;
}

export interface CrimeDisorderPublication {
  month: string;
  label: string;
  /** First and last London dates of the month. */
  firstDay: string;
  lastDay: string;
  grants: PublishedCrimeDisorderGrant[];
}

/** The crime and disorder reduction grants made in a London month, in the order they were made. */
export async function crimeDisorderPublication(
  db: Db,
  registry: MachineRegistry,
  month: string,
): Promise<CrimeDisorderPublication> {
  const firstDay = `${month}-01`;
  const nextFirstDay = `${addMonths(month, 1)}-01`;
  const rows = await casesEnteringState(
    db,
    crimeDisorderGrant.id,
    GRANT_MADE_STATE,
    londonInstant(firstDay),
    londonInstant(nextFirstDay),
  );
  return {
    month,
    label: monthLabel(month),
    firstDay,
    lastDay: addDays(nextFirstDay, -1),
    grants: rows.map((row) => {
      const definition =
        registry.get(row.machineId, row.machineVersion) ??
        registry.latest(row.machineId) ??
        crimeDisorderGrant;
      const record = publicationRecord(row.context as unknown as CrimeDisorderGrantContext);
      return {
        caseId: row.caseId,
        reference: caseReference(definition, row.seq),
        madeOn: londonDate(row.enteredAt),
        recipient: { id: row.organisationId, name: row.organisationName },
        amountPence: record.amountPence,
        financialYear: record.financialYear,
        purpose: record.purpose,
        conditions: record.conditions,
        reasons: record.reasons,
      };
    }),
  };
}

export const CRIME_DISORDER_COLUMNS = [
  'Reference',
  'Date made',
  'Recipient',
  'Financial year',
  'Amount (GBP)',
  'Purpose',
  'Conditions',
  'Reasons',
] as const;

export function crimeDisorderCsv(publication: CrimeDisorderPublication): string {
  return toCsv(
    CRIME_DISORDER_COLUMNS,
    publication.grants.map((g) => [
      g.reference,
      g.madeOn,
      g.recipient.name,
      g.financialYear,
      poundsText(BigInt(g.amountPence)),
      g.purpose,
      g.conditions,
      g.reasons,
    ]),
  );
}
