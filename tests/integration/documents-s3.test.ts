// The S3-compatible store behind the same interface as PostgreSQL's: a file larger than one part is
// written as a multipart upload and read back whole, with its row saying where it is and no chunks in
// PostgreSQL; a refused file leaves nothing behind. Against s3rver, an S3-compatible server on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { s3Store } from '../../src/domain/documents/store.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { openRound } from '../helpers/bids.ts';
import { asBytes } from '../helpers/web.ts';

let t: TestApp;
let server: S3rver;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 's3rver-'));
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'documents' }],
  });
  const { port } = await server.run();
  const store = await s3Store({
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'documents',
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  });
  t = await startTestApp({ documents: { maxBytes: 12 * 1024 * 1024, scanner: null, store } });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps a file in the bucket, a part at a time, and serves it back whole', async () => {
  const provider = await t.newProvider('Bucket user');
  const { programmeId } = await t.programme({ open: false });
  const form = (await t.http.get(`/api/programmes/${programmeId}/form`).set(provider.auth)).body.form;
  form.sections[0].questions.push({ id: 'q1', type: 'file', title: 'Your plan', required: true });
  await t.http
    .put(`/api/programmes/${programmeId}/form`)
    .set(t.as('officer@demo.test'))
    .send(form)
    .expect(200);
  await openRound(t, programmeId);
  const opened = await t.http
    .post('/api/cases')
    .set(provider.auth)
    .send({ machine: 'youth-fund', input: { programmeId, title: 'Big plan' } });
  const id = opened.body.id as string;
  const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1');
  const bytes = Buffer.concat([head, Buffer.alloc(6 * 1024 * 1024 + 123, 0x41)]);
  const res = await t.http
    .post(`/api/cases/${id}/application/files/q1`)
    .set(provider.auth)
    .attach('file', bytes, 'plan.pdf');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const documentId = res.body.answers.q1 as string;
  const [row] = await t.sql`select store, size_bytes::int as size,
    (select count(*)::int from document_chunks where document_id = ${documentId}) as chunks
    from documents where id = ${documentId}`;
  expect(row).toEqual({ store: 's3', size: bytes.length, chunks: 0 });
  const download = await t.http
    .get(`/api/documents/${documentId}`)
    .set(provider.auth)
    .buffer(true)
    .parse(asBytes);
  expect(download.status).toBe(200);
  expect(download.headers['content-disposition']).toContain('attachment; filename="plan.pdf"');
  expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);

  // Refused part way (its content is a program, whatever its name): no row, and no object left.
  const [before] = await t.sql`select count(*)::int as n from documents`;
  const program = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(5000)]);
  const refused = await t.http
    .post(`/api/cases/${id}/application/files/q1`)
    .set(provider.auth)
    .attach('file', program, 'plan.pdf');
  expect(refused.status).toBe(422);
  const [after] = await t.sql`select count(*)::int as n from documents`;
  expect(after!.n).toBe(before!.n);
});
