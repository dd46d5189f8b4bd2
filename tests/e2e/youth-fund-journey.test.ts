// A Youth Fund bid's journey in a real browser (Debian's Chromium), as the people do it: a provider
// starts a bid from the funding calls and submits it in pounds (after getting it wrong once), the
// officer confirms it is eligible, each panel member declares no conflict and scores it, the officer sees
// the panel's scores, a member approves an award with a report due date, and the
// provider accepts the offer — while a second, stale tab is told someone else got there first.
// Every step is screenshotted and every distinct page checked with axe.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { hashPassword } from '../../src/domain/sessions.ts';
import { STALE_MESSAGE } from '../../src/http/web/case-page.ts';
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
/** A provider in an organisation of its own, with the demo password: its cases are this file's alone. */
let provider: Awaited<ReturnType<TestApp['newProvider']>>;

beforeAll(async () => {
  t = await startTestApp();
  await launchBrowser();
  provider = await t.newProvider('Journey Youth Club');
  await t.sql`update users set password_hash = ${await hashPassword(DEMO_PASSWORD)} where id = ${provider.userId}`;
});

afterAll(async () => {
  await closeBrowser();
  await t?.close();
});

const apiCase = async (id: string) =>
  (await t.http.get(`/api/cases/${id}`).set(t.as('officer@demo.test'))).body as {
    state: string;
    version: number;
    context: Record<string, unknown>;
  };
const historyLength = async (id: string) =>
  ((await t.http.get(`/api/cases/${id}/history`).set(t.as('officer@demo.test'))).body.items as unknown[])
    .length;
const heading = (p: Page) => p.getByRole('heading', { level: 1 }).textContent();
const button = (p: Page, name: string) => p.getByRole('button', { name, exact: true });
/** Waits for the page a form's POST led to (a redirect to the case, or a page rendered in reply). */
async function submitted(p: Page, name: string) {
  await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), button(p, name).click()]);
}
const action = (p: Page, name: string) => p.locator('#action-links').getByRole('link', { name, exact: true });
/** Follows the case page's link to one action's own page. */
async function opened(p: Page, name: string) {
  await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), action(p, name).click()]);
  await expect(heading(p)).resolves.toContain(name);
}

describe('a Youth Fund bid from start to an accepted offer, in a browser', () => {
  let caseId = '';

  it('the provider starts a bid from the funding calls, gets the form wrong, then submits it in pounds', async () => {
    const p = await page(t);
    await signIn(p, provider.email);
    await p.goto('/funding');
    await expect(heading(p)).resolves.toBe('Find funding');
    const programmeId = t.youthFund.programmeId;
    await screenshot(p, 'provider-funding-calls');
    await expectAccessible(p);
    // The call's own page, then "Start now" and the bid's title.
    await Promise.all([
      p.waitForURL(`**/funding/${programmeId}`),
      p.locator(`a[href="/funding/${programmeId}"]`).click(),
    ]);
    await screenshot(p, 'provider-funding-call');
    await expectAccessible(p);
    await Promise.all([
      p.waitForURL(`**/funding/${programmeId}/start`),
      p.getByRole('button', { name: 'Start now' }).click(),
    ]);
    await p.locator('#title').fill('Summer football');
    await Promise.all([
      p.waitForURL((url) => url.pathname.endsWith('/bid')),
      p.getByRole('button', { name: 'Start the bid' }).click(),
    ]);
    caseId = new URL(p.url()).pathname.split('/')[2]!;
    expect(await apiCase(caseId)).toMatchObject({ state: 'draft', version: 1 });
    // The bid is a task list of its form's sections.
    await expect(heading(p)).resolves.toContain('Summer football');
    await expect(p.locator('.govuk-task-list').innerText()).resolves.toContain('In progress');
    await screenshot(p, 'provider-draft-case');
    await expectAccessible(p);
    const task = p.locator('.govuk-task-list a').first();
    await Promise.all([p.waitForURL((url) => url.pathname.includes('/bid/sections/')), task.click()]);

    // Wrong: no summary.
    await p.locator('#summary').fill('');
    await p.locator('#amountRequestedPence').fill('6,000');
    await submitted(p, 'Save and continue');
    const summary = p.locator('.govuk-error-summary');
    await summary.waitFor();
    await expect(p.title()).resolves.toMatch(/^Error: /);
    await expect(summary.getByRole('heading').textContent()).resolves.toContain('There is a problem');
    const links = await summary
      .locator('a')
      .evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent?.trim()]));
    expect(links.map(([href]) => href)).toEqual(['#summary']);
    await expect(p.locator('#summary-error').isVisible()).resolves.toBe(true);
    // What was typed is kept.
    await expect(p.locator('#title').inputValue()).resolves.toBe('Summer football');
    await expect(p.locator('#amountRequestedPence').inputValue()).resolves.toBe('6,000');
    await screenshot(p, 'provider-submit-errors');
    await expectAccessible(p);
    // The error summary's link takes you to the field.
    await summary.getByRole('link', { name: links[0]![1]! }).click();
    await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('summary');
    expect(await apiCase(caseId)).toMatchObject({ state: 'draft', version: 1 });

    // Over the cap: the machine's rule, said when the bid is sent, leading back to the amount's section.
    await p.locator('#summary').fill('Weekly football for 11 to 16 year olds');
    await submitted(p, 'Save and continue');
    await expect(p.locator('.govuk-task-list').innerText()).resolves.toContain('Completed');
    await Promise.all([
      p.waitForURL('**/bid/check'),
      p.getByRole('link', { name: 'Check your answers' }).click(),
    ]);
    await expect(p.locator('main').innerText()).resolves.toContain('£6,000.00');
    await expectAccessible(p);
    await submitted(p, 'Send the bid');
    await summary.waitFor();
    const cap = summary.getByRole('link', { name: 'The most you can ask for is £5,000.00' });
    await expect(cap.getAttribute('href')).resolves.toMatch(/\/bid\/sections\/s1$/);
    await screenshot(p, 'provider-over-the-cap');
    expect(await apiCase(caseId)).toMatchObject({ state: 'draft', version: 1 });

    await Promise.all([p.waitForURL('**/bid/sections/s1'), cap.click()]);
    await expect(p.locator('#summary').inputValue()).resolves.toBe('Weekly football for 11 to 16 year olds');
    await p.locator('#amountRequestedPence').fill('4,500.50');
    await submitted(p, 'Save and continue');
    await Promise.all([
      p.waitForURL('**/bid/check'),
      p.getByRole('link', { name: 'Check your answers' }).click(),
    ]);
    await submitted(p, 'Send the bid');
    await expect(p.locator('.govuk-panel__title').textContent()).resolves.toContain('Bid sent');
    const kase = await apiCase(caseId);
    expect(kase.state).toBe('submitted');
    expect(kase.context.amountRequestedPence).toBe(450_050);
    await Promise.all([
      p.waitForURL(`**/cases/${caseId}`),
      p.getByRole('link', { name: 'See your bid' }).click(),
    ]);
    await expect(p.locator('main').textContent()).resolves.toContain('£4,500.50');
    await screenshot(p, 'provider-submitted');
    await expectAccessible(p);
    expect(cspViolations(p)).toEqual([]);
    await p.context().close();
  });

  it('the officer confirms the bid is eligible', async () => {
    const p = await page(t);
    await signIn(p, 'officer@demo.test');
    await p.goto(`/cases/${caseId}`);
    await expect(heading(p)).resolves.toContain('Summer football');
    await expect(action(p, 'Confirm the bid is eligible').isVisible()).resolves.toBe(true);
    // docs/officer-case-page.png in the README is this page as the demo data shows it (taken by hand
    // from `npm start`, so a test run never changes a tracked file).
    await screenshot(p, 'officer-case-page');
    await expectAccessible(p);
    await opened(p, 'Confirm the bid is eligible');
    await screenshot(p, 'officer-confirm-eligible');
    await expectAccessible(p);

    await submitted(p, 'Confirm the bid is eligible');
    await expect(p.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Confirm the bid is eligible',
    );
    expect((await apiCase(caseId)).state).toBe('panelReview');
    await screenshot(p, 'officer-confirmed-eligible');
    expect(cspViolations(p)).toEqual([]);
    await p.context().close();
  });

  it('each panel member declares no conflict and scores the bid, on their own', async () => {
    // Pat declares on the case page: the decisions wait until then.
    const pat = await page(t);
    await signIn(pat, 'panel@demo.test');
    await pat.goto(`/cases/${caseId}`);
    await expect(pat.getByRole('heading', { name: 'Conflict of interest' }).isVisible()).resolves.toBe(true);
    await expect(action(pat, 'Approve a grant').count()).resolves.toBe(0);
    await screenshot(pat, 'panel-declare-first');
    await expectAccessible(pat);
    // Neither answer chosen: the error summary says so, and nothing is saved.
    await submitted(pat, 'Save your declaration');
    await expect(pat.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Select yes if you have a conflict of interest',
    );
    await pat.locator('#conflicted-2').check();
    await submitted(pat, 'Save your declaration');
    await expect(pat.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Your declaration of interest was saved',
    );
    await expect(action(pat, 'Approve a grant').isVisible()).resolves.toBe(true);
    // Then scores on the panel's page for the bid.
    await pat.goto(`/panel/bids/${caseId}`);
    await pat.locator('#score-need').fill('4');
    await pat.locator('#score-value').fill('3');
    await submitted(pat, 'Save your scores');
    await expect(pat.locator('#your-scores').textContent()).resolves.toContain('4 out of 5');
    await pat.context().close();

    // Sam declares and scores on the panel's page alone.
    const sam = await page(t);
    await signIn(sam, 'panel2@demo.test');
    await sam.goto('/panel');
    await Promise.all([sam.waitForNavigation(), sam.locator(`a[href="/panel/bids/${caseId}"]`).click()]);
    await sam.locator('#conflicted-2').check();
    await submitted(sam, 'Save your declaration');
    await sam.locator('#score-need').fill('5');
    await sam.locator('#score-value').fill('4');
    await submitted(sam, 'Save your scores');
    await screenshot(sam, 'panel-second-member-scored');
    await sam.context().close();
  });

  it("the officer sees each member's scores, the mean and the spread beside the case", async () => {
    const p = await page(t);
    await signIn(p, 'officer@demo.test');
    // The officer sees each member's scores, the mean and the spread beside the case.
    await p.goto(`/cases/${caseId}`);
    const scores = await p.locator('#panel-scores').textContent();
    expect(scores).toContain('2 of the 2 panel members needed have scored');
    expect(scores).toMatch(/Pat Panel[\s\S]*Sam Scorer[\s\S]*Mean[\s\S]*4\.5[\s\S]*Spread/);
    await screenshot(p, 'officer-panel-scores');
    await expectAccessible(p);
    await p.context().close();
  });

  it('the panel member who declared approves the grant, with the quorum of scores', async () => {
    const p = await page(t);
    await signIn(p, 'panel@demo.test');
    await p.goto(`/cases/${caseId}`);
    await opened(p, 'Approve a grant');
    await p.locator('#amountPence').fill('4000');
    await p.locator('#reportDueOn-day').fill('30');
    await p.locator('#reportDueOn-month').fill('6');
    await p.locator('#reportDueOn-year').fill('2031');
    await screenshot(p, 'panel-approve-form');
    await expectAccessible(p);
    await submitted(p, 'Approve a grant');
    await expect(p.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Approve a grant',
    );
    await expect(p.locator('main').textContent()).resolves.toContain('30 June 2031');
    expect((await apiCase(caseId)).context).toMatchObject({
      awardedPence: 400_000,
      reportDueOn: '2031-06-30',
    });
    expect((await apiCase(caseId)).state).toBe('offered');
    await screenshot(p, 'panel-approved');
    expect(cspViolations(p)).toEqual([]);
    await p.context().close();
  });

  it('the provider accepts the offer; a second, stale tab is told and changes nothing', async () => {
    const first = await page(t);
    await signIn(first, provider.email);
    await first.goto(`/cases/${caseId}`);
    // The same person, the same case, in a second tab.
    const second = await first.context().newPage();
    await second.goto(`/cases/${caseId}`);
    await screenshot(first, 'provider-offer');
    await expectAccessible(first);
    await opened(first, 'Accept the offer');
    await screenshot(first, 'provider-accept-offer');
    await expectAccessible(first);
    // Declining cannot be undone: in the second tab the provider gets as far as "are you sure?".
    await opened(second, 'Decline the offer');
    await second.locator('#reason').fill('Changed our minds');
    await submitted(second, 'Continue to decline the offer');
    await expect(heading(second)).resolves.toBe('Are you sure you want to decline the offer?');
    await expect(second.locator('.govuk-warning-text').textContent()).resolves.toContain(
      'This cannot be undone',
    );
    await expect(second.locator('#confirm-answers').textContent()).resolves.toContain('Changed our minds');
    await screenshot(second, 'provider-confirm-decline');
    await expectAccessible(second);
    expect((await apiCase(caseId)).state).toBe('offered');

    // Meanwhile, in the first tab, the offer is accepted.
    await submitted(first, 'Accept the offer');
    await expect(first.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Accept the offer',
    );
    const accepted = await apiCase(caseId);
    expect(accepted.state).toBe('accepted');
    const events = await historyLength(caseId);
    await screenshot(first, 'provider-accepted');

    // The second tab's confirmation is stale now: it is told, and nothing is declined.
    await submitted(second, 'Decline the offer');
    await expect(second.locator('main').textContent()).resolves.toContain(STALE_MESSAGE);
    await expect(second.locator('main').textContent()).resolves.toContain('Someone else changed this case');
    await screenshot(second, 'provider-stale-tab');
    await expectAccessible(second);
    expect(await apiCase(caseId)).toMatchObject({ state: 'accepted', version: accepted.version });
    expect(await historyLength(caseId)).toBe(events);
    expect(cspViolations(first)).toEqual([]);
    expect(cspViolations(second)).toEqual([]);
    await first.context().close();
  });
});
