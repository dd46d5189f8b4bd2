// Personal data kept only as long as it should be (#14 item 10): the retention pass anonymises an
// account deactivated past its period (the history keeps its shape: "A former user") and clears old
// email; an admin downloads everything held about a person, and erases a person where the law allows
// but not while the records of public money must say who acted on them.
import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention, DEFAULT_RETENTION } from '../../src/domain/retention.ts';
import { REMOVED_TEXT } from '../../src/engine/field-meta.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { csrfOf, providerWithPassword, signedIn } from '../helpers/web.ts';

// A database of this file's own: the retention pass works on every account and message in the
// database it is given, and would clear other files' old email from under them.
let own: OwnDatabase;
let t: TestApp;
let admin: ReturnType<typeof request.agent>;
beforeAll(async () => {
  own = await createOwnDatabase('retention');
  t = await startTestApp({ databaseUrl: own.url });
  admin = await signedIn(t.baseUrl, 'admin@demo.test', 'demo-commissioning-2026');
});
afterAll(async () => {
  await t?.close();
  await own?.drop();
});

const PASSWORD = 'lichen harbour trowel';
const DAY = 86_400_000;

async function writeEmail(to: string, daysAgo: number, status = 'sent') {
  const at = new Date(Date.now() - daysAgo * DAY).toISOString();
  await t.sql`insert into outbox (message, to_email, to_name, subject, text, html, status, attempts, next_attempt_at, created_at)
    values ('test', ${to}, 'Someone', ${`Hello ${to}`}, ${`Words for ${to}`}, '<p>Words</p>', ${status}, 1, ${at}, ${at})`;
}

describe('the retention pass', () => {
  it('anonymises an account deactivated past its period, keeping its history, and clears old email', async () => {
    const gone = await providerWithPassword(t, 'Wagtail', PASSWORD);
    const kept = await providerWithPassword(t, 'Linnet', PASSWORD);
    const opened = await t.http
      .post('/api/cases')
      .set(gone.auth)
      .send({
        machine: 'youth-fund',
        input: { programmeId: t.youthFund.programmeId, title: 'Wagtail walks' },
      });
    expect(opened.status).toBe(201);
    await writeEmail(gone.email, 1);
    await writeEmail(kept.email, 400);
    await writeEmail(kept.email, 10);
    const longAgo = new Date(Date.now() - 25 * 30 * DAY).toISOString();
    // Answers stored for retries: one from six weeks ago, one from today.
    for (const [key, daysAgo] of [
      ['old-retry', 42],
      ['new-retry', 0],
    ] as const)
      await t.sql`insert into idempotency_keys (user_id, key, request_hash, status, body, headers, created_at)
        values (${kept.userId}, ${key}, 'h', 201, '{}', '{}', ${new Date(Date.now() - daysAgo * DAY).toISOString()})`;
    await t.sql`update users set deactivated_at = ${longAgo} where id = ${gone.userId}`;

    const result = await applyRetention(t.db, DEFAULT_RETENTION, new Date(), t.engine.registry);
    expect(result.accounts).toBeGreaterThanOrEqual(1);
    const [user] =
      await t.sql`select name, email, password_hash, anonymised_at from users where id = ${gone.userId}`;
    expect(user!.name).toBe('A former user');
    expect(user!.email).toBe(`former-user-${gone.userId}@anonymised.invalid`);
    expect(user!.password_hash).toBeNull();
    expect(user!.anonymised_at).not.toBeNull();
    expect(await t.sql`select 1 from memberships where user_id = ${gone.userId}`).toHaveLength(0);
    expect(await t.sql`select 1 from outbox where lower(to_email) = lower(${gone.email})`).toHaveLength(0);
    // The history keeps its shape: the opening is still theirs, under the new name.
    const [event] =
      await t.sql`select actor_id from case_events where case_id = ${opened.body.id} order by version limit 1`;
    expect(event!.actor_id).toBe(gone.userId);
    const history = await admin.get(`/cases/${opened.body.id}`);
    expect(history.text).toContain('A former user');
    expect(history.text).not.toContain('Wagtail (');

    // Email older than its period loses its addresses and words; newer email and the other account stay.
    const mail = await t.sql`select subject from outbox where lower(to_email) = lower(${kept.email})`;
    expect(mail.map((m) => m.subject)).toEqual([`Hello ${kept.email}`]);
    const retries = await t.sql`select key from idempotency_keys where user_id = ${kept.userId}`;
    expect(retries.map((r) => r.key)).toEqual(['new-retry']);
    const [linnet] = await t.sql`select name, anonymised_at from users where id = ${kept.userId}`;
    expect(linnet).toEqual({ name: 'Linnet', anonymised_at: null });
  });
});

describe('closed cases past the records’ retention period', () => {
  it('lose their free text, in the case and its history, keeping the money, the dates and who acted', async () => {
    const provider = await providerWithPassword(t, 'Shrike', PASSWORD);
    const bid = async (title: string) => {
      const opened = await t.http
        .post('/api/cases')
        .set(provider.auth)
        .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title } });
      const id = opened.body.id as string;
      const send = (event: Record<string, unknown>) =>
        t.http.post(`/api/cases/${id}/events`).set(provider.auth).send(event);
      // Its answers as saved on the way (the bid's application) hold the same words.
      await t.http
        .put(`/api/cases/${id}/application/answers`)
        .set(provider.auth)
        .send({ answers: { summary: 'Run by Jane Smith for her street', amountRequestedPence: 120_000 } })
        .expect(200);
      expect(
        (
          await send({
            type: 'SUBMIT',
            title,
            summary: 'Run by Jane Smith for her street',
            amountRequestedPence: 120_000,
          })
        ).status,
      ).toBe(200);
      expect((await send({ type: 'WITHDRAW', reason: 'Jane Smith has moved away' })).status).toBe(200);
      return id;
    };
    const old = await bid('Street games');
    const recent = await bid('Street games again');
    // Staff's internal notes and the messages with the organisation name people too.
    const [olivia] = await t.sql`select id from users where email = 'officer@demo.test'`;
    for (const id of [old, recent]) {
      await t.sql`insert into case_notes (case_id, author_id, body, at)
        values (${id}, ${olivia!.id}, 'Jane Smith rang about it', now())`;
      await t.sql`insert into case_messages (case_id, author_id, from_organisation, body, send_key, at)
        values (${id}, ${provider.userId}, true, 'Jane Smith will run it', 'retention-test', now())`;
    }
    const eightYearsAgo = new Date(Date.now() - 8 * 366 * DAY).toISOString();
    await t.sql`update cases set updated_at = ${eightYearsAgo} where id = ${old}`;

    const result = await applyRetention(t.db, DEFAULT_RETENTION, new Date(), t.engine.registry);
    expect(result.cases).toBe(1);
    const view = await t.http.get(`/api/cases/${old}`).set(provider.auth);
    expect(view.status).toBe(200);
    expect(view.body.context).toMatchObject({
      title: 'Street games',
      summary: REMOVED_TEXT,
      amountRequestedPence: 120_000,
    });
    const events =
      await t.sql`select type, payload, actor_id from case_events where case_id = ${old} order by version`;
    expect(events.map((e) => e.type)).toEqual(['CREATE', 'SUBMIT', 'WITHDRAW']);
    expect(events[1]!.payload).toMatchObject({ summary: REMOVED_TEXT, amountRequestedPence: 120_000 });
    expect(events[2]!.payload).toEqual({ reason: REMOVED_TEXT });
    expect(events.every((e) => e.actor_id === provider.userId)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('Jane');
    const [answers] = await t.sql`select answers from bid_answers where case_id = ${old}`;
    expect(answers!.answers).toEqual({
      title: 'Street games',
      summary: REMOVED_TEXT,
      amountRequestedPence: 120_000,
    });
    const notes = async (id: string) =>
      (await t.sql`select body, author_id from case_notes where case_id = ${id}`).map((n) => ({ ...n }));
    expect(await notes(old)).toEqual([{ body: REMOVED_TEXT, author_id: olivia!.id }]);
    expect(await notes(recent)).toEqual([{ body: 'Jane Smith rang about it', author_id: olivia!.id }]);
    const messages = async (id: string) =>
      (await t.sql`select body, author_id from case_messages where case_id = ${id}`).map((n) => ({ ...n }));
    expect(await messages(old)).toEqual([{ body: REMOVED_TEXT, author_id: provider.userId }]);
    expect(await messages(recent)).toEqual([{ body: 'Jane Smith will run it', author_id: provider.userId }]);
    const [keptAnswers] = await t.sql`select answers from bid_answers where case_id = ${recent}`;
    expect(keptAnswers!.answers.summary).toBe('Run by Jane Smith for her street');
    // The page still reads; a case closed recently keeps its words.
    expect((await admin.get(`/cases/${old}`)).status).toBe(200);
    const kept = await t.http.get(`/api/cases/${recent}`).set(provider.auth);
    expect(kept.body.context.summary).toBe('Run by Jane Smith for her street');
    // Once done, not done again.
    expect((await applyRetention(t.db, DEFAULT_RETENTION, new Date(), t.engine.registry)).cases).toBe(0);
  });
});

describe('subject access and erasure, for admins', () => {
  it('downloads everything held about a person, with case references and never a secret', async () => {
    const person = await providerWithPassword(t, 'Pipit', PASSWORD);
    const opened = await t.http
      .post('/api/cases')
      .set(person.auth)
      .send({
        machine: 'youth-fund',
        input: { programmeId: t.youthFund.programmeId, title: 'Pipit project' },
      });
    expect(opened.status).toBe(201);
    await t.sql`insert into case_messages (case_id, author_id, from_organisation, body, send_key, at)
      values (${opened.body.id}, ${person.userId}, true, 'Pipit asks a question', 'export-test', now())`;
    const found = await admin.get(
      `/admin/personal-data?email=${encodeURIComponent(person.email.toUpperCase())}`,
    );
    expect(found.status).toBe(303);
    expect(found.headers.location).toBe(`/admin/personal-data/${person.userId}`);
    const page = await admin.get(found.headers.location!);
    expect(page.text).toMatch(/Things they did on cases<\/th>\s*<td[^>]*>\s*1/);
    const exported = await admin.get(`/admin/personal-data/${person.userId}/export.json`);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-disposition']).toContain('attachment');
    expect(exported.body.account).toMatchObject({ name: 'Pipit', email: person.email, hasPassword: true });
    expect(exported.body.caseActions).toEqual([
      expect.objectContaining({ case: expect.stringMatching(/^YF-\d{6}$/), event: 'CREATE' }),
    ]);
    expect(exported.body.messagesWritten).toEqual([
      expect.objectContaining({ case: expect.stringMatching(/^YF-\d{6}$/), words: 'Pipit asks a question' }),
    ]);
    expect(page.text).toMatch(/Messages they wrote on cases<\/th>\s*<td[^>]*>\s*1/);
    const [hash] = await t.sql`select password_hash from users where id = ${person.userId}`;
    expect(exported.text).not.toContain(hash!.password_hash);
    expect(exported.text).not.toMatch(/passwordHash|totpSecret|tokenHash/);
    const missing = await admin.get('/admin/personal-data?email=nobody-here%40example.org');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('No account has that email address');
  });

  it('will not erase someone whose acts on public money must be kept; erases someone else at once', async () => {
    const actor = await providerWithPassword(t, 'Twite', PASSWORD);
    await t.http
      .post('/api/cases')
      .set(actor.auth)
      .send({
        machine: 'youth-fund',
        input: { programmeId: t.youthFund.programmeId, title: 'Twite trails' },
      });
    const kept = await admin.get(`/admin/personal-data/${actor.userId}`);
    expect(kept.text).toContain('They cannot be erased yet');
    const refused = await admin
      .post(`/admin/personal-data/${actor.userId}/erase`)
      .type('form')
      .send({ _csrf: csrfOf(kept.text) });
    expect(refused.status).toBe(409);

    const bystander = await providerWithPassword(t, `Dotterel ${randomUUID().slice(0, 4)}`, PASSWORD);
    const confirm = await admin.get(`/admin/personal-data/${bystander.userId}/erase`);
    expect(confirm.status).toBe(200);
    const erased = await admin
      .post(`/admin/personal-data/${bystander.userId}/erase`)
      .type('form')
      .send({ _csrf: csrfOf(confirm.text) });
    expect(erased.status).toBe(303);
    const [row] = await t.sql`select name, anonymised_at from users where id = ${bystander.userId}`;
    expect(row!.name).toBe('A former user');
    expect(row!.anonymised_at).not.toBeNull();
    await expect(signedIn(t.baseUrl, bystander.email, PASSWORD)).rejects.toThrow();
    expect((await t.http.get('/api/cases').set(bystander.auth)).status).toBe(401);
  });
});
