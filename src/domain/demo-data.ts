// Demo data, so a fresh install can be clicked through at once: the OPCC, providers, partners and
// the six Community Safety Partnerships; one user per role; this year's funds and programmes.

import { sql } from 'drizzle-orm';
import { addDays, londonDate, londonInstant } from '../../machines/calendar.ts';
import { crimeDisorderGrant } from '../../machines/crime-disorder-grant.ts';
import { sarcRecommissioning } from '../../machines/sarc-recommissioning.ts';
import { victimsServices } from '../../machines/victims-services.ts';
import { youthFund } from '../../machines/youth-fund.ts';
import type { Database, Db, Tx } from '../db/client.ts';
import { insertMembership } from '../db/queries/memberships.ts';
import { insertPanelMember } from '../db/queries/panel.ts';
import { usersWithEmails, usersWithRole } from '../db/queries/people.ts';
import { organisations, users } from '../db/schema/index.ts';
import { systemActor } from '../engine/actor.ts';
import { createProgramme, type ProgrammeCycle } from './catalogue.ts';
import { seedProfileDocuments } from './demo-profile.ts';
import { financialYearOf, yearsAhead } from './financial-year.ts';
import { createFund } from './funds.ts';
import { everyPermission } from './organisation-people.ts';
import { SECOND_FACTOR_ROLES } from './second-factor.ts';
import { hashPassword } from './sessions.ts';

type OrganisationKind = (typeof organisations.$inferInsert)['kind'];
const org = (name: string, kind: OrganisationKind, charityNumber?: string, companyNumber?: string) => ({
  name,
  kind,
  charityNumber: charityNumber ?? null,
  companyNumber: companyNumber ?? null,
});

export const demoOrganisations = {
  opcc: org('Office of the Police and Crime Commissioner', 'commissioner'),
  riverside: org('Riverside Youth Trust', 'provider', '1190001', '11900010'),
  fenland: org('Fenland Community Sports Club', 'provider', '1190002'),
  // Healthcare suppliers that tender for the SARC contract.
  mountain: org('Mountain Healthcare Ltd', 'provider', undefined, '05208921'),
  solace: org('Solace Sexual Health CIC', 'provider', undefined, '09912345'),
  nhsEngland: org('NHS England', 'partner'),
  county: org('Cambridgeshire County Council', 'partner'),
  city: org('Peterborough City Council', 'partner'),
  cambridgeCsp: org('Cambridge City Community Safety Partnership', 'communitySafetyPartnership'),
  eastCambsCsp: org('East Cambridgeshire Community Safety Partnership', 'communitySafetyPartnership'),
  fenlandCsp: org('Fenland Community Safety Partnership', 'communitySafetyPartnership'),
  huntsCsp: org('Huntingdonshire Community Safety Partnership', 'communitySafetyPartnership'),
  southCambsCsp: org('South Cambridgeshire Community Safety Partnership', 'communitySafetyPartnership'),
  peterboroughCsp: org('Safer Peterborough Partnership', 'communitySafetyPartnership'),
};
type OrganisationKey = keyof typeof demoOrganisations;

export const demoUsers = [
  { email: 'officer@demo.test', name: 'Olivia Officer', role: 'officer', organisation: 'opcc' },
  // A second officer, so a case can be reassigned from one to the other.
  { email: 'officer2@demo.test', name: 'Omar Officer', role: 'officer', organisation: 'opcc' },
  { email: 'provider@demo.test', name: 'Priya Provider', role: 'provider', organisation: 'riverside' },
  { email: 'provider2@demo.test', name: 'Pete Provider', role: 'provider', organisation: 'fenland' },
  { email: 'panel@demo.test', name: 'Pat Panel', role: 'panel', organisation: 'opcc' },
  // A second member, so a demo bid can reach the panel's quorum of two scores.
  { email: 'panel2@demo.test', name: 'Sam Scorer', role: 'panel', organisation: 'opcc' },
  { email: 'finance@demo.test', name: 'Fran Finance', role: 'finance', organisation: 'opcc' },
  // A second pair of finance hands: whoever schedules or varies a payment does not approve it.
  { email: 'finance2@demo.test', name: 'Femi Finance', role: 'finance', organisation: 'opcc' },
  { email: 'approver@demo.test', name: 'Alex Approver', role: 'approver', organisation: 'opcc' },
  { email: 'admin@demo.test', name: 'Adi Admin', role: 'admin', organisation: 'opcc' },
  { email: 'csp@demo.test', name: 'Cass Partnership', role: 'provider', organisation: 'fenlandCsp' },
] as const satisfies readonly { organisation: OrganisationKey; [k: string]: string }[];

/** Every demo user signs in with this password (the README says so). */
export const DEMO_PASSWORD = 'demo-commissioning-2026';

/**
 * The demo finance, approver and admin accounts' authenticator key, published like the password:
 * add it to an app, or print the code of the moment with `npm run cli -- demo:code`.
 */
export const DEMO_TOTP_SECRET = 'DEMOCODEDEMOCODEDEMOCODEDEMOCODE';

/** Whether the database holds any of the demo users, whose password is published. */
export async function holdsDemoUsers(db: Db): Promise<boolean> {
  return (
    (await usersWithEmails(
      db,
      demoUsers.map((u) => u.email),
    )) > 0
  );
}

export interface DemoIds {
  organisations: Record<OrganisationKey, string>;
  programmes: { youthFund: string; victims: string; sarc: string; crimeAndDisorder: string };
}

const SEED_LOCK = 727_002;
const POUND = 100;

/**
 * Seeds an empty database in one transaction (returns null when it was not empty). `then` runs in
 * the same transaction, so demo cases are there exactly when the demo data is.
 */
export async function seedDemoData(
  db: Database,
  knownCycles: readonly ProgrammeCycle[],
  then?: (tx: Tx, ids: DemoIds) => Promise<void>,
  now: Date = new Date(),
): Promise<DemoIds | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    const [existing] = await tx.select({ id: organisations.id }).from(organisations).limit(1);
    if (existing) return null;
    const orgIds = {} as Record<OrganisationKey, string>;
    for (const [key, organisation] of Object.entries(demoOrganisations)) {
      const [row] = await tx.insert(organisations).values(organisation).returning({ id: organisations.id });
      orgIds[key as OrganisationKey] = row!.id;
      // The organisations that bid keep their documents on their profile, in date, as due diligence asks.
      if (organisation.kind === 'provider')
        await seedProfileDocuments(tx, row!.id, {
          at: now,
          today: londonDate(now),
          organisationName: organisation.name,
        });
    }
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const inserted = await tx
      .insert(users)
      .values(
        demoUsers.map((u) => ({
          email: u.email,
          name: u.name,
          role: u.role,
          organisationId: orgIds[u.organisation],
          passwordHash,
          totpSecret: SECOND_FACTOR_ROLES.includes(u.role) ? DEMO_TOTP_SECRET : null,
        })),
      )
      .returning({ id: users.id, role: users.role, organisationId: users.organisationId });
    // Each provider's person may do everything for it, as an organisation's first person does.
    for (const person of inserted.filter((u) => u.role === 'provider'))
      await insertMembership(tx, {
        userId: person.id,
        organisationId: person.organisationId,
        permissions: everyPermission,
        invitedBy: null,
        createdAt: now,
        acceptedAt: now,
      });
    const ids: DemoIds = {
      organisations: orgIds,
      programmes: await seedProgrammes(tx, orgIds, knownCycles, now),
    };
    // Both panel members sit on the programmes whose bids a panel scores.
    const panel = await usersWithRole(tx, 'panel');
    for (const programmeId of [ids.programmes.youthFund, ids.programmes.victims])
      for (const member of panel)
        await insertPanelMember(tx, { programmeId, userId: member.id, assignedBy: null, assignedAt: now });
    await then?.(tx, ids);
    return ids;
  });
}

// Dates are relative to the day the demo is seeded, so the calls for bids are open whenever it is.
async function seedProgrammes(
  tx: Tx,
  o: Record<OrganisationKey, string>,
  cycles: readonly ProgrammeCycle[],
  now: Date,
) {
  const today = londonDate(now);
  const year = financialYearOf(today);
  const inDays = (days: number, time: string) => londonInstant(addDays(today, days), time).toISOString();
  // Each budget line: this year's fund, confirmed, and the next four years' at the same figures,
  // indicative, so multi-year agreements (victims' services up to three years, the SARC contract to
  // 2030 and its extensions) can commit each year's part against its own year.
  const budgetLine = async (fund: Record<string, unknown>) => {
    const id = await createFund(tx, { ...fund, financialYear: year });
    for (let ahead = 1; ahead <= 4; ahead++)
      await createFund(tx, { ...fund, financialYear: yearsAhead(year, ahead), indicative: true });
    return id;
  };
  const victimsFund = await budgetLine({
    name: "Victims' services grant",
    source: 'Ministry of Justice victims grant',
    budgetPence: 1_000_000 * POUND,
    streams: [
      {
        name: 'Domestic abuse and sexual violence',
        budgetPence: 450_000 * POUND,
        // Ring-fenced for independent domestic violence and sexual violence advisers.
        services: ['idva', 'isva'],
      },
    ],
  });
  const communityFund = await budgetLine({
    name: 'Community safety fund',
    source: 'OPCC core budget',
    budgetPence: 400_000 * POUND,
  });
  const sarcFund = await budgetLine({
    name: 'SARC joint commissioning budget',
    source: 'Partner contributions',
    budgetPence: 2_400_000 * POUND,
    contributors: [
      { organisationId: o.opcc, sharePence: 600_000 * POUND },
      { organisationId: o.nhsEngland, sharePence: 1_200_000 * POUND },
      { organisationId: o.county, sharePence: 360_000 * POUND },
      { organisationId: o.city, sharePence: 240_000 * POUND },
    ],
  });
  const [victimsStream] = await tx.execute<{ id: string }>(
    sql`select id from fund_streams where fund_id = ${victimsFund} limit 1`,
  );
  const programme = (body: Record<string, unknown>) => createProgramme(tx, body, cycles, systemActor);
  return {
    youthFund: await programme({
      name: `Youth Fund ${year}`,
      summary:
        'Grants of up to £5,000 for projects that steer young people aged 10 to 24 away from crime and exploitation: sport, mentoring, youth clubs, arts and outreach in the places young people gather.',
      cycle: youthFund.id,
      fundId: communityFund,
      themeId: 'offenders',
      outcomeIds: ['O2'],
      opensAt: inDays(-14, '09:00'),
      closesAt: inDays(70, '23:59'),
      decisionOn: addDays(today, 100),
      // The panel decides grants up to £2,500; larger ones wait for the approver's signature.
      delegationThresholdPence: 2_500 * POUND,
      maxAwardPence: 5_000 * POUND,
      criteria: [
        { id: 'need', label: 'Evidence of need', weight: 40 },
        { id: 'delivery', label: 'Deliverability', weight: 35 },
        { id: 'value', label: 'Value for money', weight: 25 },
      ],
    }),
    victims: await programme({
      name: `Victims' services ${year}`,
      summary:
        'Funding for services that help victims of crime cope and recover: independent domestic and sexual violence advisers (IDVAs and ISVAs), counselling, and support for children and young people, from April for up to three years.',
      cycle: victimsServices.id,
      fundId: victimsFund,
      streamId: victimsStream!.id,
      themeId: 'victims',
      outcomeIds: ['V1', 'V3'],
      closesAt: inDays(50, '12:00'),
      // Services start in the next financial year and run for up to three years.
      serviceStartsOn: `${Number(year.slice(0, 4)) + 1}-04-01`,
      serviceEndsOn: `${Number(year.slice(0, 4)) + 2}-03-31`,
      maxServiceMonths: 36,
      delegationThresholdPence: 50_000 * POUND,
      criteria: [
        { id: 'quality', label: 'Quality of service', weight: 40 },
        { id: 'need', label: 'Evidence of need', weight: 20 },
        { id: 'partnership', label: 'Partnership working', weight: 20 },
        { id: 'value', label: 'Value for money', weight: 20 },
      ],
    }),
    sarc: await programme({
      name: `SARC re-commissioning ${year}`,
      cycle: sarcRecommissioning.id,
      fundId: sarcFund,
      themeId: 'victims',
      outcomeIds: ['V1'],
      delegationThresholdPence: 0,
      criteria: [
        { id: 'quality', label: 'Quality', weight: 70 },
        { id: 'price', label: 'Price', weight: 30 },
      ],
    }),
    crimeAndDisorder: await programme({
      name: `Crime and disorder reduction grants ${year}`,
      cycle: crimeDisorderGrant.id,
      fundId: communityFund,
      themeId: 'communities',
      outcomeIds: ['C1', 'C2'],
      delegationThresholdPence: 25_000 * POUND,
    }),
  };
}
