// The Police and Crime Plan the commissioning serves: reference data every install has.
import type { Db } from '../db/client.ts';
import { planOutcomes, planThemes } from '../db/schema/index.ts';

export const policeAndCrimePlan = [
  {
    id: 'victims',
    name: 'Victims',
    description: 'Victims and witnesses are supported to cope and recover, and get justice.',
    outcomes: [
      ['V1', 'Victims are supported to cope and recover'],
      ['V2', 'Victims and witnesses get justice'],
      ['V3', 'Vulnerable people are safeguarded from harm and exploitation'],
    ],
  },
  {
    id: 'offenders',
    name: 'Offenders',
    description: 'Offending is reduced, and people are diverted from crime early.',
    outcomes: [
      ['O1', 'Reoffending is reduced'],
      ['O2', 'Young people are diverted from crime and exploitation'],
    ],
  },
  {
    id: 'communities',
    name: 'Communities',
    description: 'Communities are safer, feel safer, and are resilient.',
    outcomes: [
      ['C1', 'Crime and disorder are reduced in every community'],
      ['C2', 'Anti-social behaviour is reduced'],
      ['C3', 'Young people have positive things to do'],
    ],
  },
  {
    id: 'transformation',
    name: 'Transformation',
    description: 'Public services work together and spend public money well.',
    outcomes: [
      ['T1', 'Services are joined up across partners'],
      ['T2', 'Public money is spent well'],
    ],
  },
] as const;

/** Inserts the Plan's themes and outcomes where missing; safe to run at every start. */
export async function ensurePlan(db: Db): Promise<void> {
  await db
    .insert(planThemes)
    .values(
      policeAndCrimePlan.map((t, position) => ({
        id: t.id,
        name: t.name,
        description: t.description,
        position,
      })),
    )
    .onConflictDoNothing();
  await db
    .insert(planOutcomes)
    .values(
      policeAndCrimePlan.flatMap((t) => t.outcomes.map(([id, title]) => ({ id, themeId: t.id, title }))),
    )
    .onConflictDoNothing();
}
