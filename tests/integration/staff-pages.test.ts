// Staff accounts in pages (#14 item 4): an admin invites a member of staff with a role (an emailed
// link sets their password), changes a role, and deactivates an account, which ends its sessions and
// API tokens at once, in this app process and in another that remembers its tokens (LISTEN/NOTIFY).
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/domain/people.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { csrfOf, errorSummaryOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
let admin: ReturnType<typeof request.agent>;
const DEMO_PASSWORD = 'demo-commissioning-2026';
const PASSWORD = 'granite puffin ledger';
beforeAll(async () => {
  t = await startTestApp();
  admin = await signedIn(t.baseUrl, 'admin@demo.test', DEMO_PASSWORD);
});
afterAll(async () => {
  await t?.close();
});

type Agent = ReturnType<typeof request.agent>;
async function postForm(agent: Agent, formPage: string, action: string, fields: Record<string, string>) {
  const page = await agent.get(formPage);
  expect(page.status, page.text).toBe(200);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfOf(page.text), ...fields });
}

/** Invites a member of staff and has them set their password by the emailed link; their id and email. */
async function newStaff(role: string, label = 'Sam') {
  const email = `${label.toLowerCase()}-${randomUUID()}@opcc.example`;
  const sent = await postForm(admin, '/admin/people/invite', '/admin/people/invite', {
    name: `${label} Staff`,
    email,
    role,
  });
  expect(sent.status, sent.text).toBe(303);
  const [mail] =
    await t.sql`select subject, text from outbox where to_email = ${email} and message = 'staffInvitation'`;
  expect(mail!.subject).toBe('You have an account on OPCC Commissioning');
  const link = /http:\/\/grants\.test(\/set-password\/[A-Za-z0-9_-]{43})/.exec(String(mail!.text))?.[1];
  expect(link, String(mail!.text)).toBeTruthy();
  const set = await request(t.baseUrl)
    .post(link!)
    .type('form')
    .send({ password: PASSWORD, confirm: PASSWORD });
  expect(set.status).toBe(200);
  const [row] = await t.sql`select id from users where email = ${email}`;
  return { id: row!.id as string, email };
}

describe('staff accounts, for admins', () => {
  it('an invited officer sets their password by the link and signs in as an officer', async () => {
    const list = await admin.get('/admin/people');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Olivia');
    const { email } = await newStaff('officer');
    const them = await signedIn(t.baseUrl, email, PASSWORD);
    expect((await them.get('/programmes')).status).toBe(200);
    expect((await admin.get('/admin/people')).text).toContain(email);
  });

  it('refuses a form with no name, a malformed address or no role, and an address that has an account', async () => {
    const bad = await postForm(admin, '/admin/people/invite', '/admin/people/invite', {
      name: '',
      email: 'nobody',
      role: 'provider',
    });
    expect(bad.status).toBe(422);
    expect(errorSummaryOf(bad.text).map((e) => e.href)).toEqual(['#name', '#email', '#role']);
    const taken = await postForm(admin, '/admin/people/invite', '/admin/people/invite', {
      name: 'Again',
      email: 'OFFICER@demo.test',
      role: 'officer',
    });
    expect(taken.status).toBe(422);
    expect(errorSummaryOf(taken.text)).toEqual([
      { href: '#email', text: 'That address already has an account' },
    ]);
  });

  it('a change of role holds at once, in the pages and the API', async () => {
    const { id, email } = await newStaff('officer', 'Rana');
    const them = await signedIn(t.baseUrl, email, PASSWORD);
    const auth = { Authorization: `Bearer ${await issueToken(t.db, email)}` };
    const [riverside] = await t.sql`select organisation_id from users where email = 'provider@demo.test'`;
    const open = () =>
      t.http
        .post('/api/cases')
        .set(auth)
        .send({
          machine: 'youth-fund',
          organisationId: riverside!.organisation_id,
          input: { programmeId: t.youthFund.programmeId, title: 'Opened by an officer' },
        });
    expect((await open()).status).toBe(201);
    const changed = await postForm(admin, `/admin/people/${id}`, `/admin/people/${id}`, { role: 'finance' });
    expect(changed.status).toBe(303);
    expect((await them.get('/finance')).status).toBe(200);
    expect((await them.get('/finance')).text).toContain('Rana Staff (Finance)');
    // Finance do not open bids: the token, remembered a moment ago as an officer's, now says so.
    expect((await open()).status).toBe(403);
    const wrong = await postForm(admin, `/admin/people/${id}`, `/admin/people/${id}`, { role: 'provider' });
    expect(wrong.status).toBe(422);
  });

  it('deactivating ends sessions and tokens at once, here and in another process; reactivating lets them sign in', async () => {
    const other = await startTestApp({ tokenCacheSeconds: 600 });
    try {
      const { id, email } = await newStaff('panel', 'Pip');
      const them = await signedIn(t.baseUrl, email, PASSWORD);
      const auth = { Authorization: `Bearer ${await issueToken(t.db, email)}` };
      expect((await t.http.get('/api/cases').set(auth)).status).toBe(200);
      expect((await other.http.get('/api/cases').set(auth)).status).toBe(200);
      const confirm = await admin.get(`/admin/people/${id}/deactivate`);
      expect(confirm.text).toContain('Deactivate Pip Staff?');
      const done = await postForm(
        admin,
        `/admin/people/${id}/deactivate`,
        `/admin/people/${id}/deactivate`,
        {},
      );
      expect(done.status).toBe(303);
      expect((await them.get('/')).status).toBe(303);
      expect((await t.http.get('/api/cases').set(auth)).status).toBe(401);
      let status = 200;
      for (let i = 0; i < 50 && status === 200; i++) {
        status = (await other.http.get('/api/cases').set(auth)).status;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(401);
      await expect(signedIn(t.baseUrl, email, PASSWORD)).rejects.toThrow();
      expect((await admin.get('/admin/people')).text).toMatch(/Pip Staff[\s\S]*?Deactivated/);

      const back = await postForm(admin, `/admin/people/${id}`, `/admin/people/${id}/reactivate`, {});
      expect(back.status).toBe(303);
      await signedIn(t.baseUrl, email, PASSWORD);
      // Its old token stays revoked.
      expect((await t.http.get('/api/cases').set(auth)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('an admin cannot deactivate themselves or change their own role; others cannot see the pages', async () => {
    const [me] = await t.sql`select id from users where email = 'admin@demo.test'`;
    const own = await postForm(admin, `/admin/people/${me!.id}`, `/admin/people/${me!.id}/deactivate`, {});
    expect(own.status).toBe(409);
    const [after] = await t.sql`select deactivated_at from users where id = ${me!.id}`;
    expect(after!.deactivated_at).toBeNull();
    const role = await postForm(admin, `/admin/people/${me!.id}`, `/admin/people/${me!.id}`, {
      role: 'officer',
    });
    expect(role.status).toBe(422);
    expect(errorSummaryOf(role.text)[0]!.text).toBe('You cannot change your own role: ask another admin');
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    expect((await officer.get('/admin/people')).status).toBe(403);
    const [provider] = await t.sql`select id from users where email = 'provider@demo.test'`;
    expect((await admin.get(`/admin/people/${provider!.id}`)).status).toBe(404);
    expect((await admin.get('/admin/people/not-an-id')).status).toBe(404);
  });
});
