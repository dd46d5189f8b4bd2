// Organisations, for admins (#14 item 5): the list of those waiting to be verified, an organisation's
// page with its registration and people, correcting its details (checked as at registration),
// verifying it, and making it inactive (no new cases; those under way go on) and active again.
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
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

const openBid = (auth: Record<string, string>, title: string) =>
  t.http
    .post('/api/cases')
    .set(auth)
    .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title } });

describe('organisations, for admins', () => {
  it('lists a new organisation as waiting to be verified, shows its people, and verifies it', async () => {
    const provider = await t.newProvider('Osprey');
    const path = `/admin/organisations/${provider.organisationId}`;
    const waiting = await admin.get('/admin/organisations');
    expect(waiting.status).toBe(200);
    expect(waiting.text).toContain(path);
    const page = await admin.get(path);
    expect(page.text).toContain(provider.email);
    expect(page.text).toMatch(/Verified\s*<\/dt>\s*<dd[^>]*>\s*Not yet/);
    const verified = await postForm(path, `${path}/verify`, {});
    expect(verified.status).toBe(303);
    expect((await admin.get(path)).text).toMatch(/Verified\s*<\/dt>\s*<dd[^>]*>\s*On .* by Adi Admin/);
    expect((await admin.get('/admin/organisations')).text).not.toContain(path);
    expect((await admin.get('/admin/organisations?show=all')).text).toContain(path);
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
    const list = await admin.get('/admin/organisations');
    const row = new RegExp(`${first.organisationId}">[^<]*</a><br><strong[^>]*>Possible duplicate`);
    expect(list.text).toMatch(row);
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
    const listed = (await admin.get('/admin/organisations')).text;
    const flagged = (id: string) =>
      new RegExp(`${id}">[^<]*</a><br><strong[^>]*>Possible duplicate`).test(listed);
    expect(flagged(named.organisationId)).toBe(true);
    expect(flagged(companyTwin.organisationId)).toBe(true);
    expect(flagged(alone.organisationId)).toBe(false);

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
