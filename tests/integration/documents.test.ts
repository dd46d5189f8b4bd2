// Uploads, with a real ClamAV on loopback and PostgreSQL: a bid's file question answered with a file
// stored in chunks and scanned; served as an attachment with nosniff to those who may see the bid only;
// and every bad upload — a virus, a type judged by content, too large, no file, the scanner down —
// refused with a clear problem, storing nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clamdScanner } from '../../src/domain/documents/scanner.ts';
import { CHUNK_BYTES } from '../../src/domain/documents/upload.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { openRound } from '../helpers/bids.ts';
import { EICAR, startClamd } from '../helpers/clamav.ts';
import type { Provider } from '../helpers/refusals.ts';
import { asBytes, csrfOf, errorSummaryOf, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let down: TestApp;
let clamd: Awaited<ReturnType<typeof startClamd>>;
let provider: Provider;
let programmeId: string;
let bidId: string;
const MAX = 3 * CHUNK_BYTES;

/** A small real PDF, padded to `size` bytes. */
const pdf = (size = 2000) => {
  const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);
};

const counts = async () => {
  const [row] = await t.sql`select (select count(*)::int from documents) as documents,
    (select count(*)::int from document_chunks) as chunks`;
  return row;
};

beforeAll(async () => {
  clamd = await startClamd();
  t = await startTestApp({ documents: { maxBytes: MAX, scanner: clamdScanner(clamd.address) } });
  provider = await t.newProvider('Uploader');
  ({ programmeId } = await t.programme({ open: false }));
  const form = (await t.http.get(`/api/programmes/${programmeId}/form`).set(provider.auth)).body.form;
  form.sections[0].questions.push({ id: 'q1', type: 'file', title: 'Your budget', required: true });
  const saved = await t.http
    .put(`/api/programmes/${programmeId}/form`)
    .set(t.as('officer@demo.test'))
    .send(form);
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  await openRound(t, programmeId);
  const started = await t.http
    .post('/api/cases')
    .set(provider.auth)
    .send({ machine: 'youth-fund', input: { programmeId, title: 'With a budget' } });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  bidId = started.body.id;
}, 120_000);
afterAll(async () => {
  await t?.close();
  await down?.close();
  await clamd?.stop();
});

const upload = (bytes: Buffer, name: string, auth = provider.auth, app = t) =>
  app.http.post(`/api/cases/${bidId}/application/files/q1`).set(auth).attach('file', bytes, name);

describe('a file answering a bid’s question', () => {
  it('is stored in chunks once scanned clean, and answers the question by its safe name', async () => {
    const bytes = pdf(CHUNK_BYTES + 5000);
    const res = await upload(bytes, '../../secret/bud:get<2026>.pdf');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const id = res.body.answers.q1 as string;
    expect(res.body.files[id]).toEqual({
      name: 'budget2026.pdf',
      sizeBytes: bytes.length,
      contentType: 'application/pdf',
    });
    const [row] =
      await t.sql`select scanned, size_bytes::int as size, (select count(*)::int from document_chunks where document_id = ${id}) as chunks
      from documents where id = ${id}`;
    // Written a chunk of CHUNK_BYTES at a time, never whole.
    expect(row).toEqual({ scanned: true, size: bytes.length, chunks: 2 });

    const download = await t.http.get(`/api/documents/${id}`).set(provider.auth).buffer(true).parse(asBytes);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="budget2026.pdf"; filename*=UTF-8''budget2026.pdf`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    // The officer may see the bid, so the file; another organisation may not, and is told there is none.
    expect((await t.http.get(`/api/documents/${id}`).set(t.as('officer@demo.test'))).status).toBe(200);
    const stranger = await t.newProvider('Stranger');
    expect((await t.http.get(`/api/documents/${id}`).set(stranger.auth)).status).toBe(404);
    expect((await upload(pdf(), 'theirs.pdf', stranger.auth)).status).toBe(404);
  });

  it('refuses a virus, a type its content belies, a file too large, and an empty one, storing nothing', async () => {
    const before = await counts();
    const virus = await upload(EICAR, 'notes.txt');
    expect(virus.status).toBe(422);
    expect(virus.body.title).toBe('The file contains a virus');
    const program = Buffer.concat([
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'),
      Buffer.alloc(5000),
    ]);
    const disguised = await upload(program, 'budget.pdf');
    expect(disguised.status).toBe(422);
    expect(disguised.body.detail).toBe(
      'The file must be a PDF, Word, Excel, OpenDocument, PNG, JPEG, CSV or text file.',
    );
    const large = await upload(pdf(MAX + 1), 'huge.pdf');
    expect(large.status).toBe(413);
    expect(large.body.detail).toBe('The file must be 0.8 MB or smaller.');
    expect((await upload(Buffer.alloc(0), 'empty.pdf')).status).toBe(422);
    const none = await t.http
      .post(`/api/cases/${bidId}/application/files/q1`)
      .set(provider.auth)
      .field('note', 'x');
    expect(none.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  it('refuses to answer with a file of another bid, and sends the bid with its own', async () => {
    const foreign = randomUUID();
    const res = await t.http
      .put(`/api/cases/${bidId}/application/answers`)
      .set(provider.auth)
      .send({ answers: { q1: foreign, summary: 'Budgeted', amountRequestedPence: 10000 } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'answers.q1', message: 'Your budget: upload the file to this bid first' },
    ]);
    await t.http
      .put(`/api/cases/${bidId}/application/answers`)
      .set(provider.auth)
      .send({ answers: { summary: 'Budgeted', amountRequestedPence: 10000 } })
      .expect(200);
    const sent = await t.http.post(`/api/cases/${bidId}/application/send`).set(provider.auth);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect((await upload(pdf(), 'late.pdf')).status).toBe(409);
  });

  it('stores nothing while the scanner cannot be reached, and says to try again', async () => {
    down = await startTestApp({ documents: { maxBytes: MAX, scanner: clamdScanner('tcp://127.0.0.1:1') } });
    const other = await t.http
      .post('/api/cases')
      .set(provider.auth)
      .send({ machine: 'youth-fund', input: { programmeId, title: 'Another' } });
    const before = await counts();
    const res = await down.http
      .post(`/api/cases/${other.body.id}/application/files/q1`)
      .set(provider.auth)
      .attach('file', pdf(), 'budget.pdf');
    expect(res.status).toBe(503);
    expect(res.body.detail).toContain('Try again in a few minutes');
    expect(await counts()).toEqual(before);
  });

  it('in pages: a multipart form that checks its own token, shows a bad file in the error summary, and lists the file', async () => {
    const person = await providerWithPassword(t, 'Page uploader');
    const opened = await t.http
      .post('/api/cases')
      .set(person.auth)
      .send({ machine: 'youth-fund', input: { programmeId, title: 'Through the pages' } });
    const id = opened.body.id as string;
    const agent = await signedIn(t.baseUrl, person.email, person.password);
    const page = await agent.get(`/cases/${id}/bid/files/q1`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    expect(page.text).toContain(
      'It must be a PDF, Word, Excel, OpenDocument, PNG, JPEG, CSV or text file, 768 KB or smaller.',
    );
    const before = await counts();
    // No token, or the wrong one: refused before the file is read.
    const forged = await agent
      .post(`/cases/${id}/bid/files/q1`)
      .field('_csrf', 'forged')
      .attach('file', pdf(), 'a.pdf');
    expect(forged.status).toBe(403);
    const virus = await agent
      .post(`/cases/${id}/bid/files/q1`)
      .field('_csrf', csrfOf(page.text))
      .attach('file', EICAR, 'eicar.txt');
    expect(virus.status).toBe(422);
    expect(errorSummaryOf(virus.text)).toEqual([
      {
        href: '#file',
        text: 'The file contains a virus, so it was not saved. Check your computer for viruses, then upload a clean copy.',
      },
    ]);
    const none = await agent.post(`/cases/${id}/bid/files/q1`).field('_csrf', csrfOf(page.text));
    expect(errorSummaryOf(none.text)).toEqual([{ href: '#file', text: 'Select a file' }]);
    expect(await counts()).toEqual(before);

    const good = await agent
      .post(`/cases/${id}/bid/files/q1`)
      .field('_csrf', csrfOf(page.text))
      .attach('file', pdf(), 'Budget 2027.pdf');
    expect(good.status).toBe(303);
    expect(good.headers.location).toBe(`/cases/${id}/bid/sections/s1`);
    const section = await agent.get(good.headers.location as string);
    expect(section.text).toMatch(
      /<a class="govuk-link" href="\/documents\/[0-9a-f-]{36}" download>Budget 2027.pdf<\/a> \(2 KB\)/,
    );
    const href = /href="(\/documents\/[0-9a-f-]{36})"/.exec(section.text)![1]!;
    const file = await agent.get(href);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toContain('attachment; filename="Budget 2027.pdf"');
  });
});

describe('an organisation’s profile documents', () => {
  it('are added with the date they run out, refused without a good one, and read by staff and the organisation only', async () => {
    const owner = await t.newProvider('Profiled');
    const stranger = await t.newProvider('Not theirs');
    // A profile with nothing on it yet (test providers come with the four documents).
    await t.sql`delete from organisation_documents where organisation_id = ${owner.organisationId}`;
    const add = (fields: Record<string, string>, file?: Buffer, auth = owner.auth) => {
      let req = t.http.post(`/api/organisations/${owner.organisationId}/documents`).set(auth);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return file ? req.attach('file', file, 'policy.pdf') : req;
    };
    const before = await counts();
    const past = await add({ kind: 'safeguardingPolicy', expiresOn: '2020-01-01' }, pdf());
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([
      {
        field: 'expiresOn',
        message: 'The date it runs out must be today or later: upload a document that is in date',
      },
    ]);
    expect((await add({ kind: 'passport', expiresOn: '2099-01-01' }, pdf())).status).toBe(422);
    expect((await add({ kind: 'insurance', expiresOn: '2099-01-01' })).status).toBe(422);
    expect((await add({ kind: 'insurance', expiresOn: '2099-01-01' }, pdf(), stranger.auth)).status).toBe(
      404,
    );
    expect(await counts()).toEqual(before);

    const added = await add({ kind: 'safeguardingPolicy', expiresOn: '2099-03-31' }, pdf());
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const policy = added.body.items.find((i: { kind: string }) => i.kind === 'safeguardingPolicy');
    expect(policy).toMatchObject({
      kindName: 'Safeguarding policy',
      current: { name: 'policy.pdf', expiresOn: '2099-03-31', inDate: true },
    });
    expect(added.body.items.find((i: { kind: string }) => i.kind === 'insurance').current).toBeNull();
    // The profile's file: the organisation's people and staff read it; another organisation does not.
    const id = policy.current.documentId as string;
    expect((await t.http.get(`/api/documents/${id}`).set(owner.auth)).status).toBe(200);
    expect((await t.http.get(`/api/documents/${id}`).set(t.as('officer@demo.test'))).status).toBe(200);
    expect((await t.http.get(`/api/documents/${id}`).set(stranger.auth)).status).toBe(404);
    expect(
      (await t.http.get(`/api/organisations/${owner.organisationId}/documents`).set(stranger.auth)).status,
    ).toBe(404);
    const staff = await t.http
      .get(`/api/organisations/${owner.organisationId}/documents`)
      .set(t.as('finance@demo.test'));
    expect(staff.body.items).toHaveLength(4);
  });

  it('in pages: the four kinds, and an upload page asking the date before the file', async () => {
    const person = await providerWithPassword(t, 'Profile pages');
    await t.sql`delete from organisation_documents where organisation_id = ${person.organisationId} and kind = 'insurance'`;
    const agent = await signedIn(t.baseUrl, person.email, person.password);
    const list = await agent.get('/organisation/documents');
    expect(list.status).toBe(200);
    for (const words of [
      'Governing document',
      'Latest accounts',
      'Safeguarding policy',
      'Insurance certificate',
      'Not given',
    ])
      expect(list.text).toContain(words);
    const page = await agent.get('/organisation/documents/insurance');
    const csrf = csrfOf(page.text);
    const noDate = await agent
      .post('/organisation/documents/insurance')
      .field('_csrf', csrf)
      .attach('file', pdf(), 'cover.pdf');
    expect(noDate.status).toBe(422);
    expect(errorSummaryOf(noDate.text)).toEqual([
      { href: '#expiresOn-day', text: 'Enter the date it runs out, as YYYY-MM-DD' },
    ]);
    const good = await agent
      .post('/organisation/documents/insurance')
      .field('_csrf', csrf)
      .field('expiresOn-day', '31')
      .field('expiresOn-month', '3')
      .field('expiresOn-year', '2099')
      .attach('file', pdf(), 'cover.pdf');
    expect(good.status, good.text).toBe(303);
    const after = await agent.get(good.headers.location as string);
    expect(after.text).toContain('The document is saved.');
    expect(after.text).toContain('cover.pdf');
    expect(after.text).toContain('In date');
  });

  it('are what due diligence passes on: each check only with an in-date document of its kind', async () => {
    const bidder = await t.newProvider('Diligent');
    const victims = await t.programme({ cycle: 'victims-services' });
    const opened = await t.http
      .post('/api/cases')
      .set(bidder.auth)
      .send({
        machine: 'victims-services',
        input: { programmeId: victims.programmeId, title: 'ISVA service' },
      });
    const id = opened.body.id as string;
    await t.http
      .put(`/api/cases/${id}/application/answers`)
      .set(bidder.auth)
      .send({
        answers: {
          summary: 'Two ISVAs',
          amountRequestedPence: 1_000_000,
          startsOn: '2027-04-01',
          endsOn: '2028-03-31',
          service: 'isva',
        },
      })
      .expect(200);
    const sent = await t.http.post(`/api/cases/${id}/application/send`).set(bidder.auth);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    // Its insurance has run out; it never gave a safeguarding policy.
    await t.sql`update organisation_documents set expires_on = '2026-01-31'
      where organisation_id = ${bidder.organisationId} and kind = 'insurance'`;
    await t.sql`delete from organisation_documents
      where organisation_id = ${bidder.organisationId} and kind = 'safeguardingPolicy'`;
    const pass = () =>
      t.http
        .post(`/api/cases/${id}/events`)
        .set(t.as('officer@demo.test'))
        .send({
          type: 'PASS_DUE_DILIGENCE',
          checks: { safeguardingPolicy: true, insurance: true, accounts: true, governance: true },
        });
    const refused = await pass();
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      {
        field: 'checks.safeguardingPolicy',
        message: 'The organisation has no safeguarding policy on its profile',
      },
      {
        field: 'checks.insurance',
        message:
          'The organisation’s insurance certificate ran out on 31 January 2026: it must upload one that is in date',
      },
    ]);
    for (const kind of ['safeguardingPolicy', 'insurance'])
      await t.http
        .post(`/api/organisations/${bidder.organisationId}/documents`)
        .set(bidder.auth)
        .field('kind', kind)
        .field('expiresOn', '2099-12-31')
        .attach('file', pdf(), `${kind}.pdf`)
        .expect(201);
    const passed = await pass();
    expect(passed.status, JSON.stringify(passed.body)).toBe(200);
    expect(passed.body.state).toBe('panelScoring');
  });
});

describe('documents kept on a case', () => {
  it('are added by staff and the organisation with what they are, and read by whoever may see the case', async () => {
    const owner = await providerWithPassword(t, 'Case documents');
    const opened = await t.http
      .post('/api/cases')
      .set(owner.auth)
      .send({ machine: 'youth-fund', input: { programmeId, title: 'Evidence' } });
    const id = opened.body.id as string;
    const add = (auth: Record<string, string>, description: string | undefined, file?: Buffer) => {
      let req = t.http.post(`/api/cases/${id}/documents`).set(auth);
      if (description !== undefined) req = req.field('description', description);
      return file ? req.attach('file', file, 'agreement.pdf') : req;
    };
    const before = await counts();
    const unsaid = await add(owner.auth, '', pdf());
    expect(unsaid.status).toBe(422);
    expect(unsaid.body.errors[0].field).toBe('description');
    expect((await add(t.as('panel@demo.test'), 'Scores', pdf())).status).toBe(403);
    expect(await counts()).toEqual(before);
    const added = await add(t.as('officer@demo.test'), 'Grant agreement signed by both parties', pdf());
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.items).toMatchObject([
      {
        description: 'Grant agreement signed by both parties',
        name: 'agreement.pdf',
        addedByName: 'Olivia Officer',
      },
    ]);
    const listed = await t.http.get(`/api/cases/${id}/documents`).set(owner.auth);
    expect(listed.body.items).toHaveLength(1);

    // In pages: the case lists it; the organisation adds one of its own.
    const agent = await signedIn(t.baseUrl, owner.email, owner.password);
    const page = await agent.get(`/cases/${id}`);
    expect(page.text).toContain('Grant agreement signed by both parties');
    expect(page.text).toContain(`href="/cases/${id}/documents/new"`);
    const form = await agent.get(`/cases/${id}/documents/new`);
    const bad = await agent
      .post(`/cases/${id}/documents/new`)
      .field('_csrf', csrfOf(form.text))
      .field('description', 'Registers')
      .attach('file', EICAR, 'registers.txt');
    expect(bad.status).toBe(422);
    expect(errorSummaryOf(bad.text)[0]!.text).toContain('contains a virus');
    expect(bad.text).toContain('value="Registers"');
    const good = await agent
      .post(`/cases/${id}/documents/new`)
      .field('_csrf', csrfOf(form.text))
      .field('description', 'Attendance registers, April to June')
      .attach('file', Buffer.from('date,attended\n2027-04-02,14\n'), 'registers.csv');
    expect(good.status, good.text).toBe(303);
    const after = await agent.get(`/cases/${id}?done=document`);
    expect(after.text).toContain('The document was added to the case.');
    expect(after.text).toContain('registers.csv');
  });
});
