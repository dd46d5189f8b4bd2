// A voluntary organisation that has never used the service, in Chromium: it finds a funding call
// without signing in, registers, confirms its email address by the link it receives (through the
// loopback SMTP server) and chooses a password there; signs in and invites a colleague, who accepts
// by their own link, later resets a forgotten password, signs in and starts a bid. Axe on every page.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { deliverMailTo } from '../helpers/background-work.ts';
import {
  closeBrowser,
  expectAccessible,
  launchBrowser,
  page,
  screenshot,
  signIn,
} from '../helpers/browser.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';

let t: TestApp;
let capture: SmtpCapture;
beforeAll(async () => {
  t = await startTestApp();
  capture = await startSmtpCapture();
  await launchBrowser();
});
afterAll(async () => {
  await closeBrowser();
  await capture?.close();
  await t?.close();
});

describe('a new organisation gets in by itself', () => {
  it('finds the call, registers, confirms its address, signs in and starts a bid', async () => {
    const tag = randomUUID().slice(0, 8);
    const email = `amira-${tag}@fensidearts.example`;
    const programmeId = t.youthFund.programmeId;
    const p = await page(t);
    // Find funding, signed out: the call's start page sends a newcomer to register.
    await p.goto(`/funding/${programmeId}`);
    await expectAccessible(p);
    await screenshot(p, 'call-signed-out');
    await Promise.all([
      p.waitForURL('**/register'),
      p.getByRole('link', { name: 'register your organisation' }).click(),
    ]);
    await expectAccessible(p);
    await screenshot(p, 'register');

    // Wrong first: no kind of organisation, a postcode that is not one.
    await p.fill('#name', 'Amira Khan');
    await p.fill('#email', email);
    await p.fill('#organisationName', `Fenside Arts ${tag}`);
    await p.fill('#address', '3 Market Place\nMarch');
    await p.fill('#postcode', 'PE15');
    const send = () =>
      Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Register' }).click()]);
    await send();
    const summary = await p.locator('.govuk-error-summary').innerText();
    expect(summary).toContain('Select what kind of organisation it is');
    expect(summary).toContain('Enter a real postcode, like CB1 2AB');
    await expect(p.inputValue('#organisationName')).resolves.toBe(`Fenside Arts ${tag}`);
    await expectAccessible(p);
    await screenshot(p, 'register-errors');
    await p.getByLabel('Registered charity', { exact: true }).check();
    await p.fill('#charityNumber', '1187654');
    await p.fill('#postcode', 'PE15 8AA');
    await send();
    await expect(p.locator('h1').innerText()).resolves.toBe('Check your email');
    await screenshot(p, 'register-check-email');

    // The email, as it arrives: its link confirms the address and asks for a password.
    const [mail] = await deliverMailTo(t.db, capture, email);
    const link = /http:\/\/grants\.test(\/set-password\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1];
    expect(link, mail?.text).toBeTruthy();
    expect(mail?.html).toContain('Confirm your email address');
    await p.goto(link!);
    await p.fill('#password', 'kestrel willow harbour');
    await p.fill('#confirm', 'kestrel willow harbour');
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Set password' }).click()]);
    await expect(p.locator('h1').innerText()).resolves.toBe('Your password is set');

    // Signed in, the first person invites a colleague who may submit bids and receives the email.
    await signIn(p, email, 'kestrel willow harbour');
    await p.getByRole('link', { name: 'Your organisation' }).click();
    await expect(p.locator('h1').innerText()).resolves.toBe('Your organisation’s people');
    await expectAccessible(p);
    await screenshot(p, 'organisation-people');
    await p.getByRole('button', { name: 'Invite a colleague' }).click();
    const benEmail = `ben-${tag}@fensidearts.example`;
    await p.fill('#name', 'Ben Okafor');
    await p.fill('#email', benEmail);
    await expect(p.getByLabel('Submit and withdraw bids').isChecked()).resolves.toBe(true);
    await expect(p.getByLabel('Accept offers, grant conditions').isChecked()).resolves.toBe(false);
    await expectAccessible(p);
    await screenshot(p, 'invite-colleague');
    await Promise.all([
      p.waitForURL('**/organisation?saved=invited'),
      p.getByRole('button', { name: 'Send the invitation' }).click(),
    ]);
    await expect(p.locator('#people').innerText()).resolves.toMatch(/Ben Okafor[\s\S]*Invited/);
    await screenshot(p, 'colleague-invited');

    // Ben accepts in his own browser, choosing his password.
    const [invitation] = await deliverMailTo(t.db, capture, benEmail);
    expect(invitation?.subject).toBe(
      `Amira Khan invited you to act for Fenside Arts ${tag} on OPCC Commissioning`,
    );
    const invite = /http:\/\/grants\.test(\/invitation\/[A-Za-z0-9_-]{43})/.exec(invitation?.text ?? '')?.[1];
    expect(invite, invitation?.text).toBeTruthy();
    const ben = await page(t);
    await ben.goto(invite!);
    await expect(ben.locator('h1').innerText()).resolves.toBe(`Join Fenside Arts ${tag}`);
    await expectAccessible(ben);
    await screenshot(ben, 'invitation');
    await ben.fill('#password', 'copper fox lantern');
    await ben.fill('#confirm', 'copper fox lantern');
    await Promise.all([
      ben.waitForNavigation(),
      ben.getByRole('button', { name: 'Accept the invitation' }).click(),
    ]);
    await expect(ben.locator('h1').innerText()).resolves.toBe(`You have joined Fenside Arts ${tag}`);
    await screenshot(ben, 'invitation-accepted');

    // Weeks later Ben has forgotten it: a reset by email, then sign in.
    await ben.goto('/forgot-password');
    await ben.fill('#email', benEmail);
    await Promise.all([ben.waitForNavigation(), ben.getByRole('button', { name: /Send/ }).click()]);
    const reset = (await deliverMailTo(t.db, capture, benEmail)).find((m) => m.subject?.startsWith('Reset'));
    const resetLink = /http:\/\/grants\.test(\/set-password\/[A-Za-z0-9_-]{43})/.exec(reset?.text ?? '')?.[1];
    expect(resetLink, reset?.text).toBeTruthy();
    await ben.goto(resetLink!);
    await ben.fill('#password', 'heron quartz orchard');
    await ben.fill('#confirm', 'heron quartz orchard');
    await Promise.all([ben.waitForNavigation(), ben.getByRole('button', { name: 'Set password' }).click()]);
    await expect(ben.locator('h1').innerText()).resolves.toBe('Your password is set');
    await signIn(ben, benEmail, 'heron quartz orchard');

    // Start now leads to the bid's first question.
    await ben.goto(`/funding/${programmeId}`);
    await Promise.all([
      ben.waitForURL(`**/funding/${programmeId}/start`),
      ben.getByRole('button', { name: 'Start now' }).click(),
    ]);
    await ben.fill('#title', 'Fenside summer murals');
    await Promise.all([
      ben.waitForURL((url) => url.pathname.startsWith('/cases/')),
      ben.getByRole('button', { name: 'Start the bid' }).click(),
    ]);
    await expect(ben.locator('h1').innerText()).resolves.toContain('Fenside summer murals');
    await expectAccessible(ben);
    await screenshot(ben, 'first-bid');
  });
});
