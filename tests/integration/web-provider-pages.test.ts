// The providers' pages over HTTP: the open funding calls with a form to start a bid, and "Your
// awards and what is due" — an organisation's bids and awards with their next deadlines.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { youthFund } from '../../machines/youth-fund.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import {
  signIn as browserSignIn,
  closeBrowser,
  expectAccessible,
  launchBrowser,
  page,
  screenshot,
} from '../helpers/browser.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { csrfOf, errorSummaryOf, providerWithPassword, signedIn } from '../helpers/web.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Agent = ReturnType<typeof request.agent>;

const casesOf = async (organisationId: string) =>
  (await t.sql`select id, state, programme_id from cases where organisation_id = ${organisationId}`) as unknown as {
    id: string;
    state: string;
    programme_id: string | null;
  }[];

/** A provider of this test's own, signed in. */
async function ownProvider(label: string) {
  const provider = await providerWithPassword(t, label);
  const agent = await signedIn(t.baseUrl, provider.email, provider.password);
  return { provider, agent };
}

async function startBid(agent: Agent, programmeId: string, body: Record<string, string>) {
  const page = await agent.get(`/funding/${programmeId}/start`);
  return agent
    .post(`/funding/${programmeId}/bids`)
    .type('form')
    .send({ _csrf: csrfOf(page.text), ...body });
}

describe('find funding', () => {
  it('lists the calls organisations can bid for to anyone, each with a start page, and a provider starts a bid from it', async () => {
    // A crime and disorder programme with an open round: allocated by officers, so no call to bid for.
    const allocations = await t.programme({ cycle: 'crime-disorder-grant' });
    const anyone = request(t.baseUrl);
    const list = await anyone.get('/funding');
    expect(list.status).toBe(200);
    const [programme] = await t.sql`select name from programmes where id = ${t.youthFund.programmeId}`;
    expect(list.text).toContain('<h1 class="govuk-heading-l">Find funding</h1>');
    expect(list.text).toContain(
      `<a class="govuk-link" href="/funding/${t.youthFund.programmeId}">${programme!.name}</a>`,
    );
    expect(list.text).toContain('Charities, voluntary and community groups and social enterprises');
    expect(list.text).toContain('Up to £5,000.00 for each award'); // the programme's cap
    expect(list.text).not.toContain(allocations.programmeId);
    expect((await anyone.get(`/funding/${allocations.programmeId}`)).status).toBe(404);

    const call = await anyone.get(`/funding/${t.youthFund.programmeId}`);
    expect(call.status).toBe(200);
    expect(call.text).toContain('A small grant for a youth project'); // the cycle's words: the programme has none
    expect(call.text).toMatch(
      new RegExp(`href="/funding/${t.youthFund.programmeId}/start"[^>]*govuk-button--start`),
    );
    const start = await anyone.get(`/funding/${t.youthFund.programmeId}/start`);
    expect(start.status).toBe(303);
    expect(start.headers.location).toBe(
      `/sign-in?next=${encodeURIComponent(`/funding/${t.youthFund.programmeId}/start`)}`,
    );

    const { provider, agent } = await ownProvider('Funding seeker');
    const form = await agent.get(`/funding/${t.youthFund.programmeId}/start`);
    expect(form.text).toContain(`action="/funding/${t.youthFund.programmeId}/bids"`);
    const res = await startBid(agent, t.youthFund.programmeId, { title: 'Summer football' });
    expect(res.status, res.text).toBe(303);
    const [created] = await casesOf(provider.organisationId);
    // Straight to the bid's task list.
    expect(res.headers.location).toBe(`/cases/${created!.id}/bid`);
    expect(created).toMatchObject({ state: 'draft', programme_id: t.youthFund.programmeId });
    const tasks = await agent.get(res.headers.location!);
    expect(tasks.status).toBe(200);
    expect(tasks.text).toContain('govuk-task-list');

    const casePage = await agent.get(`/cases/${created!.id}`);
    expect(casePage.status).toBe(200);
    expect(casePage.text).toContain('Summer football');
    expect(casePage.text).toContain('Draft bid');
    expect(casePage.text).toContain(programme!.name);
  });

  it('shows a blank title as the error summary and writes nothing', async () => {
    const { provider, agent } = await ownProvider('Blank title');
    const res = await startBid(agent, t.youthFund.programmeId, { title: '   ' });
    expect(res.status).toBe(422);
    expect(errorSummaryOf(res.text)).toEqual([{ href: '#title', text: 'Enter a title for your bid' }]);
    expect(res.text).toMatch(/<title>Error: Start a bid: [^<]+ – OPCC Commissioning<\/title>/);
    expect(res.text).toContain('id="title-error"');
    expect(await casesOf(provider.organisationId)).toEqual([]);
  });

  it('keeps the typed title when the engine refuses the input', async () => {
    const { provider, agent } = await ownProvider('Long title');
    const long = 'x'.repeat(150);
    const res = await startBid(agent, t.youthFund.programmeId, { title: `${long}${long}` });
    expect(res.status).toBe(422);
    expect(errorSummaryOf(res.text)).toHaveLength(1);
    expect(res.text).toContain(`value="${long}${long}"`);
    expect(await casesOf(provider.organisationId)).toEqual([]);
  });

  it('shows someone acting for an organisation only the calls it may bid for', async () => {
    const callLink = `href="/funding/${t.youthFund.programmeId}"`;
    const provider = await signedIn(t.baseUrl, 'provider@demo.test', DEMO_PASSWORD);
    expect((await provider.get('/funding')).text).toContain(callLink);
    // The Youth Fund is for charities and community groups, not Community Safety Partnerships.
    const csp = await signedIn(t.baseUrl, 'csp@demo.test', DEMO_PASSWORD);
    const listed = await csp.get('/funding');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(callLink);
    // Staff, who bid for nothing, see what providers are offered.
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    expect((await officer.get('/funding')).text).toContain(callLink);
  });

  it('does not list a programme whose round is not open, and refuses a bid posted to it', async () => {
    const closed = await t.programme({ open: false });
    const { provider, agent } = await ownProvider('Too early');
    expect((await agent.get('/funding')).text).not.toContain(closed.programmeId);
    expect((await agent.get(`/funding/${closed.programmeId}`)).status).toBe(404);
    const page = await agent.get(`/funding/${t.youthFund.programmeId}/start`);
    const res = await agent
      .post(`/funding/${closed.programmeId}/bids`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), title: 'Too soon' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('is not taking bids now');
    expect(await casesOf(provider.organisationId)).toEqual([]);

    const unknown = await startBid(agent, '00000000-0000-4000-8000-000000000000', { title: 'Nowhere' });
    expect(unknown.status).toBe(404);
  });

  it('tells staff they do not start bids, and refuses a bid from them', async () => {
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = await officer.get(`/funding/${t.youthFund.programmeId}/start`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('You cannot bid for this call');
    expect(page.text).not.toContain('/bids"');
    const res = await officer
      .post(`/funding/${t.youthFund.programmeId}/bids`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), title: 'Staff bid' });
    expect(res.status).toBe(403);
  });

  it('refuses a start-bid form with a missing or wrong _csrf (403) and writes nothing', async () => {
    const { provider, agent } = await ownProvider('Forged');
    const path = `/funding/${t.youthFund.programmeId}/bids`;
    const missing = await agent.post(path).type('form').send({ title: 'Forged' });
    expect(missing.status).toBe(403);
    const wrong = await agent.post(path).type('form').send({ _csrf: 'not-the-token', title: 'Forged' });
    expect(wrong.status).toBe(403);
    expect(await casesOf(provider.organisationId)).toEqual([]);
  });
});

describe('your awards and what is due', () => {
  it('shows the bids and an offered award with its lapse deadline, and no one else’s cases', async () => {
    const { provider, agent } = await ownProvider('Award holder');
    const flow = bids(t, provider);
    const bidId = await flow.open(t.youthFund.programmeId, 'Homework club');
    const awardId = await flow.inPanelReview(t.youthFund.programmeId);
    const approved = await flow.approve(awardId, 300_000);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.state).toBe('offered');
    const [timer] =
      await t.sql`select due_at from timers where case_id = ${awardId} and timer_key like '%offerLapsesAfter%'`;
    expect(timer).toBeDefined();
    const otherId = await t.openCase('provider2@demo.test' as DemoEmail, 'Fenland fixtures');

    const page = await agent.get('/my-work');
    expect(page.status).toBe(200);
    const html = page.text;
    expect(html).toContain('<h1 class="govuk-heading-l">Your awards and what is due</h1>');
    const table = (id: string) => new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
    expect(table('bids')).toContain(`/cases/${bidId}`);
    expect(table('bids')).toContain('Homework club');
    expect(table('bids')).toContain('Draft bid');
    expect(table('awards')).toContain(`/cases/${awardId}`);
    expect(table('awards')).toContain('Grant offered');
    expect(table('awards')).toContain('£3,000.00');
    expect(table('awards')).toMatch(/Offer lapses \d{1,2} \w+ \d{4} at /);
    expect(table('awards')).not.toContain(`/cases/${bidId}`);
    expect(html).not.toContain(otherId);
    expect(html).not.toContain('Fenland fixtures');
  });

  it('shows the end-of-grant report deadline once the award is paid', async () => {
    const { provider, agent } = await ownProvider('Paid award');
    const flow = bids(t, provider);
    const id = await flow.inPanelReview(t.youthFund.programmeId);
    expect((await flow.approve(id, 300_000)).status).toBe(200);
    await flow.ok(id, 'owner', ev.ACCEPT_OFFER);
    // Accepted, not yet paid: the report deadline is not set yet.
    expect((await agent.get('/my-work')).text).not.toContain('End-of-grant report due by');
    await paymentHelpers(t).payAward(id);
    const html = (await agent.get('/my-work')).text;
    expect(html).toContain('Paid, awaiting end-of-grant report');
    // The timer fires at the first moment of 1 April; the report is due by the end of 31 March.
    expect(html).toContain('End-of-grant report due by 31 March 2036<');
  });

  it('is for providers only', async () => {
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    expect((await officer.get('/my-work')).status).toBe(403);
  });
});

describe('the work waiting, counted by stage', () => {
  it('counts a stage exactly up to 1,000, and says "More than 1,000" past that', async () => {
    const { provider, agent } = await ownProvider('Busy Trust');
    // Straight into the table: 1,001 draft bids and 3 submitted ones of this organisation alone.
    await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id, programme_id, version)
      select 'youth-fund', ${youthFund.version}, case when g <= 1001 then 'draft' else 'submitted' end,
        jsonb_build_object('status', 'active', 'value', case when g <= 1001 then 'draft' else 'submitted' end,
          'context', jsonb_build_object('title', 'Bid ' || g)),
        ${provider.organisationId}, ${t.youthFund.programmeId}, 1
      from generate_series(1, 1004) g`;
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    const rows = [...home.text.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((cell) => cell[1]!.trim()),
    );
    expect(rows).toEqual([
      ['Cycle', 'Stage', 'Cases'],
      ['Youth Fund grant', 'Draft bid', 'More than 1,000'],
      ['Youth Fund grant', 'Bid submitted, awaiting eligibility check', '3'],
    ]);
  });
});

describe('in a browser', () => {
  beforeAll(launchBrowser);
  afterAll(closeBrowser);

  it('the funding and awards pages pass axe, and a bid starts from its form', async () => {
    const provider = await providerWithPassword(t, 'Browser bidder');
    const [programme] = await t.sql`select name from programmes where id = ${t.youthFund.programmeId}`;
    const p = await page(t);
    await browserSignIn(p, provider.email, provider.password);
    await p.goto('/funding');
    await expectAccessible(p);
    await screenshot(p, 'funding');
    await p.getByRole('link', { name: programme!.name }).click();
    await p.waitForLoadState('load');
    await expectAccessible(p);
    await screenshot(p, 'funding-call');
    await p.getByRole('button', { name: 'Start now' }).click();
    await p.waitForLoadState('load');
    const start = p.getByRole('button', { name: 'Start the bid' });
    await start.click();
    await p.waitForLoadState('load');
    await expect(p.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'Enter a title for your bid',
    );
    await expectAccessible(p);
    await screenshot(p, 'funding-blank-title');
    await p.getByLabel('Title of your bid').fill('Street dance');
    await start.click();
    await p.waitForURL(/\/cases\//);
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Street dance');
    await p.goto('/my-work');
    await expect(p.locator('#bids').textContent()).resolves.toContain('Street dance');
    await expectAccessible(p);
    await screenshot(p, 'my-work');
  }, 60_000);
});
