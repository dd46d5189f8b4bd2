// Officers open the cases of a staff-run cycle on its programme's page: a SARC procurement (for the
// Commissioner's office, without asking) and a crime and disorder grant (for the partnership chosen).
// Bad answers are shown on the page in plain English, naming the question, and nothing is opened.
// Cycles whose cases come from bids have a round instead, and no such form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { csrfOf, errorSummaryOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const casesOf = async (programmeId: string) =>
  (await t.sql`select count(*)::int as n from cases where programme_id = ${programmeId}`)[0]!.n as number;

describe('opening a case on its programme', () => {
  it('opens a SARC procurement for the Commissioner’s office, refusing bad answers with nothing opened', async () => {
    const { programmeId } = await t.programme({ cycle: 'sarc-recommissioning', open: false });
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = await officer.get(`/programmes/${programmeId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Open a new case');
    expect(page.text).toContain('Contract value');
    // A procurement has no round, and whom it is for is not asked: there is one commissioner.
    expect(page.text).not.toContain('Open the round');
    expect(page.text).not.toContain('name="organisationId"');

    const bad = await officer
      .post(`/programmes/${programmeId}/cases`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), contractValuePence: 'lots' });
    expect(bad.status).toBe(422);
    expect(errorSummaryOf(bad.text).map((e) => e.text)).toEqual([
      expect.stringMatching(/^Contract value: enter an amount in pounds/i),
    ]);
    expect(await casesOf(programmeId)).toBe(0);

    const good = await officer
      .post(`/programmes/${programmeId}/cases`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), title: 'SARC 2028', contractValuePence: '2400000.00' });
    expect(good.status, good.text).toBe(303);
    const opened = await officer.get(good.headers.location!);
    expect(opened.text).toContain('SARC 2028');
    expect(opened.text).toContain('Writing the specification');
    expect(opened.text).toContain('£2,400,000.00');
    expect(await casesOf(programmeId)).toBe(1);
  });

  it('opens a crime and disorder grant for the partnership chosen, and asks for one when none is', async () => {
    const { programmeId } = await t.programme({ cycle: 'crime-disorder-grant', open: false });
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = await officer.get(`/programmes/${programmeId}`);
    expect(page.text).toContain('Fenland Community Safety Partnership');
    // Nothing answered: every question says what it needs, at once.
    const empty = await officer
      .post(`/programmes/${programmeId}/cases`)
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(empty.status).toBe(422);
    expect(errorSummaryOf(empty.text).map((e) => e.href)).toEqual([
      '#open-organisationId',
      '#open-allocationPence',
      '#open-financialYear',
      '#open-purpose',
    ]);
    // The financial year is a short answer, not a box of text.
    expect(page.text).toMatch(/<input[^>]+id="open-financialYear"/);
    const answers = { allocationPence: '60000.00', financialYear: '2026-27', purpose: 'Reduce rural theft' };
    const unchosen = await officer
      .post(`/programmes/${programmeId}/cases`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), ...answers });
    expect(unchosen.status).toBe(422);
    expect(errorSummaryOf(unchosen.text)).toEqual([
      { href: '#open-organisationId', text: 'Organisation: Choose the organisation the case is for' },
    ]);
    expect(await casesOf(programmeId)).toBe(0);
    const [csp] =
      await t.sql`select id from organisations where name = 'Fenland Community Safety Partnership'`;
    const good = await officer
      .post(`/programmes/${programmeId}/cases`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), ...answers, organisationId: csp!.id });
    expect(good.status, good.text).toBe(303);
    const [row] =
      await t.sql`select organisation_id, officer_id from cases where programme_id = ${programmeId}`;
    const [me] = await t.sql`select id from users where email = 'officer@demo.test'`;
    expect(row).toEqual({ organisation_id: csp!.id, officer_id: me!.id });
  });

  it('a programme of bids has its round and no such form; a provider cannot open a case there', async () => {
    const { programmeId } = await t.programme({ cycle: 'youth-fund', open: false });
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = await officer.get(`/programmes/${programmeId}`);
    expect(page.text).toContain('Open the round');
    expect(page.text).not.toContain('Open a new case');
    const refused = await officer
      .post(`/programmes/${programmeId}/cases`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), title: 'Club' });
    expect(refused.status).toBe(403);
    expect(await casesOf(programmeId)).toBe(0);
  });
});
