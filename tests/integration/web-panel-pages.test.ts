// The panel rules through the pages, as people use them: an officer adds a panel member to a
// programme and takes them off; an approver is asked to declare any conflict of interest before the
// signing forms appear, and one who declares a conflict is told someone else must sign; the officer
// moderating sees each member's scores, the mean and the spread, and is asked for a rationale when a
// moderated score is away from the panel's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/db/queries/people.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';
import { csrfOf, errorSummaryOf, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
let h: ReturnType<typeof cycleHelpers>;
beforeAll(async () => {
  t = await startTestApp();
  provider = await providerWithPassword(t, 'Panel Pages Trust');
  b = bids(t, provider);
  h = cycleHelpers(t);
});
afterAll(() => t.close());

type Agent = Awaited<ReturnType<typeof signedIn>>;
const post = async (agent: Agent, page: string, action: string, form: Record<string, string>) => {
  const html = (await agent.get(page)).text;
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfOf(html), ...form });
};
const version = async (id: string) =>
  String((await t.sql`select version from cases where id = ${id}`)[0]!.version);

describe("a programme's panel, on the programme page", () => {
  it('an officer adds a member, who then sees its bids, and takes them off again', async () => {
    const { programmeId } = await t.programme({ panel: [] });
    const id = await b.inPanelReview(programmeId);
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = `/programmes/${programmeId}`;
    const before = (await officer.get(page)).text;
    expect(before).toContain('No one sits on this programme’s panel yet');
    expect(before).toContain('Scoring closes once 2 of them have scored a bid');
    expect(before).toContain('The panel has 0 members and needs 2 to score a bid');
    const pat = await signedIn(t.baseUrl, 'panel@demo.test', DEMO_PASSWORD);
    expect((await pat.get(`/cases/${id}`)).status).toBe(404);

    // Nothing chosen: the error summary says so, and nothing changes.
    const none = await post(officer, page, `${page}/panel`, { userId: '' });
    expect(none.status).toBe(422);
    expect(errorSummaryOf(none.text)).toEqual([{ href: '#userId', text: 'Choose a panel member to add' }]);
    expect(none.text).toMatch(/id="userId-error"[\s\S]*Choose a panel member to add/);

    const patId = (await findUserByEmail(t.db, 'panel@demo.test'))!.id;
    const added = await post(officer, page, `${page}/panel`, { userId: patId });
    expect(added.status, added.text).toBe(303);
    const after = (await officer.get(added.headers.location!)).text;
    expect(after).toContain('Pat Panel was added to the panel');
    expect(after).toContain('The panel has 1 member and needs 2 to score a bid');
    expect(after).toMatch(/id="panel-members"[\s\S]*Pat Panel[\s\S]*panel@demo\.test/);
    expect((await pat.get(`/cases/${id}`)).status).toBe(200);
    expect((await pat.get('/panel')).text).toContain(`href="/panel/bids/${id}"`);
    // Another role cannot add anyone.
    const approver = await signedIn(t.baseUrl, 'approver@demo.test', DEMO_PASSWORD);
    expect((await approver.get(page)).text).not.toContain('Add to the panel');

    const removed = await post(officer, page, `${page}/panel/${patId}/remove`, {});
    expect(removed.status).toBe(303);
    expect((await officer.get(removed.headers.location!)).text).toContain(
      'Pat Panel was taken off the panel',
    );
    expect((await pat.get(`/cases/${id}`)).status).toBe(404);
    expect((await pat.get('/panel')).text).not.toContain(id);
  });
});

describe('declaring before signing, on the case page', () => {
  it('asks the approver to declare first; a conflicted approver is told someone else must sign', async () => {
    const { programmeId } = await t.programme({ maxAwardPence: 500_000, delegationThresholdPence: 200_000 });
    const id = await b.inPanelReview(programmeId, 300_000);
    await h.hold(id, 'panel@demo.test', {
      type: 'APPROVE',
      amountPence: 300_000,
      reportDueOn: '2031-03-31',
      quorumReason: 'Met in person',
    });

    const approver = await signedIn(t.baseUrl, 'approver@demo.test', DEMO_PASSWORD);
    const page = `/cases/${id}`;
    const first = (await approver.get(page)).text;
    expect(first).toContain('Before you decide on this case or sign for it');
    expect(first).not.toContain(`href="${page}/events/SIGN_DECISION"`);
    const none = await post(approver, page, `${page}/declaration`, {});
    expect(none.status).toBe(422);
    expect(errorSummaryOf(none.text)).toEqual([
      { href: '#conflicted', text: 'Select yes if you have a conflict of interest in this case' },
    ]);
    const noReason = await post(approver, page, `${page}/declaration`, { conflicted: 'yes' });
    expect(noReason.status).toBe(422);
    expect(errorSummaryOf(noReason.text)).toEqual([
      { href: '#declaration-reason', text: 'Enter why you have a conflict of interest' },
    ]);
    expect((await t.sql`select 1 from panel_declarations where case_id = ${id} and conflicted`).length).toBe(
      0,
    );

    const declared = await post(approver, page, `${page}/declaration`, { conflicted: 'no' });
    expect(declared.status).toBe(303);
    const ready = (await approver.get(declared.headers.location!)).text;
    expect(ready).toContain('Your declaration of interest was saved');
    expect(ready).toContain(`href="${page}/events/SIGN_DECISION"`);
    // Its own page shows the decision the approver signs.
    const signing = (await approver.get(`${page}/events/SIGN_DECISION`)).text;
    expect(signing).toContain('id="held-decision"');
    expect(signing).toContain('£3,000.00');
    const signed = await post(approver, page, `${page}/events/SIGN_DECISION`, { version: await version(id) });
    expect(signed.status, signed.text).toBe(303);
    expect((await t.sql`select state from cases where id = ${id}`)[0]!.state).toBe('offered');

    // On another held decision, the approver declares a conflict: someone else must sign it.
    const other = await b.inPanelReview(programmeId, 300_000);
    await h.hold(other, 'panel@demo.test', {
      type: 'APPROVE',
      amountPence: 250_000,
      reportDueOn: '2031-03-31',
      quorumReason: 'Met in person',
    });
    const conflicted = await post(approver, `/cases/${other}`, `/cases/${other}/declaration`, {
      conflicted: 'yes',
      reason: 'I chair its board',
    });
    expect(conflicted.status).toBe(303);
    const told = (await approver.get(`/cases/${other}`)).text;
    expect(told).toContain('You declared a conflict of interest in this case');
    expect(told).toContain('someone else must decide on it');
    expect(told).not.toContain(`/events/SIGN_DECISION"`);
  });
});

describe('moderation on the case page', () => {
  it("shows each member's scores, the mean and the spread, and asks for a rationale away from the mean", async () => {
    const vs = await t.programme({ cycle: 'victims-services', delegationThresholdPence: 10_000_000 });
    const opened = await h.open('provider@demo.test', 'victims-services', {
      programmeId: vs.programmeId,
      title: 'IDVA',
    });
    await victimsBidTo('panelScoring', h.sender(opened.id, 'provider@demo.test'), {
      title: 'IDVA',
      service: 'idva',
    });
    const s = h.on(opened.id);
    for (const [who, scores, comment] of [
      ['panel@demo.test', { need: 4, value: 2 }, 'Good reach'],
      ['panel2@demo.test', { need: 2, value: 3 }, 'Thin on evidence'],
    ] as const) {
      await t.declare(who, opened.id);
      const res = await t.http
        .put(`/api/cases/${opened.id}/panel/scores`)
        .set(t.as(who))
        .send({ scores, comment });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    await s('officer@demo.test', { type: 'CLOSE_SCORING' }, 'moderation');

    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = `/cases/${opened.id}`;
    await post(officer, page, `${page}/declaration`, { conflicted: 'no' });
    const html = (await officer.get(page)).text;
    const panel = html.slice(
      html.indexOf('id="panel-scores"'),
      html.indexOf('</section>', html.indexOf('id="panel-scores"')),
    );
    expect(panel).toContain('2 of the 2 panel members needed have scored');
    expect(panel).toMatch(
      /Pat Panel[\s\S]*Sam Scorer[\s\S]*Mean[\s\S]*>3<[\s\S]*>2\.5<[\s\S]*Spread \(lowest to highest\)[\s\S]*2 to 4[\s\S]*2 to 3/,
    );
    expect(panel).toContain('Thin on evidence');

    // Need 5 is away from the panel's mean of 3: the rationale is asked for, and nothing is written.
    const before = await version(opened.id);
    const away = await post(officer, page, `${page}/events/MODERATE`, {
      version: before,
      'scores.need': '5',
      'scores.value': '3',
    });
    expect(away.status, away.text).toBe(422);
    expect(
      errorSummaryOf(away.text)
        .map((e) => e.text)
        .join(' '),
    ).toMatch(
      /say why you moved away from the panel(&#39;|')s scores \(Evidence of need: 5, the panel(&#39;|')s mean 3\)/,
    );
    expect(await version(opened.id)).toBe(before);
  });
});

describe('the quorum on the page that closes scoring', () => {
  it('says where the bid stands, asks for the reason only while short of the quorum, and names no member to the provider', async () => {
    const { programmeId } = await t.programme({ maxAwardPence: 500_000, delegationThresholdPence: 500_000 });
    const id = await b.inPanelReview(programmeId, 300_000);
    const pat = await signedIn(t.baseUrl, 'panel@demo.test', DEMO_PASSWORD);
    const page = `/cases/${id}`;
    await post(pat, page, `${page}/declaration`, { conflicted: 'no' });
    const short = (await pat.get(`${page}/events/APPROVE`)).text;
    expect(short).toContain(
      'So far no panel member has scored (2 are needed): if you go ahead now, say why.',
    );
    expect(short).toMatch(
      /for="quorumReason">\s*Why go ahead with fewer panel scores than needed\s*<\/label>/,
    );
    expect(short).not.toContain('Why go ahead with fewer panel scores than needed (optional)');

    for (const who of ['panel@demo.test', 'panel2@demo.test'] as const) {
      await t.declare(who, id);
      const res = await t.http
        .put(`/api/cases/${id}/panel/scores`)
        .set(t.as(who))
        .send({ scores: { need: 4, value: 3 } });
      expect(res.status).toBe(200);
    }
    const met = (await pat.get(`${page}/events/APPROVE`)).text;
    expect(met).toContain('2 of the 2 panel members needed have scored.');
    expect(met).not.toContain('name="quorumReason"');
    const approved = await post(pat, page, `${page}/events/APPROVE`, {
      version: await version(id),
      amountPence: '3000.00',
      'reportDueOn-day': '31',
      'reportDueOn-month': '3',
      'reportDueOn-year': '2031',
    });
    expect(approved.status, approved.text).toBe(303);

    const providerPage = await signedIn(t.baseUrl, provider.email, provider.password);
    const theirs = (await providerPage.get(page)).text;
    expect(theirs).toMatch(/govuk-table__cell">The panel<\/td>/);
    expect(theirs).not.toContain('Pat Panel');
  });
});

describe('a conflict declared on the panel page', () => {
  it('takes the bid off the member’s list, and a second click lands on the list again, not on a missing page', async () => {
    const { programmeId } = await t.programme();
    const id = await b.inPanelReview(programmeId);
    const sam = await signedIn(t.baseUrl, 'panel2@demo.test', DEMO_PASSWORD);
    const page = `/panel/bids/${id}`;
    const html = (await sam.get(page)).text;
    const form = { _csrf: csrfOf(html), conflicted: 'yes', reason: 'My sister is a trustee' };
    const first = await sam.post(`${page}/declaration`).type('form').send(form);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/panel?done=conflict');
    const again = await sam.post(`${page}/declaration`).type('form').send(form);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/panel?done=conflict');
    const list = (await sam.get('/panel?done=conflict')).text;
    expect(list).toContain('You declared a conflict of interest');
    expect(list).not.toContain(id);
  });
});

describe('a conflict declared on the case page', () => {
  it('sends a panel member back to the panel’s list, and leaves an officer on the case with nothing to do', async () => {
    const { programmeId } = await t.programme();
    const id = await b.inPanelReview(programmeId);
    const sam = await signedIn(t.baseUrl, 'panel2@demo.test', DEMO_PASSWORD);
    const page = `/cases/${id}`;
    const form = { conflicted: 'yes', reason: 'My sister is a trustee' };
    const first = await post(sam, page, `${page}/declaration`, form);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/panel?done=conflict');
    const again = await sam
      .post(`${page}/declaration`)
      .type('form')
      .send({ _csrf: csrfOf((await sam.get('/panel')).text), ...form });
    expect(again.headers.location).toBe('/panel?done=conflict');

    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const declared = await post(officer, page, `${page}/declaration`, {
      conflicted: 'yes',
      reason: 'I advised them',
    });
    expect(declared.status).toBe(303);
    const html = (await officer.get(page)).text;
    expect(html).toContain('You declared a conflict of interest in this case');
    expect(html).toContain('There is nothing else for you to do on this case.');
    expect(html).not.toContain('id="panel-scores"');
  });
});

describe('a decline short of the quorum', () => {
  it('is refused on the case page before its confirmation page promises it', async () => {
    const { programmeId } = await t.programme();
    const id = await b.inPanelReview(programmeId);
    const pat = await signedIn(t.baseUrl, 'panel@demo.test', DEMO_PASSWORD);
    const page = `/cases/${id}`;
    await post(pat, page, `${page}/declaration`, { conflicted: 'no' });
    const asked = await post(pat, page, `${page}/events/DECLINE`, {
      version: await version(id),
      reason: 'Not enough evidence of need',
    });
    expect(asked.status, asked.text).toBe(422);
    expect(asked.text).not.toContain('No, go back to the case');
    expect(errorSummaryOf(asked.text)).toEqual([
      {
        href: '#quorumReason',
        text: 'Why go ahead with fewer panel scores than needed: say why you go ahead when no panel member has scored (2 are needed)',
      },
    ]);
    const confirmed = await post(pat, page, `${page}/events/DECLINE`, {
      version: await version(id),
      reason: 'Not enough evidence of need',
      quorumReason: 'The panel met and agreed',
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('No, go back to the case');
  });
});
