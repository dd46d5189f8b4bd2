// A cycle registered from tests/ alone (tests/helpers/community-chest.ts) runs through the API, the
// pages, email and the open data exports with no other file changed: the definition owns its cycle's
// words (field titles, hints, options, its summary and its messages), and the rulebook holds for it
// because its events declare what they are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineDefinitions } from '../../machines/index.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { deliverCaseMail } from '../helpers/background-work.ts';
import { communityChest } from '../helpers/community-chest.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { csrfOf, errorSummaryOf, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let capture: SmtpCapture;
beforeAll(async () => {
  t = await startTestApp({ definitions: [...machineDefinitions, communityChest] });
  capture = await startSmtpCapture();
});
afterAll(async () => {
  await capture.close();
  await t.close();
});

const version = async (id: string) =>
  String((await t.sql`select version from cases where id = ${id}`)[0]!.version);

/** Sends the case's waiting email to the loopback SMTP server; returns what arrived. */
const deliver = (caseId: string) => deliverCaseMail(t.db, capture, caseId);

describe('a cycle defined only in tests/', () => {
  it('runs through the API, the pages, email and the exports in its own words', async () => {
    const { programmeId, fundId } = await t.programme({
      cycle: communityChest.id,
      open: false,
      delegationThresholdPence: 100_000,
    });
    const provider = await providerWithPassword(t, 'Chest Bidders');

    // The API opens it, and lists it by its summary: a title before the bid has one.
    const opened = await t.http
      .post('/api/cases')
      .set(provider.auth)
      .send({ machine: communityChest.id, input: { programmeId } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    expect(opened.body).toMatchObject({ title: 'Community chest bid (not yet named)', amountPence: null });

    // The provider's page asks the definition's questions, in its words.
    const agent = await signedIn(t.baseUrl, provider.email, provider.password);
    const page = await agent.get(`/cases/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Being written');
    // The bid's questions, from its payload, are asked on its task list's section.
    const section = await agent.get(`/cases/${id}/bid/sections/s1`);
    expect(section.status).toBe(200);
    for (const words of [
      'Name of your project',
      'What the money is for',
      'Who it helps and how',
      'How much you are asking for',
      'Where the project runs',
      'North of the river',
    ])
      expect(section.text).toContain(words);
    expect(section.text).not.toMatch(/>\s*amountRequestedPence/); // never the field's name as its label
    expect(section.text).not.toContain('Amount requested'); // no label guessed from a field's name
    // Their work waiting names the case by its summary.
    const home = await agent.get('/');
    expect(home.text).toContain(`${opened.body.reference}: Community chest bid (not yet named)`);

    // Bad input through the page: the answer is named at its field and nothing is written.
    const bad = await agent
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), version: await version(id), title: 'Bikes', purpose: 'Repairs' });
    expect(bad.status).toBe(422);
    expect(errorSummaryOf(bad.text).map((e) => e.href)).toEqual(
      expect.arrayContaining(['#amountRequestedPence', '#neighbourhood']),
    );
    expect(await version(id)).toBe('1');

    const sent = await agent
      .post(`/cases/${id}/events/SUBMIT`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        version: await version(id),
        title: 'Bikes for the estate',
        purpose: 'Repairing donated bikes with young people on the estate',
        amountRequestedPence: '900.00',
        neighbourhood: 'south',
      });
    expect(sent.status, sent.text).toBe(303);
    const submitted = (await agent.get(`/cases/${id}`)).text;
    for (const words of [
      'Bikes for the estate',
      'With the chest',
      'Asked for',
      '£900.00',
      'South of the river',
    ])
      expect(submitted).toContain(words);

    // The API lists it with its title and amount, from the definition's summary.
    const listed = await t.http.get(`/api/cases?machine=${communityChest.id}`).set(provider.auth);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id, title: 'Bikes for the estate', amountPence: 90_000 }),
    ]);

    // The rulebook holds for it as for any cycle: whoever decides declares first (409 until then),
    // and a decision above the programme's threshold waits for an approver's signature.
    const award = (amountPence: number) =>
      t.http
        .post(`/api/cases/${id}/events`)
        .set(t.as('officer@demo.test'))
        .send({ type: 'AWARD', amountPence });
    expect((await award(90_000)).status).toBe(409);
    await t.declare('officer@demo.test', id);
    const above = await award(150_000);
    expect(above.status, JSON.stringify(above.body)).toBe(200);
    expect(above.body).toMatchObject({ state: 'submitted', decision: { status: 'awaitingSignature' } });
    const officerPage = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const held = (await officerPage.get(`/cases/${id}`)).text;
    expect(held).toContain('Award from the chest');
    expect(held).toContain('Chest award');
    expect(held).toContain('£1,500.00');
    await t.declare('approver@demo.test', id);
    const back = await t.http
      .post(`/api/cases/${id}/events`)
      .set(t.as('approver@demo.test'))
      .send({ type: 'SEND_BACK_DECISION', reason: 'More than the chest gives' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    // Sent back: the next decision goes to the approver too, whatever its amount.
    const again = await award(90_000);
    expect(again.body).toMatchObject({ state: 'submitted', decision: { status: 'awaitingSignature' } });
    const signed = await t.http
      .post(`/api/cases/${id}/events`)
      .set(t.as('approver@demo.test'))
      .send({ type: 'SIGN_DECISION' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.state).toBe('awarded');
    // The history reads each step with what was said, in the form's words.
    const history = (await officerPage.get(`/cases/${id}`)).text;
    expect(history).toContain('Why you are sending the decision back: More than the chest gives');
    expect(history).toContain('Where the project runs: South of the river');
    expect(history).toContain('Chest award: £900.00');

    // Email in the definition's words, with the case's title from its summary; the rulebook's
    // messages speak for it to the approver.
    const mail = await deliver(id);
    const toProvider = mail.filter((m) => m.envelope.to.includes(provider.email));
    expect(toProvider.map((m) => m.subject.replace(/^CC-\d{6}: /, '')).sort()).toEqual([
      'the community chest has awarded you a grant',
      'the community chest has your bid',
    ]);
    expect(toProvider.find((m) => m.subject.endsWith('awarded you a grant'))!.text).toContain(
      'The community chest has awarded a grant for "Bikes for the estate".',
    );
    expect(mail.filter((m) => m.envelope.to.includes('approver@demo.test')).map((m) => m.subject)).toContain(
      `${opened.body.reference}: a decision needs your signature`,
    );

    // The open data export publishes the grant with its summary's title and description.
    const exported = await t.http
      .get(`/api/exports/360giving.json?fund=${fundId}`)
      .set(t.as('finance@demo.test'));
    expect(exported.status).toBe(200);
    expect(exported.body.grants).toEqual([
      expect.objectContaining({
        title: 'Bikes for the estate',
        description: 'Repairing donated bikes with young people on the estate',
        amountAwarded: 900,
      }),
    ]);
  });
});
