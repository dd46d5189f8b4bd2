// Demo organisations and one user per role, so a fresh install can be clicked through at once.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { organisations, users } from '../db/schema/index.ts';

export const demoOrganisations = {
  opcc: { name: 'Office of the Police and Crime Commissioner', kind: 'commissioner' as const },
  riverside: {
    name: 'Riverside Youth Trust',
    kind: 'provider' as const,
    charityNumber: '1190001',
    companyNumber: '11900010',
  },
  fenland: { name: 'Fenland Community Sports Club', kind: 'provider' as const, charityNumber: '1190002' },
};

export const demoUsers = [
  { email: 'officer@demo.test', name: 'Olivia Officer', role: 'officer', organisation: 'opcc' },
  { email: 'provider@demo.test', name: 'Priya Provider', role: 'provider', organisation: 'riverside' },
  { email: 'provider2@demo.test', name: 'Pete Provider', role: 'provider', organisation: 'fenland' },
  { email: 'panel@demo.test', name: 'Pat Panel', role: 'panel', organisation: 'opcc' },
  { email: 'finance@demo.test', name: 'Fran Finance', role: 'finance', organisation: 'opcc' },
  { email: 'approver@demo.test', name: 'Alex Approver', role: 'approver', organisation: 'opcc' },
  { email: 'admin@demo.test', name: 'Adi Admin', role: 'admin', organisation: 'opcc' },
] as const;

const SEED_LOCK = 727_002;

/** Seeds only an empty database; returns whether it did. Safe when several processes start at once. */
export async function seedDemoData(db: Database): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    const [existing] = await tx.select({ id: organisations.id }).from(organisations).limit(1);
    if (existing) return false;
    const ids: Record<string, string> = {};
    for (const [key, organisation] of Object.entries(demoOrganisations)) {
      const [row] = await tx.insert(organisations).values(organisation).returning({ id: organisations.id });
      ids[key] = row!.id;
    }
    await tx.insert(users).values(
      demoUsers.map((user) => ({
        email: user.email,
        name: user.name,
        role: user.role,
        organisationId: ids[user.organisation]!,
      })),
    );
    return true;
  });
}
