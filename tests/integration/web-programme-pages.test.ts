// The programme pages for commissioning officers, opening a programme's round from the web, and the
// service navigation each role sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { PROGRAMMES_PER_PAGE } from '../../src/domain/programme-list.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  signIn as browserSignIn,
  closeBrowser,
  expectAccessible,
  launchBrowser,
  page,
  screenshot,
} from '../helpers/browser.ts';
import { csrfOf, errorSummaryOf, pageHolding, signedIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';

const signIn = (email: DemoEmail) => signedIn(t.baseUrl, email, DEMO_PASSWORD);
const apiProgramme = async (id: string) =>
  (await t.http.get(`/api/programmes/${id}`).set(t.as(OFFICER))).body;
/** The service navigation's links: text, href, and whether each is marked. */
const navigationOf = (html: string) =>
  [
    ...html.matchAll(
      /<li class="govuk-service-navigation__item( govuk-service-navigation__item--active)?">\s*<a class="govuk-service-navigation__link" href="([^"]+)"( aria-current="(\w+)")?>\s*(?:<strong[^>]*>)?([^<]+)/g,
    ),
  ]
    .map((m) => ({ href: m[2]!, text: m[5]!.trim(), marked: m[4] ?? null, activeClass: Boolean(m[1]) }))
    // The account part (the person's name, leading to their account) is checked on its own.
    .filter((l) => l.href !== '/account');
/** The table row on the programmes page for one programme. */
const rowOf = (html: string, programmeId: string) =>
  new RegExp(
    `<tr class="govuk-table__row">(?:(?!</tr>)[\\s\\S])*?/programmes/${programmeId}"[\\s\\S]*?</tr>`,
  ).exec(html)?.[0] ?? '';

describe('the programmes page', () => {
  it('lists the programmes a page at a time, newest first, and takes any page number', async () => {
    const officer = await signIn(OFFICER);
    const [{ n }] = (await t.sql`select count(*)::int as n from programmes`) as unknown as [{ n: number }];
    for (let i = n; i <= PROGRAMMES_PER_PAGE; i++) await t.programme({ open: false });
    const newest = await t.programme({ open: false });
    const first = await officer.get('/programmes');
    expect(first.status).toBe(200);
    expect(first.text).toMatch(
      new RegExp(`Showing 1 to ${PROGRAMMES_PER_PAGE} of [\\d,]+ programmes, newest first\\.`),
    );
    expect(first.text.match(/<tr class="govuk-table__row">/g)?.length).toBe(PROGRAMMES_PER_PAGE + 1); // and the head
    expect(rowOf(first.text, newest.programmeId)).not.toBe('');
    expect(first.text).toContain('href="/programmes?page=2" rel="next"');
    const second = await officer.get('/programmes?page=2');
    expect(second.status).toBe(200);
    expect(second.text).toMatch(/<title>Programmes \(page 2 of \d+\) – OPCC Commissioning<\/title>/);
    expect(rowOf(second.text, newest.programmeId)).toBe('');
    // Not a page: the first. Past the last (an old bookmark): the last, whose address says so.
    for (const bad of ['abc', '0', '1.5'])
      expect([(await officer.get(`/programmes?page=${bad}`)).headers.location, bad]).toEqual([
        '/programmes',
        bad,
      ]);
    const far = await officer.get('/programmes?page=9999');
    expect(far.status).toBe(303);
    expect(far.headers.location).toMatch(/^\/programmes\?page=\d+$/);
    expect((await officer.get(far.headers.location!)).status).toBe(200);
  });

  it('shows every programme with its cycle, fund, theme, round and cases by stage', async () => {
    const draft = await t.openCase(PROVIDER, 'Programme page draft');
    await t.openCase(PROVIDER, 'Programme page draft 2');
    const submitted = await t.openCase(PROVIDER, 'Programme page submitted');
    const sent = await t.http
      .post(`/api/cases/${submitted}/events`)
      .set(t.as(PROVIDER))
      .send({ type: 'SUBMIT', title: 'Kit', summary: 'Football kit', amountRequestedPence: 45_000 });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(draft).toBeTruthy();

    const officer = await signIn(OFFICER);
    const res = await officer.get('/programmes');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<title>Programmes( \(page 1 of \d+\))? – OPCC Commissioning<\/title>/);
    expect(res.text.match(/<h1/g)).toHaveLength(1);
    const { name } = await apiProgramme(t.youthFund.programmeId);
    // Newest first, a page at a time: the run's first programme is on whichever page it has reached.
    const listed = await pageHolding(officer, '/programmes', `/programmes/${t.youthFund.programmeId}"`);
    const row = rowOf(listed ?? '', t.youthFund.programmeId);
    expect(row).toContain(name);
    expect(row).toContain('Youth Fund grant');
    expect(row).toContain('Test fund');
    expect(row).toContain('Offenders');
    expect(row).toContain(`<a class="govuk-link" href="/cases/${t.youthFund.roundId}">Open for bids</a>`);
    expect(row).toContain('Draft bid: 2');
    expect(row).toMatch(/<li>[^<]*: 1<\/li>/);
    // The demo programmes are there too.
    expect(res.text).toContain('Youth Fund');
  });

  it('lists one programme’s settings and its cases grouped by stage, each linking to its page', async () => {
    const programme = await t.programme();
    const other = await t.programme();
    const make = async (title: string, programmeId: string) => {
      const res = await t.http
        .post('/api/cases')
        .set(t.as(PROVIDER))
        .send({ machine: 'youth-fund', input: { programmeId, title } });
      expect(res.status).toBe(201);
      return res.body as { id: string; reference: string };
    };
    const a = await make('First', programme.programmeId);
    const b = await make('Second', programme.programmeId);
    const elsewhere = await make('Elsewhere', other.programmeId);
    await t.http
      .post(`/api/cases/${b.id}/events`)
      .set(t.as(PROVIDER))
      .send({ type: 'WITHDRAW', reason: 'Merged with another bid' })
      .expect(200);

    const officer = await signIn(OFFICER);
    const res = await officer.get(`/programmes/${programme.programmeId}`);
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html.match(/<h1/g)).toHaveLength(1);
    for (const text of [
      'Test fund',
      'Offenders',
      'O2:',
      '£5,000.00', // delegation threshold and cap
      'Evidence of need: 60%',
      'Value for money: 40%',
    ])
      expect(html).toContain(text);
    expect(html).toContain(`href="/cases/${programme.roundId}"`);
    expect(html).not.toContain('Open the round');
    expect(html).toContain(`<a class="govuk-link" href="/cases/${a.id}">${a.reference}</a>`);
    expect(html).toContain(`<a class="govuk-link" href="/cases/${b.id}">${b.reference}</a>`);
    expect(html).not.toContain(elsewhere.id);
    // Grouped: each case sits in its stage's table.
    const draftTable = /Draft bid \(1\)[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(draftTable).toContain(a.reference);
    // Each case by its title too, not its reference alone.
    expect(draftTable).toContain(`${a.reference}</a>: First`);
    expect(draftTable).not.toContain(b.reference);
    const withdrawnTable = /Withdrawn \(1\)[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(withdrawnTable).toContain(b.reference);

    expect((await officer.get('/programmes/not-a-uuid')).status).toBe(404);
    expect((await officer.get('/programmes/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('opens a round for a programme without one, once', async () => {
    const programme = await t.programme({ open: false });
    const officer = await signIn(OFFICER);
    const page = await officer.get(`/programmes/${programme.programmeId}`);
    expect(page.text).toContain('This programme has no commissioning round yet.');
    expect(page.text).toContain(`action="/programmes/${programme.programmeId}/round"`);
    const csrf = csrfOf(page.text);

    const opened = await officer
      .post(`/programmes/${programme.programmeId}/round`)
      .type('form')
      .send({ _csrf: csrf });
    expect(opened.status).toBe(303);
    const round = await apiProgramme(programme.programmeId);
    expect(round.round).not.toBeNull();
    expect(opened.headers.location).toBe(`/cases/${round.round.id}`);
    const roundPage = await officer.get(`/cases/${round.round.id}`);
    expect(roundPage.status).toBe(200);
    expect(roundPage.text).toContain('Commissioning round');

    const count = async () =>
      Number(
        (await t.sql`select count(*)::int as n from cases where programme_id = ${programme.programmeId}`)[0]!
          .n,
      );
    expect(await count()).toBe(1);
    // A second attempt (a form left open in another tab) says so and writes nothing.
    const again = await officer
      .post(`/programmes/${programme.programmeId}/round`)
      .type('form')
      .send({ _csrf: csrf });
    expect(again.status).toBe(409);
    const summary = errorSummaryOf(again.text);
    expect(summary).toHaveLength(1);
    expect(summary[0]!.text).toContain('already has its round');
    expect(summary[0]!.href).toBe('#round');
    expect(again.text).toContain('<title>Error: ');
    expect(await count()).toBe(1);
  });

  it('refuses providers, and sends people who are not signed in to sign in', async () => {
    const provider = await signIn(PROVIDER);
    const list = await provider.get('/programmes');
    expect(list.status).toBe(403);
    expect(list.text).toContain('Not allowed');
    expect((await provider.get(`/programmes/${t.youthFund.programmeId}`)).status).toBe(403);
    const page = await provider.get('/');
    const refused = await provider
      .post(`/programmes/${t.youthFund.programmeId}/round`)
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(refused.status).toBe(403);

    const anonymous = await t.http.get('/programmes');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?next=%2Fprogrammes');
  });
});

describe('the service navigation', () => {
  it('shows an officer their links and marks the current page', async () => {
    const officer = await signIn(OFFICER);
    const home = navigationOf((await officer.get('/')).text);
    expect(home.map((l) => l.text)).toEqual(['Your work', 'Find funding', 'Find a case', 'Programmes']);
    expect(home.find((l) => l.text === 'Your work')).toMatchObject({ marked: 'page', activeClass: true });
    expect(home.find((l) => l.text === 'Programmes')).toMatchObject({ marked: null, activeClass: false });

    const list = navigationOf((await officer.get('/programmes')).text);
    expect(list.find((l) => l.text === 'Programmes')).toMatchObject({ href: '/programmes', marked: 'page' });
    expect(list.find((l) => l.text === 'Your work')).toMatchObject({ marked: null });

    // Within a section, its link is marked active (not the page itself).
    const one = navigationOf((await officer.get(`/programmes/${t.youthFund.programmeId}`)).text);
    expect(one.find((l) => l.text === 'Programmes')).toMatchObject({ marked: 'true', activeClass: true });
    // A case is reached from any list: "Find a case" marks its own page, not every case's.
    const search = navigationOf((await officer.get('/cases')).text);
    expect(search.find((l) => l.text === 'Find a case')).toMatchObject({ marked: 'page' });
    const kase = navigationOf((await officer.get(`/cases/${t.youthFund.roundId}`)).text);
    expect(kase.filter((l) => l.marked || l.activeClass)).toEqual([]);

    // The account part: the name, leading to their account, and the Sign out form with its CSRF token.
    const html = (await officer.get('/programmes')).text;
    expect(html).toContain(
      '<a class="govuk-service-navigation__link" href="/account">Olivia Officer (Commissioning officer)</a>',
    );
    expect(html).toMatch(/<form method="post" action="\/sign-out">\s*<input type="hidden" name="_csrf"/);
  });

  it('shows each role its own links', async () => {
    const provider = navigationOf((await (await signIn(PROVIDER)).get('/')).text).map((l) => l.text);
    expect(provider).toEqual(['Your work', 'Find funding', 'Your awards', 'Your organisation']);
    expect(provider).not.toContain('Programmes');
    expect(provider).not.toContain('Find a case');
    const expected: [DemoEmail, string[]][] = [
      ['admin@demo.test', ['Find a case', 'Programmes', 'Organisations', 'Staff', 'Email', 'Personal data']],
      ['panel@demo.test', ['Panel']],
      ['approver@demo.test', ['Find a case', 'Programmes', 'Approvals']],
      ['finance@demo.test', ['Find a case', 'Programmes', 'Finance']],
    ];
    for (const [email, own] of expected) {
      const links = navigationOf((await (await signIn(email)).get('/')).text).map((l) => l.text);
      expect(links, email).toEqual(['Your work', 'Find funding', ...own]);
    }
  });
});

describe('in a browser', () => {
  beforeAll(launchBrowser);
  afterAll(closeBrowser);

  it('the programme pages and the navigation pass axe, and the round opens from its form', async () => {
    const programme = await t.programme({ open: false });
    const p = await page(t);
    await browserSignIn(p, OFFICER);
    await p.goto('/programmes');
    await expectAccessible(p);
    await screenshot(p, 'programmes');
    await p.goto(`/programmes/${programme.programmeId}`);
    await expectAccessible(p);
    await screenshot(p, 'programme-without-round');
    // The same page in a second tab, left open while the first opens the round.
    const tab = await p.context().newPage();
    await tab.goto(`/programmes/${programme.programmeId}`);
    await p.getByRole('button', { name: 'Open the round' }).click();
    await p.waitForURL(/\/cases\//);
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('RND-');
    await tab.getByRole('button', { name: 'Open the round' }).click();
    await tab.waitForLoadState('load');
    await expect(tab.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'already has its round',
    );
    await expectAccessible(tab);
    await screenshot(tab, 'programme-round-twice');
  }, 60_000);
});
