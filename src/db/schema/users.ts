import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from './organisations.ts';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['officer', 'provider', 'panel', 'finance', 'approver', 'admin'] }).notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** argon2id; null for a user who signs in only with API tokens. */
    passwordHash: text('password_hash'),
    /**
     * When the person showed they hold the email address (by using a link sent to it); null until
     * then, and no sign-in. Accounts made by staff or seeding count as verified when made.
     */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }).defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * When the account stopped working (removed from its last organisation, or by an admin): no
     * sign-in, no session, no API token. Null while it works. The row stays: history names it.
     */
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    /**
     * The key of their authenticator app (base32), once they have set one up: finance, approver and
     * admin accounts give a code from it after their password. Null until then.
     */
    totpSecret: text('totp_secret'),
    /** The last 30-second step a code was accepted for: a code overheard works only once. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** Who the Office's identity provider says they are (its `sub`), bound at their first sign-in there. */
    oidcSubject: text('oidc_subject'),
    /**
     * When their personal data was removed (past its retention period, or erased on request): the row
     * stays, as "A former user", so the history keeps its shape and the money who approved it.
     */
    anonymisedAt: timestamp('anonymised_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_oidc_subject_key').on(t.oidcSubject),
    check('users_role_check', sql`${t.role} in ('officer','provider','panel','finance','approver','admin')`),
  ],
);

/** API bearer tokens. Only a SHA-256 of the token is stored; the token itself is shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

/**
 * Single-use links to set a password: a new account's first (the CLI's first admin, an invitation)
 * or a reset. Only a SHA-256 of the link's token is stored; a link works once, until it expires.
 */
export const passwordLinks = pgTable(
  'password_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose', { enum: ['set', 'reset', 'invite', 'email'] }).notNull(),
    /** For a change of email address: the new address, which the link was sent to. */
    newEmail: text('new_email'),
    /** For an invitation: the organisation the person is asked to join. */
    organisationId: uuid('organisation_id').references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    index('password_links_user_idx').on(t.userId),
    check('password_links_purpose', sql`${t.purpose} in ('set', 'reset', 'invite', 'email')`),
  ],
);

/**
 * Who belongs to which provider organisation, and what each may do for it beyond preparing its work
 * (machines/define.ts, organisationPermissions). A person may belong to several (a consultant writing
 * bids for two charities) and acts for one at a time: users.organisation_id. An invitation not yet
 * accepted is a membership with no acceptedAt, and gives nothing.
 */
export const memberships = pgTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    permissions: text('permissions').array().notNull(),
    invitedBy: uuid('invited_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.organisationId] }),
    index('memberships_organisation_idx').on(t.organisationId),
  ],
);

/** Codes that stand in for an authenticator app's, once each (a lost phone). Only their SHA-256 is kept. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/**
 * A sign-in whose password was right and whose second factor is still to come: its cookie's token
 * (SHA-256 kept), for ten minutes and five tries. While setting up, the key being set up.
 */
export const pendingSignIns = pgTable('pending_sign_ins', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  next: text('next').notNull(),
  setupSecret: text('setup_secret'),
  attempts: integer('attempts').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
