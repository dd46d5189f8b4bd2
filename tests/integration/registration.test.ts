// An organisation registers itself, and its first person confirms their email address by the link
// sent to it (choosing their password there) before they can sign in and start a bid.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/sessions.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { deliverMailTo } from '../helpers/background-work.ts';
import { type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { csrfOf, errorSummaryOf, fieldErrorsOf, postSignIn, signedIn } from '../helpers/web.ts';

let t: TestApp;
let capture: SmtpCapture;
beforeAll(async () => {
  t = await startTestApp();
  capture = await startSmtpCapture();
});
afterAll(async () => {
  await capture?.close();
  await t?.close();
});

const PASSWORD = 'lantern meadow ferry';
const form = (over: Record<string, string> = {}) => {
  const tag = randomUUID().slice(0, 8);
  return {
    name: 'Rosa Reyes',
    email: `rosa-${tag}@harbourhouse.example`,
    organisationName: `Harbour House Youth Project ${tag}`,
    legalForm: 'communityInterestCompany',
    charityNumber: '',
    companyNumber: '1234567',
    address: '12 Quay Street\nWisbech',
    postcode: 'pe13 1aa',
    phone: '01945 123456',
    ...over,
  };
};
const registerWith = (body: Record<string, string>) =>
  request(t.baseUrl).post('/register').type('form').send(body);
const organisationNamed = async (name: string) =>
  (
    await t.sql`select name, kind, legal_form, charity_number, company_number, address, postcode, phone
    from organisations where name = ${name}`
  )[0];

describe('registering an organisation', () => {
  it('registers, confirms the address by the emailed link, signs in and starts a bid', async () => {
    const body = form();
    const page = await request(t.baseUrl).get('/register');
    expect(page.status).toBe(200);
    const done = await registerWith(body);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Check your email');
    // Checked for shape and written as registers write them: the company number to 8, the postcode spaced.
    expect(await organisationNamed(body.organisationName)).toEqual({
      name: body.organisationName,
      kind: 'provider',
      legal_form: 'communityInterestCompany',
      charity_number: null,
      company_number: '01234567',
      address: '12 Quay Street\nWisbech',
      postcode: 'PE13 1AA',
      phone: '01945 123456',
    });
    // Not yet: there is no password, and the address is not confirmed.
    expect((await postSignIn(t.baseUrl, { email: body.email, password: PASSWORD })).status).toBe(401);

    const [mail] = await deliverMailTo(t.db, capture, body.email);
    expect(mail?.subject).toBe('Confirm your email address for OPCC Commissioning');
    expect(mail?.text).toContain(`Thank you for registering ${body.organisationName}`);
    const link = /http:\/\/grants\.test(\/set-password\/[A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1];
    expect(link, mail?.text).toBeTruthy();
    const set = await request(t.baseUrl)
      .post(link!)
      .type('form')
      .send({ password: PASSWORD, confirm: PASSWORD });
    expect(set.status).toBe(200);
    const [user] = await t.sql`select role, email_verified_at from users where email = ${body.email}`;
    expect(user!.role).toBe('provider');
    expect(user!.email_verified_at).not.toBeNull();

    const agent = await signedIn(t.baseUrl, body.email, PASSWORD);
    const start = await agent.get(`/funding/${t.youthFund.programmeId}/start`);
    expect(start.text).toContain('What is your bid called?');
    const bid = await agent
      .post(`/funding/${t.youthFund.programmeId}/bids`)
      .type('form')
      .send({ _csrf: csrfOf(start.text), title: 'Harbour nights' });
    expect(bid.status).toBe(303);
    expect(bid.headers.location).toMatch(/^\/cases\//);
  });

  it('says what is wrong on each question, keeps what was typed, and writes nothing', async () => {
    const body = form({
      name: '',
      email: 'not-an-address',
      legalForm: 'registeredCharity',
      charityNumber: '',
      companyNumber: 'ABC',
      postcode: 'PE13',
      phone: 'call me',
    });
    const res = await registerWith(body);
    expect(res.status).toBe(422);
    expect(errorSummaryOf(res.text)).toEqual([
      { href: '#name', text: 'Enter your full name' },
      { href: '#email', text: 'Enter an email address in the right format, like name@example.org' },
      { href: '#charityNumber', text: 'Enter the charity number' },
      { href: '#companyNumber', text: 'Enter a company number like 01234567 or SC123456' },
      { href: '#postcode', text: 'Enter a real postcode, like CB1 2AB' },
      { href: '#phone', text: 'Enter a telephone number, like 01223 123456' },
    ]);
    expect(fieldErrorsOf(res.text).postcode).toBe('Enter a real postcode, like CB1 2AB');
    expect(res.text).toContain(`value="${body.organisationName}"`);
    expect(res.text).toContain('value="registeredCharity" checked');
    expect(await organisationNamed(body.organisationName)).toBeUndefined();
    const none = await registerWith({ ...form(), legalForm: '' });
    expect(errorSummaryOf(none.text)).toEqual([
      { href: '#legalForm', text: 'Select what kind of organisation it is' },
    ]);
  });

  it('answers the same for an address that has an account, and tells that address by email', async () => {
    const first = form();
    await registerWith(first);
    const again = form({ email: first.email.toUpperCase() });
    const res = await registerWith(again);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Check your email');
    expect(await organisationNamed(again.organisationName)).toBeUndefined();
    const mails = await deliverMailTo(t.db, capture, first.email);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Confirm your email address for OPCC Commissioning',
      'You already have an account with OPCC Commissioning',
    ]);
  });

  it('works for someone already signed in (a consultant registering a second charity)', async () => {
    const agent = await signedIn(t.baseUrl, 'provider@demo.test', 'demo-commissioning-2026');
    const page = await agent.get('/register');
    const body = form();
    const res = await agent
      .post('/register')
      .type('form')
      .send({ _csrf: csrfOf(page.text), ...body });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Check your email');
    expect(await organisationNamed(body.organisationName)).toMatchObject({ kind: 'provider' });
  });

  it('an address not confirmed cannot sign in, whatever its password', async () => {
    const body = form();
    await registerWith(body);
    await t.sql`update users set password_hash = ${await hashPassword(PASSWORD)} where email = ${body.email}`;
    expect((await postSignIn(t.baseUrl, { email: body.email, password: PASSWORD })).status).toBe(401);
  });
});
