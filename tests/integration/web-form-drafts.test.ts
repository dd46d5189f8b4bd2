// "Save and come back later" on the case page: a person's half-filled form is kept for them alone,
// changes nothing about the case, shows again next time, and goes once the form is really sent.
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { SAVED_MESSAGE } from '../../src/http/web/case-forms.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { errorSummaryOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const PROVIDER: DemoEmail = 'provider@demo.test';
const OFFICER: DemoEmail = 'officer@demo.test';
type Agent = ReturnType<typeof request.agent>;

const hidden = (html: string, name: string) =>
  new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const signIn = (email: DemoEmail) => signedIn(t.baseUrl, email, DEMO_PASSWORD);

async function casePage(agent: Agent, id: string) {
  const res = await agent.get(`/cases/${id}`);
  return { res, html: res.text, csrf: hidden(res.text, '_csrf'), version: hidden(res.text, 'version') };
}
/** One action's page, with its form. */
const actionPage = (agent: Agent, id: string, type: string) => casePage(agent, `${id}/events/${type}`);

const apiCase = async (id: string) => (await t.http.get(`/api/cases/${id}`).set(t.as(OFFICER))).body;
const apiHistory = async (id: string) =>
  (await t.http.get(`/api/cases/${id}/history`).set(t.as(OFFICER))).body.items as unknown[];
const draftRows = (id: string) =>
  t.sql`select user_id, event_type, fields from form_drafts where case_id = ${id} order by event_type`;

describe('save and come back later', () => {
  it('offers a secondary save button on every action form', async () => {
    const id = await t.openCase(PROVIDER, 'Buttons');
    const provider = await signIn(PROVIDER);
    expect((await casePage(provider, id)).html).toContain(`href="/cases/${id}/bid"`);
    const { html } = await actionPage(provider, id, 'WITHDRAW');
    const saves = [...html.matchAll(/<button [^>]*>\s*Save and come back later\s*<\/button>/g)].map(
      (m) => m[0],
    );
    // The bid itself is answered on its task list (bid-pages.ts), not in a form on the case.
    expect(saves).toHaveLength(1);
    for (const button of saves) {
      expect(button).toContain('value="save"');
      expect(button).toContain('name="_action"');
      expect(button).toContain('govuk-button--secondary');
    }
  });

  it('keeps a half-filled form for that person only, changing nothing about the case', async () => {
    const id = await t.openCase(PROVIDER, 'Half done');
    const before = await apiCase(id);
    const historyBefore = await apiHistory(id);
    const provider = await signIn(PROVIDER);
    const { csrf, version } = await actionPage(provider, id, 'WITHDRAW');

    const res = await provider.post(`/cases/${id}/events/SUBMIT`).type('form').send({
      _csrf: csrf,
      version,
      _action: 'save',
      title: 'Half a title',
      amountRequestedPence: '1,234.56',
    });
    expect(res.status, res.text).toBe(303);
    expect(res.headers.location).toBe(`/cases/${id}?saved=SUBMIT`);

    const after = await apiCase(id);
    expect(after.version).toBe(before.version);
    expect(after.state).toBe(before.state);
    expect(after.context).toEqual(before.context);
    expect(await apiHistory(id)).toEqual(historyBefore);
    const rows = await draftRows(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.fields).toEqual({ title: 'Half a title', amountRequestedPence: '1,234.56' });

    const banner = await provider.get(res.headers.location as string);
    expect(banner.text).toContain(SAVED_MESSAGE);

    // Next time: the case says what was saved; its page shows the typed values over the case's
    // defaults, and the summary stays empty.
    expect((await casePage(provider, id)).html).toMatch(
      /href="\/cases\/[^"]+\/events\/SUBMIT"[^>]*>Submit the bid<\/a>\s*<p class="govuk-hint[^"]*">You saved some answers to this\./,
    );
    const { html } = await actionPage(provider, id, 'SUBMIT');
    expect(html).not.toContain(SAVED_MESSAGE);
    expect(html).toMatch(/<input[^>]*id="title" name="title" type="text" value="Half a title"/);
    expect(html).toMatch(/name="amountRequestedPence"[^>]*value="1,234.56"/);
    expect(html).not.toContain('govuk-error-summary');

    // The officer sees the case's own defaults, never the provider's draft.
    const officer = await casePage(await signIn(OFFICER), id);
    expect(officer.res.status).toBe(200);
    expect(officer.html).not.toContain('Half a title');
    expect(officer.html).not.toContain('1,234.56');
  });

  it('clears the draft when the form is sent successfully', async () => {
    const id = await t.openCase(PROVIDER, 'Send it');
    const provider = await signIn(PROVIDER);
    let page = await actionPage(provider, id, 'WITHDRAW');
    await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ _csrf: page.csrf, version: page.version, _action: 'save', title: 'Drafted' })
      .expect(303);
    expect(await draftRows(id)).toHaveLength(1);

    // A failed send keeps the draft.
    page = await actionPage(provider, id, 'SUBMIT');
    const failed = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ _csrf: page.csrf, version: page.version, title: 'Drafted', amountRequestedPence: 'lots' });
    expect(failed.status).toBe(422);
    expect(await draftRows(id)).toHaveLength(1);

    const sent = await provider.post(`/cases/${id}/events/SUBMIT`).type('form').send({
      _csrf: page.csrf,
      version: page.version,
      title: 'Drafted',
      summary: 'All of it',
      amountRequestedPence: '1,234.56',
    });
    expect(sent.status, sent.text).toBe(303);
    expect(sent.headers.location).toBe(`/cases/${id}?done=SUBMIT`);
    expect((await apiCase(id)).state).toBe('submitted');
    expect(await draftRows(id)).toHaveLength(0);
  });

  it('refuses to save a form the person may not send, and stores nothing', async () => {
    const id = await t.openCase(PROVIDER, 'Not yours');
    const officer = await signIn(OFFICER);
    const { csrf, version } = await casePage(officer, id);
    const res = await officer
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ _csrf: csrf, version, _action: 'save', title: 'Officer typed this' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Not allowed');
    expect(await draftRows(id)).toHaveLength(0);
  });

  it('saves even when the case has moved on since the page was loaded (no version needed)', async () => {
    const id = await t.openCase(PROVIDER, 'Old page');
    const provider = await signIn(PROVIDER);
    const { csrf } = await casePage(provider, id);
    const res = await provider
      .post(`/cases/${id}/events/WITHDRAW`)
      .type('form')
      .send({ _csrf: csrf, version: '99', _action: 'save', reason: 'Changed our minds' });
    expect(res.status, res.text).toBe(303);
    expect(res.headers.location).toBe(`/cases/${id}?saved=WITHDRAW`);
    const rows = await draftRows(id);
    expect(rows.map((r) => r.event_type)).toEqual(['WITHDRAW']);
    expect((await actionPage(provider, id, 'WITHDRAW')).html).toContain('Changed our minds');
  });

  it('refuses, with the error summary, a form too big to save', async () => {
    const id = await t.openCase(PROVIDER, 'Too long');
    const provider = await signIn(PROVIDER);
    const { csrf, version } = await actionPage(provider, id, 'WITHDRAW');
    const long = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ _csrf: csrf, version, _action: 'save', title: 'ok', summary: 'x'.repeat(10_001) });
    expect(long.status).toBe(422);
    expect(errorSummaryOf(long.text)).toEqual([
      { href: '#summary', text: 'Summary of the project must be 10,000 characters or fewer to save it' },
    ]);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`extra${i}`, 'x']));
    const wide = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ _csrf: csrf, version, _action: 'save', ...many });
    expect(wide.status).toBe(422);
    expect(errorSummaryOf(wide.text).map((e) => e.text)).toEqual([
      'A form can only be saved with up to 50 answers',
    ]);
    expect(await draftRows(id)).toHaveLength(0);
  });
});
