// An organisation's people, managed by its own (#14 item 2): whoever manages people invites a
// colleague by a single-use link, says what each may do, removes them and hands managing on; the
// permissions hold in the API and the pages alike; a person may act for two organisations and
// chooses which; the organisation's emails go to those who receive them.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/domain/people.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { csrfOf, errorSummaryOf, postSignIn, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Agent = ReturnType<typeof request.agent>;
const PASSWORD = 'otter lantern meadow';

/** POSTs a page form as the browser would: with the page's CSRF token, as urlencoded fields. */
async function postForm(
  agent: Agent,
  formPage: string,
  action: string,
  fields: Record<string, string | string[]>,
) {
  const page = await agent.get(formPage);
  expect(page.status, page.text).toBe(200);
  const body = new URLSearchParams({ _csrf: csrfOf(page.text) });
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return agent.post(action).type('form').send(body.toString());
}

/** The invitation link in the newest invitation email to this address. */
async function invitationLink(email: string): Promise<string> {
  const [row] = await t.sql`select text from outbox where lower(to_email) = lower(${email})
    and message = 'invitation' order by id desc limit 1`;
  const link = /http:\/\/grants\.test(\/invitation\/[A-Za-z0-9_-]{43})/.exec(String(row?.text))?.[1];
  expect(link, String(row?.text)).toBeTruthy();
  return link!;
}

async function userIdOf(email: string): Promise<string> {
  const [row] = await t.sql`select id from users where lower(email) = lower(${email})`;
  return row!.id as string;
}

/** A manager (their organisation's first person) signed in, and a colleague they invited who accepted. */
async function teamOf(label: string, permissions: string[]) {
  const manager = await providerWithPassword(t, label, PASSWORD);
  const managerAgent = await signedIn(t.baseUrl, manager.email, PASSWORD);
  const email = `colleague-${randomUUID()}@${label.toLowerCase()}.example`;
  const invited = await postForm(managerAgent, '/organisation/invite', '/organisation/invite', {
    name: `Colleague of ${label}`,
    email,
    permissions,
  });
  expect(invited.status, invited.text).toBe(303);
  const link = await invitationLink(email);
  const joined = await request(t.baseUrl)
    .post(link)
    .type('form')
    .send({ password: PASSWORD, confirm: PASSWORD });
  expect(joined.status, joined.text).toBe(200);
  const colleagueId = await userIdOf(email);
  return { manager, managerAgent, colleague: { email, id: colleagueId } };
}

describe('inviting a colleague', () => {
  it('a new person accepts by the emailed link, choosing a password, and acts for the organisation', async () => {
    const manager = await providerWithPassword(t, 'Heron', PASSWORD);
    const agent = await signedIn(t.baseUrl, manager.email, PASSWORD);
    const email = `bea-${randomUUID()}@heron.example`;
    const sent = await postForm(agent, '/organisation/invite', '/organisation/invite', {
      name: 'Bea Lowe',
      email,
      permissions: ['submitBids', 'receiveEmail'],
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/organisation?saved=invited');
    const list = await agent.get('/organisation');
    expect(list.text).toContain('Bea Lowe');
    expect(list.text).toContain('Invited');

    // Until accepted, no sign-in: the account is not verified and has no password.
    const link = await invitationLink(email);
    const [mail] =
      await t.sql`select subject from outbox where to_email = ${email} and message = 'invitation'`;
    expect(mail!.subject).toMatch(/^Heron invited you to act for Heron [0-9a-f-]{36} on OPCC Commissioning$/);
    const page = await request(t.baseUrl).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Choose a password');
    expect(page.headers['cache-control']).toBe('no-store');

    // Passwords typed differently: said so, and the link still works.
    const mismatch = await request(t.baseUrl)
      .post(link)
      .type('form')
      .send({ password: PASSWORD, confirm: 'otter lantern meadoww' });
    expect(mismatch.status).toBe(422);
    expect(errorSummaryOf(mismatch.text)).toEqual([
      { href: '#confirm', text: 'The passwords do not match: type the same password twice' },
    ]);
    const accepted = await request(t.baseUrl)
      .post(link)
      .type('form')
      .send({ password: PASSWORD, confirm: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('You have joined Heron');
    // Once only.
    expect((await request(t.baseUrl).get(link)).status).toBe(410);

    const bea = await signedIn(t.baseUrl, email, PASSWORD);
    const theirs = await bea.get('/organisation');
    expect(theirs.status).toBe(200);
    expect(theirs.text).toContain('Bea Lowe (you)');
    expect(theirs.text).toContain('Active');
    // Bea may not manage people: no invitations from her.
    expect(theirs.text).not.toContain('Invite a colleague</a>');
    expect((await bea.get('/organisation/invite')).status).toBe(403);
  });

  it('refuses a form with no name, a malformed address, an unknown permission or a staff address, keeping what was typed', async () => {
    const manager = await providerWithPassword(t, 'Kite', PASSWORD);
    const agent = await signedIn(t.baseUrl, manager.email, PASSWORD);
    const bad = await postForm(agent, '/organisation/invite', '/organisation/invite', {
      name: '',
      email: 'not-an-address',
      permissions: ['submitBids', 'runTheCouncil'],
    });
    expect(bad.status).toBe(422);
    expect(errorSummaryOf(bad.text).map((e) => e.href)).toEqual(['#name', '#email', '#permissions']);
    expect(bad.text).toContain('value="not-an-address"');
    const staff = await postForm(agent, '/organisation/invite', '/organisation/invite', {
      name: 'Olivia',
      email: 'officer@demo.test',
      permissions: [],
    });
    expect(staff.status).toBe(422);
    expect(errorSummaryOf(staff.text)[0]!.text).toContain('belongs to the Commissioner’s staff');
    const [{ count }] = (await t.sql`select count(*)::int as count from memberships m
      join users u on u.id = m.user_id where u.email = 'officer@demo.test'`) as unknown as [
      { count: number },
    ];
    expect(count).toBe(0);
  });
});

describe('what each may do holds in the API and the pages', () => {
  it('someone who may not submit bids cannot, until the manager says they may', async () => {
    const { managerAgent, colleague } = await teamOf('Wren', ['fileReturns']);
    const auth = { Authorization: `Bearer ${await issueToken(t.db, colleague.email)}` };
    // Any member may start and prepare a bid.
    const opened = await t.http
      .post('/api/cases')
      .set(auth)
      .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title: 'Wren choir' } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    const submit = { type: 'SUBMIT', title: 'Wren choir', summary: 'Weekly', amountRequestedPence: 100_000 };
    const refused = await t.http.post(`/api/cases/${id}/events`).set(auth).send(submit);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('has not given you the right to submit or withdraw its bids');
    const colleagueAgent = await signedIn(t.baseUrl, colleague.email, PASSWORD);
    expect((await colleagueAgent.get(`/cases/${id}`)).text).toContain(
      'For a colleague to send: you can fill it in and save it for them.',
    );
    // The bid is answered on its own pages; withdrawing it is theirs to prepare, not to send.
    expect((await colleagueAgent.get(`/cases/${id}/events/SUBMIT`)).headers.location).toBe(
      `/cases/${id}/bid`,
    );
    const casePage = await colleagueAgent.get(`/cases/${id}/events/WITHDRAW`);
    expect(casePage.status).toBe(200);
    // They may fill in the bid and save it for a colleague who may submit it, not submit it themselves.
    expect(casePage.text).toContain('Only someone your organisation allows to submit or withdraw its bids');
    expect(casePage.text).toContain('Save for a colleague to send');
    expect(casePage.text).not.toMatch(/<button[^>]*>\s*(Submit|Withdraw) the bid\s*<\/button>/);
    const saved = await colleagueAgent
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({
        _csrf: csrfOf(casePage.text),
        _action: 'save',
        title: 'Wren choir, as drafted by a colleague',
      });
    expect(saved.status, saved.text).toBe(303);
    // Whoever may submit finds it filled in.
    const managersPage = await managerAgent.get(`/cases/${id}/events/SUBMIT`);
    expect(managersPage.text).toContain('value="Wren choir, as drafted by a colleague"');
    expect(managersPage.text).toMatch(/<button[^>]*>\s*Submit the bid\s*<\/button>/);

    const changed = await postForm(
      managerAgent,
      `/organisation/people/${colleague.id}`,
      `/organisation/people/${colleague.id}`,
      { permissions: ['fileReturns', 'submitBids'] },
    );
    expect(changed.status, changed.text).toBe(303);
    expect((await colleagueAgent.get(`/cases/${id}/events/SUBMIT`)).text).toContain(
      `action="/cases/${id}/events/SUBMIT"`,
    );
    const sent = await t.http.post(`/api/cases/${id}/events`).set(auth).send(submit);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.state).toBe('submitted');

    // Finance hears a change of bank details only from those who deal with them: the manager here.
    const finance = await signedIn(t.baseUrl, 'finance@demo.test', 'demo-commissioning-2026');
    const [org] = await t.sql`select organisation_id from users where email = ${colleague.email}`;
    const bankPage = await finance.get(`/finance/bank-details/${org!.organisation_id}`);
    expect(bankPage.status).toBe(200);
    const dealers = /<ul[^>]*id="dealt-with-by">([\s\S]*?)<\/ul>/.exec(bankPage.text)?.[1] ?? '';
    expect(dealers).toContain('>Wren (wren-');
    expect(dealers).not.toContain('Colleague of Wren');

    // The organisation's email goes to those who receive it: the manager, not the colleague.
    const told = await t.sql`select to_email from outbox where case_id = ${id} and message = 'bidReceived'`;
    expect(told.map((r) => r.to_email)).toEqual([expect.stringMatching(/^wren-/)]);
  });
});

describe('managing people', () => {
  it('keeps someone who manages people: the last cannot give it up or leave, but can hand it on', async () => {
    const { manager, managerAgent, colleague } = await teamOf('Teal', ['submitBids']);
    const managerId = manager.userId;
    const dropOwn = await postForm(
      managerAgent,
      `/organisation/people/${managerId}`,
      `/organisation/people/${managerId}`,
      { permissions: ['submitBids'] },
    );
    expect(dropOwn.status).toBe(422);
    expect(errorSummaryOf(dropOwn.text)).toEqual([
      {
        href: '#permissions',
        text: 'You are the only person who manages your organisation’s people. Give that to a colleague first',
      },
    ]);
    const leave = await postForm(
      managerAgent,
      `/organisation/people/${managerId}/remove`,
      `/organisation/people/${managerId}/remove`,
      {},
    );
    expect(leave.status).toBe(422);

    // Handing on: the colleague manages people, then the first person gives it up.
    const handOn = await postForm(
      managerAgent,
      `/organisation/people/${colleague.id}`,
      `/organisation/people/${colleague.id}`,
      { permissions: ['managePeople', 'submitBids'] },
    );
    expect(handOn.status).toBe(303);
    const giveUp = await postForm(
      managerAgent,
      `/organisation/people/${managerId}`,
      `/organisation/people/${managerId}`,
      { permissions: ['submitBids', 'receiveEmail'] },
    );
    expect(giveUp.status).toBe(303);
    expect((await managerAgent.get('/organisation/invite')).status).toBe(403);
    const colleagueAgent = await signedIn(t.baseUrl, colleague.email, PASSWORD);
    expect((await colleagueAgent.get('/organisation/invite')).status).toBe(200);
  });

  it('removing someone with no other organisation ends their sessions and tokens at once', async () => {
    const { managerAgent, colleague } = await teamOf('Crane', ['submitBids']);
    const colleagueAgent = await signedIn(t.baseUrl, colleague.email, PASSWORD);
    const auth = { Authorization: `Bearer ${await issueToken(t.db, colleague.email)}` };
    expect((await t.http.get('/api/cases').set(auth)).status).toBe(200);
    const confirm = await managerAgent.get(`/organisation/people/${colleague.id}/remove`);
    expect(confirm.text).toContain('Remove Colleague of Crane from Crane');
    const removed = await postForm(
      managerAgent,
      `/organisation/people/${colleague.id}/remove`,
      `/organisation/people/${colleague.id}/remove`,
      {},
    );
    expect(removed.status).toBe(303);
    expect((await managerAgent.get('/organisation')).text).not.toContain('Colleague of Crane');
    const [told] =
      await t.sql`select subject from outbox where to_email = ${colleague.email} and message = 'removedFromOrganisation'`;
    expect(told!.subject).toMatch(/^You no longer act for Crane /);
    const after = await colleagueAgent.get('/');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/sign-in/);
    expect((await t.http.get('/api/cases').set(auth)).status).toBe(401);
    // With the right password they are told why they cannot sign in; a guesser is not.
    const refused = await postSignIn(t.baseUrl, { email: colleague.email, password: PASSWORD, next: '/' });
    expect(refused.status).toBe(403);
    expect(errorSummaryOf(refused.text)[0]!.text).toMatch(/^Your account is no longer active/);
    const guess = await postSignIn(t.baseUrl, {
      email: colleague.email,
      password: 'a wrong guess',
      next: '/',
    });
    expect(guess.status).toBe(401);
    // Nor does a reset let them in: no link is sent.
    await request(t.baseUrl).get('/forgot-password');
    const resetsBefore =
      await t.sql`select id from outbox where to_email = ${colleague.email} and message = 'passwordReset'`;
    const forgot = request.agent(t.baseUrl);
    await forgot.post('/forgot-password').type('form').send({ email: colleague.email });
    const resetsAfter =
      await t.sql`select id from outbox where to_email = ${colleague.email} and message = 'passwordReset'`;
    expect(resetsAfter).toHaveLength(resetsBefore.length);

    // Invited back, they accept with the password they had, and act for the organisation again.
    const again = await postForm(managerAgent, '/organisation/invite', '/organisation/invite', {
      name: 'Colleague of Crane',
      email: colleague.email,
      permissions: ['submitBids'],
    });
    expect(again.status, again.text).toBe(303);
    expect(
      (
        await request(t.baseUrl)
          .post(await invitationLink(colleague.email))
          .type('form')
          .send({})
      ).status,
    ).toBe(200);
    await signedIn(t.baseUrl, colleague.email, PASSWORD);
  });

  it('another app process that remembers the token forgets it at once (LISTEN/NOTIFY)', async () => {
    // A second process on the same database that would remember a token for ten minutes.
    const other = await startTestApp({ tokenCacheSeconds: 600 });
    try {
      const { managerAgent, colleague } = await teamOf('Egret', ['submitBids']);
      const auth = { Authorization: `Bearer ${await issueToken(t.db, colleague.email)}` };
      expect((await other.http.get('/api/cases').set(auth)).status).toBe(200);
      await postForm(
        managerAgent,
        `/organisation/people/${colleague.id}/remove`,
        `/organisation/people/${colleague.id}/remove`,
        {},
      );
      // The notification arrives a moment after the commit; without it the answer stays 200.
      let status = 200;
      for (let i = 0; i < 50 && status === 200; i++) {
        status = (await other.http.get('/api/cases').set(auth)).status;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('withdrawing an invitation stops its link', async () => {
    const manager = await providerWithPassword(t, 'Snipe', PASSWORD);
    const agent = await signedIn(t.baseUrl, manager.email, PASSWORD);
    const email = `dan-${randomUUID()}@snipe.example`;
    await postForm(agent, '/organisation/invite', '/organisation/invite', {
      name: 'Dan',
      email,
      permissions: [],
    });
    const link = await invitationLink(email);
    const id = await userIdOf(email);
    const withdrawn = await postForm(
      agent,
      `/organisation/people/${id}/remove`,
      `/organisation/people/${id}/remove`,
      {},
    );
    expect(withdrawn.status).toBe(303);
    expect((await request(t.baseUrl).get(link)).status).toBe(410);
  });

  it('a manager sees only their own organisation’s people', async () => {
    const { colleague } = await teamOf('Rook', ['submitBids']);
    const stranger = await providerWithPassword(t, 'Jay', PASSWORD);
    const agent = await signedIn(t.baseUrl, stranger.email, PASSWORD);
    expect((await agent.get(`/organisation/people/${colleague.id}`)).status).toBe(404);
    expect((await agent.get('/organisation/people/not-an-id')).status).toBe(404);
    const staff = await signedIn(t.baseUrl, 'officer@demo.test', 'demo-commissioning-2026');
    expect((await staff.get('/organisation')).status).toBe(403);
  });
});

describe('a person who acts for two organisations', () => {
  it('accepts a second organisation’s invitation without a new password and chooses which to act for', async () => {
    const first = await providerWithPassword(t, 'Lark', PASSWORD);
    const second = await providerWithPassword(t, 'Finch', PASSWORD);
    const secondAgent = await signedIn(t.baseUrl, second.email, PASSWORD);
    await postForm(secondAgent, '/organisation/invite', '/organisation/invite', {
      name: 'Ignored: they have an account',
      email: first.email,
      permissions: ['submitBids', 'receiveEmail'],
    });
    const link = await invitationLink(first.email);
    const page = await request(t.baseUrl).get(link);
    expect(page.text).toContain('You already have an account');
    expect(page.text).not.toContain('Choose a password');
    expect((await request(t.baseUrl).post(link).type('form').send({})).status).toBe(200);

    const agent = await signedIn(t.baseUrl, first.email, PASSWORD);
    const account = await agent.get('/account');
    expect(account.text).toMatch(/Acting for[\s\S]*Lark/);
    expect(account.text).toMatch(/Also acts for[\s\S]*Finch/);
    const notTheirs = await postForm(agent, '/account/organisation', '/account/organisation', {
      organisationId: randomUUID(),
    });
    expect(notTheirs.status).toBe(422);
    expect(errorSummaryOf(notTheirs.text)[0]!.text).toBe('Choose one of your organisations');
    const chose = await postForm(agent, '/account/organisation', '/account/organisation', {
      organisationId: second.organisationId,
    });
    expect(chose.status).toBe(303);
    // A bid started now is Finch's, and Finch's people list them.
    const auth = { Authorization: `Bearer ${await issueToken(t.db, first.email)}` };
    const opened = await t.http
      .post('/api/cases')
      .set(auth)
      .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title: 'For Finch' } });
    expect(opened.status).toBe(201);
    const [row] = await t.sql`select organisation_id from cases where id = ${opened.body.id}`;
    expect(row!.organisation_id).toBe(second.organisationId);
    expect((await agent.get('/')).text).toContain('(Finch');
  });
});
