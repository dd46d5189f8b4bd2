// Admins see undeliverable email and send it again; nobody else sees the outbox at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOutboxRows } from '../../src/db/queries/outbox.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let failedId: number;
let sentId: number;
const tag = `admin-outbox-${Date.now()}`;

beforeAll(async () => {
  t = await startTestApp();
  const now = new Date();
  const row = (subject: string) => ({
    message: 'bidReceived',
    toEmail: `${tag}@demo.test`,
    toName: 'Test',
    subject,
    text: 'SECRET BODY TEXT',
    html: '<p>SECRET BODY TEXT</p>',
    nextAttemptAt: now,
    createdAt: now,
  });
  [failedId, sentId] = (await insertOutboxRows(t.db, [row(`${tag} failed`), row(`${tag} sent`)])) as [
    number,
    number,
  ];
  await t.sql`update outbox set status = 'failed', attempts = 8, last_error = '550 mailbox unavailable' where id = ${failedId}`;
  await t.sql`update outbox set status = 'sent', sent_at = now() where id = ${sentId}`;
});
afterAll(() => t.close());

describe('GET /api/admin/outbox', () => {
  it.each(['officer@demo.test', 'provider@demo.test', 'finance@demo.test', 'approver@demo.test'] as const)(
    'is refused to %s with 403',
    async (email) => {
      const res = await t.http.get('/api/admin/outbox').set(t.as(email));
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    },
  );

  it('lists failed messages with their error, and never their bodies', async () => {
    const res = await t.http.get('/api/admin/outbox?status=failed&limit=500').set(t.as('admin@demo.test'));
    expect(res.status).toBe(200);
    const mine = res.body.items.filter((item: { to: string }) => item.to === `${tag}@demo.test`);
    expect(mine).toEqual([
      expect.objectContaining({
        id: failedId,
        status: 'failed',
        attempts: 8,
        lastError: '550 mailbox unavailable',
      }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('SECRET BODY TEXT');
  });

  it('refuses a bad status with 400 naming it', async () => {
    const res = await t.http.get('/api/admin/outbox?status=lost').set(t.as('admin@demo.test'));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('status');
  });
});

describe('POST /api/admin/outbox/:id/retry', () => {
  it('puts a failed message back in the queue, once', async () => {
    const res = await t.http.post(`/api/admin/outbox/${failedId}/retry`).set(t.as('admin@demo.test'));
    expect(res.status).toBe(202);
    const [row] = await t.sql`select status, attempts from outbox where id = ${failedId}`;
    expect(row).toEqual({ status: 'pending', attempts: 0 });
    const again = await t.http.post(`/api/admin/outbox/${failedId}/retry`).set(t.as('admin@demo.test'));
    expect(again.status).toBe(404);
  });

  it.each([
    ['a sent message', () => String(sentId)],
    ['an unknown id', () => '999999999'],
    ['not a number', () => 'abc'],
  ])('answers 404 for %s and changes nothing', async (_name, id) => {
    const res = await t.http.post(`/api/admin/outbox/${id()}/retry`).set(t.as('admin@demo.test'));
    expect(res.status).toBe(404);
    const [row] = await t.sql`select status from outbox where id = ${sentId}`;
    expect(row!.status).toBe('sent');
  });

  it('is refused to an officer', async () => {
    const res = await t.http.post(`/api/admin/outbox/${failedId}/retry`).set(t.as('officer@demo.test'));
    expect(res.status).toBe(403);
  });
});
