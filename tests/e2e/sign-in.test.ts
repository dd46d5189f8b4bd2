// Signing in and out in a real browser (Debian's Chromium), against the real app and PostgreSQL:
// what a person sees, with and without JavaScript, checked by axe-core and under the strict CSP.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { hashPassword } from '../../src/domain/sessions.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import {
  closeBrowser,
  cspViolations,
  expectAccessible,
  launchBrowser,
  page,
  screenshot,
  signIn,
} from '../helpers/browser.ts';

let t: TestApp;
/** A provider in an organisation of its own, with the demo password: its counts are this file's alone. */
let provider: Awaited<ReturnType<TestApp['newProvider']>>;

beforeAll(async () => {
  t = await startTestApp();
  await launchBrowser();
  provider = await t.newProvider('E2E Provider');
  await t.sql`update users set password_hash = ${await hashPassword(DEMO_PASSWORD)} where id = ${provider.userId}`;
  // Two draft bids wait for this provider: the home page counts them by stage.
  for (const title of ['Late-night football', 'Youth mentoring']) {
    const res = await t.http
      .post('/api/cases')
      .set(provider.auth)
      .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});

afterAll(async () => {
  await closeBrowser();
  await t?.close();
});

const expectNoCspViolations = (p: Page) => expect(cspViolations(p)).toEqual([]);

describe('signing in, in a browser', () => {
  it('renders the sign-in page with its labels, accessibly, under a CSP that forbids inline script', async () => {
    const p = await page(t);
    const response = await p.goto('/sign-in');
    expect(response?.status()).toBe(200);
    await expect(p.title()).resolves.toBe('Sign in – OPCC Commissioning');
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    await expect(p.getByLabel('Email address').getAttribute('type')).resolves.toBe('email');
    await expect(p.getByLabel('Email address').getAttribute('autocomplete')).resolves.toBe('username');
    await expect(p.getByLabel('Password').getAttribute('type')).resolves.toBe('password');
    await expect(p.getByRole('button', { name: 'Sign in' }).isVisible()).resolves.toBe(true);

    const csp = response!.headers()['content-security-policy'] ?? '';
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc).toMatch(/^\s*script-src 'self' 'nonce-[A-Za-z0-9+/=]+'\s*$/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("default-src 'self'");
    // GOV.UK's one nonce'd inline script ran, and so did the module that starts the components.
    await expect(p.locator('body').getAttribute('class')).resolves.toMatch(
      /js-enabled govuk-frontend-supported/,
    );

    await screenshot(p, 'sign-in');
    await expectAccessible(p);
    expectNoCspViolations(p);
    await p.context().close();
  });

  it('refuses inline script the page did not bring (the CSP is enforced, not only sent)', async () => {
    const p = await page(t);
    await p.goto('/sign-in');
    const ran = await p.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (window as any).__inlineRan === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => cspViolations(p).length).toBeGreaterThan(0);
    expect(cspViolations(p).join('\n')).toMatch(/script-src/);
    await p.context().close();
  });

  it('shows the GOV.UK error summary for a wrong password, links to the field and keeps the email', async () => {
    const p = await page(t);
    await p.goto('/sign-in');
    await p.getByLabel('Email address').fill(provider.email);
    await p.getByLabel('Password').fill('not-the-password');
    await p.getByRole('button', { name: 'Sign in' }).click();

    const summary = p.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(p.title()).resolves.toBe('Error: Sign in – OPCC Commissioning');
    await expect(summary.getByRole('heading').textContent()).resolves.toContain('There is a problem');
    // GOV.UK Frontend moves focus to the summary so a screen reader announces it.
    await expect.poll(() => summary.evaluate((el) => el === document.activeElement)).toBe(true);
    const link = summary.getByRole('link', { name: 'Enter a correct email address and password' });
    await expect(link.getAttribute('href')).resolves.toBe('#email');
    await expect(p.locator('#email-error').textContent()).resolves.toContain(
      'Enter a correct email address and password',
    );
    await expect(p.getByLabel('Email address').inputValue()).resolves.toBe(provider.email);
    await expect(p.getByLabel('Password').inputValue()).resolves.toBe('');
    await screenshot(p, 'wrong-password');

    await link.click();
    await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('email');
    await screenshot(p, 'wrong-password-focus-on-email');
    await expectAccessible(p);
    expectNoCspViolations(p);

    // The email was kept: the password alone is enough to go on.
    await p.getByLabel('Password').fill(DEMO_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL((url) => url.pathname === '/');
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Work waiting for you');
    await p.context().close();
  });

  it('lands on the work waiting, counted by stage, which passes axe; signing out ends the session', async () => {
    const p = await page(t);
    await signIn(p, provider.email);
    expect(new URL(p.url()).pathname).toBe('/');
    await expect(p.title()).resolves.toBe('Work waiting for you – OPCC Commissioning');
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Work waiting for you');
    await expect(p.getByRole('heading', { name: 'By stage' }).isVisible()).resolves.toBe(true);

    const table = p.getByRole('table', { name: 'Cases waiting for you, by stage' });
    const head = await table.locator('thead th').allTextContents();
    expect(head.map((h) => h.trim())).toEqual(['Cycle', 'Stage', 'Cases']);
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim())));
    expect(rows).toEqual([['Youth Fund grant', 'Draft bid', '2']]);
    await expect(p.locator('.app-case-row').count()).resolves.toBe(2);
    // A provider's header names the organisation they act for.
    await expect(p.getByRole('banner').textContent()).resolves.toMatch(
      /E2E Provider \(E2E Provider [0-9a-f-]{36}\)/,
    );
    await screenshot(p, 'home-work-waiting');
    await expectAccessible(p);
    expectNoCspViolations(p);

    const [session] = (await p.context().cookies()).filter((c) => c.name === 'opcc_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');

    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.waitForURL((url) => url.pathname === '/sign-in');
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    expect((await p.context().cookies()).filter((c) => c.name === 'opcc_session')).toEqual([]);
    await screenshot(p, 'signed-out');

    // The old session cookie, put back by hand, no longer opens anything: it was ended on the server.
    await p.context().addCookies([session!]);
    const response = await p.goto('/');
    expect(response?.request().redirectedFrom()?.url()).toBe(`${t.baseUrl}/`);
    expect(new URL(p.url()).pathname).toBe('/sign-in');
    expect(new URL(p.url()).searchParams.get('next')).toBe('/');
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    await screenshot(p, 'old-session-sent-to-sign-in');
    expectNoCspViolations(p);
    await p.context().close();
  });

  it('sends someone not signed in from / to sign in, and back to / afterwards', async () => {
    const p = await page(t);
    await p.goto('/');
    expect(new URL(p.url()).pathname).toBe('/sign-in');
    await p.getByLabel('Email address').fill(provider.email);
    await p.getByLabel('Password').fill(DEMO_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL((url) => url.pathname === '/');
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Work waiting for you');
    expectNoCspViolations(p);
    await p.context().close();
  });

  it('works with JavaScript disabled: sign in, see the work waiting, sign out', async () => {
    const p = await page(t, { javaScriptEnabled: false });
    const response = await p.goto('/sign-in');
    expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    // No script ran: GOV.UK's js-enabled class was never added.
    await expect(p.locator('body').getAttribute('class')).resolves.not.toMatch(/js-enabled/);
    await screenshot(p, 'no-js-sign-in');

    // A wrong password: the error summary is there without JavaScript too, and the email kept.
    await p.getByLabel('Email address').fill(provider.email);
    await p.getByLabel('Password').fill('wrong');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.locator('.govuk-error-summary').waitFor();
    await expect(p.getByLabel('Email address').inputValue()).resolves.toBe(provider.email);
    await screenshot(p, 'no-js-wrong-password');

    await signIn(p, provider.email);
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Work waiting for you');
    await expect(p.locator('tbody tr td').last().textContent()).resolves.toBe('2');
    await screenshot(p, 'no-js-home');

    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.waitForURL((url) => url.pathname === '/sign-in');
    await p.goto('/');
    expect(new URL(p.url()).pathname).toBe('/sign-in');
    expectNoCspViolations(p);
    await p.context().close();
  });
});
