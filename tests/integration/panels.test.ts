// The rulebook's panels, over HTTP on PostgreSQL: officers assign panel members to a programme, and
// a member sees only its bids; a conflicted member, or one from the bidding organisation, sees the
// bid nowhere (the case, lists, work waiting, the panel's list, exports); whoever decides or signs has
// declared no conflict first; scoring closes with the programme's quorum or a recorded reason; and a
// moderated score away from the panel's mean needs a rationale.
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/db/queries/people.ts';
import { actorOf, issueToken } from '../../src/domain/people.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { fullMember } from '../helpers/members.ts';
import type { TestProgramme } from '../helpers/programmes.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
type Auth = { Authorization: string };
type Who = DemoEmail | Auth;
const auth = (who: Who) => (typeof who === 'string' ? t.as(who) : who);
const OFFICER = 'officer@demo.test';
const APPROVER = 'approver@demo.test';
const PANEL = 'panel@demo.test';
const PANEL2 = 'panel2@demo.test';

/** A programme whose panel is Pat and Sam (the demo members), with a threshold of £10,000 and quorum 2. */
let programme: TestProgramme;
/** A member of the bidding organisation's own staff, who sits on the programme's panel. */
let insider: { id: string; auth: Auth };
/** An approver who belongs to the bidding organisation. */
let insiderApprover: Auth;
/** A panel member who sits on no programme. */
let outsider: { id: string; auth: Auth };

const problem = (res: Response, status: number) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.body as { title: string; detail: string; errors?: { field: string; message: string }[] };
};
const send = (id: string, who: Who, event: object) =>
  t.http.post(`/api/cases/${id}/events`).set(auth(who)).send(event);
const declare = (id: string, who: Who, body: object = { conflicted: false }) =>
  t.http.put(`/api/cases/${id}/declaration`).set(auth(who)).send(body);
const score = (id: string, who: Who, scores: Record<string, number>) =>
  t.http.put(`/api/cases/${id}/panel/scores`).set(auth(who)).send({ scores });
const listed = async (who: Who, query = '') => {
  const res = await t.http.get(`/api/cases?limit=100${query}`).set(auth(who));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { id: string }[]).map((c) => c.id);
};
const caseRow = async (id: string) => (await t.sql`select version, state from cases where id = ${id}`)[0];

async function user(label: string, role: string, organisationId: string) {
  const email = `${label.toLowerCase().replace(/\W+/g, '-')}-${randomUUID()}@demo.test`;
  const [row] = await t.sql`insert into users (email, name, role, organisation_id)
    values (${email}, ${label}, ${role}, ${organisationId}) returning id`;
  await fullMember(t.sql, email);
  return { id: row!.id as string, email, auth: { Authorization: `Bearer ${await issueToken(t.db, email)}` } };
}

/** A Youth Fund bid from Riverside (provider@) in panel review under the test's programme. */
async function bidWithPanel(amountRequestedPence = 400_000): Promise<string> {
  const opened = await h.open('provider@demo.test', 'youth-fund', {
    programmeId: programme.programmeId,
    title: 'Panel rules bid',
  });
  await h.step(opened.id, 'provider@demo.test', { ...ev.SUBMIT, amountRequestedPence }, 'submitted');
  await h.step(opened.id, OFFICER, ev.CONFIRM_ELIGIBLE, 'panelReview');
  return opened.id;
}

const approve = { type: 'APPROVE', amountPence: 300_000, reportDueOn: '2036-03-31' };

beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  programme = await t.programme({ delegationThresholdPence: 1_000_000, maxAwardPence: 5_000_000 });
  const [riverside] = await t.sql`select organisation_id from users where email = 'provider@demo.test'`;
  insider = await user('Riverside Volunteer', 'panel', riverside!.organisation_id);
  insiderApprover = (await user('Riverside Trustee', 'approver', riverside!.organisation_id)).auth;
  const [opcc] = await t.sql`select organisation_id from users where email = ${OFFICER}`;
  outsider = await user('Unassigned Member', 'panel', opcc!.organisation_id);
  const assigned = await t.http
    .post(`/api/programmes/${programme.programmeId}/panel`)
    .set(t.as(OFFICER))
    .send({ userId: insider.id });
  expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
});

afterAll(async () => {
  await t?.close();
});

describe('officers assign panel members to a programme', () => {
  it('assigns, lists, refuses bad input and other roles, and takes a member off', async () => {
    const own = await t.programme({ panel: [] });
    const path = `/api/programmes/${own.programmeId}/panel`;
    const empty = await t.http.get(path).set(t.as(OFFICER));
    expect(empty.body).toMatchObject({ quorum: 2, members: [] });

    const pat = (await findUserByEmail(t.db, PANEL))!;
    const first = await t.http.post(path).set(t.as(OFFICER)).send({ userId: pat.id });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.members).toEqual([expect.objectContaining({ userId: pat.id, name: 'Pat Panel' })]);
    // Assigning again changes nothing.
    const again = await t.http.post(path).set(t.as(OFFICER)).send({ userId: pat.id });
    expect(again.status).toBe(200);
    expect(again.body.members).toHaveLength(1);

    // Only someone with the panel role, named by id; only officers assign.
    const officer = (await findUserByEmail(t.db, OFFICER))!;
    expect(
      problem(await t.http.post(path).set(t.as(OFFICER)).send({ userId: officer.id }), 422).errors,
    ).toEqual([expect.objectContaining({ field: 'userId' })]);
    expect(problem(await t.http.post(path).set(t.as(OFFICER)).send({ userId: 'pat' }), 422).errors).toEqual([
      expect.objectContaining({ field: 'userId' }),
    ]);
    problem(await t.http.post(path).set(t.as(OFFICER)).send({ userId: pat.id, extra: 1 }), 422);
    for (const who of [PANEL, 'finance@demo.test', APPROVER, 'provider@demo.test'] as const)
      problem(await t.http.post(path).set(t.as(who)).send({ userId: pat.id }), 403);
    // Providers never see who sits on a panel.
    problem(await t.http.get(path).set(t.as('provider@demo.test')), 404);
    problem(
      await t.http.post(`/api/programmes/${randomUUID()}/panel`).set(t.as(OFFICER)).send({ userId: pat.id }),
      404,
    );

    const off = await t.http.delete(`${path}/${pat.id}`).set(t.as(OFFICER));
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.members).toEqual([]);
    problem(await t.http.delete(`${path}/${pat.id}`).set(t.as(OFFICER)), 404);
    // The record of when they sat stays.
    const rows = await t.sql`select removed_at from programme_panel where programme_id = ${own.programmeId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.removed_at).not.toBeNull();
  });

  it('a member sees the bids of the programmes they sit on, and no others', async () => {
    const id = await bidWithPanel();
    expect(await listed(PANEL)).toContain(id);
    expect(await listed(outsider.auth)).not.toContain(id);
    problem(await t.http.get(`/api/cases/${id}`).set(outsider.auth), 404);
    problem(await declare(id, outsider.auth), 404);
    problem(await send(id, outsider.auth, { ...approve, quorumReason: 'x' }), 404);
    const waiting = await t.engine.waiting(
      actorOf((await t.sql`select * from users where id = ${outsider.id}`)[0] as never),
    );
    expect(waiting.items.map((c) => c.id)).not.toContain(id);
    // Providers never learn the threshold or the quorum from the funding call.
    const call = await t.http.get(`/api/programmes/${programme.programmeId}`).set(t.as('provider@demo.test'));
    expect(call.status).toBe(200);
    expect(call.body).not.toHaveProperty('delegationThresholdPence');
    expect(call.body).not.toHaveProperty('panelQuorum');
    const staff = await t.http.get(`/api/programmes/${programme.programmeId}`).set(t.as(OFFICER));
    expect(staff.body).toMatchObject({ delegationThresholdPence: 1_000_000, panelQuorum: 2 });
  });
});

describe('conflicts of interest', () => {
  it('a member who declares a conflict sees the bid nowhere: the case, lists, counts, work waiting, the panel page', async () => {
    const id = await bidWithPanel();
    const samActor = actorOf((await findUserByEmail(t.db, PANEL2))!);
    const before = await t.engine.waiting(samActor, 500);
    expect(before.items.map((c) => c.id)).toContain(id);
    const counted = (w: typeof before) =>
      w.counts.find((c) => c.machineId === 'youth-fund' && c.state === 'panelReview')?.count ?? 0;

    const conflicted = await declare(id, PANEL2, { conflicted: true, reason: 'My sister runs Riverside' });
    expect(conflicted.status, JSON.stringify(conflicted.body)).toBe(200);

    problem(await t.http.get(`/api/cases/${id}`).set(t.as(PANEL2)), 404);
    problem(await t.http.get(`/api/cases/${id}/history`).set(t.as(PANEL2)), 404);
    expect(await listed(PANEL2)).not.toContain(id);
    expect(await listed(PANEL2, '&machine=youth-fund&state=panelReview')).not.toContain(id);
    const after = await t.engine.waiting(samActor, 500);
    expect(after.items.map((c) => c.id)).not.toContain(id);
    expect(counted(after)).toBe(counted(before) - 1);
    // Exports are the OPCC's: panel members have none.
    problem(await t.http.get('/api/exports/360giving.csv?financialYear=2026-27').set(t.as(PANEL2)), 403);
    // The member can neither score nor decide, nor take the declaration back.
    problem(await score(id, PANEL2, { need: 5, value: 5 }), 404);
    problem(await send(id, PANEL2, { ...approve, quorumReason: 'x' }), 404);
    problem(await declare(id, PANEL2), 404);
    // Everyone else still sees it, and officers see the declaration beside the scores.
    expect(await listed(PANEL)).toContain(id);
    const panel = await t.http.get(`/api/cases/${id}/panel/scores`).set(t.as(OFFICER));
    expect(panel.body.declarations).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Sam Scorer', conflicted: true })]),
    );
  });

  it('belonging to the bidding organisation is a conflict without asking, for panel members and approvers', async () => {
    const id = await bidWithPanel();
    // The insider sits on the programme but never sees their own organisation's bid.
    expect(await listed(insider.auth)).not.toContain(id);
    problem(await t.http.get(`/api/cases/${id}`).set(insider.auth), 404);
    problem(await declare(id, insider.auth), 404);

    // An approver from the bidding organisation may not declare no conflict, nor sign.
    const held = await bidWithPanel(2_000_000);
    const big = { ...approve, amountPence: 1_500_000, quorumReason: 'Decided at the meeting' };
    await h.hold(held, PANEL, big);
    const refusal = problem(await declare(held, insiderApprover), 422);
    expect(refusal.errors).toEqual([expect.objectContaining({ field: 'conflicted' })]);
    expect(refusal.errors![0]!.message).toMatch(/belong to Riverside/);
    const version = (await caseRow(held))!.version;
    expect(problem(await send(held, insiderApprover, { type: 'SIGN_DECISION' }), 403).detail).toMatch(
      /belong to Riverside/,
    );
    expect((await caseRow(held))!.version).toBe(version);
    // Declaring the conflict is allowed, and the approver still cannot sign.
    expect((await declare(held, insiderApprover, { conflicted: true, reason: 'Trustee' })).status).toBe(200);
    problem(await send(held, insiderApprover, { type: 'SIGN_DECISION' }), 403);
  });

  it('whoever decides or signs declares first: undeclared 409, conflicted 403, and nothing is written', async () => {
    const id = await bidWithPanel();
    const version = (await caseRow(id))!.version;
    const decision = { ...approve, quorumReason: 'Decided at the meeting' };
    expect(problem(await send(id, PANEL, decision), 409).title).toBe(
      'Declare any conflict of interest first',
    );
    expect((await caseRow(id))!.version).toBe(version);

    // The approver must declare too before signing or sending back.
    const held = await bidWithPanel(2_000_000);
    await h.hold(held, PANEL, { ...decision, amountPence: 1_500_000 });
    const heldVersion = (await caseRow(held))!.version;
    expect(problem(await send(held, APPROVER, { type: 'SIGN_DECISION' }), 409).title).toBe(
      'Declare any conflict of interest first',
    );
    expect(problem(await send(held, APPROVER, { type: 'SEND_BACK_DECISION', reason: 'No' }), 409).title).toBe(
      'Declare any conflict of interest first',
    );
    // Bad input is still named first.
    expect(problem(await send(held, APPROVER, { type: 'SEND_BACK_DECISION' }), 422).errors).toEqual([
      expect.objectContaining({ field: 'reason' }),
    ]);
    expect((await caseRow(held))!.version).toBe(heldVersion);
    expect((await declare(held, APPROVER, { conflicted: true, reason: 'I know the trustees' })).status).toBe(
      200,
    );
    expect(problem(await send(held, APPROVER, { type: 'SIGN_DECISION' }), 403).detail).toMatch(
      /declared a conflict of interest/,
    );
    // A declared conflict stands.
    problem(await declare(held, APPROVER), 409);
    expect((await caseRow(held))!.version).toBe(heldVersion);

    // Finance does not decide, so does not declare; providers never see declarations.
    problem(await declare(id, 'finance@demo.test'), 403);
    problem(await declare(id, 'provider@demo.test'), 404);
  });
});

describe('the quorum closes scoring', () => {
  it('a panel decision with fewer scores than the quorum needs a reason, recorded in the history', async () => {
    const id = await bidWithPanel();
    expect((await declare(id, PANEL)).status).toBe(200);
    expect((await declare(id, PANEL2)).status).toBe(200);
    expect((await score(id, PANEL, { need: 4, value: 3 })).status).toBe(200);
    const version = (await caseRow(id))!.version;
    const short = problem(await send(id, PANEL, approve), 422);
    expect(short.errors).toEqual([expect.objectContaining({ field: 'quorumReason' })]);
    expect(short.errors![0]!.message).toMatch(/1 of the 2 panel members/);
    expect((await caseRow(id))!.version).toBe(version);

    const decided = await send(id, PANEL, { ...approve, quorumReason: 'Sam was taken ill on the day' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.state).toBe('offered');
    const [row] = await t.sql`select payload from case_events where case_id = ${id} and type = 'APPROVE'`;
    expect(row!.payload).toMatchObject({ quorumReason: 'Sam was taken ill on the day' });
    // The provider's history leaves the panel's reasons out.
    const theirs = await t.http.get(`/api/cases/${id}/history`).set(t.as('provider@demo.test'));
    expect(JSON.stringify(theirs.body)).not.toContain('taken ill');
  });

  it('with the quorum of scores, the panel decides without a reason', async () => {
    const id = await bidWithPanel();
    for (const [who, scores] of [
      [PANEL, { need: 4, value: 3 }],
      [PANEL2, { need: 5, value: 4 }],
    ] as const) {
      expect((await declare(id, who)).status).toBe(200);
      expect((await score(id, who, scores)).status).toBe(200);
    }
    const declined = await send(id, PANEL2, { type: 'DECLINE', reason: 'Too little evidence of need' });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect(declined.body.state).toBe('declined');
  });

  it("a programme's own quorum counts, and a conflicted member's scores do not", async () => {
    const three = await t.programme({ panelQuorum: 3 });
    const opened = await h.open('provider@demo.test', 'youth-fund', {
      programmeId: three.programmeId,
      title: 'Q',
    });
    await h.step(opened.id, 'provider@demo.test', ev.SUBMIT, 'submitted');
    await h.step(opened.id, OFFICER, ev.CONFIRM_ELIGIBLE, 'panelReview');
    for (const who of [PANEL, PANEL2] as const) {
      await declare(opened.id, who);
      await score(opened.id, who, { need: 3, value: 3 });
    }
    expect(problem(await send(opened.id, PANEL, approve), 422).errors![0]!.message).toMatch(/2 of the 3/);
    // Sam declares a conflict after scoring: the scores go, and the count with them.
    await declare(opened.id, PANEL2, { conflicted: true, reason: 'Found out I know them' });
    expect(problem(await send(opened.id, PANEL, approve), 422).errors![0]!.message).toMatch(/1 of the 3/);
  });
});

describe('moderation weighs the panel', () => {
  /** A victims' services bid in panel scoring under a programme whose panel is Pat and Sam. */
  async function victimsBid() {
    const vs = await t.programme({ cycle: 'victims-services', delegationThresholdPence: 10_000_000 });
    const opened = await h.open('provider@demo.test', 'victims-services', {
      programmeId: vs.programmeId,
      title: 'ISVA service',
    });
    await victimsBidTo('panelScoring', h.sender(opened.id, 'provider@demo.test'));
    return opened.id;
  }

  it('closing scoring short of the quorum needs a reason; a moderated score away from the mean needs a rationale', async () => {
    const id = await victimsBid();
    await declare(id, PANEL);
    await score(id, PANEL, { need: 4, value: 2 });
    expect(problem(await send(id, OFFICER, { type: 'CLOSE_SCORING' }), 422).errors).toEqual([
      expect.objectContaining({ field: 'quorumReason' }),
    ]);
    await declare(id, PANEL2);
    await score(id, PANEL2, { need: 3, value: 2 });
    // Closing scoring is not a decision about the bid: no declaration needed.
    expect((await send(id, OFFICER, { type: 'CLOSE_SCORING' })).status).toBe(200);

    // The mean is need 3.5, value 2: 3 or 4 for need and 2 for value agree with the panel.
    const version = (await caseRow(id))!.version;
    const away = problem(await send(id, OFFICER, { type: 'MODERATE', scores: { need: 5, value: 2 } }), 422);
    expect(away.errors).toEqual([expect.objectContaining({ field: 'rationale' })]);
    expect(away.errors![0]!.message).toMatch(/Evidence of need: 5, the panel's mean 3.5/);
    expect((await caseRow(id))!.version).toBe(version);
    // Moderating is a decision: the officer declares first.
    expect(
      problem(await send(id, OFFICER, { type: 'MODERATE', scores: { need: 4, value: 2 } }), 409).title,
    ).toBe('Declare any conflict of interest first');
    await declare(id, OFFICER);
    const agreed = await send(id, OFFICER, { type: 'MODERATE', scores: { need: 4, value: 2 } });
    expect(agreed.status, JSON.stringify(agreed.body)).toBe(200);
    expect(agreed.body.state).toBe('recommendation');
  });

  it('a score away from the mean is taken with its rationale, and with no panel scores every score needs one', async () => {
    const id = await victimsBid();
    await send(id, OFFICER, { type: 'CLOSE_SCORING', quorumReason: 'The panel did not meet' }).then((r) =>
      expect(r.status, JSON.stringify(r.body)).toBe(200),
    );
    await declare(id, OFFICER);
    const none = problem(await send(id, OFFICER, { type: 'MODERATE', scores: { need: 3, value: 3 } }), 422);
    expect(none.errors![0]!.message).toMatch(/with no panel scores/);
    const moderated = await send(id, OFFICER, {
      type: 'MODERATE',
      scores: { need: 3, value: 3 },
      rationale: 'Scored by the officer from the written bid',
    });
    expect(moderated.status, JSON.stringify(moderated.body)).toBe(200);
  });
});

describe('a held decision and the panel', () => {
  it('keeps the scores it was made on, and is signed only while it still stands', async () => {
    const id = await bidWithPanel(2_000_000);
    for (const [who, scores] of [
      [PANEL, { need: 4, value: 4 }],
      [PANEL2, { need: 5, value: 4 }],
    ] as const) {
      expect((await declare(id, who)).status).toBe(200);
      expect((await score(id, who, scores)).status).toBe(200);
    }
    // With the quorum of scores, no reason: held above the threshold.
    await h.hold(id, PANEL2, { ...approve, amountPence: 1_500_000 });
    // The scores the decision was made on stand while it waits.
    expect(problem(await score(id, PANEL, { need: 1, value: 1 }), 409).title).toBe('Awaiting signature');
    // Sam, who decided, then declares a conflict: the scores go, and so does the decision's footing.
    expect((await declare(id, PANEL2, { conflicted: true, reason: 'My cousin is a trustee' })).status).toBe(
      200,
    );
    expect((await declare(id, APPROVER)).status).toBe(200);
    const version = (await caseRow(id))!.version;
    const refused = problem(await send(id, APPROVER, { type: 'SIGN_DECISION' }), 409);
    expect(refused.title).toBe('The decision no longer fits');
    expect(refused.detail).toMatch(/only 1 of the 2 panel members needed has scored/);
    expect(refused.detail).toMatch(/whoever made it has since declared a conflict of interest/);
    expect((await caseRow(id))!.version).toBe(version);
    // Sending it back is still open to the approver.
    const sentBack = await send(id, APPROVER, {
      type: 'SEND_BACK_DECISION',
      reason: 'Decide again without Sam',
    });
    expect(sentBack.status, JSON.stringify(sentBack.body)).toBe(200);
  });

  it("leaves a case out of an approver's list once they declare a conflict in it", async () => {
    const id = await bidWithPanel(2_000_000);
    await h.hold(id, PANEL, { ...approve, amountPence: 1_500_000, quorumReason: 'Met in person' });
    const approver = actorOf((await findUserByEmail(t.db, APPROVER))!);
    expect((await t.engine.waiting(approver, 500)).items.map((c) => c.id)).toContain(id);
    expect((await declare(id, APPROVER, { conflicted: true, reason: 'Former trustee' })).status).toBe(200);
    expect((await t.engine.waiting(approver, 500)).items.map((c) => c.id)).not.toContain(id);
  });

  it('tells the provider the panel decided, not which member', async () => {
    const id = await bidWithPanel();
    await declare(id, PANEL);
    const decided = await send(id, PANEL, { ...approve, quorumReason: 'Met in person' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const pat = (await findUserByEmail(t.db, PANEL))!;
    const theirs = await t.http.get(`/api/cases/${id}/history`).set(t.as('provider@demo.test'));
    const approved = theirs.body.items.find((e: { type: string }) => e.type === 'APPROVE');
    expect(approved.actor).toEqual({ id: null, role: 'panel' });
    expect(JSON.stringify(theirs.body)).not.toContain(pat.id);
    const staff = await t.http.get(`/api/cases/${id}/history`).set(t.as(OFFICER));
    expect(staff.body.items.find((e: { type: string }) => e.type === 'APPROVE').actor.id).toBe(pat.id);
  });
});

describe('someone with a conflict takes no part in the case', () => {
  it('refuses them every event, not only decisions, and shows them no panel scores', async () => {
    const opened = await h.open('provider@demo.test', 'youth-fund', {
      programmeId: programme.programmeId,
      title: 'Officer conflict',
    });
    await h.step(opened.id, 'provider@demo.test', ev.SUBMIT, 'submitted');
    expect(
      (await declare(opened.id, OFFICER, { conflicted: true, reason: 'I advised the club' })).status,
    ).toBe(200);
    const version = (await caseRow(opened.id))!.version;
    expect(problem(await send(opened.id, OFFICER, ev.CONFIRM_ELIGIBLE), 403).detail).toMatch(
      /declared a conflict of interest/,
    );
    expect((await caseRow(opened.id))!.version).toBe(version);
    problem(await t.http.get(`/api/cases/${opened.id}/panel/scores`).set(t.as(OFFICER)), 403);
    // An officer from the bidding organisation is refused the same way, without declaring.
    const [riverside] = await t.sql`select organisation_id from users where email = 'provider@demo.test'`;
    const insiderOfficer = await user('Riverside Officer', 'officer', riverside!.organisation_id);
    expect(problem(await send(opened.id, insiderOfficer.auth, ev.CONFIRM_ELIGIBLE), 403).detail).toMatch(
      /belong to Riverside/,
    );
  });

  it('emails a decision sent back only to the panel members who may see the bid', async () => {
    const id = await bidWithPanel(2_000_000);
    await h.hold(id, PANEL, { ...approve, amountPence: 1_500_000, quorumReason: 'Met in person' });
    await declare(id, PANEL2, { conflicted: true, reason: 'Neighbour of the chair' });
    await declare(id, APPROVER);
    expect((await send(id, APPROVER, { type: 'SEND_BACK_DECISION', reason: 'Too much' })).status).toBe(200);
    const told =
      await t.sql`select to_email from outbox where case_id = ${id} and message = 'decisionSentBack'`;
    // Pat, who sits on the panel; not Sam (conflicted), the insider (the bidding organisation's) or
    // the member who sits on no programme.
    expect(told.map((r) => r.to_email)).toEqual(['panel@demo.test']);
  });
});

describe('a member taken off the panel', () => {
  it('no longer counts towards the quorum, nor in the scores moderators read', async () => {
    const own = await t.programme({ maxAwardPence: 5_000_000 });
    const opened = await h.open('provider@demo.test', 'youth-fund', {
      programmeId: own.programmeId,
      title: 'Off',
    });
    await h.step(opened.id, 'provider@demo.test', ev.SUBMIT, 'submitted');
    await h.step(opened.id, OFFICER, ev.CONFIRM_ELIGIBLE, 'panelReview');
    for (const who of [PANEL, PANEL2] as const) {
      await declare(opened.id, who);
      await score(opened.id, who, { need: 3, value: 3 });
    }
    const sam = (await findUserByEmail(t.db, PANEL2))!;
    const off = await t.http.delete(`/api/programmes/${own.programmeId}/panel/${sam.id}`).set(t.as(OFFICER));
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const scores = await t.http.get(`/api/cases/${opened.id}/panel/scores`).set(t.as(OFFICER));
    expect(scores.body.members.map((m: { name: string }) => m.name)).toEqual(['Pat Panel']);
    expect(problem(await send(opened.id, PANEL, approve), 422).errors![0]!.message).toMatch(
      /only 1 of the 2 panel members needed has scored/,
    );
  });
});
