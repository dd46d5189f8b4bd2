// A voluntary organisation that has never used the service, in Chromium: it finds a funding call
// without signing in, registers, confirms its email address by the link it receives (through the
// loopback SMTP server), chooses a password there, signs in and starts a bid. Axe on every page.
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

    // Signed in, Start now leads to the bid's first question.
    await signIn(p, email, 'kestrel willow harbour');
    await p.goto(`/funding/${programmeId}`);
    await Promise.all([
      p.waitForURL(`**/funding/${programmeId}/start`),
      p.getByRole('button', { name: 'Start now' }).click(),
    ]);
    await p.fill('#title', 'Fenside summer murals');
    await Promise.all([
      p.waitForURL((url) => url.pathname.startsWith('/cases/')),
      p.getByRole('button', { name: 'Start the bid' }).click(),
    ]);
    await expect(p.locator('h1').innerText()).resolves.toContain('Fenside summer murals');
    await expectAccessible(p);
    await screenshot(p, 'first-bid');
  });
});
