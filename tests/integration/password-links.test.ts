// Setting a password by a single-use link: the first admin's, from the CLI's createFirstAdmin (the
// command itself is run as a process in processes.test.ts), and any link issued for a reset.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFirstAdmin, issuePasswordLink, passwordProblem } from '../../src/domain/password-links.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { deliverMailTo } from '../helpers/background-work.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { csrfOf, errorSummaryOf, movableClock, postSignIn, signedIn } from '../helpers/web.ts';

const clock = movableClock();
let t: TestApp;
let capture: SmtpCapture;
beforeAll(async () => {
  t = await startTestApp({ clock });
  capture = await startSmtpCapture();
});
afterEach(() => clock.reset());
afterAll(async () => {
  await capture?.close();
  await t?.close();
});

const GOOD = 'marigold pylon thimble';
const setPassword = (token: string, password: string, confirm = password) =>
  request(t.baseUrl).post(`/set-password/${token}`).type('form').send({ password, confirm });
const newAdmin = async () => {
  const email = `admin-${randomUUID().slice(0, 8)}@council.example`;
  return { email, token: await createFirstAdmin(t.db, { email, name: 'First Admin' }, clock.now()) };
};

describe('a link to set a password', () => {
  it("sets the first admin's password once, refusing a poor one with the error summary", async () => {
    const { email, token } = await newAdmin();
    const [user] = await t.sql`select role, password_hash from users where email = ${email}`;
    expect(user).toEqual({ role: 'admin', password_hash: null });
    const form = await request(t.baseUrl).get(`/set-password/${token}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(email);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.headers['referrer-policy']).toBe('no-referrer');

    const refusals: [string, string, string, string][] = [
      ['', '', '#password', 'Enter a new password'],
      ['short one', 'short one', '#password', 'at least 12 characters'],
      ['password1234', 'password1234', '#password', 'too commonly used'],
      [GOOD, `${GOOD}!`, '#confirm', 'do not match'],
    ];
    for (const [password, confirm, href, words] of refusals) {
      const res = await setPassword(token, password, confirm);
      expect(res.status, words).toBe(422);
      expect(errorSummaryOf(res.text)).toEqual([{ href, text: expect.stringContaining(words) }]);
    }
    const done = await setPassword(token, GOOD);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your password is set');
    expect((await postSignIn(t.baseUrl, { email, password: GOOD })).status).toBe(303);

    // Once only: the link is dead now, to look at and to use.
    expect((await request(t.baseUrl).get(`/set-password/${token}`)).status).toBe(410);
    const again = await setPassword(token, 'another good long password');
    expect(again.status).toBe(410);
    expect(again.text).toContain('This link no longer works');
    expect((await postSignIn(t.baseUrl, { email, password: GOOD })).status).toBe(303);
  });

  it('works for a day, then not', async () => {
    const { token } = await newAdmin();
    clock.move(24 * 3_600_000 + 1000);
    expect((await request(t.baseUrl).get(`/set-password/${token}`)).status).toBe(410);
    expect((await setPassword(token, GOOD)).status).toBe(410);
    expect((await request(t.baseUrl).get('/set-password/not-a-link')).status).toBe(410);
  });

  it('used twice at once, sets the password once', async () => {
    const { email, token } = await newAdmin();
    const answers = await Promise.all([setPassword(token, GOOD), setPassword(token, `${GOOD} two`)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 410]);
    const winner = answers[0]!.status === 200 ? GOOD : `${GOOD} two`;
    expect((await postSignIn(t.baseUrl, { email, password: winner })).status).toBe(303);
  });

  it('a reset by link signs the person out everywhere else', async () => {
    const { email, token } = await newAdmin();
    await setPassword(token, GOOD);
    const elsewhere = await signedIn(t.baseUrl, email, GOOD);
    expect((await elsewhere.get('/')).status).toBe(200);
    const [user] = await t.sql`select id from users where email = ${email}`;
    const reset = await issuePasswordLink(t.db, user!.id, 'reset', clock.now());
    expect((await setPassword(reset, `${GOOD} again`)).status).toBe(200);
    expect((await elsewhere.get('/')).status).toBe(303);
    // A reset link lasts an hour.
    const later = await issuePasswordLink(t.db, user!.id, 'reset', clock.now());
    clock.move(3_600_000 + 1000);
    expect((await setPassword(later, `${GOOD} thrice`)).status).toBe(410);
  });

  it('refuses a second account for the same email, and an address that is not one', async () => {
    const { email } = await newAdmin();
    await expect(createFirstAdmin(t.db, { email, name: 'Again' }, clock.now())).rejects.toThrow(
      `${email} already has an account`,
    );
    await expect(createFirstAdmin(t.db, { email: 'nobody', name: 'X' }, clock.now())).rejects.toThrow(
      'is not an email address',
    );
  });

  it('takes long passwords of any characters, and no commonly used one', () => {
    expect(passwordProblem('three random words')).toBeUndefined();
    expect(passwordProblem('ÅÄÖ ünïcödé pässwörd')).toBeUndefined();
    expect(passwordProblem('a'.repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem('a'.repeat(257))).toMatch(/256 characters or fewer/);
    expect(passwordProblem('Demo-Commissioning-2026')).toMatch(/commonly used/);
    // What a guesser tries first: one character again, runs along the keyboard or the alphabet.
    for (const guess of [
      'aaaaaaaaaaaaaa',
      'ababababababab',
      '234567890123',
      'QWERTYUIOPASDF',
      'mnopqrstuvwxyz',
      '1q2w3e4r5t6y',
    ])
      expect(passwordProblem(guess), guess).toMatch(/commonly used/);
    // Nor one's own email address.
    expect(passwordProblem('kestrel-amira.khan-2026', 'amira.khan@fenside.example')).toMatch(/email address/);
    expect(passwordProblem('kestrel willow harbour', 'amira.khan@fenside.example')).toBeUndefined();
  });
});

/** An account with a password, as its first admin would have after using the CLI's link. */
async function withPassword() {
  const { email, token } = await newAdmin();
  expect((await setPassword(token, GOOD)).status).toBe(200);
  return email;
}

describe('a forgotten password', () => {
  it('says the same whether or not the address has an account, and emails a link that resets it', async () => {
    const email = await withPassword();
    const ask = (address: string) =>
      request(t.baseUrl).post('/forgot-password').type('form').send({ email: address });
    const known = await ask(email);
    const unknown = await ask(`nobody-${email}`);
    for (const res of [known, unknown]) {
      expect(res.status).toBe(200);
      expect(res.text).toContain('Check your email');
    }
    const same = (html: string, address: string) =>
      html.replaceAll(address, 'X').replace(/nonce="[^"]*"/g, '');
    expect(same(known.text, email)).toBe(same(unknown.text, `nobody-${email}`));
    expect(await deliverMailTo(t.db, capture, `nobody-${email}`)).toEqual([]);

    const [mail] = await deliverMailTo(t.db, capture, email);
    expect(mail?.subject).toBe('Reset your password for OPCC Commissioning');
    expect(mail?.text).toContain('It works once, for 1 hour');
    const link = /http:\/\/grants\.test(\/set-password\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1];
    expect(link, mail?.text).toBeTruthy();
    expect(
      (
        await request(t.baseUrl)
          .post(link!)
          .type('form')
          .send({ password: 'a new good passphrase', confirm: 'a new good passphrase' })
      ).status,
    ).toBe(200);
    expect((await postSignIn(t.baseUrl, { email, password: GOOD })).status).toBe(401);
    expect((await postSignIn(t.baseUrl, { email, password: 'a new good passphrase' })).status).toBe(303);
  });

  it('asks again for an address not written as one', async () => {
    const res = await request(t.baseUrl)
      .post('/forgot-password')
      .type('form')
      .send({ email: 'not an address' });
    expect(res.status).toBe(422);
    expect(errorSummaryOf(res.text)).toEqual([
      { href: '#email', text: expect.stringContaining('right format') },
    ]);
  });
});

describe('your account', () => {
  it('changes the password knowing the current one, signing out everywhere else but here', async () => {
    const email = await withPassword();
    const here = await signedIn(t.baseUrl, email, GOOD);
    const elsewhere = await signedIn(t.baseUrl, email, GOOD);
    const page = await here.get('/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain(email);
    expect(page.text).toContain('Administrator');
    const change = (form: Record<string, string>) =>
      here
        .post('/account/password')
        .type('form')
        .send({ _csrf: csrfOf(page.text), ...form });
    const wrong = await change({
      current: 'not it at all',
      password: 'brand new passphrase',
      confirm: 'brand new passphrase',
    });
    expect(wrong.status).toBe(422);
    expect(errorSummaryOf(wrong.text)).toEqual([
      { href: '#current', text: 'Your current password is not right' },
    ]);
    const weak = await change({ current: GOOD, password: 'short', confirm: 'short' });
    expect(errorSummaryOf(weak.text)[0]?.href).toBe('#password');
    const done = await change({
      current: GOOD,
      password: 'brand new passphrase',
      confirm: 'brand new passphrase',
    });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/account?saved=password');
    const after = await here.get('/account?saved=password');
    expect(after.status).toBe(200);
    expect(after.text).toContain('Your password has been changed');
    expect((await elsewhere.get('/')).status).toBe(303);
    expect((await postSignIn(t.baseUrl, { email, password: 'brand new passphrase' })).status).toBe(303);
  });

  it('signs out everywhere, here included', async () => {
    const email = await withPassword();
    const here = await signedIn(t.baseUrl, email, GOOD);
    const elsewhere = await signedIn(t.baseUrl, email, GOOD);
    const page = await here.get('/account');
    const out = await here
      .post('/account/sign-out-everywhere')
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/sign-in');
    for (const agent of [here, elsewhere]) expect((await agent.get('/')).status).toBe(303);
  });
});

describe('a reset cannot be turned against the owner', () => {
  const ask = (address: string) =>
    request(t.baseUrl).post('/forgot-password').type('form').send({ email: address });
  const linkIn = (text: string | undefined) =>
    /http:\/\/grants\.test(\/set-password\/[A-Za-z0-9_-]{43})/.exec(text ?? '')?.[1];

  it('asked again and again, sends one email every five minutes at most', async () => {
    const email = await withPassword();
    const emails = async () =>
      (
        await t.sql`select count(*)::int as n from outbox where to_email = ${email} and message = 'passwordReset'`
      )[0]!.n;
    for (let i = 0; i < 3; i++) expect((await ask(email)).status).toBe(200);
    expect(await emails()).toBe(1);
    clock.move(5 * 60_000 + 1000);
    await ask(email);
    expect(await emails()).toBe(2);
  });

  it("someone else's guesses lock the account, and its owner gets in at once by resetting the password", async () => {
    const email = await withPassword();
    // Nine guesses already (seeded, to keep the test short); the tenth locks the account.
    await t.sql`insert into sign_in_throttles (key, attempts, window_started_at)
      values (${`email:${email}`}, 9, ${clock.now().toISOString()}::timestamptz)`;
    expect((await postSignIn(t.baseUrl, { email, password: 'a guess' })).status).toBe(429);
    expect((await postSignIn(t.baseUrl, { email, password: GOOD })).status).toBe(429);
    await ask(email);
    const [mail] = await deliverMailTo(t.db, capture, email);
    const link = linkIn(mail?.text);
    expect(link, mail?.text).toBeTruthy();
    const reset = await request(t.baseUrl)
      .post(link!)
      .type('form')
      .send({ password: 'my own new passphrase', confirm: 'my own new passphrase' });
    expect(reset.status).toBe(200);
    expect((await postSignIn(t.baseUrl, { email, password: 'my own new passphrase' })).status).toBe(303);
  });
});
