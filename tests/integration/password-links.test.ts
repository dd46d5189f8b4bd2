// Setting a password by a single-use link: the first admin's, from the CLI's createFirstAdmin (the
// command itself is run as a process in processes.test.ts), and any link issued for a reset.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFirstAdmin, issuePasswordLink, passwordProblem } from '../../src/domain/password-links.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { errorSummaryOf, movableClock, postSignIn, signedIn } from '../helpers/web.ts';

const clock = movableClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterEach(() => clock.reset());
afterAll(() => t?.close());

const GOOD = 'correct horse battery staple';
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
  });
});
