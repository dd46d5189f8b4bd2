import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { commissioningRound } from '../../../machines/commissioning-round.ts';
import { GRANT_MADE_STATE } from '../../../machines/crime-disorder-grant.ts';
import { monitoringReturn } from '../../../machines/monitoring-return.ts';
import { payment } from '../../../machines/payment.ts';
import { organisations } from './organisations.ts';
import { programmes } from './programmes.ts';
import { users } from './users.ts';

/**
 * `machine_id = '<id>'` with the id written into the statement, not bound: a partial index names its
 * machine this way, and a query bound to a parameter could not use it. The id comes from the machine's
 * definition; only ids of lower-case words and hyphens are written.
 */
export function isMachine(column: AnyPgColumn | SQL, id: string): SQL {
  if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new Error(`Not a machine id: ${JSON.stringify(id)}`);
  return sql`${column} = ${sql.raw(`'${id}'`)}`;
}

/**
 * A payment's states before it is paid, in the order finance works through them: approved first
 * (what is paid next), then held, then scheduled.
 */
export const UNPAID_PAYMENT_STATES = ['approved', 'held', 'scheduled'] as const;

/**
 * A payment not yet paid, as finance's lists take them: the machine and the states written into the
 * statement (as `isMachine` does), so that the partial index below serves the query.
 */
export function isUnpaidPayment(machineId: AnyPgColumn | SQL, state: AnyPgColumn | SQL): SQL {
  const states = UNPAID_PAYMENT_STATES.map((s) => `'${s}'`).join(', ');
  return sql`${isMachine(machineId, payment.id)} and ${state} in (${sql.raw(states)})`;
}

/**
 * A payment's place in that order (0 for approved): the expression the index below is built on, so a
 * query that is to be served by it must write it the same way, with this function.
 */
export function unpaidPaymentRank(state: AnyPgColumn | SQL): SQL {
  const whens = UNPAID_PAYMENT_STATES.slice(0, -1).map((s, i) => `when '${s}' then ${i}`);
  const last = UNPAID_PAYMENT_STATES.length - 1;
  return sql`(case ${state} ${sql.raw(whens.join(' '))} else ${sql.raw(String(last))} end)`;
}

/**
 * A history row that enters `state` from another state (not a step that stays in it), with the state
 * written into the statement like `isMachine`, so a partial index on such rows can serve the query.
 */
export function entersState(toState: AnyPgColumn | SQL, fromState: AnyPgColumn | SQL, state: string): SQL {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(state)) throw new Error(`Not a state: ${JSON.stringify(state)}`);
  const named = sql.raw(`'${state}'`);
  return sql`${toState} = ${named} and ${fromState} is distinct from ${named}`;
}

/** One running instance of a machine: a bid, a grant, a procurement. */
export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Insertion order for keyset pagination: exact, unlike timestamps that lose precision in JS.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    machineId: text('machine_id').notNull(),
    machineVersion: integer('machine_version').notNull(),
    state: text('state').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** The programme (commissioning round) the case belongs to, where it belongs to one. */
    programmeId: uuid('programme_id').references(() => programmes.id),
    /** The award a case is about (a monitoring return, a payment), where it is about one. */
    awardCaseId: uuid('award_case_id').references((): AnyPgColumn => cases.id),
    version: integer('version').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * When the free text of this closed case (what its bids and returns said, which may name people)
     * was removed past the records' retention period; the money, dates and history's shape stay.
     */
    anonymisedAt: timestamp('anonymised_at', { withTimezone: true }),
    /**
     * When the case is due, for machines whose context says (a monitoring return's `dueOn`), kept by
     * PostgreSQL. Indexed instead of an expression over `snapshot`: an index that names the snapshot
     * makes every update write new entries in all of this table's indexes (no HOT update).
     */
    dueOn: text('due_on').generatedAlwaysAs(sql`snapshot -> 'context' ->> 'dueOn'`),
    /**
     * What is still to pay of a payment (its amount less the parts paid so far, as `paidSoFar` in
     * machines/payment.ts counts them), kept by PostgreSQL with the function migration 0044 defines;
     * null for every other case. Finance's totals are summed from the index below alone, never from
     * every unpaid payment's snapshot (a quarter of a second with 165,000 of them).
     */
    stillToPayPence: bigint('still_to_pay_pence', { mode: 'bigint' }).generatedAlwaysAs(
      sql`case when ${isMachine(sql.raw('machine_id'), payment.id)} then payment_still_to_pay_pence(snapshot) end`,
    ),
    /**
     * When an end-of-grant report is due, for machines whose context says (a Youth Fund grant's
     * `reportDueOn`), kept by PostgreSQL like `due_on`, so the board report finds the reports due in a
     * quarter through an index instead of reading every case.
     */
    reportDueOn: text('report_due_on').generatedAlwaysAs(sql`snapshot -> 'context' ->> 'reportDueOn'`),
    /**
     * The rulebook's hold on the case (src/engine/rulebook.ts): a decision awaiting an approver's
     * signature, or the last decision the approver sent back. Null when neither. Kept beside the
     * snapshot, not in it: it belongs to the engine, and no machine reads or writes it.
     */
    decision: jsonb('decision'),
    /**
     * The case officer: the officer who opened the case or first acted on it, until it is reassigned
     * (REASSIGN_CASE, with a reason in the history). Officers' work waiting and email go to them; null
     * until an officer takes the case on, when every officer is told.
     */
    officerId: uuid('officer_id').references(() => users.id),
    /**
     * What the case is called (its definition's summary title), written with every snapshot so officers
     * can find a case by it; null only until the service fills it in for cases made before it was kept.
     */
    title: text('title'),
  },
  (t) => [
    uniqueIndex('cases_seq_key').on(t.seq),
    // Newest first is `order by seq desc`, which PostgreSQL reads as NULLS FIRST; drizzle's desc()
    // alone makes NULLS LAST, an order no such query can walk, so each list would sort every match.
    // The case officer and the id ride along so an officer's work waiting (their cases and nobody's,
    // less those they declared a conflict in) is read from the index alone.
    index('cases_machine_state_seq_idx').on(
      t.machineId,
      t.state,
      t.seq.desc().nullsFirst(),
      t.officerId,
      t.id,
    ),
    // Machine and state ride along so a provider's work waiting is read from its own organisation's
    // entries, never from every case in those states.
    index('cases_organisation_seq_idx').on(t.organisationId, t.seq.desc().nullsFirst(), t.machineId, t.state),
    // Machine and state ride along so the programmes page counts each programme's cases by stage
    // from the index alone, not by reading every case (seconds with a million).
    index('cases_programme_seq_idx').on(t.programmeId, t.seq.desc().nullsFirst(), t.machineId, t.state),
    index('cases_award_idx').on(t.awardCaseId, t.machineId),
    // Finance's unpaid payments in the order they are listed and paged (approved first, each soonest
    // due first): a page's ids found without sorting them all, and the counts and totals by state and
    // payee summed from the index alone (the rest ride along for that: the rank is an expression over
    // the state, which PostgreSQL reads back only from the column itself).
    index('cases_unpaid_payments_idx')
      .on(unpaidPaymentRank(t.state), t.dueOn, t.seq, t.id, t.state, t.organisationId, t.stillToPayPence)
      .where(isUnpaidPayment(t.machineId, t.state)),
    // The board report's monitoring returns due in a quarter.
    index('cases_return_due_idx').on(t.dueOn).where(isMachine(t.machineId, monitoringReturn.id)),
    // The board report's end-of-grant reports due in a quarter: only cases that have a report date.
    index('cases_report_due_idx').on(t.reportDueOn).where(sql`${t.reportDueOn} is not null`),
    // Decisions awaiting an approver's signature, newest first, for the approver's work waiting.
    index('cases_awaiting_signature_idx')
      .on(t.seq.desc().nullsFirst())
      .where(sql`${t.decision} ->> 'status' = 'awaitingSignature'`),
    // A programme has one round: two officers opening it at once cannot both succeed.
    uniqueIndex('cases_one_round_per_programme')
      .on(t.programmeId)
      .where(isMachine(t.machineId, commissioningRound.id)),
    check('cases_version_positive', sql`${t.version} >= 1`),
  ],
);

/** The history: one row per accepted event, written in the transaction that made the change. */
export const caseEvents = pgTable(
  'case_events',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    version: integer('version').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    actorRole: text('actor_role').notNull(),
    /** The named actions the transition emitted: the hook for side effects (notifications, money). */
    effects: jsonb('effects').notNull().default([]),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.version] }),
    // The crime and disorder grants made in a month: the steps into `live` from another state, by
    // when (a few rows a grant, not the whole history of every case).
    index('case_events_entered_live_idx')
      .on(t.at, t.caseId)
      .where(entersState(t.toState, t.fromState, GRANT_MADE_STATE)),
  ],
);

/** Delayed events from the machines (XState `after`), with an absolute due time. */
export const timers = pgTable(
  'timers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    timerKey: text('timer_key').notNull(),
    event: jsonb('event').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** The state that set it: leaving that state deletes it. */
    state: text('state').notNull(),
    /** Failed firings so far (faults, not refusals); the worker backs off and gives up after a limit. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('timers_case_key').on(t.caseId, t.timerKey), index('timers_due_idx').on(t.dueAt)],
);

/** What became of each timer: fired, or discarded because its case no longer accepted it. */
export const timerLog = pgTable(
  'timer_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    timerKey: text('timer_key').notNull(),
    event: jsonb('event').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }).notNull(),
    outcome: text('outcome', { enum: ['fired', 'discarded'] }).notNull(),
    detail: text('detail'),
  },
  (t) => [index('timer_log_case_idx').on(t.caseId, t.firedAt)],
);
