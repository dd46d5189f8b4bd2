// Panel declarations and scores over HTTP: a member sees only the bids of programmes they sit on,
// and a bid they declared a conflict in is gone for them (404), each member's scores are kept apart,
// and officers see the spread. Providers never see panel work, not
// even on their own bids: every panel route answers them 404, as for a case they cannot see.
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/domain/people.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { youthFundEvents as events } from '../helpers/youth-fund-events.ts';

let t: TestApp;
type Member = { id: string; auth: { Authorization: string } };
/** panel@demo.test and two panel members of this file's own. */
let p1: Member;
let p2: Member;
let p3: Member;
type Who = Pick<Member, 'auth'> | DemoEmail;
const auth = (who: Who) => (typeof who === 'string' ? t.as(who) : who.auth);

const put = (what: string) => (id: string, who: Who, body: unknown) =>
  t.http
    .put(`/api/cases/${id}/panel/${what}`)
    .set(auth(who))
    .send(body as object);
const declaration = put('declaration');
const score = put('scores');
const scores = (id: string, who: Who) => t.http.get(`/api/cases/${id}/panel/scores`).set(auth(who));
const noConflict = { conflicted: false };

function expectProblem(res: Response, status: number, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (field !== undefined) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

async function sendEvent(id: string, who: DemoEmail, event: object) {
  const res = await t.http.post(`/api/cases/${id}/events`).set(t.as(who)).send(event);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A bid submitted by provider@ and, unless `submitted`, found eligible: with the panel. */
async function bid(at: 'submitted' | 'panelReview' = 'panelReview'): Promise<string> {
  const id = await t.openCase('provider@demo.test', 'Panel bid');
  await sendEvent(id, 'provider@demo.test', events.SUBMIT);
  if (at === 'panelReview') await sendEvent(id, 'officer@demo.test', events.CONFIRM_ELIGIBLE);
  return id;
}

async function declared(id: string, who: Who, body: object = noConflict) {
  const res = await declaration(id, who, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function scored(id: string, who: Who, body: object) {
  const res = await score(id, who, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Everything stored for a case's panel, to show a refusal wrote nothing. */
async function stored(id: string) {
  const declarations = await t.sql`select user_id, conflicted, reason, at from panel_declarations
    where case_id = ${id} order by user_id`;
  const rows = await t.sql`select user_id, scores, comment, version, at from panel_scores
    where case_id = ${id} order by user_id`;
  return { declarations: [...declarations], scores: [...rows] };
}

beforeAll(async () => {
  t = await startTestApp();
  const [officer] = await t.sql`select organisation_id from users where email = 'officer@demo.test'`;
  const member = async (label: string): Promise<Member> => {
    const email = `${label}-${randomUUID()}@demo.test`;
    const [user] = await t.sql`insert into users (email, name, role, organisation_id)
      values (${email}, ${label}, 'panel', ${officer!.organisation_id}) returning id`;
    return { id: user!.id as string, auth: { Authorization: `Bearer ${await issueToken(t.db, email)}` } };
  };
  const [pat] = await t.sql`select id from users where email = 'panel@demo.test'`;
  p1 = { id: pat!.id as string, auth: t.as('panel@demo.test') };
  p2 = await member('Panel Member Two');
  p3 = await member('Panel Member Three');
  // Panel members see only the bids of programmes they sit on: the officer puts this file's own on
  // its Youth Fund programme's panel (panel@demo.test sits on it already).
  for (const member of [p2, p3]) {
    const res = await t.http
      .post(`/api/programmes/${t.youthFund.programmeId}/panel`)
      .set(t.as('officer@demo.test'))
      .send({ userId: member.id });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});

afterAll(async () => {
  await t?.close();
});

describe('panel scoring', () => {
  it('keeps each member’s scores apart and shows officers the spread', async () => {
    const id = await bid();
    for (const member of [p1, p2, p3]) await declared(id, member);
    const mine = await scored(id, p1, { scores: { need: 4, value: 5 }, comment: 'Strong need' });
    expect(mine).toMatchObject({
      userId: p1.id,
      scores: { need: 4, value: 5 },
      version: 1,
      weightedTotal: 88,
    });
    await scored(id, p2, { scores: { need: 2, value: 4 } });
    await scored(id, p3, { scores: { value: 4, need: 3 }, comment: 'Fair' });

    // A member sees only their own scores.
    const own = await scores(id, p2);
    expect(own.status).toBe(200);
    expect(own.body.scores).toMatchObject({
      userId: p2.id,
      scores: { need: 2, value: 4 },
      weightedTotal: 56,
    });
    expect(own.body.declaration).toMatchObject({ conflicted: false });
    expect(own.body).not.toHaveProperty('members');
    expect(JSON.stringify(own.body)).not.toContain('Strong need');

    const res = await scores(id, 'officer@demo.test');
    expect(res.status).toBe(200);
    const byMember = Object.fromEntries(res.body.members.map((m: { userId: string }) => [m.userId, m]));
    expect(byMember[p1.id]).toMatchObject({
      name: 'Pat Panel',
      scores: { need: 4, value: 5 },
      comment: 'Strong need',
      weightedTotal: 88,
    });
    expect(byMember[p2.id]).toMatchObject({
      scores: { need: 2, value: 4 },
      comment: null,
      weightedTotal: 56,
    });
    expect(byMember[p3.id]).toMatchObject({
      scores: { need: 3, value: 4 },
      comment: 'Fair',
      weightedTotal: 68,
    });
    expect(res.body.declarations).toHaveLength(3);
    expect(res.body.spread.criteria).toEqual([
      {
        criterionId: 'need',
        label: 'Evidence of need',
        weight: 60,
        count: 3,
        min: 2,
        max: 4,
        mean: 3,
        range: 2,
      },
      {
        criterionId: 'value',
        label: 'Value for money',
        weight: 40,
        count: 3,
        min: 4,
        max: 5,
        mean: 4.33,
        range: 1,
      },
    ]);
    expect(res.body.spread.weightedTotal).toEqual({ count: 3, min: 56, max: 88, mean: 70.67, range: 32 });
    for (const who of ['approver@demo.test', 'admin@demo.test'] as const)
      expect((await scores(id, who)).body.members).toHaveLength(3);

    // Scores are domain data: not in the case view or its history, for staff or the provider.
    for (const who of ['officer@demo.test', 'provider@demo.test'] as const) {
      const view = await t.http.get(`/api/cases/${id}`).set(t.as(who));
      const history = await t.http.get(`/api/cases/${id}/history`).set(t.as(who));
      expect(JSON.stringify([view.body, history.body])).not.toMatch(/Strong need|weightedTotal/);
    }
  });

  it('bumps the version only when a member changes their scores', async () => {
    const id = await bid();
    await declared(id, p1);
    const body = { scores: { need: 1, value: 2 }, comment: 'Thin' };
    expect((await scored(id, p1, body)).version).toBe(1);
    expect(await scored(id, p1, body)).toMatchObject({ version: 1, weightedTotal: 28 });
    expect(await scored(id, p1, { scores: { need: 5, value: 2 } })).toMatchObject({
      version: 2,
      comment: null,
      weightedTotal: 76,
    });
  });

  it('refuses a conflicted member scoring or seeing scores, and a conflict stands', async () => {
    const id = await bid();
    await declared(id, p1);
    await scored(id, p1, { scores: { need: 3, value: 3 } });
    const conflict = { conflicted: true, reason: 'I am a trustee of the applicant' };
    expect(await declared(id, p3, conflict)).toMatchObject({
      userId: p3.id,
      ...conflict,
      scoresRemoved: false,
    });

    // Once conflicted, the bid is gone for the member: every panel route answers as for a case they
    // cannot see, and nothing they send changes the declaration.
    expectProblem(await score(id, p3, { scores: { need: 5, value: 5 } }), 404);
    expectProblem(await scores(id, p3), 404);
    expectProblem(await declaration(id, p3, conflict), 404);
    expectProblem(await declaration(id, p3, noConflict), 404);
    expectProblem(await declaration(id, p3, { conflicted: true, reason: 'Something else' }), 404);

    const res = await scores(id, 'officer@demo.test');
    expect(res.body.members.map((m: { userId: string }) => m.userId)).toEqual([p1.id]);
    expect(res.body.declarations).toContainEqual(expect.objectContaining({ userId: p3.id, ...conflict }));

    // Staff still see a case they are conflicted in; for them a conflict is idempotent and stands.
    const officerConflict = { conflicted: true, reason: 'I used to work for the applicant' };
    expect(await declared(id, 'officer@demo.test', officerConflict)).toMatchObject(officerConflict);
    expect(await declared(id, 'officer@demo.test', officerConflict)).toMatchObject(officerConflict);
    for (const body of [noConflict, { conflicted: true, reason: 'Something else' }]) {
      const refused = await declaration(id, 'officer@demo.test', body);
      expectProblem(refused, 409);
      expect(refused.body.title).toBe('Conflict of interest stands');
    }
    const kept = await t.sql`select conflicted, reason from panel_declarations where case_id = ${id}
      and user_id in (${p3.id}, (select id from users where email = 'officer@demo.test')) order by reason`;
    expect([...kept]).toEqual([
      { conflicted: true, reason: conflict.reason },
      { conflicted: true, reason: officerConflict.reason },
    ]);
  });

  it('hides the whole case from a conflicted member: no details, no history, no decision', async () => {
    const id = await bid();
    const conflicted = p2;
    expect((await t.http.get(`/api/cases/${id}`).set(conflicted.auth)).status).toBe(200);
    await declared(id, conflicted, { conflicted: true, reason: 'My sister runs this charity' });
    const [before] = await t.sql`select version, state from cases where id = ${id}`;
    for (const res of [
      await t.http.get(`/api/cases/${id}`).set(conflicted.auth),
      await t.http.get(`/api/cases/${id}/history`).set(conflicted.auth),
      await t.http.post(`/api/cases/${id}/events`).set(conflicted.auth).send(events.APPROVE),
    ]) {
      expectProblem(res, 404);
    }
    expect((await t.sql`select version, state from cases where id = ${id}`)[0]).toEqual(before);
    // A member without a conflict still sees it and can decide.
    expect((await t.http.get(`/api/cases/${id}`).set(t.as('panel@demo.test'))).status).toBe(200);
  });

  it('removes a member’s scores when they declare a conflict after scoring', async () => {
    const id = await bid();
    await declared(id, p1);
    await declared(id, p2, { conflicted: false, reason: 'No links to the applicant' });
    await scored(id, p1, { scores: { need: 2, value: 2 } });
    await scored(id, p2, { scores: { need: 5, value: 5 } });
    const conflict = { conflicted: true, reason: 'My partner now works there' };
    expect(await declared(id, p2, conflict)).toMatchObject({ ...conflict, scoresRemoved: true });

    const [row] =
      await t.sql`select count(*)::int as n from panel_scores where case_id = ${id} and user_id = ${p2.id}`;
    expect(row!.n).toBe(0);
    const res = await scores(id, 'officer@demo.test');
    expect(res.body.members.map((m: { userId: string }) => m.userId)).toEqual([p1.id]);
    expect(res.body.spread.weightedTotal).toEqual({ count: 1, min: 40, max: 40, mean: 40, range: 0 });
    // The bid is now gone for p2: they can neither score it again nor take the conflict back.
    expectProblem(await score(id, p2, { scores: { need: 5, value: 5 } }), 404);
    expectProblem(await declaration(id, p2, noConflict), 404);
    const [still] =
      await t.sql`select conflicted from panel_declarations where case_id = ${id} and user_id = ${p2.id}`;
    expect(still!.conflicted).toBe(true);
  });

  it('needs a declaration before scoring, and takes concurrent first declarations once', async () => {
    const id = await bid();
    const res = await score(id, p1, { scores: { need: 3, value: 3 } });
    expectProblem(res, 409);
    expect(res.body.title).toBe('Declare any conflict of interest first');
    const answers = await Promise.all(Array.from({ length: 5 }, () => declaration(id, p2, noConflict)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await stored(id)).declarations).toHaveLength(1);
  });

  it('is open only in the machine’s panel scoring states', async () => {
    const id = await bid('submitted');
    for (const res of [
      await declaration(id, p1, noConflict),
      await score(id, p1, { scores: { need: 3, value: 3 } }),
    ]) {
      expectProblem(res, 409);
      expect(res.body).toMatchObject({
        title: 'Not open for panel scoring',
        state: 'submitted',
        scoringStates: ['panelReview'],
      });
    }
    await sendEvent(id, 'officer@demo.test', events.CONFIRM_ELIGIBLE);
    await declared(id, p1);
    await scored(id, p1, { scores: { need: 3, value: 3 } });
    await sendEvent(id, 'panel@demo.test', events.APPROVE);
    const late = await score(id, p1, { scores: { need: 5, value: 5 } });
    expectProblem(late, 409);
    expect(late.body.state).toBe('offered');
    expectProblem(await declaration(id, p2, noConflict), 409);
    // The record stays readable for moderation.
    expect((await scores(id, 'officer@demo.test')).body.members[0].scores).toEqual({ need: 3, value: 3 });
  });

  it('answers providers 404 and other staff 403', async () => {
    const id = await bid();
    await declared(id, p1);
    await scored(id, p1, { scores: { need: 4, value: 4 } });
    const other = await t.newProvider('Other org');
    for (const who of ['provider@demo.test', 'provider2@demo.test', other] as const) {
      expectProblem(await scores(id, who), 404);
      expectProblem(await declaration(id, who, noConflict), 404);
      expectProblem(await score(id, who, { scores: { need: 5, value: 5 } }), 404);
    }
    expectProblem(await scores(id, 'finance@demo.test'), 403);
    // Finance do not decide, so they neither declare nor score.
    expectProblem(await declaration(id, 'finance@demo.test', noConflict), 403);
    expectProblem(await score(id, 'finance@demo.test', { scores: { need: 5, value: 5 } }), 403);
    // Officers, approvers and admins declare before they decide or sign, but never score.
    for (const who of ['officer@demo.test', 'approver@demo.test', 'admin@demo.test'] as const) {
      expect((await declaration(id, who, noConflict)).status).toBe(200);
      expectProblem(await score(id, who, { scores: { need: 5, value: 5 } }), 403);
    }
    for (const bad of [randomUUID(), 'not-a-uuid']) {
      expectProblem(await scores(bad, 'officer@demo.test'), 404);
      expectProblem(await declaration(bad, p1, noConflict), 404);
    }
    const { declarations, scores: stillScored } = await stored(id);
    expect(declarations).toHaveLength(4);
    expect(stillScored.map((s) => s.user_id)).toEqual([p1.id]);
  });

  it('refuses bad bodies with 422 naming the field, writing nothing', async () => {
    const id = await bid();
    await declared(id, p1);
    await scored(id, p1, { scores: { need: 2, value: 3 }, comment: 'First go' });
    const before = await stored(id);
    const cases: [unknown, string][] = [
      [{ scores: { need: 2, value: 3 }, extra: 1 }, 'extra'],
      [{ scores: { need: 6, value: 3 } }, 'scores.need'],
      [{ scores: { need: -1, value: 3 } }, 'scores.need'],
      [{ scores: { need: 2.5, value: 3 } }, 'scores.need'],
      [{ scores: { need: '2', value: 3 } }, 'scores.need'],
      [{ scores: { need: 2, value: 3, impact: 4 } }, 'scores.impact'],
      [{ scores: { need: 2 } }, 'scores.value'],
      [{ scores: [2, 3] }, 'scores'],
      [{}, 'scores'],
      [{ scores: { need: 2, value: 3 }, comment: 'x'.repeat(2001) }, 'comment'],
      [[1, 2], '(body)'],
    ];
    for (const [body, field] of cases) expectProblem(await score(id, p1, body), 422, field);

    // p1 is not conflicted: a conflict without a reason would otherwise remove their scores.
    const declarations: [unknown, string][] = [
      [{ conflicted: true }, 'reason'],
      [{ conflicted: true, reason: '   ' }, 'reason'],
      [{ conflicted: true, reason: 'r'.repeat(2001) }, 'reason'],
      [{ conflicted: 'yes', reason: 'Trustee' }, 'conflicted'],
      [{}, 'conflicted'],
      [{ conflicted: true, reason: 'Trustee', by: 'me' }, 'by'],
    ];
    for (const [body, field] of declarations) {
      expectProblem(await declaration(id, p1, body), 422, field);
      expectProblem(await declaration(id, p2, body), 422, field);
    }
    expect(await stored(id)).toEqual(before);
  });
});
