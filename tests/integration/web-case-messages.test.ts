// Messages on a case between the Commissioner's office and the organisation: each side writes on a
// page of its own, whoever it is for is emailed that it is there (never its words), both read it on
// the case page and in the history; the panel neither reads nor writes them, and a message sent
// twice is kept and emailed once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { deliverCaseMail } from '../helpers/background-work.ts';
import { bids } from '../helpers/bids.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { csrfOf, errorSummaryOf, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let capture: SmtpCapture;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
/** The organisation's name as the service knows it (the label and a tag of its own). */
let trust: string;
beforeAll(async () => {
  t = await startTestApp();
  capture = await startSmtpCapture();
  provider = await providerWithPassword(t, 'Letterbox Trust');
  b = bids(t, provider);
  trust = (
    await t.sql`select o.name from organisations o join users u on u.organisation_id = o.id
    where u.id = ${provider.userId}`
  )[0]!.name as string;
});
afterAll(async () => {
  await capture.close();
  await t.close();
});

const messagesOf = async (id: string) =>
  (await t.sql`select body, from_organisation from case_messages where case_id = ${id} order by at`).map(
    (r) => [r.from_organisation as boolean, r.body as string],
  );
const sectionOf = (html: string, id: string) =>
  new RegExp(`id="${id}"[\\s\\S]*?</(dl|table)>`).exec(html)?.[0] ?? '';

/** Opens the message page and returns a sender of that form (its key and CSRF token). */
async function messageForm(agent: Awaited<ReturnType<typeof signedIn>>, id: string) {
  const form = await agent.get(`/cases/${id}/messages/new`);
  expect(form.status, form.text).toBe(200);
  const sendKey = /name="sendKey" value="([^"]+)"/.exec(form.text)?.[1];
  expect(sendKey).toBeTruthy();
  return {
    page: form.text,
    send: (body: string) =>
      agent
        .post(`/cases/${id}/messages/new`)
        .type('form')
        .send({ _csrf: csrfOf(form.text), sendKey: sendKey!, body }),
  };
}

describe('messages between the office and the organisation', () => {
  it('the officer writes, the organisation is emailed, reads it and replies, and the officer is emailed', async () => {
    const id = await b.inPanelReview(t.youthFund.programmeId);
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const casePage = (await officer.get(`/cases/${id}`)).text;
    expect(casePage).toContain('<h2 class="govuk-heading-m" id="case-messages">Messages</h2>');
    expect(casePage).toContain('No messages yet.');
    expect(casePage).toContain(`id="send-case-message">Send a message to ${trust}`);

    const form = await messageForm(officer, id);
    expect(form.page).toContain(`Send a message to ${trust}`);
    const blank = await form.send('  ');
    expect(blank.status).toBe(422);
    expect(errorSummaryOf(blank.text)).toEqual([{ href: '#body', text: 'Enter the message' }]);
    const long = await form.send('y'.repeat(5001));
    expect(errorSummaryOf(long.text)).toEqual([
      { href: '#body', text: 'The message must be 5,000 characters or fewer' },
    ]);
    // What was typed is kept, and so is the form's key.
    expect(long.text).toContain('y'.repeat(5001));
    expect(long.text).toContain(/name="sendKey" value="([^"]+)"/.exec(form.page)![0]);
    expect(await messagesOf(id)).toEqual([]);

    const sent = await form.send('Could you send your safeguarding policy?\nThe panel meets on Friday.');
    expect(sent.status, sent.text).toBe(303);
    expect(sent.headers.location).toBe(`/cases/${id}?done=message#case-messages`);
    // Sent again (a double click, a retry): kept once, emailed once.
    expect((await form.send('Could you send your safeguarding policy?')).status).toBe(303);
    expect(await messagesOf(id)).toEqual([
      [false, 'Could you send your safeguarding policy?\nThe panel meets on Friday.'],
    ]);
    const after = (await officer.get(sent.headers.location!)).text;
    expect(after).toContain(`Your message was sent. ${trust} is emailed that it is here.`);
    expect(sectionOf(after, 'case-message-list')).toMatch(
      /Could you send your safeguarding policy\?<br \/>\s*The panel meets on Friday\./,
    );
    expect(after).toContain(`id="send-case-message">Send a message to ${trust}`);

    const toTrust = await deliverCaseMail(t.db, capture, id);
    const told = toTrust.filter((m) => m.subject.startsWith('New message about'));
    expect(told.map((m) => m.envelope.to)).toEqual([[provider.email]]);
    expect(told[0]!.text).toContain(
      'Olivia Officer of the Office of the Police and Crime Commissioner sent your organisation a message about',
    );
    expect(told[0]!.text).toContain(`/cases/${id}#case-messages`);
    // Email carries no words of the message: they are read after signing in.
    expect(told[0]!.text).not.toContain('safeguarding');

    // The organisation reads it on its case page and in the history, and replies.
    const own = await signedIn(t.baseUrl, provider.email, provider.password);
    const theirs = (await own.get(`/cases/${id}`)).text;
    expect(sectionOf(theirs, 'case-message-list')).toContain('Olivia Officer, Commissioner’s office');
    expect(sectionOf(theirs, 'case-message-list')).toContain('Could you send your safeguarding policy?');
    expect(sectionOf(theirs, 'case-history')).toContain(
      `Message</strong> Message to ${trust}<br><span class="govuk-body-s">Could you send`,
    );
    expect(theirs).toMatch(/id="send-case-message">Reply to the Commissioner’s office/);
    const reply = await messageForm(own, id);
    expect(reply.page).toContain('Send a message to the Commissioner’s office');
    const replied = await reply.send('Attached to the bid this morning.');
    expect(replied.status, replied.text).toBe(303);
    expect((await own.get(replied.headers.location!)).text).toContain(
      'Your message was sent. The case officer is emailed that it is here.',
    );

    // The officers who look after the case are told; the organisation is not told of its own reply.
    const officerId = (await t.sql`select officer_id from cases where id = ${id}`)[0]!.officer_id;
    const expected = officerId
      ? (await t.sql`select email from users where id = ${officerId}`).map((r) => r.email)
      : (await t.sql`select email from users where role = 'officer' order by email`).map((r) => r.email);
    const toOffice = (await deliverCaseMail(t.db, capture, id)).filter(
      (m) => m.subject.startsWith('New message about') && !told.includes(m),
    );
    expect(toOffice.map((m) => m.envelope.to[0]).sort()).toEqual([...expected].sort());
    expect(toOffice[0]!.text).toContain(`of ${trust} sent the office a message about`);

    const back = (await officer.get(`/cases/${id}`)).text;
    const list = sectionOf(back, 'case-message-list');
    // Newest first, each saying who wrote it and for whom.
    expect(list.indexOf('Attached to the bid')).toBeLessThan(list.indexOf('Could you send'));
    expect(list).toContain(`, ${trust}`);
    expect(sectionOf(back, 'case-history')).toContain(
      `Message</strong> Message from ${trust}<br><span class="govuk-body-s">Attached to the bid`,
    );
    expect(back).toContain(`id="send-case-message">Reply to ${trust}`);
  });

  it('the panel neither reads nor writes messages; the organisation never sees internal notes', async () => {
    const id = await b.inPanelReview(t.youthFund.programmeId);
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    await (await messageForm(officer, id)).send('Please confirm your bank details.').expect(303);
    const noteForm = await officer.get(`/cases/${id}/notes/new`);
    await officer
      .post(`/cases/${id}/notes/new`)
      .type('form')
      .send({ _csrf: csrfOf(noteForm.text), body: 'Their accounts look thin' })
      .expect(303);

    const panel = await signedIn(t.baseUrl, 'panel@demo.test', DEMO_PASSWORD);
    const panels = await panel.get(`/cases/${id}`);
    expect(panels.status).toBe(200);
    expect(panels.text).not.toContain('Please confirm your bank details');
    expect(panels.text).not.toContain('id="case-messages"');
    expect((await panel.get(`/cases/${id}/messages/new`)).status).toBe(403);
    const tried = await panel
      .post(`/cases/${id}/messages/new`)
      .type('form')
      .send({ _csrf: csrfOf(panels.text), sendKey: 'k1', body: 'A panel member writing' });
    expect(tried.status).toBe(403);

    const own = await signedIn(t.baseUrl, provider.email, provider.password);
    const theirs = (await own.get(`/cases/${id}`)).text;
    expect(theirs).toContain('Please confirm your bank details');
    expect(theirs).not.toContain('Their accounts look thin');

    // Another organisation cannot see the case at all, nor write on it.
    const stranger = await providerWithPassword(t, 'Stranger Trust');
    const other = await signedIn(t.baseUrl, stranger.email, stranger.password);
    expect((await other.get(`/cases/${id}/messages/new`)).status).toBe(404);
    expect(await messagesOf(id)).toEqual([[false, 'Please confirm your bank details.']]);
  });
});

describe('notes and messages over the API', () => {
  it('sends a message once per Idempotency-Key, in plain problems when wrong, read by both sides alone', async () => {
    const id = await b.inPanelReview(t.youthFund.programmeId);
    const officer = t.as('officer@demo.test');
    const post = (body: unknown, key?: string) => {
      const req = t.http.post(`/api/cases/${id}/messages`).set(officer);
      return (key ? req.set('Idempotency-Key', key) : req).send(body as object);
    };
    const blank = await post({ body: ' ' });
    expect(blank.status).toBe(422);
    expect(blank.headers['content-type']).toContain('application/problem+json');
    expect(blank.body.errors).toEqual([{ field: 'body', message: 'Enter the message' }]);
    expect((await post({ body: 5 })).body.errors).toEqual([
      { field: 'body', message: 'Enter the words of the note or message as text' },
    ]);
    expect((await post({ body: 'Hi', to: 'x' })).body.errors).toEqual([
      { field: 'to', message: 'This field is not allowed here' },
    ]);
    expect(await messagesOf(id)).toEqual([]);

    const sent = await post({ body: 'When does the youth worker start?' }, 'api-message-1');
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect((await post({ body: 'When does the youth worker start?' }, 'api-message-1')).status).toBe(201);
    expect(await messagesOf(id)).toEqual([[false, 'When does the youth worker start?']]);
    expect(sent.body.items).toEqual([
      {
        at: expect.any(String),
        from: 'office',
        author: 'Olivia Officer',
        body: 'When does the youth worker start?',
      },
    ]);

    const theirs = await t.http
      .post(`/api/cases/${id}/messages`)
      .set(provider.auth)
      .send({ body: 'In May.' });
    expect(theirs.status).toBe(201);
    expect(theirs.body.items.map((m: { from: string }) => m.from)).toEqual(['office', 'organisation']);
    expect((await t.http.get(`/api/cases/${id}/messages`).set(t.as('panel@demo.test'))).status).toBe(403);
  });

  it('keeps staff notes for staff alone', async () => {
    const id = await b.inPanelReview(t.youthFund.programmeId);
    const added = await t.http
      .post(`/api/cases/${id}/notes`)
      .set(t.as('finance@demo.test'))
      .send({ body: 'Bank details checked by phone' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.items).toEqual([
      { at: expect.any(String), author: expect.any(String), body: 'Bank details checked by phone' },
    ]);
    const read = await t.http.get(`/api/cases/${id}/notes`).set(t.as('officer@demo.test'));
    expect(read.body.items.map((n: { body: string }) => n.body)).toEqual(['Bank details checked by phone']);
    expect((await t.http.get(`/api/cases/${id}/notes`).set(provider.auth)).status).toBe(403);
    const tried = await t.http.post(`/api/cases/${id}/notes`).set(provider.auth).send({ body: 'Ours' });
    expect(tried.status).toBe(403);
    const blank = await t.http
      .post(`/api/cases/${id}/notes`)
      .set(t.as('officer@demo.test'))
      .send({ body: '' });
    expect(blank.body.errors).toEqual([{ field: 'body', message: 'Enter the note' }]);
  });
});
