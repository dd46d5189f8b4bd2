// Awarded grants as 360Giving Data Standard records (release 1.4.3): the JSON package and the
// flattened CSV with the standard's column titles. Amounts are published in pounds, converted
// exactly from the pence the ledger holds.
import { londonDate } from '../../../machines/calendar.ts';
import type { Db } from '../../db/client.ts';
import { type AwardedGrantFilter, type AwardedGrantRow, awardedGrants } from '../../db/queries/open-data.ts';
import type { MachineRegistry } from '../../engine/registry.ts';
import { caseReference } from '../../engine/views.ts';
import { toCsv } from '../csv.ts';
import { poundsNumber, poundsText } from './pounds.ts';
import type { OpenDataSettings } from './settings.ts';

export interface ThreeSixtyGivingOrganisation {
  id: string;
  name: string;
  charityNumber?: string;
  companyNumber?: string;
}

export interface ThreeSixtyGivingGrant {
  id: string;
  title: string;
  description: string;
  currency: 'GBP';
  amountAwarded: number;
  awardDate: string;
  recipientOrganization: [ThreeSixtyGivingOrganisation];
  fundingOrganization: [{ id: string; name: string }];
  plannedDates?: [{ startDate: string; endDate: string }];
  grantProgramme?: [{ code: string; title: string }];
  beneficiaryLocation: [{ name: string; countryCode: 'GB' }];
  dateModified: string;
}

/** A published grant, with the pence it was made from so the CSV can write the amount exactly. */
export interface PublishedGrant {
  grant: ThreeSixtyGivingGrant;
  amountPence: bigint;
}

type Organisation = AwardedGrantRow['organisation'];

/**
 * The recipient's org-id.guide identifier: its charity number (GB-CHC, or GB-SC for a Scottish
 * charity's SC number), else its company number (GB-COH), else one under the publisher's prefix.
 */
export function recipientIdentifier(organisation: Organisation, prefix: string): string {
  const charity = organisation.charityNumber?.trim().toUpperCase();
  if (charity) return /^SC\d+$/.test(charity) ? `GB-SC-${charity}` : `GB-CHC-${charity}`;
  const company = organisation.companyNumber?.trim().toUpperCase();
  if (company) return `GB-COH-${company}`;
  return `360G-${prefix}-org-${organisation.id}`;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

function toGrant(
  row: AwardedGrantRow,
  settings: OpenDataSettings,
  registry: MachineRegistry,
): PublishedGrant {
  const definition = registry.get(row.machineId, row.machineVersion) ?? registry.latest(row.machineId);
  const reference = definition
    ? caseReference(definition, row.seq)
    : `${row.machineId.toUpperCase()}-${String(row.seq).padStart(6, '0')}`;
  const context = row.context ?? {};
  const line = definition?.summary(context);
  // The award's value as varied, from the ledger (see awardedGrants).
  const awarded = row.valuePence;
  // The period the grant pays for (a service or agreement period, a contract, a financial year), as
  // the cycle declares it; a cycle that declares none publishes no planned dates.
  const period = definition?.awardPeriod?.(context) ?? null;
  const title = text(line?.title) ?? definition?.title ?? 'Grant';
  const { organisation } = row;
  const recipient: ThreeSixtyGivingOrganisation = {
    id: recipientIdentifier(organisation, settings.prefix),
    name: organisation.name,
    ...(organisation.charityNumber ? { charityNumber: organisation.charityNumber } : {}),
    ...(organisation.companyNumber ? { companyNumber: organisation.companyNumber } : {}),
  };
  const grant: ThreeSixtyGivingGrant = {
    id: `360G-${settings.prefix}-${reference}`,
    title,
    description: text(line?.description) ?? title,
    currency: 'GBP',
    amountAwarded: poundsNumber(awarded),
    // The day of the decision: when the award first committed money.
    awardDate: londonDate(row.firstCommitAt),
    recipientOrganization: [recipient],
    fundingOrganization: [{ id: settings.funderId, name: settings.funderName }],
    ...(period ? { plannedDates: [{ startDate: period.startsOn, endDate: period.endsOn }] as const } : {}),
    ...(row.programmeId && row.programmeName
      ? { grantProgramme: [{ code: row.programmeId, title: row.programmeName }] as const }
      : {}),
    beneficiaryLocation: [{ name: settings.beneficiaryLocation, countryCode: 'GB' }],
    dateModified: row.updatedAt.toISOString(),
  };
  return { grant, amountPence: awarded };
}

/** Every awarded grant (optionally of one financial year or one fund), oldest award first. */
export async function publishedGrants(
  db: Db,
  registry: MachineRegistry,
  settings: OpenDataSettings,
  filter: AwardedGrantFilter = {},
): Promise<PublishedGrant[]> {
  const rows = await awardedGrants(db, filter);
  return rows.map((row) => toGrant(row, settings, registry));
}

/** The 360Giving JSON package. */
export const threeSixtyGivingPackage = (grants: readonly PublishedGrant[]) => ({
  grants: grants.map((g) => g.grant),
});

/** The 360Giving flattened column titles, in the order the CSV writes them. */
export const THREE_SIXTY_GIVING_COLUMNS = [
  'Identifier',
  'Title',
  'Description',
  'Currency',
  'Amount Awarded',
  'Award Date',
  'Recipient Org:Identifier',
  'Recipient Org:Name',
  'Recipient Org:Charity Number',
  'Recipient Org:Company Number',
  'Funding Org:Identifier',
  'Funding Org:Name',
  'Planned Dates:Start Date',
  'Planned Dates:End Date',
  'Grant Programme:Code',
  'Grant Programme:Title',
  'Beneficiary Location:Name',
  'Beneficiary Location:Country Code',
  'Last Modified',
] as const;

/** The 360Giving CSV: one row per grant, one recipient, funder, programme and location each. */
export function threeSixtyGivingCsv(grants: readonly PublishedGrant[]): string {
  return toCsv(
    THREE_SIXTY_GIVING_COLUMNS,
    grants.map(({ grant, amountPence }) => {
      const [recipient] = grant.recipientOrganization;
      const [funder] = grant.fundingOrganization;
      const [location] = grant.beneficiaryLocation;
      return [
        grant.id,
        grant.title,
        grant.description,
        grant.currency,
        poundsText(amountPence),
        grant.awardDate,
        recipient.id,
        recipient.name,
        recipient.charityNumber,
        recipient.companyNumber,
        funder.id,
        funder.name,
        grant.plannedDates?.[0].startDate,
        grant.plannedDates?.[0].endDate,
        grant.grantProgramme?.[0].code,
        grant.grantProgramme?.[0].title,
        location.name,
        location.countryCode,
        grant.dateModified,
      ];
    }),
  );
}
