// Every kind of page, as the person it is for, through axe in real Chromium: no serious or critical
// violation anywhere — including the richer victims' services forms and the error pages — and a
// provider files a monitoring return through the page.

import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFirstAdmin } from '../../src/domain/password-links.ts';
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
import { cycleHelpers } from '../helpers/cycles.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { NEXT_FIVE_YEARS } from '../helpers/programmes.ts';

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
const ids = { dueDiligence: '', moderation: '', live: '', monitoringReturn: '', programme: '' };
const [OFFICER, PROVIDER, APPROVER] = [
  'officer@demo.test',
  'provider@demo.test',
  'approver@demo.test',
] as const;

let own: OwnDatabase;
beforeAll(async () => {
  // Its own database: its pages list everything in it, and other files' test data (names with ids
  // in them) is not what a person would read.
  own = await createOwnDatabase('every_page');
  t = await startTestApp({ databaseUrl: own.url });
  h = cycleHelpers(t);
  await launchBrowser();
  const criteria = [
    { id: 'quality', label: 'Quality of service', weight: 60 },
    { id: 'value', label: 'Value for money', weight: 40 },
  ];
  const programme = await t.programme({
    cycle: 'victims-services',
    delegationThresholdPence: 10_000_000,
    criteria,
  });
  ids.programme = programme.programmeId;
  const bid = {
    title: 'ISVA service',
    summary: 'Two ISVAs',
    startsOn: '2027-04-01',
    endsOn: '2028-03-31',
    service: 'isva',
  };
  const open = async () =>
    (await h.open(PROVIDER, 'victims-services', { programmeId: programme.programmeId })).id;
  const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };
  ids.dueDiligence = await open();
  await h.step(
    ids.dueDiligence,
    PROVIDER,
    { type: 'SUBMIT', ...bid, amountRequestedPence: 2_000_000 },
    'dueDiligence',
  );
  ids.moderation = await open();
  const m = h.on(ids.moderation);
  await m(PROVIDER, { type: 'SUBMIT', ...bid, amountRequestedPence: 2_000_000 }, 'dueDiligence');
  await m(OFFICER, { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
  // The panel scores it, so the moderation page has each member's scores, the mean and the spread.
  for (const [member, scores] of [
    ['panel@demo.test', { quality: 4, value: 3 }],
    ['panel2@demo.test', { quality: 3, value: 3 }],
  ] as const) {
    await t.declare(member, ids.moderation);
    const scored = await t.http
      .put(`/api/cases/${ids.moderation}/panel/scores`)
      .set(t.as(member))
      .send({ scores, comment: 'Clear plan' });
    expect(scored.status, JSON.stringify(scored.body)).toBe(200);
  }
  await m(OFFICER, { type: 'CLOSE_SCORING' }, 'moderation');
  ids.live = await open();
  const l = h.on(ids.live);
  await l(PROVIDER, { type: 'SUBMIT', ...bid, amountRequestedPence: 2_000_000 }, 'dueDiligence');
  await l(OFFICER, { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
  await l(OFFICER, { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' }, 'moderation');
  await l(
    OFFICER,
    { type: 'MODERATE', scores: { quality: 4, value: 4 }, rationale: 'Agreed' },
    'recommendation',
  );
  await l(OFFICER, { type: 'RECOMMEND_AWARD', amountPence: 1_500_000, rationale: 'Good' }, 'offered');
  await l(PROVIDER, { type: 'ACCEPT_OFFER' }, 'agreement');
  const terms = {
    startsOn: '2027-04-01',
    endsOn: '2028-03-31',
    paymentProfile: 'quarterlyInArrears',
    amountPence: 1_500_000,
  };
  await l(OFFICER, { type: 'SIGN_AGREEMENT', ...terms }, 'live');
  // Signing the agreement opened a return for each of its quarters: the first is the one shown.
  ids.monitoringReturn = await h.returnFor(ids.live, '2027-04-01');
});
afterAll(async () => {
  await closeBrowser();
  await t?.close();
  await own?.drop();
});

async function visit(p: Page, path: string, name: string, status = 200) {
  const response = await p.goto(path);
  expect(response?.status(), path).toBe(status);
  await screenshot(p, name);
  await expectAccessible(p);
  await expectPlainWords(p);
}

describe('every page passes axe for the person it is for', () => {
  it('a first admin sets their password by the link the CLI gave, a poor one refused first', async () => {
    const email = `first-admin-${randomUUID().slice(0, 8)}@opcc.example`;
    const token = await createFirstAdmin(t.db, { email, name: 'Hana Head' }, new Date());
    const p = await page(t);
    // The pages every GOV.UK service has, before anyone signs in.
    for (const path of ['/accessibility', '/privacy', '/cookies']) await visit(p, path, path.slice(1));
    await visit(p, `/set-password/${token}`, 'set-password');
    await p.fill('#password', 'short');
    await p.fill('#confirm', 'short');
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Set password' }).click()]);
    await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain('at least 12 characters');
    await screenshot(p, 'set-password-too-short');
    await expectAccessible(p);
    await p.fill('#password', 'kettle orchard lantern');
    await p.fill('#confirm', 'kettle orchard lantern');
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Set password' }).click()]);
    await expect(p.locator('h1').innerText()).resolves.toBe('Your password is set');
    await screenshot(p, 'set-password-done');
    await expectAccessible(p);
    await visit(p, `/set-password/${token}`, 'set-password-used', 410);
    await visit(p, '/forgot-password', 'forgot-password');
    await p.fill('#email', email);
    await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Send the link' }).click()]);
    await expect(p.locator('h1').innerText()).resolves.toBe('Check your email');
    await screenshot(p, 'forgot-password-sent');
    await expectAccessible(p);
    await signIn(p, email, 'kettle orchard lantern');
    // Their name in the header leads to their account.
    await Promise.all([p.waitForNavigation(), p.getByRole('link', { name: /Hana Head/ }).click()]);
    await expect(p.locator('h1').innerText()).resolves.toBe('Your account');
    await screenshot(p, 'account');
    await expectAccessible(p);
    // An admin's email page, each of its lists.
    for (const status of ['failed', 'pending', 'sent'])
      await visit(p, `/admin/email?status=${status}`, `email-${status}`);
  });

  it("a provider's bid: its task list, a section's questions, and check your answers", async () => {
    const draft = (await h.open(PROVIDER, 'victims-services', { programmeId: ids.programme })).id;
    const p = await page(t);
    await signIn(p, PROVIDER);
    await visit(p, `/cases/${draft}/bid`, 'provider-bid-tasks');
    await visit(p, `/cases/${draft}/bid/sections/s1`, 'provider-bid-section');
    await visit(p, `/cases/${draft}/bid/check`, 'provider-bid-check');
  });

  it("a provider's organisation pages: its people, one person, removing one, choosing whom to act for", async () => {
    const p = await page(t);
    await signIn(p, PROVIDER);
    const [me] = await t.sql`select id from users where email = ${PROVIDER}`;
    await visit(p, '/organisation', 'provider-organisation-people');
    await visit(p, '/organisation/invite', 'provider-invite');
    await visit(p, '/organisation/documents', 'provider-documents');
    await visit(p, '/organisation/documents/insurance', 'provider-document-upload');
    await visit(p, `/organisation/people/${me!.id}`, 'provider-colleague');
    await visit(p, `/organisation/people/${me!.id}/remove`, 'provider-remove');
    await visit(p, '/account/organisation', 'provider-choose-organisation');
    await visit(p, '/invitation/no-such-link', 'invitation-dead', 410);
    await visit(p, '/confirm-email/no-such-link', 'confirm-email-dead', 410);
  });

  it("an admin's staff and organisation pages: lists, inviting, a person's page, deactivating, an organisation", async () => {
    const p = await page(t);
    await signIn(p, 'admin@demo.test');
    const [officer] = await t.sql`select id from users where email = 'officer@demo.test'`;
    await visit(p, '/admin/people', 'admin-staff');
    await visit(p, '/admin/people/invite', 'admin-invite-staff');
    await visit(p, `/admin/people/${officer!.id}`, 'admin-staff-person');
    await visit(p, `/admin/people/${officer!.id}/deactivate`, 'admin-deactivate');
    const [riverside] = await t.sql`select organisation_id from users where email = ${PROVIDER}`;
    await visit(p, '/admin/organisations', 'admin-organisations');
    await visit(p, '/admin/organisations?show=all', 'admin-organisations-all');
    // Enough partners that every organisation takes more than one page: the pages and their links.
    await t.sql`insert into organisations (name, kind)
      select 'Every page partner ' || lpad(n::text, 2, '0'), 'partner' from generate_series(1, 60) n`;
    await visit(p, '/admin/organisations?show=all&page=2', 'admin-organisations-page-2');
    await expect(p.locator('.govuk-pagination').count()).resolves.toBe(1);
    await visit(p, `/admin/organisations/${riverside!.organisation_id}`, 'admin-organisation');
    await visit(p, `/admin/organisations/${riverside!.organisation_id}/edit`, 'admin-organisation-edit');
    await visit(
      p,
      `/admin/organisations/${riverside!.organisation_id}/inactive`,
      'admin-organisation-inactive',
    );
    const [provider] = await t.sql`select id from users where email = ${PROVIDER}`;
    await visit(p, '/admin/personal-data', 'admin-personal-data-find');
    await visit(p, `/admin/personal-data/${provider!.id}`, 'admin-personal-data');
    await visit(p, `/admin/personal-data/${provider!.id}/erase`, 'admin-personal-data-erase');
  });

  it('officer pages, with the checkbox and score forms and the error pages', async () => {
    const p = await page(t);
    await signIn(p, OFFICER);
    await visit(p, '/', 'officer-home');
    await visit(p, '/funding', 'officer-funding');
    await visit(p, '/programmes', 'officer-programmes');
    await visit(p, '/cases?cycle=victims-services', 'officer-find-a-case');
    await expect(p.locator('#cases-found tbody tr').count()).resolves.toBeGreaterThan(0);
    await visit(p, '/cases?stage=draft', 'officer-find-a-case-error', 400);
    await visit(p, `/programmes/${ids.programme}`, 'officer-programme');
    await visit(p, `/programmes/${ids.programme}/limits`, 'officer-programme-limits');
    await visit(p, '/programmes/new', 'officer-programme-new');
    // Set up with nothing typed: every question's error, linked from the summary.
    await Promise.all([
      p.waitForNavigation(),
      p.getByRole('button', { name: 'Set up the programme' }).click(),
    ]);
    await expect(p.locator('.govuk-error-summary').count()).resolves.toBe(1);
    await screenshot(p, 'officer-programme-new-errors');
    await expectAccessible(p);
    await expectPlainWords(p);
    await visit(p, `/programmes/${ids.programme}/criteria`, 'officer-programme-criteria');
    await visit(p, `/programmes/${ids.programme}/measures`, 'officer-programme-measures');
    await visit(p, `/programmes/${ids.programme}/edit`, 'officer-programme-edit');
    // The application form and each of its builder's pages.
    await visit(p, `/programmes/${ids.programme}/form`, 'officer-application-form');
    await visit(p, `/programmes/${ids.programme}/form/sections/new`, 'officer-form-section');
    await visit(p, `/programmes/${ids.programme}/form/sections/s1/questions/new`, 'officer-form-question');
    await visit(p, `/programmes/${ids.programme}/form/questions/service`, 'officer-form-cycle-question');
    await visit(p, `/programmes/${ids.programme}/form/eligibility/new`, 'officer-form-eligibility');
    await visit(p, '/organisations/new', 'officer-organisation-new');
    const allocations = await t.programme({ cycle: 'crime-disorder-grant' });
    await visit(p, `/programmes/${allocations.programmeId}/together`, 'officer-allocate-together');
    await visit(p, `/cases/${ids.dueDiligence}`, 'officer-due-diligence');
    // The organisation's profile documents beside the checks.
    await expect(p.locator('#profile-documents').innerText()).resolves.toContain('In date');
    await visit(p, `/cases/${ids.dueDiligence}/events/PASS_DUE_DILIGENCE`, 'officer-due-diligence-form');
    await expect(p.getByRole('checkbox').count()).resolves.toBeGreaterThanOrEqual(4);
    await visit(p, `/cases/${ids.moderation}`, 'officer-moderation');
    await visit(p, `/cases/${ids.moderation}/events/MODERATE`, 'officer-moderation-form');
    await visit(p, `/cases/${ids.live}/documents/new`, 'officer-case-document-new');
    await visit(p, `/cases/${ids.live}/notes/new`, 'officer-case-note-new');
    await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click('#add-note')]);
    await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain('Enter the note');
    await screenshot(p, 'officer-case-note-errors');
    await expectAccessible(p);
    await p.fill('#body', 'Spoke to the manager: the second worker starts in May.');
    await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click('#add-note')]);
    await visit(p, `/cases/${ids.live}`, 'officer-case-with-note');
    await expect(p.locator('#case-note-list').innerText()).resolves.toContain('second worker starts in May');
    // A message to the organisation, which reads it and replies.
    await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click('#send-case-message')]);
    await screenshot(p, 'officer-case-message-new');
    await expectAccessible(p);
    await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click('#send-message')]);
    await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain('Enter the message');
    await expectAccessible(p);
    await p.fill('#body', 'Please send the names of both ISVAs before the start date.');
    await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click('#send-message')]);
    await expect(p.locator('#case-message-list').innerText()).resolves.toContain('names of both ISVAs');
    const theirs = await page(t);
    await signIn(theirs, PROVIDER);
    await visit(theirs, `/cases/${ids.live}`, 'provider-case-with-message');
    await expect(theirs.locator('#case-message-list').innerText()).resolves.toContain('names of both ISVAs');
    await expect(theirs.locator('#case-history').innerText()).resolves.not.toContain('second worker');
    await visit(theirs, `/cases/${ids.live}/messages/new`, 'provider-case-message-new');
    await theirs.fill('#body', 'Both names are on their way by post.');
    await Promise.all([theirs.waitForNavigation({ waitUntil: 'load' }), theirs.click('#send-message')]);
    await expect(theirs.locator('#case-message-list').innerText()).resolves.toContain('on their way');
    await visit(p, `/cases/${randomUUID()}`, 'not-found', 404);
    await visit(p, '/panel', 'forbidden', 403);
  }, 90_000);

  it('every stage of a SARC procurement the officer works in, and a crime and disorder grant as officer and partnership', async () => {
    const sarc = await t.programme({ cycle: 'sarc-recommissioning', otherYears: NEXT_FIVE_YEARS });
    const opcc = await h.organisation((o) => o.kind === 'commissioner');
    const mountain = await h.organisation((o) => o.name === 'Mountain Healthcare Ltd');
    const solace = await h.organisation((o) => o.name === 'Solace Sexual Health CIC');
    const input = { programmeId: sarc.programmeId, title: 'SARC contract', contractValuePence: 240_000_000 };
    const { id } = await h.open(OFFICER, 'sarc-recommissioning', input, opcc);
    const s = h.on(id);
    const p = await page(t);
    await signIn(p, OFFICER);
    await visit(p, `/cases/${id}`, 'officer-sarc-specification');
    // Published in January, its deadlines long past: they fire as the worker would.
    const tender = {
      type: 'PUBLISH_TENDER',
      clarificationDeadline: '2026-02-02',
      tenderDeadline: '2026-03-02',
    };
    await t.onDay('2026-01-05', () => s(OFFICER, tender, 'tendering'));
    const question = { type: 'ANSWER_CLARIFICATION', question: 'Is it staffed at night?', answer: 'Yes' };
    await s(OFFICER, question, 'tendering');
    await s(OFFICER, { type: 'RECORD_TENDER', supplierId: mountain, pricePence: 228_000_000 }, 'tendering');
    await s(OFFICER, { type: 'RECORD_TENDER', supplierId: solace, pricePence: 215_000_000 }, 'tendering');
    await visit(p, `/cases/${id}`, 'officer-sarc-tendering');
    await h.fire(id, 'CLARIFICATION_CLOSED', 'tendering');
    await h.fire(id, 'TENDER_DEADLINE_PASSED', 'evaluation');
    await visit(p, `/cases/${id}`, 'officer-sarc-scoring');
    await visit(p, `/cases/${id}/events/SCORE_TENDERS`, 'officer-sarc-scoring-form');
    await expect(p.locator('main').innerText()).resolves.toContain('Quality is weighted 70% and price 30%');
    await s(OFFICER, { type: 'SCORE_TENDERS', scores: { [mountain]: 80, [solace]: 70 } }, 'moderation');
    await visit(p, `/cases/${id}`, 'officer-sarc-moderation');
    // The tenders' scores side by side, a column for each figure.
    await expect(p.locator('#case-details').innerText()).resolves.toContain('No partner has decided yet');
    const evaluation = await p.getByRole('table', { name: 'Evaluation' }).innerText();
    expect(evaluation).toContain('Total points');
    expect(evaluation).toContain('£2,150,000.00');
    const moderate = { type: 'MODERATE', preferredBidder: mountain, rationale: 'Highest score' };
    await s(OFFICER, moderate, 'boardDecision');
    await s(OFFICER, { type: 'RECORD_PARTNER_DECISION', partner: 'opcc', agrees: true }, 'boardDecision');
    await visit(p, `/cases/${id}`, 'officer-sarc-board');
    for (const partner of ['nhsEngland', 'countyCouncil'])
      await s(OFFICER, { type: 'RECORD_PARTNER_DECISION', partner, agrees: true }, 'boardDecision');
    const last = { type: 'RECORD_PARTNER_DECISION', partner: 'cityCouncil', agrees: true };
    await s(OFFICER, last, 'awardNotice');
    const notice = { type: 'PUBLISH_AWARD_NOTICE', publishedOn: '2026-03-10' };
    await s(OFFICER, notice, 'standstill');
    await visit(p, `/cases/${id}`, 'officer-sarc-standstill');
    await h.fire(id, 'STANDSTILL_ENDED', 'readyToAward');
    await visit(p, `/cases/${id}`, 'officer-sarc-award');
    await visit(p, `/cases/${id}/events/AWARD_CONTRACT`, 'officer-sarc-award-form');
    await expect(p.locator('main').innerText()).resolves.toContain(
      'tendered £2,280,000.00 for the whole contract',
    );
    const award = {
      type: 'AWARD_CONTRACT',
      startsOn: '2030-04-01',
      endsOn: '2031-03-31',
      valuePence: 200_000_000,
    };
    await h.decide(id, OFFICER, award, 'mobilisation');
    // The service waits for the contract: the page says until when, and offers no button for it.
    await visit(p, `/cases/${id}`, 'officer-sarc-mobilisation');
    await expect(p.locator('#not-yet').innerText()).resolves.toContain(
      '“Start the service” is not possible now: the contract starts on 1 April 2030',
    );
    await expect(p.getByRole('link', { name: 'Start the service' }).count()).resolves.toBe(0);

    const fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
    const grants = await t.programme({ cycle: 'crime-disorder-grant', open: false });
    const grantInput = {
      programmeId: grants.programmeId,
      allocationPence: 1_500_000,
      financialYear: '2026-27',
      purpose: 'Rural theft',
    };
    const grant = await h.allocate(fenland, grantInput);
    await visit(p, `/cases/${grant.id}`, 'officer-crime-disorder-allocated');
    const offer = { type: 'OFFER_CONDITIONS', conditions: 'Quarterly returns', reasons: 'Theft is up' };
    await h.step(grant.id, OFFICER, offer, 'conditionsOffered');
    const partnership = await page(t);
    await signIn(partnership, 'csp@demo.test');
    await visit(partnership, `/cases/${grant.id}`, 'csp-crime-disorder-conditions');
  }, 120_000);

  it('the approver, finance and panel pages', async () => {
    for (const [email, path] of [
      [APPROVER, '/approvals'],
      [APPROVER, `/programmes/${ids.programme}/limits`],
      ['finance@demo.test', '/finance'],
      ['finance@demo.test', '/finance/funds/new'],
      ['panel@demo.test', '/panel'],
    ] as const) {
      const p = await page(t);
      await signIn(p, email);
      await visit(p, path, `${email.split('@')[0]}-${path.slice(1).replace(/[^a-z]+/g, '-')}`);
    }
    // The finance page lists every fund of the shared test database (each test programme's budget
    // line runs over several years): axe takes its time over it on a busy machine.
  }, 90_000);

  it("a payment's case page: finance's approve, reschedule and cancel forms, and the provider's view", async () => {
    // The live agreement is paid quarterly in arrears: its first payment, scheduled.
    const [first] = await paymentHelpers(t).paymentsOf(ids.live);
    expect(first).toMatchObject({ state: 'scheduled', context: { instalment: 1 } });
    const finance = await page(t);
    await signIn(finance, 'finance@demo.test');
    await visit(finance, `/cases/${first!.id}`, 'finance-payment');
    // The case page offers each action as a link to a page of its own, and asks nothing itself.
    await expect(finance.locator('#action-links a').allTextContents()).resolves.toEqual([
      'Approve the payment',
      'Move the payment date',
      'Cancel the payment',
    ]);
    await expect(finance.locator('main form button.govuk-button').count()).resolves.toBe(0);
    const before = (await h.get(first!.id)).body as { state: string; version: number };
    await Promise.all([
      finance.waitForNavigation({ waitUntil: 'load' }),
      finance.getByRole('link', { name: 'Cancel the payment', exact: true }).click(),
    ]);
    await visit(finance, `/cases/${first!.id}/events/CANCEL`, 'finance-payment-cancel');
    // Cancelling cannot be undone: its button warns, and continues to a page that asks first.
    await expect(finance.locator('button.govuk-button--warning').textContent()).resolves.toContain(
      'Continue to cancel the payment',
    );
    await finance.locator('textarea[name="reason"]').fill('Paid by another route');
    await Promise.all([
      finance.waitForNavigation({ waitUntil: 'load' }),
      finance.getByRole('button', { name: 'Continue to cancel the payment', exact: true }).click(),
    ]);
    await screenshot(finance, 'finance-payment-confirm-cancel');
    await expectAccessible(finance);
    await expect(finance.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Are you sure you want to cancel the payment?',
    );
    await expect(finance.locator('.govuk-warning-text').textContent()).resolves.toContain(
      'This cannot be undone. The organisation will be told by email.',
    );
    await expect(finance.locator('#confirm-answers').textContent()).resolves.toContain(
      'Paid by another route',
    );
    const confirm = finance.getByRole('button', { name: 'Cancel the payment', exact: true });
    await expect(confirm.getAttribute('class')).resolves.toContain('govuk-button--warning');
    // Going back instead changes nothing.
    await Promise.all([
      finance.waitForNavigation({ waitUntil: 'load' }),
      finance.getByRole('link', { name: 'No, go back to the case', exact: true }).click(),
    ]);
    expect(new URL(finance.url()).pathname).toBe(`/cases/${first!.id}`);
    expect((await h.get(first!.id)).body).toMatchObject({ state: 'scheduled', version: before.version });
    const provider = await page(t);
    await signIn(provider, PROVIDER);
    await visit(provider, `/cases/${first!.id}`, 'provider-payment');
    await expect(provider.locator('#action-links a').count()).resolves.toBe(0);
  });

  it('the open data page for finance, with a grant made this month and a month typed wrong', async () => {
    const { programmeId } = await t.programme({
      cycle: 'crime-disorder-grant',
      open: false,
      otherYears: NEXT_FIVE_YEARS,
    });
    const fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
    const input = {
      programmeId,
      allocationPence: 1_500_000,
      financialYear: '2031-32',
      purpose: 'Rural theft',
    };
    const grant = await h.allocate(fenland, input);
    const offer = {
      type: 'OFFER_CONDITIONS',
      conditions: 'Quarterly returns\nA lead officer',
      reasons: 'Theft is up',
    };
    await h.step(grant.id, OFFICER, offer, 'conditionsOffered');
    await h.step(grant.id, 'csp@demo.test', { type: 'ACCEPT_CONDITIONS' }, 'live');
    const p = await page(t);
    await signIn(p, 'finance@demo.test');
    await visit(p, '/finance/publications/crime-and-disorder', 'finance-crime-and-disorder');
    await expect(p.getByRole('link', { name: String(grant.reference) }).count()).resolves.toBe(1);
    const wrong = '/finance/publications/crime-and-disorder?month=2026-13';
    await visit(p, wrong, 'finance-crime-and-disorder-error', 400);
    await expect(p.getByRole('alert').textContent()).resolves.toContain('The month must be from 01 to 12');
  });

  it('a decision awaiting signature, as the approver signs it and the officer reads it, then sent back', async () => {
    const { programmeId } = await t.programme({
      cycle: 'crime-disorder-grant',
      open: false,
      otherYears: NEXT_FIVE_YEARS,
    });
    const fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
    const input = {
      programmeId,
      allocationPence: 900_000,
      financialYear: '2031-32',
      purpose: 'Youth diversion',
    };
    const { id } = await h.open(OFFICER, 'crime-disorder-grant', input, fenland);
    await h.hold(id, OFFICER, { type: 'ALLOCATE' });
    const approver = await page(t);
    await signIn(approver, APPROVER);
    // The approver is asked to declare any conflict of interest before the signing forms appear.
    await visit(approver, `/cases/${id}`, 'approver-declares-before-signing');
    // Handing the case to another officer needs no declaration; signing does.
    await expect(approver.locator('#action-links a').allTextContents()).resolves.toEqual([
      'Assign the case to an officer',
    ]);
    await approver.locator('#conflicted-2').check();
    await Promise.all([
      approver.waitForNavigation(),
      approver.getByRole('button', { name: 'Save your declaration' }).click(),
    ]);
    await visit(approver, `/cases/${id}`, 'approver-decision-awaiting-signature');
    await expect(approver.locator('#action-links a').allTextContents()).resolves.toEqual([
      'Sign the decision',
      'Send the decision back',
      'Assign the case to an officer',
    ]);
    // Signing, on its own page, shows what is signed.
    await visit(approver, `/cases/${id}/events/SIGN_DECISION`, 'approver-sign-decision');
    await expect(approver.locator('#held-decision').innerText()).resolves.toContain('£9,000.00');
    await expect(
      approver.getByRole('button', { name: 'Sign the decision', exact: true }).count(),
    ).resolves.toBe(1);
    const officer = await page(t);
    await signIn(officer, OFFICER);
    await visit(officer, `/cases/${id}`, 'officer-decision-awaiting-signature');
    // The officer's decision waits for the approver: nothing about it is theirs to do now.
    for (const action of await officer.locator('#action-links a').allTextContents())
      expect(action).not.toMatch(/decision|allocat/i);
    await h.step(id, APPROVER, { type: 'SEND_BACK_DECISION', reason: 'Too much this year' }, 'proposed');
    await visit(officer, `/cases/${id}`, 'officer-decision-sent-back');
    await expect(officer.getByText('Too much this year').count()).resolves.toBeGreaterThan(0);
  });

  it('the finance reports: reconciliation, the board report with its chart, and a filter typed wrong', async () => {
    const p = await page(t);
    await signIn(p, 'finance@demo.test');
    await visit(p, '/finance/reconciliation', 'finance-reconciliation');
    await visit(p, '/finance/reconciliation?financialYear=2026-28', 'finance-reconciliation-error', 400);
    await visit(p, '/finance/board-report?quarter=2026-27-Q3', 'finance-board-report');
    await expect(p.getByRole('img', { name: /^Budget and paid to date by Police/ }).count()).resolves.toBe(1);
    await visit(p, '/finance/board-report?quarter=2026-27-Q5', 'finance-board-report-error', 400);
    // An ended quarter: finance may close it.
    await visit(p, '/finance/board-report?quarter=2003-04-Q1', 'finance-board-report-to-close');
    await visit(p, '/finance/board-report/close?quarter=2003-04-Q1', 'finance-close-quarter-confirm');
    await visit(p, '/finance/payments', 'finance-payments-run');
    // More payees than a page holds: the list is paged the GOV.UK way, and the second page passes too.
    await t.sql`insert into organisations (name, kind)
      select 'Parish youth club ' || g, 'provider' from generate_series(1, 60) g`;
    await visit(p, '/finance/bank-details', 'finance-bank-details');
    const pages = p.getByRole('navigation', { name: 'Pages of payees' });
    await expect(pages.getByRole('link', { name: /Next/ }).count()).resolves.toBe(1);
    await Promise.all([p.waitForNavigation(), pages.getByRole('link', { name: /Next/ }).click()]);
    expect(new URL(p.url()).search).toBe('?page=2');
    await expect(p.locator('#showing').innerText()).resolves.toMatch(
      /^Showing 51 to \d+ of \d+ payees, by name\.$/,
    );
    await screenshot(p, 'finance-bank-details-page-2');
    await expectAccessible(p);
    await expectPlainWords(p);
    const riverside = await h.organisation((o) => o.name === 'Riverside Youth Trust');
    await visit(p, `/finance/bank-details/${riverside}`, 'finance-bank-details-form');
    await p.fill('#sortCode', '12-34');
    await Promise.all([
      p.waitForNavigation({ waitUntil: 'load' }),
      p.getByRole('button', { name: 'Enter the change' }).click(),
    ]);
    await screenshot(p, 'finance-bank-details-errors');
    await expectAccessible(p);
  });

  it('the provider files a monitoring return through the page', async () => {
    const p = await page(t);
    // On the day its quarter (April to June 2027) ends, when it can be submitted: the app's clock
    // stands on that day while the provider signs in and files it.
    await t.onDay('2027-06-30', async () => {
      await signIn(p, PROVIDER);
      await visit(p, '/my-work', 'provider-my-work');
      await visit(p, `/cases/${ids.live}`, 'provider-award-with-returns');
      // The award lists its payments and its returns, each linked; the return links back to it.
      const returns = p.locator('table[data-cycle="Monitoring return"] tbody tr');
      await expect(returns.count()).resolves.toBe(4);
      await expect(returns.first().innerText()).resolves.toContain('Quarter 1 return, 2027-28');
      await expect(p.locator('table[data-cycle="Payment"] tbody tr').count()).resolves.toBe(4);
      await visit(p, `/cases/${ids.monitoringReturn}`, 'provider-return');
      const award = p.locator('#case-summary a', { hasText: /^VS-\d{6}: / });
      await expect(award.getAttribute('href')).resolves.toBe(`/cases/${ids.live}`);
      await Promise.all([
        p.waitForNavigation({ waitUntil: 'load' }),
        p.getByRole('link', { name: 'Submit the monitoring return', exact: true }).click(),
      ]);
      await visit(p, `/cases/${ids.monitoringReturn}/events/SUBMIT_RETURN`, 'provider-return-form');
      await p.fill('#performance', 'All sessions delivered');
      // A figure for each of the programme's measures: victims supported, by its parts, and cope-and-recover.
      await p.fill('#measures-victimsSupported', '42');
      await p.fill('#measures-victimsSupported-Domestic-abuse', '30');
      await p.fill('#measures-victimsSupported-Sexual-violence', '8');
      await p.fill('#measures-victimsSupported-Other-crime', '3');
      await p.fill('#measures-copeAndRecover', '81.5');
      await p.fill('#spendPence', '3,750.25');
      const submit = () =>
        Promise.all([
          p.waitForNavigation({ waitUntil: 'load' }),
          p.getByRole('button', { name: 'Submit the monitoring return', exact: true }).click(),
        ]);
      await submit();
      // Parts that do not add up: said on the part's measure, everything typed kept.
      await expect(p.locator('.govuk-error-summary').innerText()).resolves.toContain(
        'Victims supported: the parts add up to 41, but the total is 42',
      );
      await screenshot(p, 'provider-return-parts-do-not-add-up');
      await expect(p.inputValue('#measures-copeAndRecover')).resolves.toBe('81.5');
      await expect(p.inputValue('#performance')).resolves.toBe('All sessions delivered');
      await p.fill('#measures-victimsSupported-Other-crime', '4');
      await submit();
    });
    await screenshot(p, 'provider-return-filed');
    await expectAccessible(p);
    const filed = (await h.get(ids.monitoringReturn)).body as {
      state: string;
      context: { latestReturn: object };
    };
    expect(filed.state).toBe('submitted');
    expect(filed.context.latestReturn).toMatchObject({
      measures: {
        victimsSupported: {
          value: 42,
          breakdown: { 'Domestic abuse': 30, 'Sexual violence': 8, 'Other crime': 4 },
        },
        copeAndRecover: { value: 81.5 },
      },
      spendPence: 375_025,
    });
    // The case page reads the figures in the programme's words.
    await expect(p.locator('main').innerText()).resolves.toContain(
      'Victims supported: 42 (Domestic abuse 30, Sexual violence 8, Other crime 4)',
    );
  });
});
