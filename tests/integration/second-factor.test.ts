// Two-step verification (#14 item 4): finance, approver and admin accounts that sign in with a
// password give a code from an authenticator app (TOTP), set up the first time with ten recovery
// codes shown once; a code works once, five wrong codes end the attempt, and an admin can reset it.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/sessions.ts';
import { newTotpSecret, totpCode } from '../../src/domain/totp.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { csrfOf, errorSummaryOf, postSignIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ secondFactor: true });
});
afterAll(async () => {
  await t?.close();
});

const PASSWORD = 'walnut comet harbour';
type Agent = ReturnType<typeof request.agent>;

/** A member of staff of this test's own, with a password and, if given, an app already set up. */
async function staff(role: string, secret: string | null = newTotpSecret()) {
  const email = `${role}-${randomUUID()}@opcc.example`;
  const [office] = await t.sql`select organisation_id from users where email = 'officer@demo.test'`;
  const [row] = await t.sql`insert into users (email, name, role, organisation_id, password_hash, totp_secret)
    values (${email}, ${`Test ${role}`}, ${role}, ${office!.organisation_id}, ${await hashPassword(PASSWORD)}, ${secret})
    returning id`;
  return { id: row!.id as string, email, secret };
}

/** Signs in with the password: where it leads, and the agent holding its cookies. */
async function password(email: string, next = '/') {
  const agent = request.agent(t.baseUrl);
  const res = await postSignIn(t.baseUrl, { email, password: PASSWORD, next }, agent);
  return { agent, res };
}

const sendCode = (agent: Agent, code: string) => agent.post('/sign-in/code').type('form').send({ code });

describe('two-step verification', () => {
  it('a finance user gives the code from their app after the password, and only then is signed in', async () => {
    const fran = await staff('finance');
    const { agent, res } = await password(fran.email, '/finance');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sign-in/code');
    // Not signed in yet.
    const early = await agent.get('/finance');
    expect(early.status).toBe(303);
    expect(early.headers.location).toMatch(/^\/sign-in/);
    const page = await agent.get('/sign-in/code');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Enter your code');
    const wrong = await sendCode(
      agent,
      '000000' === totpCode(fran.secret!, new Date()) ? '111111' : '000000',
    );
    expect(wrong.status).toBe(422);
    expect(errorSummaryOf(wrong.text)[0]!.text).toMatch(/That code is not right.*\(4 tries left\)/);
    const right = await sendCode(agent, totpCode(fran.secret!, new Date()));
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/finance');
    expect((await agent.get('/finance')).status).toBe(200);
  });

  it('a code works once: the same code cannot sign in a second time', async () => {
    const alex = await staff('approver');
    const code = totpCode(alex.secret!, new Date());
    const first = await password(alex.email);
    expect((await sendCode(first.agent, code)).status).toBe(303);
    const second = await password(alex.email);
    const replay = await sendCode(second.agent, code);
    expect(replay.status).toBe(422);
    // Said as what it is: the code was right, but has been used.
    expect(errorSummaryOf(replay.text)[0]!.text).toMatch(/That code has already been used to sign in/);
  });

  it('five wrong codes end the attempt: the password must be given again', async () => {
    const adi = await staff('admin');
    const { agent } = await password(adi.email);
    const now = totpCode(adi.secret!, new Date());
    const wrong = now === '123456' ? '654321' : '123456';
    for (let i = 0; i < 4; i++) expect((await sendCode(agent, wrong)).status).toBe(422);
    const last = await sendCode(agent, wrong);
    expect(last.status).toBe(410);
    expect(last.text).toContain('Sign in again');
    expect((await sendCode(agent, now)).status).toBe(410);
    expect((await agent.get('/')).status).toBe(303);
  });

  it('the first time, sets up the app with the key shown, then shows ten recovery codes once; one signs in once', async () => {
    const newcomer = await staff('approver', null);
    const { agent, res } = await password(newcomer.email);
    expect(res.headers.location).toBe('/sign-in/code');
    const setUp = await agent.get('/sign-in/code');
    expect(setUp.text).toContain('Set up two-step verification');
    const key = /id="setup-key">([A-Z2-7 ]+)</.exec(setUp.text)?.[1]?.replace(/ /g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(setUp.text).toContain(
      `otpauth://totp/OPCC%20Commissioning%3A${encodeURIComponent(newcomer.email)}?secret=${key}`,
    );
    const done = await sendCode(agent, totpCode(key!, new Date()));
    expect(done.status).toBe(200);
    expect(done.text).toContain('Save your recovery codes');
    const codes = [...done.text.matchAll(/<code>([a-z2-7-]+)<\/code>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect((await agent.get('/')).status).toBe(200);
    const [kept] = await t.sql`select totp_secret from users where id = ${newcomer.id}`;
    expect(kept!.totp_secret).toBe(key);

    // A lost phone: a recovery code instead, once.
    const again = await password(newcomer.email);
    // Typed as people do: capitals, spaces for the dashes.
    const recovered = await sendCode(again.agent, codes[3]!.toUpperCase().replace(/-/g, ' '));
    expect(recovered.status).toBe(200);
    expect(recovered.text).toContain('You used a recovery code');
    expect(recovered.text).toContain('You have 9 codes left');
    const reuse = await password(newcomer.email);
    expect((await sendCode(reuse.agent, codes[3]!)).status).toBe(422);
    const account = await again.agent.get('/account');
    expect(account.text).toContain('You have 9 unused recovery codes');
  });

  it('officers and providers sign in with their password alone', async () => {
    const officer = await postSignIn(t.baseUrl, {
      email: 'officer@demo.test',
      password: 'demo-commissioning-2026',
      next: '/',
    });
    expect(officer.status).toBe(303);
    expect(officer.headers.location).toBe('/');
  });

  it('an admin resets someone’s two-step verification: they are signed out and set up an app again', async () => {
    const admin = await staff('admin');
    const signedInAdmin = await password(admin.email);
    expect((await sendCode(signedInAdmin.agent, totpCode(admin.secret!, new Date()))).status).toBe(303);
    const finance = await staff('finance');
    const theirs = await password(finance.email);
    expect((await sendCode(theirs.agent, totpCode(finance.secret!, new Date()))).status).toBe(303);

    const page = await signedInAdmin.agent.get(`/admin/people/${finance.id}`);
    expect(page.text).toContain('Reset two-step verification');
    const reset = await signedInAdmin.agent
      .post(`/admin/people/${finance.id}/reset-two-step`)
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(reset.status).toBe(303);
    expect((await theirs.agent.get('/')).status).toBe(303);
    const next = await password(finance.email);
    expect((await next.agent.get('/sign-in/code')).text).toContain('Set up two-step verification');
  });
});
