// Youth Fund bids over HTTP under a programme of the test's choosing, for the money tests: a bid
// brought to the panel, the panel's decision (and the approver's signature when the rulebook holds
// it), and a round opened by the officer and approver.

import { expect } from 'vitest';
import type { DemoEmail, TestApp } from './app.ts';
import { declareBefore } from './declarations.ts';
import { readPence } from './pence.ts';
import type { Provider } from './refusals.ts';
import { youthFundEvents as ev } from './youth-fund-events.ts';

type Event = { type: string } & Record<string, unknown>;

export function bids(t: TestApp, provider: Provider) {
  const auth = (by: DemoEmail | 'owner') => (by === 'owner' ? provider.auth : t.as(by));
  /** Sends as a person would: declaring no conflict of interest first when the event is a decision. */
  const send = async (id: string, by: DemoEmail | 'owner', event: Event) => {
    await declareBefore((path) => t.http.put(path).set(auth(by)), id, event.type);
    return t.http.post(`/api/cases/${id}/events`).set(auth(by)).send(event);
  };

  /** Sends and expects it to be taken; returns the case. */
  async function ok(id: string, by: DemoEmail | 'owner', event: Event) {
    const res = await send(id, by, event);
    expect(res.status, `${event.type}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  }

  async function open(programmeId: string, title = 'A bid'): Promise<string> {
    const res = await t.http
      .post('/api/cases')
      .set(provider.auth)
      .send({ machine: 'youth-fund', input: { programmeId, title } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  /** A new bid, submitted and found eligible: with the panel, asking for `requestPence`. */
  async function inPanelReview(programmeId: string, requestPence: number = ev.SUBMIT.amountRequestedPence) {
    const id = await open(programmeId);
    await ok(id, 'owner', { ...ev.SUBMIT, amountRequestedPence: requestPence });
    await ok(id, 'officer@demo.test', ev.CONFIRM_ELIGIBLE);
    return id;
  }

  /** The panel's APPROVE of `amountPence`, as sent (the caller checks the answer). */
  const approve = (id: string, amountPence: number) =>
    send(id, 'panel@demo.test', { ...ev.APPROVE, amountPence });

  /**
   * The panel's APPROVE of `amountPence` seen through: when the rulebook holds it for a signature
   * (above the programme's delegation threshold), the approver signs it, and that is when the money
   * moves or the fund refuses it. The answer that took effect or was refused (the caller checks it).
   */
  async function decide(id: string, amountPence: number) {
    const decided = await approve(id, amountPence);
    if (decided.status !== 200 || decided.body.decision?.status !== 'awaitingSignature') return decided;
    expect(decided.body, 'held where it was, nothing committed').toMatchObject({ state: 'panelReview' });
    return send(id, 'approver@demo.test', { type: 'SIGN_DECISION' });
  }

  return { send, ok, open, inPanelReview, approve, decide };
}

/** Opens a programme's commissioning round over HTTP: needs, intentions, launch asked and approved. */
export async function openRound(t: TestApp, programmeId: string): Promise<string> {
  const [officer] = await t.sql`select organisation_id from users where email = 'officer@demo.test'`;
  const created = await t.http.post('/api/cases').set(t.as('officer@demo.test')).send({
    machine: 'commissioning-round',
    organisationId: officer!.organisation_id,
    input: { programmeId },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  const steps: [DemoEmail, Event][] = [
    ['officer@demo.test', { type: 'RECORD_NEEDS_ASSESSMENT', summary: 'Need', evidence: 'Data' }],
    ['officer@demo.test', { type: 'RECORD_INTENTIONS', summary: 'Intentions' }],
    ['officer@demo.test', { type: 'REQUEST_LAUNCH' }],
    ['approver@demo.test', { type: 'APPROVE_LAUNCH' }],
  ];
  for (const [email, event] of steps) {
    const res = await t.http.post(`/api/cases/${id}/events`).set(t.as(email)).send(event);
    expect(res.status, `${event.type}: ${JSON.stringify(res.body)}`).toBe(200);
  }
  return id;
}

/** A fund's position as finance (or another staff member) sees it. */
export async function positionOf(t: TestApp, fundId: string, email: DemoEmail = 'finance@demo.test') {
  const res = await t.http.get(`/api/funds/${fundId}/position`).set(t.as(email));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return readPence(res.body);
}

/** A fund's ledger rows, oldest first, as [movement, amount, case]. */
export async function ledgerOf(t: TestApp, fundId: string) {
  const res = await t.http.get(`/api/funds/${fundId}/ledger`).set(t.as('finance@demo.test'));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { movement: string; amountPence: number; caseId: string }[]).map((r) => [
    r.movement,
    r.amountPence,
    r.caseId,
  ]);
}

/** The fund of the same budget line as `fundId` for another financial year (the test programmes run six). */
export async function fundOfYear(t: TestApp, fundId: string, financialYear: string): Promise<string> {
  const [row] = await t.sql`select id from funds
    where name = (select name from funds where id = ${fundId}) and financial_year = ${financialYear}`;
  if (!row) throw new Error(`No ${financialYear} fund on the line of ${fundId}`);
  return row.id as string;
}
