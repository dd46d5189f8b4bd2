// Changing one's email address (#14 item 3): the new address is verified by a single-use link sent
// to it, the old one is told, nothing changes until the link is used, and using it signs the person
// out everywhere to sign in with the new address. An address with an account is told so instead.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { csrfOf, errorSummaryOf, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const PASSWORD = 'bramble copper lantern';
type Agent = ReturnType<typeof request.agent>;

async function askToChange(agent: Agent, newEmail: string, emailPassword = PASSWORD) {
  const page = await agent.get('/account');
  return agent
    .post('/account/email')
    .type('form')
    .send({ _csrf: csrfOf(page.text), newEmail, emailPassword });
}

const mailTo = (email: string, message: string) =>
  t.sql`select subject, text from outbox where lower(to_email) = lower(${email}) and message = ${message}`;

describe('changing one’s email address', () => {
  it('changes only when the link sent to the new address is used, telling the old one, and signs out everywhere', async () => {
    const me = await providerWithPassword(t, 'Godwit', PASSWORD);
    const agent = await signedIn(t.baseUrl, me.email, PASSWORD);
    const newEmail = `godwit-new-${randomUUID()}@godwit.example`;
    const asked = await askToChange(agent, newEmail);
    expect(asked.status).toBe(200);
    expect(asked.text).toContain(`We have sent a link to ${newEmail}`);
    const [confirm] = await mailTo(newEmail, 'confirmNewEmail');
    const link = /http:\/\/grants\.test(\/confirm-email\/[A-Za-z0-9_-]{43})/.exec(String(confirm?.text))?.[1];
    expect(link, String(confirm?.text)).toBeTruthy();
    const [told] = await mailTo(me.email, 'emailChangeAsked');
    expect(told!.text).toContain(newEmail);
    // Nothing has changed yet.
    const [before] = await t.sql`select email from users where id = ${me.userId}`;
    expect(before!.email).toBe(me.email);

    const page = await request(t.baseUrl).get(link!);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`from ${me.email} to ${newEmail}`);
    const done = await request(t.baseUrl).post(link!).type('form').send({});
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your email address has changed');
    expect((await agent.get('/')).status).toBe(303);
    await signedIn(t.baseUrl, newEmail, PASSWORD);
    await expect(signedIn(t.baseUrl, me.email, PASSWORD)).rejects.toThrow();
    expect((await request(t.baseUrl).post(link!).type('form').send({})).status).toBe(410);
  });

  it('refuses without the right password, a malformed address or the same one, saving nothing', async () => {
    const me = await providerWithPassword(t, 'Dunlin', PASSWORD);
    const agent = await signedIn(t.baseUrl, me.email, PASSWORD);
    const wrong = await askToChange(agent, 'not an address', 'not my password');
    expect(wrong.status).toBe(422);
    expect(errorSummaryOf(wrong.text)).toEqual([
      { href: '#newEmail', text: 'Enter an email address in the right format, like name@example.org' },
      { href: '#emailPassword', text: 'Your password is not right' },
    ]);
    const same = await askToChange(agent, me.email.toUpperCase());
    expect(errorSummaryOf(same.text)).toEqual([
      { href: '#newEmail', text: 'That is already your email address' },
    ]);
    expect(await mailTo(me.email, 'emailChangeAsked')).toHaveLength(0);
  });

  it('an address that has an account is told so, and the page answers the same', async () => {
    const me = await providerWithPassword(t, 'Stint', PASSWORD);
    const other = await providerWithPassword(t, 'Knot', PASSWORD);
    const agent = await signedIn(t.baseUrl, me.email, PASSWORD);
    const asked = await askToChange(agent, other.email);
    expect(asked.status).toBe(200);
    expect(asked.text).toContain(`We have sent a link to ${other.email}`);
    expect(await mailTo(other.email, 'confirmNewEmail')).toHaveLength(0);
    expect(await mailTo(other.email, 'emailInUse')).toHaveLength(1);
  });

  it('a link used after another account took the address changes nothing', async () => {
    const me = await providerWithPassword(t, 'Ruff', PASSWORD);
    const agent = await signedIn(t.baseUrl, me.email, PASSWORD);
    const newEmail = `ruff-new-${randomUUID()}@ruff.example`;
    await askToChange(agent, newEmail);
    const [confirm] = await mailTo(newEmail, 'confirmNewEmail');
    const link = /http:\/\/grants\.test(\/confirm-email\/[A-Za-z0-9_-]{43})/.exec(String(confirm?.text))?.[1];
    const [org] = await t.sql`select organisation_id from users where id = ${me.userId}`;
    await t.sql`insert into users (email, name, role, organisation_id) values (${newEmail}, 'Quick', 'provider', ${org!.organisation_id})`;
    const late = await request(t.baseUrl).post(link!).type('form').send({});
    expect(late.status).toBe(409);
    const [after] = await t.sql`select email from users where id = ${me.userId}`;
    expect(after!.email).toBe(me.email);
  });
});
