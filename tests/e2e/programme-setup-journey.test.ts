// Setting commissioning up through the pages alone, in Chromium: finance sets up a fund with a
// ring-fenced stream; an officer sets up a programme on it with three scoring criteria (one added with
// "Add another criterion"), is not offered the programme's limits, and cannot post a change to them;
// an approver changes them with a reason and reads the log. The officer builds the programme's
// application form (an eligibility question, a section of their own, a long answer with a word limit,
// a file question, the cycle's amount question reworded); a provider whose eligibility answer rules them out is told
// why and starts nothing, and one who may apply works through the task list, uploads their accounts,
// checks their answers and sends the bid, which the officer reads answer beside question. Axe and plain words on every page.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { openRound } from '../helpers/bids.ts';
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

  it('the officer builds the application form in pages', async () => {
    const [programme] = await t.sql`select id from programmes where name = ${programmeName}`;
    const p = await page(t);
    p.setDefaultTimeout(5_000);
    await signIn(p, 'officer@demo.test');
    await p.goto(`/programmes/${programme!.id}`);
    await Promise.all([
      p.waitForNavigation(),
      p.getByRole('link', { name: 'Set up the application form' }).click(),
    ]);
    await look(p, 'form-start');

    await Promise.all([p.waitForNavigation(), p.locator('#add-eligibility').click()]);
    await submit(p, 'Add the question');
    await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain('Which answer means');
    await look(p, 'form-eligibility-errors');
    await p
      .getByLabel('Question', { exact: true })
      .fill('Does your organisation work in Cambridgeshire or Peterborough?');
    await p.getByLabel('No', { exact: true }).check();
    await p
      .getByLabel('What to tell an applicant who cannot apply')
      .fill('This fund pays only for work in Cambridgeshire and Peterborough.');
    await submit(p, 'Add the question');

    await Promise.all([p.waitForNavigation(), p.locator('#add-section').click()]);
    await p.getByLabel('Section title').fill('Your organisation');
    await submit(p, 'Add the section');
    await Promise.all([p.waitForNavigation(), p.locator('#add-question-s2').click()]);
    await look(p, 'form-question-new');
    await p.getByLabel('Question', { exact: true }).fill('What experience do you have of this work?');
    await p.getByLabel('Long answer, with a word limit').check();
    await p.getByRole('group', { name: 'Must the applicant answer it?' }).getByLabel('Yes').check();
    await p.getByLabel(/Word limit/).fill('10');
    await submit(p, 'Add the question');

    await Promise.all([p.waitForNavigation(), p.locator('#add-question-s2').click()]);
    await p.getByLabel('Question', { exact: true }).fill('Your latest accounts');
    await p.getByLabel('A file to upload').check();
    await p.getByRole('group', { name: 'Must the applicant answer it?' }).getByLabel('Yes').check();
    await submit(p, 'Add the question');

    await Promise.all([
      p.waitForNavigation(),
      p.getByRole('link', { name: /Reword\s*Amount requested/ }).click(),
    ]);
    await p.getByLabel('Question', { exact: true }).fill('How much do you need?');
    await submit(p, 'Save the question');
    await look(p, 'form-built');
    const page1 = await p.locator('main').innerText();
    expect(page1).toContain('How much do you need?');
    expect(page1).toContain('What experience do you have of this work?');
    // The cycle's questions cannot be removed: no button is offered for them.
    await expect(p.getByRole('button', { name: /Remove\s*How much do you need/ }).count()).resolves.toBe(0);
  });

  it('a provider ruled out by an eligibility answer is told why; one who may apply sends a bid through the task list', async () => {
    const [programme] = await t.sql`select id from programmes where name = ${programmeName}`;
    await openRound(t, programme!.id as string);
    const [{ n: before }] =
      (await t.sql`select count(*)::int as n from cases where programme_id = ${programme!.id}`) as unknown as [
        { n: number },
      ];
    const p = await page(t);
    p.setDefaultTimeout(5_000);
    await signIn(p, 'provider@demo.test');
    await p.goto(`/funding/${programme!.id}`);
    await Promise.all([
      p.waitForNavigation(),
      p
        .getByRole('button', { name: /Start now/ })
        .or(p.getByRole('link', { name: /Start now/ }))
        .first()
        .click(),
    ]);
    await look(p, 'apply-eligibility');
    await p.getByLabel('No').check();
    await submit(p, 'Continue');
    await expect(p.locator('h1').innerText()).resolves.toBe(
      'Your organisation cannot apply for this funding',
    );
    await expect(p.locator('main').innerText()).resolves.toContain(
      'This fund pays only for work in Cambridgeshire and Peterborough.',
    );
    await look(p, 'apply-ineligible');
    const [{ n: after }] =
      (await t.sql`select count(*)::int as n from cases where programme_id = ${programme!.id}`) as unknown as [
        { n: number },
      ];
    expect(after).toBe(before);

    await Promise.all([p.waitForNavigation(), p.getByRole('link', { name: 'Change your answers' }).click()]);
    await p.getByLabel('Yes').check();
    await submit(p, 'Continue');
    await p.getByLabel('Title of your bid').fill('Street mentors');
    await submit(p, 'Start the bid');
    await look(p, 'apply-tasks');
    await Promise.all([
      p.waitForNavigation(),
      p.locator('.govuk-task-list').getByRole('link', { name: 'Your bid' }).click(),
    ]);
    await p.getByLabel('Summary of the project').fill('Mentors on the streets of Wisbech on Friday nights.');
    await p.getByLabel('How much do you need?').fill('3000');
    await submit(p, 'Save and continue');
    await Promise.all([
      p.waitForNavigation(),
      p.locator('.govuk-task-list').getByRole('link', { name: 'Your organisation' }).click(),
    ]);
    await p
      .getByLabel('What experience do you have of this work?')
      .fill('Ten years of youth work across the Fens and two mentoring schemes.');
    await submit(p, 'Save and continue');
    await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain(
      'Must be 10 words or fewer',
    );
    await look(p, 'apply-section-errors');
    await p
      .getByLabel('What experience do you have of this work?')
      .fill('Ten years of youth work across the Fens.');
    await submit(p, 'Save and continue');
    // The accounts are still to upload: the section is in progress until they are.
    await expect(p.locator('.govuk-task-list').innerText()).resolves.toContain('In progress');
    await Promise.all([
      p.waitForNavigation(),
      p.locator('.govuk-task-list').getByRole('link', { name: 'Your organisation' }).click(),
    ]);
    await Promise.all([p.waitForNavigation(), p.getByRole('link', { name: /Upload a file/ }).click()]);
    await look(p, 'apply-upload');
    await p.setInputFiles('#file', {
      name: 'accounts-2026.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'),
    });
    await submit(p, 'Upload the file');
    await expect(p.locator('main').innerText()).resolves.toContain('accounts-2026.pdf');
    await look(p, 'apply-uploaded');
    await submit(p, 'Save and continue');
    await expect(p.locator('main').innerText()).resolves.toContain('You have completed 2 of 2 sections.');
    await Promise.all([p.waitForNavigation(), p.getByRole('link', { name: 'Check your answers' }).click()]);
    await look(p, 'apply-check');
    await submit(p, 'Send the bid');
    await expect(p.locator('.govuk-panel__title').innerText()).resolves.toBe('Bid sent');
    await look(p, 'apply-sent');

    const [bid] =
      await t.sql`select id, state from cases where programme_id = ${programme!.id} and machine_id = 'youth-fund'`;
    expect(bid!.state).toBe('submitted');
    const officer = await page(t);
    await signIn(officer, 'officer@demo.test');
    await officer.goto(`/cases/${bid!.id}`);
    const answers = await officer.locator('#bid-answers-s2').innerText();
    expect(answers).toContain('What experience do you have of this work?');
    expect(answers).toContain('Ten years of youth work across the Fens.');
    await expect(officer.locator('#bid-answers-s1').innerText()).resolves.toContain('£3,000.00');
    // The eligibility question as answered when the bid was started.
    await expect(officer.locator('#bid-answers-eligibility').innerText()).resolves.toMatch(
      /Does your organisation work in Cambridgeshire or Peterborough\?\s+Yes/,
    );
    // The accounts are a download beside their question.
    const accounts = officer.locator('#bid-answers-s2').getByRole('link', { name: 'accounts-2026.pdf' });
    const [download] = await Promise.all([officer.waitForEvent('download'), accounts.click()]);
    expect(download.suggestedFilename()).toBe('accounts-2026.pdf');
    await look(officer, 'apply-case-officer');
  });
});
