import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** Signed-in browser sessions. The cookie holds a random token; only its SHA-256 is stored. */
export const webSessions = pgTable(
  'web_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Sent in every form and checked on every POST. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('web_sessions_user_idx').on(t.userId), index('web_sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Sign-in attempts per key (an email address, `email:<address>`, or a source address, `ip:<address>`),
 * to slow and then refuse guessing. An attempt is counted, and the lock checked, in one statement
 * before its password is verified, so guesses sent at once cannot outrun the count.
 */
export const signInThrottles = pgTable('sign_in_throttles', {
  key: text('key').primaryKey(),
  /** Attempts in the current window: failures, and any still being checked. */
  attempts: integer('attempts').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  /** Until when attempts are refused unchecked; the lock is never extended, so it always lifts. */
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});
