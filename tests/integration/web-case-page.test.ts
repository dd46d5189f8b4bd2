// The case page over HTTP without a browser: summary, history, the forms this person may use, and
// what happens to a form that is valid, invalid, stale, forged or aimed at someone else's case.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { STALE_MESSAGE } from '../../src/http/web/case-page.ts';
import { POUNDS_ERROR } from '../../src/http/web/form-answers.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const PROVIDER: DemoEmail = 'provider@demo.test';
const PROVIDER2: DemoEmail = 'provider2@demo.test';
const OFFICER: DemoEmail = 'officer@demo.test';
const PANEL: DemoEmail = 'panel@demo.test';

type Agent = ReturnType<typeof request.agent>;

const hidden = (html: string, name: string) =>
  new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

async function signIn(email: DemoEmail): Promise<Agent> {
  const agent = request.agent(t.baseUrl);
  // The sign-in form carries a token matching a cookie of its own (there is no session yet).
  const form = await agent.get('/sign-in');
  const _signin = hidden(form.text, '_signin');
  const res = await agent.post('/sign-in').type('form').send({ email, password: DEMO_PASSWORD, _signin });
  expect(res.status, res.text).toBe(303);
  return agent;
}

/** The page, and the CSRF token and version its forms carry. */
async function casePage(agent: Agent, id: string) {
  const res = await agent.get(`/cases/${id}`);
  return { res, html: res.text, csrf: hidden(res.text, '_csrf'), version: hidden(res.text, 'version') };
}
/** One action's page, with its form. */
const actionPage = (agent: Agent, id: string, type: string) => casePage(agent, `${id}/events/${type}`);

const apiCase = async (id: string) => (await t.http.get(`/api/cases/${id}`).set(t.as(OFFICER))).body;
const apiHistory = async (id: string) =>
  (await t.http.get(`/api/cases/${id}/history`).set(t.as(OFFICER))).body.items as unknown[];
/** The actions a case page offers, each a link to its own page. */
const formsOn = (html: string) =>
  [...html.matchAll(/<a [^>]*href="\/cases\/[^/"]+\/events\/([A-Z_]+)"/g)].map((m) => m[1]);

const validBid = {
  title: 'Football kit',
  summary: 'Kit for the under-14s',
  amountRequestedPence: '4,500.10',
};

describe('the case page', () => {
  it('sends people who are not signed in to sign in, then back', async () => {
    const id = await t.openCase(PROVIDER, 'Anonymous look');
    const res = await request(t.baseUrl).get(`/cases/${id}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/cases/${id}`)}`);
  });

  it('shows the summary, history, diagram and only the forms this person may use', async () => {
    const id = await t.openCase(PROVIDER, 'Summer youth club');
    const { reference } = await apiCase(id);
    const provider = await signIn(PROVIDER);
    const { res, html } = await casePage(provider, id);
    expect(res.status).toBe(200);
    expect(html).toContain(`<title>${reference}: Summer youth club – OPCC Commissioning</title>`);
    expect(html).toMatch(
      /<h1 class="govuk-heading-l">\s*<span class="govuk-caption-l">YF-\d{6}<\/span>\s*Summer youth club/,
    );
    for (const text of [
      'Youth Fund grant',
      'Draft bid',
      'Riverside Youth Trust',
      'Test programme',
      'Last updated',
    ])
      expect(html).toContain(text);
    // History: who, what and when.
    expect(html).toMatch(/<caption[^>]*>What has happened to this case, oldest first<\/caption>/);
    expect(html).toContain('Priya Provider (provider)');
    expect(html).toContain('Opened');
    // The cap reads as pounds, not pence.
    expect(html).toContain('£5,000.00');
    // A provider in draft may withdraw here; the bid itself is answered on its task list.
    expect(formsOn(html)).toEqual(['WITHDRAW']);
    expect(html).toMatch(/<a class="govuk-button"[^>]*href="\/cases\/[^"]+\/bid"[^>]*>\s*Continue the bid/);
    // The case page offers actions; it asks nothing itself.
    expect(html).not.toContain('<form method="post" action="/cases/');
    expect(html).toContain('This cannot be undone: you are asked to confirm it first.');
    // Withdrawing cannot be undone: its own page asks for the reasons, and its button warns and only
    // continues to a page that asks "are you sure?" (tests/integration/irreversible.test.ts follows it).
    const withdraw = await actionPage(provider, id, 'WITHDRAW');
    expect(withdraw.res.status).toBe(200);
    expect(withdraw.html).toContain(`<title>Withdraw the bid – OPCC Commissioning</title>`);
    expect(withdraw.html).toContain(`<a href="/cases/${id}" class="govuk-back-link">Back to the case</a>`);
    expect(withdraw.html.match(/<form method="post" action="\/cases\/[^"]+"/g)).toEqual([
      `<form method="post" action="/cases/${id}/events/WITHDRAW"`,
    ]);
    expect(withdraw.html).toMatch(
      /<label class="govuk-label govuk-label--s" for="reason">\s*Why you are withdrawing the bid\s*<\/label>/,
    );
    expect(withdraw.html).not.toContain('Reason (optional)');
    expect(withdraw.html).toMatch(
      /<button[^>]*class="govuk-button govuk-button--warning"[^>]*>\s*Continue to withdraw the bid\s*<\/button>/,
    );
    expect(withdraw.html.match(/govuk-button--warning/g)).toHaveLength(1);
    // Not this person's to do now: said on the case, not offered as a form.
    const notNow = await actionPage(provider, id, 'ACCEPT_OFFER');
    expect(notNow.res.status).toBe(409);
    expect(notNow.html).toContain('“Accept the offer” is not something you can do on this case now');
    expect(notNow.html).not.toContain(`action="/cases/${id}/events/ACCEPT_OFFER"`);
    expect((await actionPage(provider, id, 'NOPE')).res.status).toBe(404);
    // The bid's section asks the amount in pounds, and starts from the title it was opened with.
    const section = await provider.get(`/cases/${id}/bid/sections/s1`);
    expect(section.status).toBe(200);
    expect(section.text).toContain('in pounds, for example 4500.00');
    expect(section.text).toContain('<div class="govuk-input__prefix" aria-hidden="true">£</div>');
    expect(section.text).toMatch(/<input[^>]*id="title" name="title" type="text" value="Summer youth club"/);
    // The machine, with the current stage highlighted and said in words.
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-label="Diagram of the stages of Youth Fund grant/);
    expect(html).toMatch(/<g aria-current="step"><rect[^>]*fill="#ffdd00"/);
    expect(html).toContain(
      'Current stage: Draft bid. Next stages: Bid submitted, awaiting eligibility check; Withdrawn.',
    );

    const panel = await signIn(PANEL);
    const asPanel = await casePage(panel, id);
    expect(asPanel.res.status).toBe(200);
    expect(formsOn(asPanel.html)).toEqual([]);
    expect(asPanel.html).toContain('There is nothing for you to do on this case at the moment.');
  });

  it('says what will happen to the case by itself, and when: its timers, in words', async () => {
    const { roundId } = await t.programme({ closesAt: '2027-01-31T23:59:00Z' });
    const { html } = await casePage(await signIn(OFFICER), roundId!);
    expect(html).toContain('<h2 class="govuk-heading-m" id="coming-up">Coming up</h2>');
    expect(html).toMatch(/<li>Bids closed at the deadline: [^<]*31 January 2027[^<]*<\/li>/);
  });

  it('submits a bid in pounds, stores exact pence, and says it was done', async () => {
    const id = await t.openCase(PROVIDER, 'Kit');
    const provider = await signIn(PROVIDER);
    const { csrf, version } = await actionPage(provider, id, 'WITHDRAW');
    expect(version).toBe('1');
    const res = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ ...validBid, _csrf: csrf, version });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cases/${id}?done=SUBMIT`);
    const kase = await apiCase(id);
    expect(kase.state).toBe('submitted');
    expect(kase.context.amountRequestedPence).toBe(450_010);
    expect(kase.context.title).toBe('Football kit');

    const after = await provider.get(`/cases/${id}?done=SUBMIT`);
    expect(after.text).toContain('govuk-notification-banner--success');
    expect(after.text).toContain('Submit the bid: done');
    expect(after.text).toContain(
      'This case is now at the stage “Bid submitted, awaiting eligibility check”.',
    );
    expect(after.text).toContain('£4,500.10');
    expect(after.text).toContain('Bid submitted, awaiting eligibility check');
    expect(formsOn(after.text)).toEqual(['WITHDRAW']);

    // The officer sees their own choices now (and may hand the case to another officer), the panel none.
    const officer = await signIn(OFFICER);
    expect(formsOn((await casePage(officer, id)).html)).toEqual([
      'CONFIRM_ELIGIBLE',
      'REJECT_INELIGIBLE',
      'REASSIGN_CASE',
    ]);
    expect(formsOn((await casePage(await signIn(PANEL), id)).html)).toEqual([]);
  });

  it('shows every problem with an invalid form, keeps what was typed, and writes nothing', async () => {
    const id = await t.openCase(PROVIDER, 'Invalid');
    const provider = await signIn(PROVIDER);
    const { csrf, version } = await actionPage(provider, id, 'WITHDRAW');
    const res = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ title: '', summary: 'What we typed', amountRequestedPence: '12.345', _csrf: csrf, version });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Error: ');
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('There is a problem');
    // Each error names its question, in the summary and at the field alike.
    expect(res.text).toContain(
      `<a href="#amountRequestedPence">Amount requested: ${POUNDS_ERROR.charAt(0).toLowerCase()}${POUNDS_ERROR.slice(1)}</a>`,
    );
    expect(res.text).toContain('<a href="#title">Enter the project title</a>');
    expect(res.text).toMatch(
      /<p id="title-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> Enter the project title/,
    );
    expect(res.text).toMatch(
      /id="amountRequestedPence-error" class="govuk-error-message">[\s\S]*?Amount requested: enter an amount in pounds/,
    );
    expect(res.text).toMatch(/<input[^>]*id="amountRequestedPence"[^>]*value="12.345"/);
    expect(res.text).toContain('What we typed</textarea>');
    expect(res.text).toMatch(/<input[^>]*id="title" name="title" type="text" value=""/);

    // Over the programme's cap: the machine's rule, on the right field, with the pounds as typed.
    const over = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ ...validBid, amountRequestedPence: '£6,000', _csrf: csrf, version });
    expect(over.status).toBe(422);
    expect(over.text).toContain(
      '<a href="#amountRequestedPence">Amount requested: the most you can ask for is £5,000.00</a>',
    );
    expect(over.text).toMatch(/<input[^>]*id="amountRequestedPence"[^>]*value="£6,000"/);
    expect(over.text).toMatch(/<input[^>]*id="title"[^>]*value="Football kit"/);

    const kase = await apiCase(id);
    expect(kase).toMatchObject({ state: 'draft', version: 1 });
    expect(kase.context.amountRequestedPence).toBeNull();
    expect(await apiHistory(id)).toHaveLength(1);
  });

  it('takes dates as day, month and year, and points a bad date at its day', async () => {
    const id = await t.openCase(PROVIDER, 'Dates');
    const provider = await signIn(PROVIDER);
    let page = await actionPage(provider, id, 'WITHDRAW');
    await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ ...validBid, _csrf: page.csrf, version: page.version });
    const officer = await signIn(OFFICER);
    page = await actionPage(officer, id, 'CONFIRM_ELIGIBLE');
    await officer
      .post(`/cases/${id}/events/CONFIRM_ELIGIBLE`)
      .type('form')
      .send({ _csrf: page.csrf, version: page.version });

    const panel = await signIn(PANEL);
    page = await casePage(panel, id);
    // The panel decides only once the member has declared no conflict of interest in the bid.
    expect(formsOn(page.html)).toEqual([]);
    expect(page.html).toContain(`action="/cases/${id}/declaration"`);
    // A decision's own page sends them to the declaration first.
    const early = await actionPage(panel, id, 'APPROVE');
    expect(early.res.status).toBe(303);
    expect(early.res.headers.location).toBe(`/cases/${id}#declaration`);
    const declared = await panel
      .post(`/cases/${id}/declaration`)
      .type('form')
      .send({ conflicted: 'no', reason: '', _csrf: page.csrf });
    expect(declared.status, declared.text).toBe(303);
    page = await casePage(panel, id);
    expect(formsOn(page.html)).toEqual(['APPROVE', 'DECLINE']);
    expect(page.html).not.toContain(`action="/cases/${id}/declaration"`);
    page = await actionPage(panel, id, 'APPROVE');
    // No panel member scored this bid, so each decision says why it is made without them.
    const quorumReason = 'Decided at the panel meeting';
    const bad = await panel.post(`/cases/${id}/events/APPROVE`).type('form').send({
      amountPence: '4000',
      'reportDueOn-day': '31',
      'reportDueOn-month': '6',
      'reportDueOn-year': '2031',
      quorumReason,
      _csrf: page.csrf,
      version: page.version,
    });
    expect(bad.status).toBe(422);
    // Approving and declining both ask for the quorum reason, so each form's ids carry its event.
    expect(bad.text).toContain(
      '<a href="#reportDueOn-day">End-of-grant report due on must be a real date</a>',
    );
    expect(bad.text).toMatch(/id="reportDueOn-day" name="reportDueOn-day" type="text" value="31"/);
    expect(bad.text).toMatch(/id="quorumReason" name="quorumReason"[^>]*>Decided at the panel meeting</);
    expect((await apiCase(id)).state).toBe('panelReview');
    // A real date, but in the past: the engine's rule, pointed at the date's day.
    const past = await panel.post(`/cases/${id}/events/APPROVE`).type('form').send({
      amountPence: '4000',
      'reportDueOn-day': '30',
      'reportDueOn-month': '6',
      'reportDueOn-year': '2020',
      quorumReason,
      _csrf: page.csrf,
      version: page.version,
    });
    expect(past.status).toBe(422);
    expect(past.text).toMatch(
      /<a href="#reportDueOn-day">End-of-grant report due on: enter a date that is not in the past: today is \d{1,2} [A-Z][a-z]+ \d{4}<\/a>/,
    );
    expect((await apiCase(id)).state).toBe('panelReview');

    // Without the quorum reason the rulebook refuses it, pointing at that field.
    const short = await panel.post(`/cases/${id}/events/APPROVE`).type('form').send({
      amountPence: '4000',
      'reportDueOn-day': '30',
      'reportDueOn-month': '6',
      'reportDueOn-year': '2031',
      quorumReason: '',
      _csrf: page.csrf,
      version: page.version,
    });
    expect(short.status).toBe(422);
    expect(short.text).toContain(
      '<a href="#quorumReason">Why go ahead with fewer panel scores than needed: say why you go ahead when no panel member has scored (2 are needed)</a>',
    );
    expect((await apiCase(id)).state).toBe('panelReview');

    const good = await panel.post(`/cases/${id}/events/APPROVE`).type('form').send({
      amountPence: '4000',
      'reportDueOn-day': '30',
      'reportDueOn-month': '6',
      'reportDueOn-year': '2031',
      quorumReason,
      _csrf: page.csrf,
      version: page.version,
    });
    expect(good.status).toBe(303);
    expect((await apiCase(id)).context).toMatchObject({ awardedPence: 400_000, reportDueOn: '2031-06-30' });
    const after = await casePage(panel, id);
    expect(after.html).toContain('30 June 2031');
    expect(after.html).toContain('Pat Panel (panel)');
    expect(after.html).toContain('Approve a grant');
  });

  it('says plainly when someone else acted first, and saves nothing', async () => {
    const id = await t.openCase(PROVIDER, 'Stale');
    const provider = await signIn(PROVIDER);
    const { csrf, version } = await actionPage(provider, id, 'WITHDRAW');
    // Someone else submits the bid while the page is open.
    const other = await t.http
      .post(`/api/cases/${id}/events`)
      .set(t.as(PROVIDER))
      .send({ type: 'SUBMIT', title: 'First', summary: 'First in', amountRequestedPence: 100 });
    expect(other.status).toBe(200);

    const res = await provider
      .post(`/cases/${id}/events/WITHDRAW`)
      .type('form')
      .send({ reason: 'Changed our minds', _csrf: csrf, version });
    expect(res.status).toBe(409);
    expect(res.text).toContain(STALE_MESSAGE);
    expect(res.text).toContain('govuk-notification-banner');
    // An invalid stale form is still stale, not an error list.
    const invalid = await provider
      .post(`/cases/${id}/events/WITHDRAW`)
      .type('form')
      .send({ reason: '', _csrf: csrf, version: '0' });
    expect(invalid.status).toBe(409);
    expect(invalid.text).toContain(STALE_MESSAGE);
    const staleSubmit = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ ...validBid, amountRequestedPence: 'lots', _csrf: csrf, version });
    expect(staleSubmit.status).toBe(409);
    expect(staleSubmit.text).toContain(STALE_MESSAGE);

    const kase = await apiCase(id);
    expect(kase).toMatchObject({ state: 'submitted', version: 2 });
    expect(kase.context.title).toBe('First');
    expect(await apiHistory(id)).toHaveLength(2);
  });

  it('refuses a form without the right CSRF token and writes nothing', async () => {
    const id = await t.openCase(PROVIDER, 'Forged');
    const provider = await signIn(PROVIDER);
    const { version, csrf } = await actionPage(provider, id, 'WITHDRAW');
    const without = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ ...validBid, version });
    expect(without.status).toBe(403);
    expect(without.text).toContain('This form has expired');
    const wrong = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ ...validBid, version, _csrf: `${csrf.slice(0, -2)}xx` });
    expect(wrong.status).toBe(403);
    // Another person's token is not this session's.
    const other = await casePage(await signIn(PROVIDER), id);
    expect(other.csrf).not.toBe(csrf);
    const borrowed = await provider
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ ...validBid, version, _csrf: other.csrf });
    expect(borrowed.status).toBe(403);
    expect(await apiCase(id)).toMatchObject({ state: 'draft', version: 1 });
  });

  it("does not show a provider another organisation's case, or take its forms", async () => {
    const id = await t.openCase(PROVIDER, 'Not yours');
    const intruder = await signIn(PROVIDER2);
    const page = await intruder.get(`/cases/${id}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
    expect(page.text).not.toContain('Not yours');
    // Its own session's token, so only the case's visibility stands in the way.
    const home = await intruder.get('/');
    const csrf = hidden(home.text, '_csrf');
    expect(csrf).not.toBe('');
    const post = await intruder
      .post(`/cases/${id}/events/WITHDRAW`)
      .type('form')
      .send({ reason: 'Mischief', _csrf: csrf, version: '1' });
    expect(post.status).toBe(404);
    expect(await apiCase(id)).toMatchObject({ state: 'draft', version: 1 });
    expect((await intruder.get('/cases/not-a-uuid')).status).toBe(404);
  });

  it('refuses an event this person may not send with the error page, and writes nothing', async () => {
    const id = await t.openCase(PROVIDER, 'Not for the panel');
    const panel = await signIn(PANEL);
    const { csrf } = await casePage(panel, id);
    const res = await panel
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ ...validBid, _csrf: csrf, version: '1' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Not allowed');
    const unknown = await panel
      .post(`/cases/${id}/events/NOPE`)
      .type('form')
      .send({ _csrf: csrf, version: '1' });
    expect(unknown.status).toBe(404);
    expect(await apiCase(id)).toMatchObject({ state: 'draft', version: 1 });
  });
});
