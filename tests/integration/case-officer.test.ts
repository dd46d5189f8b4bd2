// The case officer: whoever opens a case as an officer, or first acts on it, looks after it; its work
// waiting and officers' email are theirs. Reassigning it to another officer is a correction with a
// reason: a history row beside the original, the new officer told by email, nothing edited. Bad input
// is refused naming the field, writing nothing, in the API and on the case page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffToTell } from '../../src/db/queries/cases.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { actorOf } from '../../src/domain/people.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { deliverCaseMail } from '../helpers/background-work.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { csrfOf, errorSummaryOf, signedIn } from '../helpers/web.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const OFFICER2: DemoEmail = 'officer2@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';
const REASSIGN = 'REASSIGN_CASE';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let capture: SmtpCapture;
const ids: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  capture = await startSmtpCapture();
  for (const email of [OFFICER, OFFICER2, 'approver@demo.test', PROVIDER]) {
    const [user] = await t.sql`select id from users where email = ${email}`;
    ids[email] = user!.id as string;
  }
  const [csp] = await t.sql`select organisation_id as id from users where email = 'csp@demo.test'`;
  ids.fenlandCsp = csp!.id as string;
});
afterAll(async () => {
  await capture.close();
  await t?.close();
});

/** The case as stored, and how many history rows it has: what a refusal must leave alone. */
async function stored(id: string): Promise<Record<string, any>> {
  const [row] = await t.sql`select state, version, officer_id, snapshot from cases where id = ${id}`;
  const [events] = await t.sql`select count(*)::int as n from case_events where case_id = ${id}`;
  return { ...row, events: events!.n as number };
}

/** Sends the case's waiting email to the loopback SMTP server; returns what arrived. */
const deliver = (caseId: string) => deliverCaseMail(t.db, capture, caseId);

/** A Youth Fund bid the provider submitted: nobody's case until an officer acts on it. */
async function submittedBid(title: string) {
  const { programmeId } = await t.programme({ cycle: 'youth-fund' });
  const { id } = await h.open(PROVIDER, 'youth-fund', { programmeId, title });
  const bid = { type: 'SUBMIT', title, summary: 'Weekly sessions', amountRequestedPence: 100_000 };
  await h.step(id, PROVIDER, bid, 'submitted');
  return id;
}

const waitingFor = async (email: DemoEmail) => {
  const [user] = await t.sql`select * from users where email = ${email}`;
  const actor = actorOf({
    id: user!.id,
    email: user!.email,
    name: user!.name,
    role: user!.role,
    organisationId: user!.organisation_id,
  } as never);
  return (await t.engine.waiting(actor)).items.map((item) => item.id);
};

describe('the case officer', () => {
  it('is whoever opens a case as an officer, or the first officer to act on it', async () => {
    const { programmeId } = await t.programme({ cycle: 'sarc-recommissioning' });
    const [opcc] = await t.sql`select organisation_id as id from users where email = ${OFFICER}`;
    const input = { programmeId, title: 'SARC 2030', contractValuePence: 1_000_000 };
    const opened = await h.open(OFFICER2, 'sarc-recommissioning', input, opcc!.id as string);
    expect(opened.officerId).toBe(ids[OFFICER2]);

    const id = await submittedBid('Open gym');
    expect((await h.get(id)).body.officerId).toBeNull();
    // Nobody's yet: it waits for every officer.
    expect(await waitingFor(OFFICER)).toContain(id);
    expect(await waitingFor(OFFICER2)).toContain(id);
    const checked = await h.step(id, OFFICER, { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
    expect(checked.officerId).toBe(ids[OFFICER]);
  });

  it('is reassigned with a reason: the history keeps who had it, the new officer is told and has its work', async () => {
    // A crime and disorder grant Olivia proposes for the Fenland CSP: hers, and waiting for her.
    const { programmeId } = await t.programme({ cycle: 'crime-disorder-grant' });
    const input = { programmeId, allocationPence: 100_000, financialYear: '2026-27', purpose: 'Rural theft' };
    const proposed = await h.open(OFFICER, 'crime-disorder-grant', input, ids.fenlandCsp);
    const id = proposed.id as string;
    expect(proposed.officerId).toBe(ids[OFFICER]);
    expect((proposed.nextEvents as { type: string }[]).map((e) => e.type)).toContain(REASSIGN);
    expect(await waitingFor(OFFICER)).toContain(id);
    expect(await waitingFor(OFFICER2)).not.toContain(id);
    await deliver(id);

    const before = await stored(id);
    const send = (email: DemoEmail, body: object) =>
      t.http
        .post(`/api/cases/${id}/events`)
        .set(t.as(email))
        .send({ type: REASSIGN, ...body });
    const reason = 'Olivia is on leave until March';
    // Refused, naming the field, writing nothing: no reason; not an officer; the officer it has; no one.
    const refusals: [DemoEmail, object, number, string][] = [
      [OFFICER, { officerId: ids[OFFICER2] }, 422, 'reason'],
      [OFFICER, { officerId: ids['approver@demo.test'], reason }, 422, 'officerId'],
      [OFFICER, { officerId: 'not-an-id', reason }, 422, 'officerId'],
      [OFFICER, { officerId: ids[OFFICER], reason }, 422, 'officerId'],
      [OFFICER, { reason }, 422, 'officerId'],
      ['csp@demo.test', { officerId: ids[OFFICER2], reason }, 403, ''],
    ];
    for (const [email, body, status, field] of refusals) {
      const res = await send(email, body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    expect(await stored(id)).toEqual(before);

    const moved = await send('approver@demo.test', { officerId: ids[OFFICER2], reason });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ officerId: ids[OFFICER2], state: 'proposed' });
    const after = await stored(id);
    expect(after).toMatchObject({
      state: before.state,
      version: before.version + 1,
      events: before.events + 1,
    });
    expect(after.snapshot).toEqual(before.snapshot);
    const [row] = await t.sql`select type, payload, actor_role from case_events
      where case_id = ${id} order by version desc limit 1`;
    expect(row).toEqual({
      type: REASSIGN,
      payload: { officerId: ids[OFFICER2], reason, previousOfficerId: ids[OFFICER] },
      actor_role: 'approver',
    });

    // Told by email, the new officer alone.
    const earlier = capture.messages.length;
    await deliver(id);
    const mail = capture.messages.slice(earlier);
    expect(mail.map((m) => [m.to, m.subject])).toEqual([
      [`Omar Officer <${OFFICER2}>`, expect.stringContaining('you are now the case officer')],
    ]);
    // Its work waits for the new officer, not the old.
    expect(await waitingFor(OFFICER2)).toContain(id);
    expect(await waitingFor(OFFICER)).not.toContain(id);

    // The partnership sees who looks after its grant, but not why it changed hands.
    const history = await t.http.get(`/api/cases/${id}/history`).set(t.as('csp@demo.test'));
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { type: string }) => e.type)).not.toContain(REASSIGN);
    expect((await t.http.get(`/api/cases/${id}/history`).set(t.as(OFFICER))).body.items.at(-1).type).toBe(
      REASSIGN,
    );
  });

  it('tells every officer of a case nobody has taken on, and only the case officer after', async () => {
    const id = await submittedBid('Dance club');
    const officersTold = async () => [...(await staffToTell(t.db, id, 'officer'))].map((u) => u.email);
    const everyOfficer = await t.sql`select email from users where role = 'officer' order by email`;
    expect((await officersTold()).sort()).toEqual(everyOfficer.map((u) => u.email).sort());
    await h.step(id, OFFICER2, { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
    expect(await officersTold()).toEqual([OFFICER2]);
  });

  it("an award's payments are its officer's, and go with it when it is reassigned", async () => {
    const id = await submittedBid('Cycling club');
    await h.step(id, OFFICER, { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
    const approve = { type: 'APPROVE', amountPence: 100_000, reportDueOn: '2031-03-31', quorumReason: 'Met' };
    await h.step(id, 'panel@demo.test', approve, 'offered');
    await h.step(id, PROVIDER, { type: 'ACCEPT_OFFER' }, 'accepted');
    const officersOfPayments = async () =>
      (await t.sql`select officer_id from cases where award_case_id = ${id}`).map((r) => r.officer_id);
    expect(await officersOfPayments()).toEqual([ids[OFFICER]]);
    await h.step(id, OFFICER, { type: REASSIGN, officerId: ids[OFFICER2], reason: 'Leave' }, 'accepted');
    expect(await officersOfPayments()).toEqual([ids[OFFICER2]]);
  });

  it('cannot be reassigned once the case has ended', async () => {
    const id = await submittedBid('Chess club');
    await h.step(id, PROVIDER, { type: 'WITHDRAW', reason: 'Funded elsewhere' }, 'withdrawn');
    const res = await t.http
      .post(`/api/cases/${id}/events`)
      .set(t.as(OFFICER))
      .send({ type: REASSIGN, officerId: ids[OFFICER2], reason: 'Leave' });
    expect(res.status).toBe(409);
    expect((await h.get(id)).body.nextEvents).toEqual([]);
  });

  it('the case page names the case officer and reassigns through its form, with errors in plain English', async () => {
    const id = await submittedBid('Football club');
    await h.step(id, OFFICER, { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
    const agent = await signedIn(t.baseUrl, OFFICER, DEMO_PASSWORD);
    const page = await agent.get(`/cases/${id}`);
    expect(page.text).toContain('Case officer');
    expect(page.text).toContain('Olivia Officer');
    expect(page.text).toContain('Assign the case to an officer');
    // The other officer is offered; the case officer is not offered their own case.
    const form = await agent.get(`/cases/${id}/events/${REASSIGN}`);
    expect(form.text).toContain(`value="${ids[OFFICER2]}"`);
    expect(form.text).not.toContain(`value="${ids[OFFICER]}"`);
    const version = String((await stored(id)).version);

    const bad = await agent
      .post(`/cases/${id}/events/${REASSIGN}`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), version, reason: '' });
    expect(bad.status).toBe(422);
    const summary = errorSummaryOf(bad.text).map((e) => e.text);
    expect(summary).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^New case officer: choose the officer/),
        expect.stringMatching(/^Why the case is being reassigned: enter the reasons/i),
      ]),
    );
    expect(String((await stored(id)).version)).toBe(version);

    const good = await agent
      .post(`/cases/${id}/events/${REASSIGN}`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), version, officerId: ids[OFFICER2], reason: 'Workload' });
    expect(good.status, good.text).toBe(303);
    const reassigned = (await agent.get(`/cases/${id}`)).text;
    expect(reassigned).toContain('Omar Officer');
    // The history says what was done and why, naming the officer, never an id.
    expect(reassigned).toContain('New case officer: Omar Officer');
    expect(reassigned).toContain('Workload');
    expect(reassigned).not.toContain(ids[OFFICER2]);
  });
});
