// Two-step verification in Chromium: an approver's first sign-in sets up an authenticator app from
// the key on the page, saves the recovery codes shown once, and later signs in with one of them.
// Axe on every page.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/sessions.ts';
import { totpCode } from '../../src/domain/totp.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { closeBrowser, expectAccessible, launchBrowser, page, screenshot } from '../helpers/browser.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ secondFactor: true });
  await launchBrowser();
});
afterAll(async () => {
  await closeBrowser();
  await t?.close();
});

const PASSWORD = 'saffron tunnel kettle';

describe('two-step verification, as a person does it', () => {
  it('sets up the app, keeps the recovery codes, and signs in with one later', async () => {
    const email = `alex-${randomUUID().slice(0, 8)}@opcc.example`;
    const [office] = await t.sql`select organisation_id from users where email = 'officer@demo.test'`;
    await t.sql`insert into users (email, name, role, organisation_id, password_hash)
      values (${email}, 'Alex Approver', 'approver', ${office!.organisation_id}, ${await hashPassword(PASSWORD)})`;
    const p = await page(t);
    const signInWithPassword = async () => {
      await p.goto('/sign-in');
      await p.getByLabel('Email address').fill(email);
      await p.getByLabel('Password').fill(PASSWORD);
      await Promise.all([
        p.waitForURL('**/sign-in/code'),
        p.getByRole('button', { name: 'Sign in' }).click(),
      ]);
    };
    await signInWithPassword();
    await expect(p.locator('h1').innerText()).resolves.toBe('Set up two-step verification');
    await expectAccessible(p);
    await screenshot(p, 'set-up');
    const key = (await p.locator('#setup-key').innerText()).replace(/\s/g, '');

    // A mistyped code first: the error summary, and the key still there.
    await p.fill('#code', totpCode(key, new Date()) === '000000' ? '111111' : '000000');
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Continue' }).click()]);
    await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain('That code is not right');
    await expectAccessible(p);
    await screenshot(p, 'set-up-wrong-code');
    await p.fill('#code', totpCode(key, new Date()));
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Continue' }).click()]);
    await expect(p.locator('h1').innerText()).resolves.toBe('Save your recovery codes');
    const codes = await p.locator('#recovery-codes code').allInnerTexts();
    expect(codes).toHaveLength(10);
    await expectAccessible(p);
    await screenshot(p, 'recovery-codes');
    await Promise.all([
      p.waitForURL((url) => url.pathname === '/'),
      p.getByRole('button', { name: 'Continue' }).click(),
    ]);
    await expect(p.locator('h1').innerText()).resolves.toBe('Work waiting for you');

    // Signed out, and the phone lost: a recovery code instead.
    await Promise.all([p.waitForURL('**/sign-in'), p.getByRole('button', { name: 'Sign out' }).click()]);
    await signInWithPassword();
    await expect(p.locator('h1').innerText()).resolves.toBe('Enter your code');
    await expectAccessible(p);
    await screenshot(p, 'enter-code');
    await p.fill('#code', codes[0]!);
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Continue' }).click()]);
    await expect(p.locator('h1').innerText()).resolves.toBe('You used a recovery code');
    await expectAccessible(p);
    await screenshot(p, 'used-recovery-code');
    await p.goto('/account');
    await expect(p.locator('#two-step').isVisible()).resolves.toBe(true);
    await expectAccessible(p);
    await screenshot(p, 'account');
  });
});
