// The application form builder's pages, through HTTP as a browser posts them: renaming a section,
// changing an eligibility question, moving and removing a question of the officer's, and the cycle's
// own question that cannot be removed; bad input shown on the page, nothing saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { csrfOf, errorSummaryOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
let programmeId: string;
let officer: Awaited<ReturnType<typeof signedIn>>;

beforeAll(async () => {
  t = await startTestApp();
  ({ programmeId } = await t.programme({ open: false }));
  const form = (await t.http.get(`/api/programmes/${programmeId}/form`).set(t.as('officer@demo.test'))).body
    .form;
  form.sections[0].questions.push(
    { id: 'q1', type: 'shortText', title: 'Your website', required: false },
    { id: 'q2', type: 'number', title: 'How many volunteers?', required: true },
  );
  form.eligibility.push({
    id: 'e1',
    question: 'Are you local?',
    ineligibleAnswer: 'no',
    explanation: 'Local groups only.',
  });
  await t.http
    .put(`/api/programmes/${programmeId}/form`)
    .set(t.as('officer@demo.test'))
    .send(form)
    .expect(200);
  officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
});
afterAll(() => t?.close());

const formNow = async () =>
  (await t.http.get(`/api/programmes/${programmeId}/form`).set(t.as('officer@demo.test'))).body.form;
const post = async (path: string, body: Record<string, string>) => {
  const page = await officer.get(`/programmes/${programmeId}/form`);
  return officer
    .post(path)
    .type('form')
    .send({ _csrf: csrfOf(page.text), ...body });
};

describe('the form builder’s pages', () => {
  it('renames a section, and shows a blank name as an error, saving nothing', async () => {
    const blank = await post(`/programmes/${programmeId}/form/sections/s1`, { title: '  ' });
    expect(blank.status).toBe(422);
    expect(errorSummaryOf(blank.text)[0]!.text).toBe('Enter the section title');
    expect((await formNow()).sections[0].title).toBe('Your bid');
    const renamed = await post(`/programmes/${programmeId}/form/sections/s1`, { title: 'About the project' });
    expect(renamed.status).toBe(303);
    expect((await formNow()).sections[0].title).toBe('About the project');
  });

  it('changes an eligibility question in place', async () => {
    const res = await post(`/programmes/${programmeId}/form/eligibility/e1`, {
      question: 'Is your group based in Cambridgeshire?',
      ineligibleAnswer: 'no',
      explanation: 'The fund is for groups based in Cambridgeshire.',
    });
    expect(res.status).toBe(303);
    expect((await formNow()).eligibility).toEqual([
      {
        id: 'e1',
        question: 'Is your group based in Cambridgeshire?',
        ineligibleAnswer: 'no',
        explanation: 'The fund is for groups based in Cambridgeshire.',
      },
    ]);
  });

  it('moves a question up, removes one of the officer’s, and will not remove the cycle’s', async () => {
    await post(`/programmes/${programmeId}/form/questions/q2/up`, {});
    const ids = (await formNow()).sections[0].questions.map((q: { id: string }) => q.id);
    expect(ids).toEqual(['title', 'summary', 'amountRequestedPence', 'q2', 'q1']);
    expect((await post(`/programmes/${programmeId}/form/questions/q1/remove`, {})).status).toBe(303);
    const refused = await post(`/programmes/${programmeId}/form/questions/summary/remove`, {});
    expect(refused.status).toBe(409);
    expect((await formNow()).sections[0].questions.map((q: { id: string }) => q.id)).toEqual([
      'title',
      'summary',
      'amountRequestedPence',
      'q2',
    ]);
  });

  it('asks for the choices of a choice question on its page, keeping what was typed', async () => {
    const res = await post(`/programmes/${programmeId}/form/sections/s1/questions/new`, {
      title: 'Which age groups?',
      type: 'multipleChoice',
      required: 'yes',
    });
    expect(res.status).toBe(422);
    expect(errorSummaryOf(res.text).map((e) => e.text)).toEqual(['“Which age groups?”: give the choices']);
    expect(res.text).toContain('>Which age groups?</textarea>');
  });
});
