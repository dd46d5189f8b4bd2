// Setting a programme up in pages: its limits, which only an approver or admin changes (each change
// logged with a reason), read by every member of staff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { csrfOf, errorSummaryOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const [OFFICER, APPROVER, ADMIN] = [
  'officer@demo.test',
  'approver@demo.test',
  'admin@demo.test',
] as const satisfies DemoEmail[];
const signIn = (email: DemoEmail) => signedIn(t.baseUrl, email, DEMO_PASSWORD);
const limitsOf = async (id: string) =>
  (await t.http.get(`/api/programmes/${id}/limits`).set(t.as(OFFICER))).body;

describe("a programme's limits in pages", () => {
  let programmeId: string;
  beforeAll(async () => {
    programmeId = (await t.programme({ delegationThresholdPence: 500_000, maxAwardPence: 500_000 }))
      .programmeId;
  });

  it('an officer reads them and every setting, but is offered no change and cannot post one', async () => {
    const officer = await signIn(OFFICER);
    const programme = await officer.get(`/programmes/${programmeId}`);
    expect(programme.status).toBe(200);
    expect(programme.text).toContain('Only an approver or an admin can change these limits.');
    expect(programme.text).not.toContain(`/programmes/${programmeId}/limits#change"`);
    const page = await officer.get(`/programmes/${programmeId}/limits`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('id="change-limits"');
    expect(page.text).toContain('£5,000.00');
    const before = await limitsOf(programmeId);
    const posted = await officer
      .post(`/programmes/${programmeId}/limits`)
      .type('form')
      .send({
        _csrf: csrfOf(programme.text),
        delegationThresholdPence: '999999',
        panelQuorum: '1',
        reason: 'I would like to',
      });
    expect(posted.status).toBe(403);
    expect(await limitsOf(programmeId)).toEqual(before);
  });

  it.each([APPROVER, ADMIN])('%s changes them with a reason, and the log names them', async (email) => {
    const person = await signIn(email);
    const programme = await person.get(`/programmes/${programmeId}`);
    expect(programme.text).toContain(`/programmes/${programmeId}/limits#change"`);
    const page = await person.get(`/programmes/${programmeId}/limits`);
    // The form starts from the limits as they stand, in pounds.
    const { delegationThresholdPence } = await limitsOf(programmeId);
    expect(page.text).toContain(`value="${(delegationThresholdPence / 100).toFixed(2)}"`);
    const quorum = email === APPROVER ? '3' : '4';
    const saved = await person
      .post(`/programmes/${programmeId}/limits`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        delegationThresholdPence: '2,500.00',
        maxAwardPence: '',
        panelQuorum: quorum,
        reason: `Board decision (${email})`,
      });
    expect(saved.status, saved.text).toBe(303);
    expect(saved.headers.location).toBe(`/programmes/${programmeId}?done=limits`);
    const shown = await person.get(String(saved.headers.location));
    expect(shown.text).toContain('The limits were changed.');
    expect(shown.text).toContain('No cap');
    const limits = await limitsOf(programmeId);
    expect(limits).toMatchObject({
      delegationThresholdPence: 250_000,
      maxAwardPence: null,
      panelQuorum: Number(quorum),
    });
    expect(limits.changes.at(-1)).toMatchObject({ reason: `Board decision (${email})` });
    const log = await person.get(`/programmes/${programmeId}/limits`);
    expect(log.text).toContain(`Board decision (${email})`);
  });

  it('says what is wrong with each answer, keeps what was typed, and changes nothing', async () => {
    const approver = await signIn(APPROVER);
    const page = await approver.get(`/programmes/${programmeId}/limits`);
    const before = await limitsOf(programmeId);
    const refused = await approver
      .post(`/programmes/${programmeId}/limits`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        delegationThresholdPence: 'lots',
        maxAwardPence: '0',
        panelQuorum: '0',
        reason: '',
      });
    expect(refused.status).toBe(422);
    const summary = errorSummaryOf(refused.text).map((e) => e.text);
    expect(summary).toEqual([
      expect.stringMatching(/^Delegation threshold: enter an amount in pounds/),
      'Enter a largest award of at least 1p, or leave it empty for no cap',
      'The panel quorum must be at least 1',
      'Enter why the limits change',
    ]);
    expect(refused.text).toContain('value="lots"');
    expect(await limitsOf(programmeId)).toEqual(before);
  });

  it('says so when nothing would change', async () => {
    const approver = await signIn(APPROVER);
    const page = await approver.get(`/programmes/${programmeId}/limits`);
    const now = await limitsOf(programmeId);
    const same = await approver
      .post(`/programmes/${programmeId}/limits`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        delegationThresholdPence: (now.delegationThresholdPence / 100).toFixed(2),
        panelQuorum: String(now.panelQuorum),
        reason: 'Again',
      });
    expect(same.status).toBe(409);
    expect(errorSummaryOf(same.text).map((e) => e.text)).toEqual([
      expect.stringMatching(/already has these limits/),
    ]);
    expect((await limitsOf(programmeId)).changes).toHaveLength(now.changes.length);
  });

  it('a provider cannot see them', async () => {
    const provider = await signIn('provider@demo.test');
    expect((await provider.get(`/programmes/${programmeId}/limits`)).status).toBe(403);
  });
});
