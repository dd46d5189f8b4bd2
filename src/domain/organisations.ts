// Organisations on record as the API and staff pages add and list them: the identifiers their grants
// are published under (360Giving uses the charity or company number). Staff see every organisation;
// a provider sees its own. Officers and admins add partners, partnerships and providers who cannot
// register themselves; a provider's own people register through /register.
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { findOrganisation, insertOrganisation, listOrganisations } from '../db/queries/organisations.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, validOr422 } from '../engine/errors.ts';

export const newOrganisation = z.strictObject({
  name: z
    .string({ error: 'Enter the organisation’s name' })
    .trim()
    .min(1, { error: 'Enter the organisation’s name' })
    .max(200, { error: 'Keep the name to 200 characters or fewer' })
    .meta({ title: 'Name', hint: 'As it is registered' }),
  kind: z
    .enum(['provider', 'partner', 'communitySafetyPartnership'], {
      error: 'Choose what kind of organisation it is',
    })
    .meta({
      title: 'What kind of organisation',
      options: {
        provider: 'A provider: a charity, community group or social enterprise that bids',
        partner: 'A partner that pays into joint funds, such as NHS England or a council',
        communitySafetyPartnership: 'A Community Safety Partnership',
      },
    }),
  // England and Wales charities: 6 to 8 digits (e.g. 1190001); Scotland: SC + 6 digits.
  charityNumber: z
    .string({ error: 'A charity number is 6 to 8 digits, or SC and 6 digits' })
    .regex(/^(\d{6,8}|SC\d{6})$/, { error: 'A charity number is 6 to 8 digits, or SC and 6 digits' })
    .optional()
    .meta({ title: 'Charity number', hint: 'If it is a registered charity' }),
  // Companies House: 8 characters, digits or a two-letter prefix (SC, NI, OC…) and 6 digits.
  companyNumber: z
    .string({ error: 'A company number is 8 digits, or 2 letters and 6 digits' })
    .regex(/^([0-9]{8}|[A-Z]{2}[0-9]{6})$/, {
      error: 'A company number is 8 digits, or 2 letters and 6 digits',
    })
    .optional()
    .meta({ title: 'Company number', hint: 'If it is registered at Companies House' }),
});

export const mayAddOrganisations = (actor: Actor) => actor.role === 'officer' || actor.role === 'admin';

const view = (row: NonNullable<Awaited<ReturnType<typeof findOrganisation>>>) => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  charityNumber: row.charityNumber,
  companyNumber: row.companyNumber,
});

export async function organisationsFor(db: Db, actor: Actor) {
  const rows = await listOrganisations(
    db,
    actor.role === 'provider' ? (actor.organisationId ?? '') : undefined,
  );
  return rows.map(view);
}

/** Adds an organisation; the new one as the API shows it. */
export async function addOrganisation(db: Db, actor: Actor, body: unknown) {
  if (!mayAddOrganisations(actor)) throw forbidden('Only officers and admins add organisations.');
  const id = await insertOrganisation(
    db,
    validOr422(newOrganisation, body, 'The organisation is not valid.'),
  );
  return view((await findOrganisation(db, id))!);
}

/** What an organisation is called, for a letter or a page that names it. */
export async function organisationName(db: Db, id: string): Promise<string | undefined> {
  return (await findOrganisation(db, id))?.name;
}
