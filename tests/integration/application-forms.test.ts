// Application forms as data, through the API: an officer builds a programme's form (sections, own
// questions, eligibility), a change after a bid started makes a new version, eligibility stops a bid
// with its explanation, colleagues answer one bid together, and one validator names the question —
// whether the bid is sent with its saved answers or as an event.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/domain/people.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { Provider } from '../helpers/refusals.ts';

let t: TestApp;
let provider: Provider;
let programmeId: string;
const officer = () => t.as('officer@demo.test');

const customForm = {
  sections: [
    {
      id: 's1',
      title: 'About the project',
      questions: [
        { id: 'title', type: 'cycle', title: 'Name of your project' },
        { id: 'summary', type: 'cycle', title: 'What will the project do?', hint: 'In plain words' },
        { id: 'q1', type: 'longText', title: 'Why is it needed?', required: true, wordLimit: 5 },
        {
          id: 'q2',
          type: 'singleChoice',
          title: 'Which district?',
          required: true,
          choices: ['Fenland', 'Peterborough'],
        },
      ],
    },
    {
      id: 's2',
      title: 'Money',
      questions: [
        { id: 'amountRequestedPence', type: 'cycle', title: 'How much do you need?' },
        { id: 'q3', type: 'money', title: 'Match funding', required: false },
        { id: 'q4', type: 'yesNo', title: 'Have you had a grant from us before?', required: true },
      ],
    },
  ],
  eligibility: [
    {
      id: 'e1',
      question: 'Does your project work with young people aged 10 to 24?',
      ineligibleAnswer: 'no',
      explanation: 'The Youth Fund pays only for work with young people aged 10 to 24.',
    },
  ],
};

beforeAll(async () => {
  t = await startTestApp();
  provider = await t.newProvider('Form applicant');
  ({ programmeId } = await t.programme());
});
afterAll(() => t?.close());

async function colleagueOf(who: Provider, permissions: string[]) {
  const email = `colleague-${randomUUID()}@demo.test`;
  await t.sql`insert into users (email, name, role, organisation_id)
    values (${email}, 'A colleague', 'provider', ${who.organisationId})`;
  await t.sql`insert into memberships (user_id, organisation_id, permissions, accepted_at)
    select id, organisation_id, ${t.sql.array(permissions)}, now() from users where email = ${email}`;
  return { Authorization: `Bearer ${await issueToken(t.db, email)}` };
}

const startBid = (eligibility?: Record<string, string>) =>
  t.http
    .post('/api/cases')
    .set(provider.auth)
    .send({
      machine: 'youth-fund',
      input: { programmeId, title: 'Skate club' },
      ...(eligibility ? { eligibility } : {}),
    });

describe('a programme’s application form', () => {
  it('starts as the cycle’s own questions, which it cannot lose', async () => {
    const res = await t.http.get(`/api/programmes/${programmeId}/form`).set(provider.auth);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(0);
    expect(res.body.form.sections[0].questions.map((q: { id: string }) => q.id)).toEqual([
      'title',
      'summary',
      'amountRequestedPence',
    ]);
    const without = structuredClone(customForm);
    without.sections[1]!.questions.shift();
    const refused = await t.http.put(`/api/programmes/${programmeId}/form`).set(officer()).send(without);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body.errors)).toContain('Amount requested');
  });

  it('is changed by officers only, and checked for its shape', async () => {
    const byProvider = await t.http
      .put(`/api/programmes/${programmeId}/form`)
      .set(provider.auth)
      .send(customForm);
    expect(byProvider.status).toBe(403);
    const noChoices = structuredClone(customForm) as any;
    delete noChoices.sections[0].questions[3].choices;
    const bad = await t.http.put(`/api/programmes/${programmeId}/form`).set(officer()).send(noChoices);
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toContainEqual({
      field: 'sections.0.questions.3.choices',
      message: '“Which district?”: give the choices',
    });
    const saved = await t.http.put(`/api/programmes/${programmeId}/form`).set(officer()).send(customForm);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ version: 1, inUse: false });
    // Before any bid, a change rewrites the version in place.
    const again = await t.http.put(`/api/programmes/${programmeId}/form`).set(officer()).send(customForm);
    expect(again.body.version).toBe(1);
  });

  it('stops a bid whose eligibility answer rules it out, with the explanation, and writes nothing', async () => {
    const [before] =
      await t.sql`select count(*)::int as n from cases where organisation_id = ${provider.organisationId}`;
    const unanswered = await startBid();
    expect(unanswered.status).toBe(422);
    expect(unanswered.body.errors[0].message).toContain('? Answer yes or no');
    const ineligible = await startBid({ e1: 'no' });
    expect(ineligible.status).toBe(422);
    expect(ineligible.body.title).toBe('Not eligible');
    expect(ineligible.body.errors).toEqual([
      {
        field: 'eligibility.e1',
        message: 'The Youth Fund pays only for work with young people aged 10 to 24.',
      },
    ]);
    const [after] =
      await t.sql`select count(*)::int as n from cases where organisation_id = ${provider.organisationId}`;
    expect(after!.n).toBe(before!.n);
  });

  it('lets colleagues answer one bid together, checks each answer, and sends it once all are answered', async () => {
    const started = await startBid({ e1: 'yes' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const preparer = await colleagueOf(provider, []);

    const application = await t.http.get(`/api/cases/${id}/application`).set(preparer);
    expect(application.body).toMatchObject({
      formVersion: 1,
      eligibility: { e1: 'yes' },
      answers: { title: 'Skate club' },
      mayChange: true,
      maySend: false,
    });

    const tooLong = await t.http
      .put(`/api/cases/${id}/application/answers`)
      .set(preparer)
      .send({ answers: { q1: 'one two three four five six' } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors).toEqual([
      { field: 'answers.q1', message: 'Why is it needed? Must be 5 words or fewer' },
    ]);
    const unknown = await t.http
      .put(`/api/cases/${id}/application/answers`)
      .set(preparer)
      .send({ answers: { q99: 'x' } });
    expect(unknown.status).toBe(422);

    await t.http
      .put(`/api/cases/${id}/application/answers`)
      .set(preparer)
      .send({ answers: { q1: 'Nothing to do here', q2: 'Fenland' } })
      .expect(200);
    // The colleague's answers stay when the provider saves others.
    const saved = await t.http
      .put(`/api/cases/${id}/application/answers`)
      .set(provider.auth)
      .send({ answers: { summary: 'Skating on Fridays', amountRequestedPence: 120000 } });
    expect(saved.body.answers).toMatchObject({
      q1: 'Nothing to do here',
      q2: 'Fenland',
      amountRequestedPence: 120000,
    });

    // The preparer may not send it; the one validator names the question still to answer.
    expect((await t.http.post(`/api/cases/${id}/application/send`).set(preparer)).status).toBe(403);
    const early = await t.http.post(`/api/cases/${id}/application/send`).set(provider.auth);
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([
      { field: 'answers.q4', message: 'Have you had a grant from us before? Answer this question' },
    ]);
    // Sent as an event instead, the same rule holds.
    const asEvent = await t.http
      .post(`/api/cases/${id}/events`)
      .set(provider.auth)
      .send({ type: 'SUBMIT', title: 'Skate club', summary: 'Skating', amountRequestedPence: 120000 });
    expect(asEvent.status).toBe(422);
    expect(asEvent.body.errors).toEqual(early.body.errors);

    await t.http
      .put(`/api/cases/${id}/application/answers`)
      .set(preparer)
      .send({ answers: { q4: false } })
      .expect(200);
    const sent = await t.http.post(`/api/cases/${id}/application/send`).set(provider.auth);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.state).toBe('submitted');
    expect(sent.body.context).toMatchObject({
      title: 'Skate club',
      summary: 'Skating on Fridays',
      amountRequestedPence: 120000,
    });

    const late = await t.http
      .put(`/api/cases/${id}/application/answers`)
      .set(provider.auth)
      .send({ answers: { q4: true } });
    expect(late.status).toBe(409);
    const officerSees = await t.http.get(`/api/cases/${id}/application`).set(officer());
    expect(officerSees.body).toMatchObject({
      sent: true,
      mayChange: false,
      answers: { q4: false, q2: 'Fenland' },
    });
  });

  it('keeps a bid on the version it started on when the form changes after', async () => {
    const changed = structuredClone(customForm);
    changed.sections[0]!.questions.push({
      id: 'q5',
      type: 'shortText',
      title: 'Your website',
      required: true,
    } as never);
    const saved = await t.http.put(`/api/programmes/${programmeId}/form`).set(officer()).send(changed);
    expect(saved.body).toMatchObject({ version: 2, inUse: false });
    const [first] =
      await t.sql`select b.case_id from bid_answers b join application_forms f on f.id = b.form_id
      where f.programme_id = ${programmeId} and f.version = 1`;
    const old = await t.http.get(`/api/cases/${first!.case_id}/application`).set(officer());
    expect(old.body.formVersion).toBe(1);
    const later = await startBid({ e1: 'yes' });
    const fresh = await t.http.get(`/api/cases/${later.body.id}/application`).set(provider.auth);
    expect(fresh.body.formVersion).toBe(2);
    expect(JSON.stringify(fresh.body.form)).toContain('Your website');
  });
});
