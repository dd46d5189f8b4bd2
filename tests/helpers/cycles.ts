// Small helpers for driving any machine's cases over HTTP with the demo users: open a case, send an
// event expecting a state (or a refusal), see a decision through the rulebook's hold and the
// approver's signature, fire a timer as the worker would, read a fund's position and a case's timer
// rows. Every failed expectation prints the problem body.

import { and, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { timers } from '../../src/db/schema/index.ts';
import type { DemoEmail, TestApp } from './app.ts';
import { declareBefore } from './declarations.ts';
import { readPence } from './pence.ts';

export type Event = { type: string } & Record<string, unknown>;
/** What GET /api/cases/:id and POST …/events answer; the tests read state and context. */
export type CaseBody = {
  id: string;
  state: string;
  version: number;
  context: any;
  /** The rulebook's hold (null for providers, and when there is none). */
  decision?: { status: string; [k: string]: unknown } | null;
  [k: string]: unknown;
};
/** Committed and released over every financial year of a budget line. */
export type LineMoney = { committedPence: number; releasedPence: number };
export type Money = {
  budgetPence: number;
  committedPence: number;
  grossCommittedPence: number;
  releasedPence: number;
  remainingPence: number;
};

export function cycleHelpers(t: TestApp) {
  const show = (res: { status: number; body: unknown }) => `${res.status} ${JSON.stringify(res.body)}`;

  /** Opens a case (201) and returns its view. */
  async function open(email: DemoEmail, machine: string, input: object, organisationId?: string) {
    const res = await t.http.post('/api/cases').set(t.as(email)).send({ machine, organisationId, input });
    expect(res.status, `open ${machine}: ${show(res)}`).toBe(201);
    return res.body as CaseBody;
  }

  /** Sends one event; expects 200 and the case in `state`. */
  async function step(caseId: string, email: DemoEmail, event: Event, state: string) {
    await declareBefore((path) => t.http.put(path).set(t.as(email)), caseId, event.type);
    const res = await t.http.post(`/api/cases/${caseId}/events`).set(t.as(email)).send(event);
    expect(res.status, `${email} ${event.type}: ${show(res)}`).toBe(200);
    expect(res.body.state, `${event.type} → ${state}`).toBe(state);
    return res.body as CaseBody;
  }

  /**
   * Sends a decision the rulebook must hold for an approver's signature (above the programme's
   * delegation threshold, or after a send-back): 200, the case where it was, one version on, the
   * hold naming the event. Returns the case as the decider sees it.
   */
  async function hold(caseId: string, email: DemoEmail, event: Event) {
    await t.declare(email, caseId);
    const before = await get(caseId, email);
    expect(before.status, show(before)).toBe(200);
    const res = await t.http.post(`/api/cases/${caseId}/events`).set(t.as(email)).send(event);
    expect(res.status, `${email} ${event.type}: ${show(res)}`).toBe(200);
    expect(res.body, `${event.type} is held for a signature`).toMatchObject({
      state: before.body.state,
      version: before.body.version + 1,
      decision: { status: 'awaitingSignature', event: event.type },
    });
    return res.body as CaseBody;
  }

  /** An approver signs the case's held decision: it takes effect now, leaving the case in `state`. */
  async function sign(caseId: string, state: string, approver: DemoEmail = 'approver@demo.test') {
    await t.declare(approver, caseId);
    const signed = await step(caseId, approver, { type: 'SIGN_DECISION' }, state);
    expect(signed.decision, 'nothing awaits a signature once signed').toBeNull();
    return signed;
  }

  /**
   * Sends a decision and sees it take effect, whatever the threshold: the decider declares no
   * conflict of interest, and when the rulebook holds it, the approver declares and signs it. Expects the case in `state` at the end.
   */
  async function decide(caseId: string, email: DemoEmail, event: Event, state: string) {
    await t.declare(email, caseId);
    const res = await t.http.post(`/api/cases/${caseId}/events`).set(t.as(email)).send(event);
    expect(res.status, `${email} ${event.type}: ${show(res)}`).toBe(200);
    if ((res.body as CaseBody).decision?.status === 'awaitingSignature') return sign(caseId, state);
    expect(res.body.state, `${event.type} → ${state}`).toBe(state);
    return res.body as CaseBody;
  }

  /**
   * A crime and disorder grant for a partnership: proposed by the officer, then allocated by the
   * officer's ALLOCATE (signed by the approver when above the programme's threshold), which commits it.
   */
  async function allocate(organisationId: string, input: object) {
    const proposed = await open('officer@demo.test', 'crime-disorder-grant', input, organisationId);
    expect(proposed.state).toBe('proposed');
    return decide(proposed.id, 'officer@demo.test', { type: 'ALLOCATE' }, 'allocated');
  }

  /** `step` for one case: `const s = on(id); await s(OFFICER, { type: 'CLOSE' }, 'closed')`. */
  const on = (caseId: string) => (email: DemoEmail, event: Event, state: string) =>
    step(caseId, email, event, state);

  /** Sends one event that must be refused with `status`; returns the problem body. */
  async function refuse(caseId: string, email: DemoEmail, event: Event, status: number) {
    await declareBefore((path) => t.http.put(path).set(t.as(email)), caseId, event.type);
    const res = await t.http.post(`/api/cases/${caseId}/events`).set(t.as(email)).send(event);
    expect(res.status, `${email} ${event.type} should be refused: ${show(res)}`).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.body as {
      title: string;
      detail: string;
      errors?: Array<{ field: string; message: string }>;
      [k: string]: unknown;
    };
  }

  async function get(caseId: string, email: DemoEmail = 'officer@demo.test') {
    return t.http.get(`/api/cases/${caseId}`).set(t.as(email));
  }

  /** Fires a timer event as the worker does: deletes its row (if any) and sends it as the system. */
  async function fire(caseId: string, type: string, state: string) {
    const view = await t.engine.transaction(async (tx) => {
      await tx.delete(timers).where(and(eq(timers.caseId, caseId), sql`${timers.event}->>'type' = ${type}`));
      return t.engine.fireTimer(tx, caseId, { type });
    });
    expect(view.state, `${type} → ${state}`).toBe(state);
    return view as unknown as CaseBody;
  }

  /** A case's timer rows as { event type: due instant }. */
  async function timersOf(caseId: string): Promise<Record<string, string>> {
    const rows = await t.db.select().from(timers).where(eq(timers.caseId, caseId));
    return Object.fromEntries(rows.map((r) => [(r.event as Event).type, r.dueAt.toISOString()]));
  }

  /** The fund's overall position, as finance sees it. */
  async function position(fundId: string): Promise<Money> {
    const res = await t.http.get(`/api/funds/${fundId}/position`).set(t.as('finance@demo.test'));
    expect(res.status, show(res)).toBe(200);
    const { budgetPence, committedPence, grossCommittedPence, releasedPence, remainingPence } = readPence(
      res.body as Money,
    );
    return { budgetPence, committedPence, grossCommittedPence, releasedPence, remainingPence };
  }
  /**
   * What a programme's budget line holds over all its financial years (awards commit against the
   * fund of each year they pay in): commitments and releases summed over the line's funds, leaving
   * out money moved from one year to another (released as re-phased, committed again elsewhere).
   */
  async function lineMoney(fundId: string): Promise<LineMoney> {
    const [row] = await t.sql`select
        coalesce(sum(l.amount_pence) filter (where l.movement = 'commit'), 0)
          - coalesce(sum(l.amount_pence) filter (where l.movement = 'release' and l.cause = 'rephased'), 0) as committed,
        coalesce(sum(l.amount_pence) filter (where l.movement = 'release' and l.cause <> 'rephased'), 0)::bigint as released
      from fund_ledger l join funds f on f.id = l.fund_id
      where f.name = (select name from funds where id = ${fundId})`;
    return { committedPence: Number(row!.committed), releasedPence: Number(row!.released) };
  }
  /** A fund's position from its budget, every commitment made, and every release. */
  const money = (budgetPence: number, grossCommittedPence: number, releasedPence: number): Money => ({
    budgetPence,
    committedPence: grossCommittedPence - releasedPence,
    grossCommittedPence,
    releasedPence,
    remainingPence: budgetPence - grossCommittedPence + releasedPence,
  });

  /** An organisation's id, from GET /api/organisations as the officer. */
  async function organisation(find: (o: { name: string; kind: string }) => boolean): Promise<string> {
    const res = await t.http.get('/api/organisations').set(t.as('officer@demo.test'));
    expect(res.status, show(res)).toBe(200);
    const found = (res.body.items as { id: string; name: string; kind: string }[]).filter(find);
    expect(found, 'exactly one organisation matches').toHaveLength(1);
    return found[0]!.id;
  }

  /** How many cases of a machine a programme has (straight from the database; its round is one). */
  async function casesOf(programmeId: string, machine: string): Promise<number> {
    const [row] = await t.sql`select count(*)::int as n from cases
      where programme_id = ${programmeId} and machine_id = ${machine}`;
    return row!.n as number;
  }

  /** The award's monitoring returns by period: those its agreement scheduled, and any opened by hand. */
  async function returnsOf(awardId: string): Promise<ReturnRow[]> {
    const rows = await t.sql`select id, state, snapshot->'context' as c from cases
      where award_case_id = ${awardId} and machine_id = 'monitoring-return'
      order by snapshot->'context'->>'periodStart', seq`;
    return rows.map((r) => ({ id: r.id as string, state: r.state as string, ...(r.c as ReturnPeriod) }));
  }

  /** The id of the award's return for the period starting on `periodStart` (the agreement scheduled it). */
  async function returnFor(awardId: string, periodStart: string): Promise<string> {
    const all = await returnsOf(awardId);
    const found = all.filter((r) => r.periodStart === periodStart);
    expect(found, `returns of the award: ${JSON.stringify(all)}`).toHaveLength(1);
    return found[0]!.id;
  }

  /** Sends events to one case as its owner (a demo provider) or the officer, each expected to be taken. */
  const sender =
    (caseId: string, owner: DemoEmail) =>
    async (by: 'owner' | 'officer', event: Event): Promise<unknown> => {
      const email = by === 'owner' ? owner : 'officer@demo.test';
      await declareBefore((path) => t.http.put(path).set(t.as(email)), caseId, event.type);
      const res = await t.http
        .post(`/api/cases/${caseId}/events`)
        .set(t.as(by === 'owner' ? owner : 'officer@demo.test'))
        .send(event);
      expect(res.status, `${by} ${event.type}: ${show(res)}`).toBe(200);
      return res.body;
    };

  return {
    sender,
    open,
    step,
    hold,
    sign,
    decide,
    allocate,
    on,
    refuse,
    get,
    fire,
    timersOf,
    position,
    lineMoney,
    money,
    organisation,
    casesOf,
    returnsOf,
    returnFor,
  };
}

export type ReturnPeriod = {
  periodStart: string;
  periodEnd: string;
  dueOn: string;
  waivedReason: string | null;
  withdrawnReason: string | null;
};
export type ReturnRow = { id: string; state: string } & ReturnPeriod;
