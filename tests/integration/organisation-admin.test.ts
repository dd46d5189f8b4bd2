// Organisations, for admins (#14 item 5): the list of those waiting to be verified, an organisation's
// page with its registration and people, correcting its details (checked as at registration),
// verifying it, and making it inactive (no new cases; those under way go on) and active again.
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { csrfOf, errorSummaryOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
let admin: ReturnType<typeof request.agent>;
beforeAll(async () => {
  t = await startTestApp();
  admin = await signedIn(t.baseUrl, 'admin@demo.test', 'demo-commissioning-2026');
});
afterAll(async () => {
  await t?.close();
});

async function postForm(formPage: string, action: string, fields: Record<string, string>) {
  const page = await admin.get(formPage);
  expect(page.status, page.text).toBe(200);
  return admin
    .post(action)
    .type('form')
    .send({ _csrf: csrfOf(page.text), ...fields });
}

/** The address of the next page of a list, from GOV.UK pagination's "Next" link. */
const nextPage = (html: string) => html.match(/href="([^"]+)"\s+rel="next"/)?.[1]?.replace(/&amp;/g, '&');

/**
 * The page of an admins' list that shows this organisation, walking the list a page at a time (other
 * files add organisations to the run's database all the while), or undefined when none does.
 */
async function pageListing(id: string, show?: 'all' | 'inactive'): Promise<string | undefined> {
  let path: string | undefined = show ? `/admin/organisations?show=${show}` : '/admin/organisations';
  for (let walked = 0; path && walked < 200; walked++) {
    const page = await admin.get(path);
    expect(page.status, path).toBe(200);
    if (page.text.includes(`/admin/organisations/${id}"`)) return page.text;
    path = nextPage(page.text);
  }
  return undefined;
}

const openBid = (auth: Record<string, string>, title: string) =>
  t.http
    .post('/api/cases')
    .set(auth)
    .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title } });

describe('organisations, for admins', () => {
  it('lists a new organisation as waiting to be verified, shows its people, and verifies it', async () => {
    const provider = await t.newProvider('Osprey');
    const path = `/admin/organisations/${provider.organisationId}`;
    expect(await pageListing(provider.organisationId)).toBeDefined();
    const page = await admin.get(path);
    expect(page.text).toContain(provider.email);
    expect(page.text).toMatch(/Verified\s*<\/dt>\s*<dd[^>]*>\s*Not yet/);
    const verified = await postForm(path, `${path}/verify`, {});
    expect(verified.status).toBe(303);
    expect((await admin.get(path)).text).toMatch(/Verified\s*<\/dt>\s*<dd[^>]*>\s*On .* by Adi Admin/);
    expect(await pageListing(provider.organisationId)).toBeUndefined();
    expect(await pageListing(provider.organisationId, 'all')).toBeDefined();
  });

  it('corrects the details, checked as at registration, keeping what was typed when wrong', async () => {
    const provider = await t.newProvider('Plover');
    const path = `/admin/organisations/${provider.organisationId}`;
    const wrong = await postForm(`${path}/edit`, `${path}/edit`, {
      organisationName: 'Plover Community Trust',
      legalForm: 'registeredCharity',
      charityNumber: '',
      companyNumber: '',
      address: '1 Quay Street\nWisbech',
      postcode: 'NOT A POSTCODE',
      phone: '',
    });
    expect(wrong.status).toBe(422);
    expect(errorSummaryOf(wrong.text).map((e) => e.href)).toEqual(['#charityNumber', '#postcode']);
    expect(wrong.text).toContain('value="Plover Community Trust"');
    const right = await postForm(`${path}/edit`, `${path}/edit`, {
      organisationName: 'Plover Community Trust',
      legalForm: 'registeredCharity',
      charityNumber: '1187001',
      companyNumber: '',
      address: '1 Quay Street\nWisbech',
      postcode: 'pe13 1aa',
      phone: '',
    });
    expect(right.status).toBe(303);
    const [row] =
      await t.sql`select name, charity_number, postcode from organisations where id = ${provider.organisationId}`;
    expect(row).toEqual({ name: 'Plover Community Trust', charity_number: '1187001', postcode: 'PE13 1AA' });
  });

  it('an inactive organisation opens no new bids, while one under way goes on; active again, it opens them', async () => {
    const provider = await t.newProvider('Curlew');
    const path = `/admin/organisations/${provider.organisationId}`;
    const underWay = await openBid(provider.auth, 'Started before');
    expect(underWay.status).toBe(201);
    const noReason = await postForm(`${path}/inactive`, `${path}/inactive`, { reason: ' ' });
    expect(noReason.status).toBe(422);
    expect(errorSummaryOf(noReason.text)).toEqual([
      { href: '#reason', text: 'Say why it is no longer active' },
    ]);
    const made = await postForm(`${path}/inactive`, `${path}/inactive`, { reason: 'Closed on 31 March' });
    expect(made.status).toBe(303);
    expect((await admin.get(path)).text).toContain('Closed on 31 March');

    const refused = await openBid(provider.auth, 'After closing');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('is no longer active');
    const submitted = await t.http
      .post(`/api/cases/${underWay.body.id}/events`)
      .set(provider.auth)
      .send({ type: 'SUBMIT', title: 'Started before', summary: 'Weekly', amountRequestedPence: 100_000 });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);

    const again = await postForm(path, `${path}/active`, {});
    expect(again.status).toBe(303);
    expect((await openBid(provider.auth, 'Open again')).status).toBe(201);
  });

  it('flags an organisation registered twice, and edits a public body’s details', async () => {
    const first = await t.newProvider('Avocet');
    const second = await t.newProvider('Avocet again');
    await t.sql`update organisations set charity_number = '1170099'
      where id in (${first.organisationId}, ${second.organisationId})`;
    const row = new RegExp(`${first.organisationId}">[^<]*</a><br><strong[^>]*>Possible duplicate`);
    expect(await pageListing(first.organisationId)).toMatch(row);
    const page = await admin.get(`/admin/organisations/${first.organisationId}`);
    expect(page.text).toContain('Possibly registered twice: Avocet again');
    // The same name, whatever its case and spaces, and the same company number flag it too.
    const named = await t.newProvider('Named twin');
    await t.sql`update organisations set name = ' ' || upper(f.name) || ' ' from (select name from organisations
      where id = ${first.organisationId}) as f where organisations.id = ${named.organisationId}`;
    const company = await t.newProvider('Bittern');
    const companyTwin = await t.newProvider('Bittern Trading');
    const alone = await t.newProvider('Curlew');
    await t.sql`update organisations set company_number = '08123456'
      where id in (${company.organisationId}, ${companyTwin.organisationId})`;
    const flagged = async (id: string) =>
      new RegExp(`${id}">[^<]*</a><br><strong[^>]*>Possible duplicate`).test((await pageListing(id)) ?? '');
    expect(await flagged(named.organisationId)).toBe(true);
    expect(await flagged(companyTwin.organisationId)).toBe(true);
    expect(await pageListing(alone.organisationId)).toBeDefined();
    expect(await flagged(alone.organisationId)).toBe(false);

    // A partner of this test's own: the demo partners are shared with other files.
    const [nhs] =
      await t.sql`insert into organisations (name, kind) values ('NHS England test partner', 'partner') returning id`;
    const path = `/admin/organisations/${nhs!.id}`;
    const edited = await postForm(`${path}/edit`, `${path}/edit`, {
      organisationName: 'NHS England (East of England)',
      legalForm: 'publicBody',
      charityNumber: '',
      companyNumber: '',
      address: 'Victoria House\nCapital Park\nFulbourn',
      postcode: 'CB21 5XB',
      phone: '',
    });
    expect(edited.status, edited.text).toBe(303);
    const [saved] = await t.sql`select legal_form, postcode from organisations where id = ${nhs!.id}`;
    expect(saved).toEqual({ legal_form: 'publicBody', postcode: 'CB21 5XB' });
  });

  it('is for admins only, and not for the Commissioner’s own office', async () => {
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', 'demo-commissioning-2026');
    expect((await officer.get('/admin/organisations')).status).toBe(403);
    const [office] = await t.sql`select organisation_id from users where email = 'officer@demo.test'`;
    expect((await admin.get(`/admin/organisations/${office!.organisation_id}`)).status).toBe(404);
    expect((await admin.get('/admin/organisations/not-an-id')).status).toBe(404);
  });
});

describe('the admins’ list of organisations, a page at a time', () => {
  // A database of this describe's own: the run's grows as other files add organisations.
  let own: OwnDatabase;
  let app: TestApp;
  let agent: ReturnType<typeof request.agent>;
  /** Every organisation the list shows, as it orders them. */
  let listed: { id: string; name: string }[];
  const PER_PAGE = 50;
  beforeAll(async () => {
    own = await createOwnDatabase('organisation_pages');
    app = await startTestApp({ databaseUrl: own.url });
    const names = Array.from({ length: 120 }, (_, i) => `Paging provider ${String(i + 1).padStart(3, '0')}`);
    await app.sql`insert into organisations (name, kind, charity_number)
      select name, 'provider', (1300000 + n)::text from unnest(${names}::text[]) with ordinality as t(name, n)`;
    listed = (
      await app.sql`select id, name from organisations where kind <> 'commissioner' order by name, id`
    ).map((r) => ({ id: r.id as string, name: r.name as string }));
    // The first organisation listed and the last registered with the same company number: each is on
    // a page the other is not, and each is flagged.
    await app.sql`update organisations set company_number = '09990001'
      where id in (${listed[0]!.id}, ${listed.at(-1)!.id})`;
    agent = await signedIn(app.baseUrl, 'admin@demo.test', 'demo-commissioning-2026');
  });
  afterAll(async () => {
    await app?.close();
    await own?.drop();
  });

  const rowsOf = (html: string) =>
    [
      ...html.matchAll(
        /<a class="govuk-link" href="\/admin\/organisations\/([0-9a-f-]{36})">([^<]*)<\/a>(<br><strong[^>]*>Possible duplicate)?/g,
      ),
    ].map((m) => ({ id: m[1]!, name: m[2]!, flagged: m[3] !== undefined }));

  it('shows 50 at a time, says which, and links to the pages near this one, the first and the last', async () => {
    const total = listed.length;
    const pages = Math.ceil(total / PER_PAGE);
    expect(pages).toBeGreaterThanOrEqual(3);
    const first = await agent.get('/admin/organisations?show=all');
    expect(first.status).toBe(200);
    expect(first.text).toContain(`Showing 1 to 50 of ${total.toLocaleString('en-GB')} organisations`);
    expect(first.text).toContain(`<title>Organisations (page 1 of ${pages})`);
    expect(rowsOf(first.text).map((r) => r.id)).toEqual(listed.slice(0, PER_PAGE).map((o) => o.id));
    expect(first.text).toContain('class="govuk-pagination"');
    expect(nextPage(first.text)).toBe('/admin/organisations?show=all&page=2');
    expect(first.text).not.toContain('rel="prev"');
    expect(first.text).toContain(`href="/admin/organisations?show=all&amp;page=${pages}"`);

    const second = await agent.get('/admin/organisations?show=all&page=2');
    expect(rowsOf(second.text).map((r) => r.id)).toEqual(listed.slice(50, 100).map((o) => o.id));
    expect(second.text).toContain(`Showing 51 to 100 of ${total} organisations`);
    expect(second.text).toMatch(/href="\/admin\/organisations\?show=all"\s+rel="prev"/);

    const last = await agent.get(`/admin/organisations?show=all&page=${pages}`);
    const from = (pages - 1) * PER_PAGE;
    expect(rowsOf(last.text).map((r) => r.id)).toEqual(listed.slice(from).map((o) => o.id));
    expect(last.text).toContain(`Showing ${from + 1} to ${total} of ${total} organisations`);
    expect(nextPage(last.text)).toBeUndefined();
  });

  it('flags a possible duplicate whichever page its twin is on', async () => {
    const pages = Math.ceil(listed.length / PER_PAGE);
    const first = rowsOf((await agent.get('/admin/organisations?show=all')).text);
    const last = rowsOf((await agent.get(`/admin/organisations?show=all&page=${pages}`)).text);
    expect(first[0]).toEqual({ ...listed[0], flagged: true });
    expect(last.at(-1)).toEqual({ ...listed.at(-1), flagged: true });
    expect(first.filter((r) => r.flagged)).toHaveLength(1);
    expect(last.filter((r) => r.flagged)).toHaveLength(1);
  });

  it.each([
    ['abc', ''],
    ['0', ''],
    ['-1', ''],
    ['1.5', ''],
    ['', ''],
    ['2&page=3', ''],
    ['999', 'last'],
    ['99999999999999999999999999', 'last'],
  ])('?page=%s goes to the %s page, never an error', async (page, where) => {
    const pages = Math.ceil(listed.length / PER_PAGE);
    const res = await agent.get(`/admin/organisations?show=all&page=${page}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(
      where === 'last' ? `/admin/organisations?show=all&page=${pages}` : '/admin/organisations?show=all',
    );
    const unverified = await agent.get(`/admin/organisations?page=${page}`);
    expect(unverified.status).toBe(303);
    expect(unverified.headers.location).toMatch(/^\/admin\/organisations(\?page=\d+)?$/);
  });

  it('a list of one page has no pages to choose from', async () => {
    const inactive = await agent.get('/admin/organisations?show=inactive');
    expect(inactive.status).toBe(200);
    expect(inactive.text).not.toContain('govuk-pagination');
    expect(inactive.text).not.toContain('Showing ');
    expect(inactive.text).toContain('<title>Organisations –');
  });
});
