// The email outbox as an admin's page: what could not be sent, and sending it again.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { csrfOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
let own: OwnDatabase;
beforeAll(async () => {
  // Its own database: the page lists the newest 200 messages, and other files' apps, on clocks moved
  // years on, write messages dated after this file's.
  own = await createOwnDatabase('email_pages');
  t = await startTestApp({ databaseUrl: own.url });
});
afterAll(async () => {
  await t?.close();
  await own?.drop();
});

async function failedMessage() {
  const to = `bounced-${randomUUID().slice(0, 8)}@example.org`;
  const [row] =
    await t.sql`insert into outbox (message, to_email, to_name, subject, text, html, status, attempts,
      next_attempt_at, last_error, created_at)
    values ('passwordReset', ${to}, 'Bo Unced', 'Reset your password', 'SECRET BODY', '<p>SECRET BODY</p>', 'failed', 8,
      now(), '550 mailbox unavailable', now()) returning id`;
  return { id: Number(row!.id), to };
}

describe('the email page', () => {
  it('shows an admin what could not be sent, never its words, and sends it again', async () => {
    const { id, to } = await failedMessage();
    const admin = await signedIn(t.baseUrl, 'admin@demo.test', DEMO_PASSWORD);
    const page = await admin.get('/admin/email');
    expect(page.status).toBe(200);
    expect(page.text).toContain(to);
    expect(page.text).toContain('550 mailbox unavailable');
    expect(page.text).not.toContain('SECRET BODY');
    const res = await admin
      .post(`/admin/email/${id}/retry`)
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/email?status=failed&retried=${id}`);
    const [row] = await t.sql`select status, attempts from outbox where id = ${id}`;
    expect(row).toEqual({ status: 'pending', attempts: 0 });
    const after = await admin.get(res.headers.location!);
    expect(after.text).toContain('The message will be sent again');
    expect(after.text).not.toContain(to);
    expect((await admin.get('/admin/email?status=pending')).text).toContain(to);
    // Only a failed message is sent again: once more is not found.
    expect(
      (
        await admin
          .post(`/admin/email/${id}/retry`)
          .type('form')
          .send({ _csrf: csrfOf(page.text) })
      ).status,
    ).toBe(404);
  });

  it('is for admins only', async () => {
    const { id } = await failedMessage();
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const page = await officer.get('/admin/email');
    expect(page.status).toBe(403);
    const home = await officer.get('/');
    const refused = await officer
      .post(`/admin/email/${id}/retry`)
      .type('form')
      .send({ _csrf: csrfOf(home.text) });
    expect(refused.status).toBe(403);
    const [row] = await t.sql`select status from outbox where id = ${id}`;
    expect(row!.status).toBe('failed');
  });
});
