// An organisation registers itself: its details (charity and company numbers and postcode checked for
// shape) and its first person, who confirms their email address by the link sent to it and chooses a
// password there; until then they cannot sign in, so nothing can be submitted. An address that
// already has an account gets an email saying so, and the page says the same either way.
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { insertMembership } from '../db/queries/memberships.ts';
import { insertOrganisation } from '../db/queries/organisations.ts';
import { findUserByEmail, insertUser } from '../db/queries/people.ts';
import { sendLetters } from './notifications.ts';
import { everyPermission } from './organisation-people.ts';
import { issuePasswordLink, LINK_HOURS } from './password-links.ts';
import { EMAIL_ADDRESS } from './people.ts';

/** What an organisation is in law, as people say it. */
export const legalForms = {
  registeredCharity: 'Registered charity',
  charitableIncorporatedOrganisation: 'Charitable incorporated organisation (CIO)',
  communityInterestCompany: 'Community interest company (CIC)',
  companyLimitedByGuarantee: 'Company limited by guarantee',
  communityGroup: 'Community or voluntary group that is not registered',
  publicBody: 'Public body, such as an NHS body, a council or the police',
} as const;
export type LegalForm = keyof typeof legalForms;
const needsCharityNumber: readonly LegalForm[] = ['registeredCharity', 'charitableIncorporatedOrganisation'];
const needsCompanyNumber: readonly LegalForm[] = ['communityInterestCompany', 'companyLimitedByGuarantee'];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** England and Wales (6 or 7 digits, perhaps -1 for a linked charity), Scotland (SC…), Northern Ireland (NIC…). */
const charityNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^(\d{6,7}(-\d{1,2})?|SC\d{6}|NIC\d{6})$/, {
    error: 'Enter a charity number like 1123456, SC012345 or NIC100001',
  });
/** Companies House: 8 characters, all digits or 2 letters and 6 digits; fewer digits are padded. */
const companyNumber = z
  .string()
  .trim()
  .toUpperCase()
  .transform((v) => (/^\d{6,7}$/.test(v) ? v.padStart(8, '0') : v))
  .pipe(
    z
      .string()
      .regex(/^(\d{8}|[A-Z]{2}\d{6})$/, { error: 'Enter a company number like 01234567 or SC123456' }),
  );
const postcode = z
  .string()
  .trim()
  .toUpperCase()
  .transform((v) => v.replace(/\s+/g, ''))
  .pipe(
    z.string().regex(/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/, { error: 'Enter a real postcode, like CB1 2AB' }),
  )
  .transform((v) => `${v.slice(0, -3)} ${v.slice(-3)}`);

/** An organisation's own details, as it registers them and an admin corrects them. */
export const organisationFields = z.object({
  organisationName: z
    .string()
    .trim()
    .min(1, { error: "Enter the organisation's name" })
    .max(200, { error: "The organisation's name must be 200 characters or fewer" }),
  legalForm: z.enum(Object.keys(legalForms) as [LegalForm, ...LegalForm[]], {
    error: 'Select what kind of organisation it is',
  }),
  charityNumber: optional(charityNumber),
  companyNumber: optional(companyNumber),
  address: z
    .string()
    .trim()
    .min(1, { error: "Enter the organisation's address" })
    .max(500, { error: 'The address must be 500 characters or fewer' }),
  postcode,
  phone: optional(
    z
      .string()
      .trim()
      .regex(/^\+?[\d\s()-]{10,20}$/, { error: 'Enter a telephone number, like 01223 123456' }),
  ),
});

/** A charity or CIO gives its charity number; a company its company number. */
function numbersForItsForm(ctx: {
  value: { legalForm: LegalForm; charityNumber?: string | undefined; companyNumber?: string | undefined };
  issues: unknown[];
}) {
  const v = ctx.value;
  if (needsCharityNumber.includes(v.legalForm) && !v.charityNumber)
    ctx.issues.push({
      code: 'custom',
      path: ['charityNumber'],
      message: 'Enter the charity number',
      input: '',
    });
  if (needsCompanyNumber.includes(v.legalForm) && !v.companyNumber)
    ctx.issues.push({
      code: 'custom',
      path: ['companyNumber'],
      message: 'Enter the company number',
      input: '',
    });
}

export const organisationDetailsForm = organisationFields.check(numbersForItsForm);
export type OrganisationDetails = z.output<typeof organisationDetailsForm>;

export const registrationForm = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { error: 'Enter your full name' })
      .max(200, { error: 'Your name must be 200 characters or fewer' }),
    email: z
      .string()
      .trim()
      .min(1, { error: 'Enter your email address' })
      .max(320, { error: 'Enter an email address in the right format, like name@example.org' })
      .regex(EMAIL_ADDRESS, {
        error: 'Enter an email address in the right format, like name@example.org',
      }),
    ...organisationFields.shape,
  })
  .check(numbersForItsForm);
export type Registration = z.output<typeof registrationForm>;

/**
 * Registers the organisation and its first person, and emails them a link to confirm the address and
 * choose a password (a day, once). An address that has an account is told so by email instead.
 */
export async function register(
  db: Database,
  form: Registration,
  now: Date,
  publicUrl: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const existing = await findUserByEmail(tx, form.email);
    if (existing) {
      await sendLetters(
        tx,
        [existing],
        {
          message: 'alreadyRegistered',
          subject: 'You already have an account with OPCC Commissioning',
          body: [
            `Someone asked to register ${form.organisationName} with this email address, which already has an account.`,
            'If it was you, sign in as usual, or reset your password if you have forgotten it. If it was not you, you can ignore this email.',
          ],
          link: { href: `${publicUrl}/sign-in`, text: 'Sign in', textLine: `Sign in: ${publicUrl}/sign-in` },
        },
        now,
      );
      return;
    }
    const organisationId = await insertOrganisation(tx, {
      name: form.organisationName,
      kind: 'provider',
      legalForm: form.legalForm,
      charityNumber: form.charityNumber ?? null,
      companyNumber: form.companyNumber ?? null,
      address: form.address,
      postcode: form.postcode,
      phone: form.phone ?? null,
    });
    const userId = await insertUser(tx, {
      email: form.email,
      name: form.name,
      role: 'provider',
      organisationId,
    });
    // Its first person may do everything for it, managing its people included, and can hand that on.
    await insertMembership(tx, {
      userId,
      organisationId,
      permissions: everyPermission,
      invitedBy: null,
      createdAt: now,
      acceptedAt: now,
    });
    const href = `${publicUrl}/set-password/${await issuePasswordLink(tx, userId, 'set', now)}`;
    await sendLetters(
      tx,
      [{ email: form.email, name: form.name }],
      {
        message: 'confirmEmail',
        subject: 'Confirm your email address for OPCC Commissioning',
        body: [
          `Thank you for registering ${form.organisationName}. Use the link below to confirm this is your email address and to choose your password. It works once, for ${LINK_HOURS.set} hours.`,
          'If you did not register, you can ignore this email: no account can be used without it.',
        ],
        link: { href, text: 'Confirm your email address', textLine: `Confirm your email address: ${href}` },
      },
      now,
    );
  });
}
