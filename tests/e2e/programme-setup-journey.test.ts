// Setting commissioning up through the pages alone, in Chromium: finance sets up a fund with a
// ring-fenced stream; an officer sets up a programme on it with three scoring criteria (one added with
// "Add another criterion"), is not offered the programme's limits, and cannot post a change to them;
// an approver changes them with a reason and reads the log. Axe and plain words on every page.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import {
  closeBrowser,
  expectAccessible,
  expectPlainWords,
  launchBrowser,
  page,
  screenshot,
  signIn,
} from '../helpers/browser.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';

let t: TestApp;
let own: OwnDatabase;
beforeAll(async () => {
  // Its own database: the pages list every fund and organisation, and other files' test data is not
  // what a person would read.
  own = await createOwnDatabase('setup_journey');
  t = await startTestApp({ databaseUrl: own.url });
  await launchBrowser();
});
afterAll(async () => {
  await closeBrowser();
  await t?.close();
  await own?.drop();
});

/** Checks the page as a person would meet it, and keeps its picture. */
async function look(p: Page, name: string) {
  await screenshot(p, name);
  await expectAccessible(p);
  await expectPlainWords(p);
}
const submit = (p: Page, name: string) =>
  Promise.all([p.waitForNavigation(), p.getByRole('button', { name, exact: true }).click()]);

describe('commissioning set up through the pages', () => {
  const tag = randomUUID().slice(0, 6);
  const fundName = `Community safety fund ${tag}`;
  const programmeName = `Safer streets ${tag}`;

  it('finance sets up a fund with a ring-fenced stream', async () => {
    const p = await page(t);
    await signIn(p, 'finance@demo.test');
    await p.goto('/finance');
    await Promise.all([p.waitForNavigation(), p.getByRole('link', { name: 'Set up a fund' }).click()]);
    await look(p, 'fund-new');
    await p.getByLabel('Name', { exact: true }).first().fill(fundName);
    await p.getByLabel('Where the money comes from').fill('Home Office');
    await p.getByLabel('Financial year').fill('2026-27');
    await p.getByLabel('Budget', { exact: true }).fill('250,000');
    await p.locator('#streams-0-name').fill('Domestic abuse');
    await p.locator('#streams-0-budgetPence').fill('300000');
    await p.getByLabel('Independent domestic violence advisers (IDVA)').check();
    await submit(p, 'Set up the fund');
    // A stream bigger than the fund: said plainly, and what was typed is still there.
    await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain(
      'The ring-fenced streams add up to £300,000.00, more than the budget of £250,000.00',
    );
    await look(p, 'fund-new-errors');
    await expect(p.locator('#streams-0-name').inputValue()).resolves.toBe('Domestic abuse');
    await p.locator('#streams-0-budgetPence').fill('100000');
    await submit(p, 'Set up the fund');
    await expect(p.locator('.govuk-notification-banner').innerText()).resolves.toContain('is set up');
    await look(p, 'fund-created');
  });

  it('an officer sets up a programme on it, and is not offered its limits', async () => {
    const p = await page(t);
    p.setDefaultTimeout(5_000);
    await signIn(p, 'officer@demo.test');
    await p.goto('/programmes');
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Set up a programme' }).click()]);
    await look(p, 'programme-new');
    await expect(p.locator('[name="delegationThresholdPence"]').count()).resolves.toBe(0);
    await p.getByLabel('Name', { exact: true }).first().fill(programmeName);
    await p.getByLabel('Youth Fund grant').check();
    await p.getByLabel('Fund', { exact: true }).selectOption({ label: `${fundName} 2026-27` });
    await p.getByLabel('Offenders').check();
    await p.getByLabel('Young people are diverted from crime and exploitation').check();
    await p.locator('#closesAt-day').fill('31');
    await p.locator('#closesAt-month').fill('1');
    await p.locator('#closesAt-year').fill('2027');
    await p.locator('#criteria-0-label').fill('Evidence of need');
    await p.locator('#criteria-0-weight').fill('50');
    await p.locator('#criteria-0-guidance').fill('Local figures, not national ones');
    await submit(p, 'Add another criterion');
    await p.locator('#criteria-1-label').fill('Value for money');
    await p.locator('#criteria-1-weight').fill('30');
    await submit(p, 'Add another criterion');
    await p.locator('#criteria-2-label').fill('Reach');
    await p.locator('#criteria-2-weight').fill('10');
    await submit(p, 'Set up the programme');
    await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain(
      'The weights of the scoring criteria add up to 90%',
    );
    await look(p, 'programme-new-errors');
    await p.locator('#criteria-2-weight').fill('20');
    await submit(p, 'Set up the programme');
    await expect(p.locator('h1').innerText()).resolves.toContain(programmeName);
    await look(p, 'programme-created');
    // The limits are shown, with no way for an officer to change them.
    await expect(p.locator('#programme-limits').innerText()).resolves.toContain(
      'an approver signs every award',
    );
    await expect(p.getByRole('link', { name: /Change\s*the limits/ }).count()).resolves.toBe(0);
    await Promise.all([
      p.waitForNavigation(),
      p.getByRole('link', { name: /Every setting of the limits/ }).click(),
    ]);
    await expect(p.locator('#change-limits').count()).resolves.toBe(0);
    await look(p, 'programme-limits-officer');
    // A change posted anyway is refused, and nothing changes.
    const programmeId = new URL(p.url()).pathname.split('/')[2]!;
    const refused = await p.evaluate(async (id) => {
      const csrf = document.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '';
      const res = await fetch(`/programmes/${id}/limits`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          _csrf: csrf,
          delegationThresholdPence: '1000000',
          panelQuorum: '1',
          reason: 'x',
        }),
      });
      return res.status;
    }, programmeId);
    expect(refused).toBe(403);
    const [row] = await t.sql`select delegation_threshold_pence::int as threshold, criteria
      from programmes where id = ${programmeId}`;
    expect(row).toMatchObject({ threshold: 0 });
    expect((row!.criteria as { label: string }[]).map((c) => c.label)).toEqual([
      'Evidence of need',
      'Value for money',
      'Reach',
    ]);
  });

  it('an approver changes the limits with a reason, and the log says who and why', async () => {
    const [programme] = await t.sql`select id from programmes where name = ${programmeName}`;
    const p = await page(t);
    await signIn(p, 'approver@demo.test');
    await p.goto(`/programmes/${programme!.id}`);
    await Promise.all([
      p.waitForNavigation(),
      p
        .getByRole('link', { name: /Change\s*the limits/ })
        .first()
        .click(),
    ]);
    await look(p, 'programme-limits-approver');
    await p.getByLabel('Delegation threshold').fill('2,500');
    await p.getByLabel('Largest award').fill('5000');
    await p.getByLabel('Why the limits change').fill('Board decision of 3 March');
    await submit(p, 'Change the limits');
    await expect(p.locator('.govuk-notification-banner').innerText()).resolves.toContain(
      'The limits were changed',
    );
    await expect(p.locator('#programme-limits').innerText()).resolves.toContain('£2,500.00');
    await look(p, 'programme-limits-changed');
    await p.goto(`/programmes/${programme!.id}/limits`);
    const log = await p.locator('#limit-changes').innerText();
    expect(log).toContain('Board decision of 3 March');
    expect(log).toContain('Set when the programme was set up');
  });
});
