// Internal notes on a case: staff add them on a page of their own and read them on the case and in
// its history; the provider and the panel never see them, nor may they add one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { csrfOf, errorSummaryOf, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
beforeAll(async () => {
  t = await startTestApp();
  provider = await providerWithPassword(t, 'Notes Trust');
  b = bids(t, provider);
});
afterAll(() => t.close());

const notesOf = async (id: string) =>
  (await t.sql`select body from case_notes where case_id = ${id} order by at`).map((r) => r.body as string);

describe('internal notes on a case', () => {
  it('an officer adds one, with errors in plain words, and staff read it on the case and in its history', async () => {
    const id = await b.inPanelReview(t.youthFund.programmeId);
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = await officer.get(`/cases/${id}`);
    expect(page.text).toContain('<h2 class="govuk-heading-m" id="case-notes">Internal notes</h2>');
    expect(page.text).toContain(`href="/cases/${id}/notes/new"`);
    const form = await officer.get(`/cases/${id}/notes/new`);
    expect(form.status).toBe(200);
    const post = (body: string) =>
      officer
        .post(`/cases/${id}/notes/new`)
        .type('form')
        .send({ _csrf: csrfOf(form.text), body });

    const blank = await post('   ');
    expect(blank.status).toBe(422);
    expect(errorSummaryOf(blank.text)).toEqual([{ href: '#body', text: 'Enter the note' }]);
    const long = await post('x'.repeat(5001));
    expect(long.status).toBe(422);
    expect(errorSummaryOf(long.text)).toEqual([
      { href: '#body', text: 'The note must be 5,000 characters or fewer' },
    ]);
    // What was typed is kept.
    expect(long.text).toContain('x'.repeat(5001));
    expect(await notesOf(id)).toEqual([]);

    const added = await post('Rang the trust: the youth worker starts in May.\nFollow up in June.');
    expect(added.status, added.text).toBe(303);
    expect(added.headers.location).toBe(`/cases/${id}?done=note#case-notes`);
    const after = (await officer.get(added.headers.location!)).text;
    expect(after).toContain('Your note was added. Only staff can see it.');
    const list = /id="case-note-list"[\s\S]*?<\/dl>/.exec(after)?.[0] ?? '';
    expect(list).toContain('Olivia Officer');
    expect(list).toContain('Rang the trust: the youth worker starts in May.<br />');
    const history = /id="case-history"[\s\S]*?<\/table>/.exec(after)?.[0] ?? '';
    expect(history).toMatch(
      /Staff only<\/strong> Internal note<br><span class="govuk-body-s">Rang the trust/,
    );
    // Another member of staff reads it too.
    const finance = await signedIn(t.baseUrl, 'finance@demo.test', DEMO_PASSWORD);
    expect((await finance.get(`/cases/${id}`)).text).toContain('Rang the trust');
  });

  it('the provider and the panel never see a note, and may not add one', async () => {
    const id = await b.inPanelReview(t.youthFund.programmeId);
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const form = await officer.get(`/cases/${id}/notes/new`);
    await officer
      .post(`/cases/${id}/notes/new`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), body: 'Worried about their accounts' })
      .expect(303);

    const own = await signedIn(t.baseUrl, provider.email, provider.password);
    const theirs = await own.get(`/cases/${id}`);
    expect(theirs.status).toBe(200);
    expect(theirs.text).not.toContain('Worried about their accounts');
    expect(theirs.text).not.toContain('Internal note');
    expect((await own.get(`/cases/${id}/notes/new`)).status).toBe(403);
    const tried = await own
      .post(`/cases/${id}/notes/new`)
      .type('form')
      .send({ _csrf: csrfOf(theirs.text), body: 'A provider writing' });
    expect(tried.status).toBe(403);

    const panel = await signedIn(t.baseUrl, 'panel@demo.test', DEMO_PASSWORD);
    const panels = await panel.get(`/cases/${id}`);
    expect(panels.status).toBe(200);
    expect(panels.text).not.toContain('Worried about their accounts');
    expect((await panel.get(`/cases/${id}/notes/new`)).status).toBe(403);
    expect(await notesOf(id)).toEqual(['Worried about their accounts']);
  });
});
