// The monthly publication of crime and disorder reduction grants, over HTTP with real PostgreSQL: a
// grant counts in the London month its partnership accepted the conditions (not when allocated,
// offered or later evaluated), across the BST and GMT month ends; the JSON, the CSV and the page say
// who received it, how much, for what, and the conditions and reasons; a bad month is a clear 400.

import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { issueToken } from '../../src/domain/people.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { fullMember } from '../helpers/members.ts';
import { NEXT_FIVE_YEARS } from '../helpers/programmes.ts';
import { expectProblem } from '../helpers/refusals.ts';
import { errorSummaryOf, movableClock, signedIn } from '../helpers/web.ts';

const [OFFICER, FINANCE, CSP] = ['officer@demo.test', 'finance@demo.test', 'csp@demo.test'] as const;
type Agent = ReturnType<typeof request.agent>;

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
const clock = movableClock();
/** The app's clock reads `iso` (and runs on from there). */
const setClock = (iso: string) => {
  clock.offsetMs = Date.parse(iso) - Date.now();
};
let programmeId = '';
const org = { fenland: '', peterborough: '' };
/** A provider user of Safer Peterborough Partnership, to accept its conditions. */
let peterborough: Record<string, string>;
const g = {
  sept: '',
  octBst: '',
  octGmt: '',
  nov: '',
  offeredOnly: '',
  queried: '',
  enteredTwice: '',
  otherMachine: '',
};
let financeAgent: Agent;

const CONDITIONS = '=1+1 Quarterly returns\nA named lead officer';
const REASONS = 'Burglary is up, in Fenland, by 12% — <script>alert(1)</script>';

/** A grant proposed and allocated (signed by the approver above the programme's threshold). */
async function allocate(organisationId: string, allocationPence: number, purpose: string) {
  // A year to come, so nothing a payment schedule sets for it is ever due while tests run.
  const input = { programmeId, allocationPence, financialYear: '2030-31', purpose };
  return (await h.allocate(organisationId, input)).id;
}
const offer = (id: string, conditions = 'Quarterly returns', reasons = 'Accountability') =>
  h.step(id, OFFICER, { type: 'OFFER_CONDITIONS', conditions, reasons }, 'conditionsOffered');
async function accept(id: string, at: string, by: DemoEmail | 'peterborough' = CSP) {
  setClock(at);
  const res = await t.http
    .post(`/api/cases/${id}/events`)
    .set(by === 'peterborough' ? peterborough : t.as(by))
    .send({ type: 'ACCEPT_CONDITIONS' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.state).toBe('live');
}

/**
 * A case written as its history says, for what the machines never do: entering `live` a second time,
 * or another kind of case going live. Each step is [from, to, at].
 */
async function caseWithHistory(
  machineId: string,
  organisationId: string,
  context: Record<string, unknown>,
  steps: [string | null, string, string][],
) {
  const state = steps.at(-1)![1];
  const [row] =
    await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id, version)
    values (${machineId}, 3, ${state}, ${JSON.stringify({ status: 'active', value: state, context })}::jsonb,
      ${organisationId}, ${steps.length}) returning id`;
  for (const [i, [from, to, at]] of steps.entries())
    await t.sql`insert into case_events (case_id, version, type, payload, from_state, to_state, actor_role, at)
      values (${row!.id}, ${i + 1}, 'TEST_STEP', '{}'::jsonb, ${from}, ${to}, 'officer', ${at})`;
  return row!.id as string;
}

beforeAll(async () => {
  t = await startTestApp({ clock });
  h = cycleHelpers(t);
  programmeId = (
    await t.programme({
      cycle: 'crime-disorder-grant',
      budgetPence: 100_000_000,
      open: false,
      otherYears: NEXT_FIVE_YEARS,
    })
  ).programmeId;
  org.fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
  org.peterborough = await h.organisation((o) => o.name === 'Safer Peterborough Partnership');
  const email = `peterborough-${randomUUID()}@demo.test`;
  await t.sql`insert into users (email, name, role, organisation_id)
    values (${email}, 'Pat Peterborough', 'provider', ${org.peterborough})`;
  await fullMember(t.sql, email);
  peterborough = { Authorization: `Bearer ${await issueToken(t.db, email)}` };

  setClock('2030-09-10T10:00:00Z');
  g.sept = await allocate(org.fenland, 1_000_001, 'Reduce rural theft');
  g.octBst = await allocate(org.peterborough, 2_000_000, 'Night-time economy');
  g.octGmt = await allocate(org.fenland, 350_099, 'Domestic burglary');
  g.nov = await allocate(org.fenland, 100, 'Youth diversion');
  g.offeredOnly = await allocate(org.fenland, 5_000, 'Offered, never accepted');
  g.queried = await allocate(org.fenland, 7_000, 'Queried in October, agreed in November');
  for (const id of [g.sept, g.octBst, g.nov, g.offeredOnly, g.queried]) await offer(id);
  await offer(g.octGmt, CONDITIONS, REASONS);

  // 23:30 on 30 September in London (BST): September. An hour later, 00:30 on 1 October: October.
  await accept(g.sept, '2030-09-30T22:30:00Z');
  await accept(g.octBst, '2030-09-30T23:30:00Z', 'peterborough');
  // 23:30 UTC on 31 October is 23:30 in London (GMT since the 27th): still October.
  await accept(g.octGmt, '2030-10-31T23:30:00Z');
  setClock('2030-10-20T12:00:00Z');
  await h.step(g.queried, CSP, { type: 'QUERY_CONDITIONS', reason: 'Too often' }, 'allocated');
  await accept(g.nov, '2030-11-01T00:30:00Z');
  setClock('2030-11-15T12:00:00Z');
  await offer(g.queried, 'Half-yearly returns');
  await accept(g.queried, '2030-11-15T12:00:00Z');
  // Evaluated and closed in December: the grant was still made in November.
  setClock('2030-12-05T12:00:00Z');
  const evaluation = { summary: 'Done', outcomesAchieved: 'Fewer victims', underspendPence: 0 };
  await h.step(g.nov, OFFICER, { type: 'EVALUATE', ...evaluation }, 'evaluated');
  await h.step(g.nov, OFFICER, { type: 'CLOSE' }, 'closed');

  // Reassigned to another officer in November: its history goes from `live` to `live`, no new grant.
  setClock('2030-11-10T12:00:00Z');
  const [officer2] = await t.sql`select id from users where email = 'officer2@demo.test'`;
  const reassigned = await t.http
    .post(`/api/cases/${g.octGmt}/events`)
    .set(t.as(OFFICER))
    .send({ type: 'REASSIGN_CASE', officerId: officer2!.id, reason: 'On leave' });
  expect(reassigned.status, JSON.stringify(reassigned.body)).toBe(200);
  // Made in October, and (as no machine does) entering `live` again in December: made in October.
  g.enteredTwice = await caseWithHistory(
    'crime-disorder-grant',
    org.fenland,
    {
      title: 'Crime and disorder reduction grant 2030-31',
      allocationPence: 42_000,
      financialYear: '2030-31',
      purpose: 'Shoplifting',
      conditions: 'Monthly figures',
      reasons: 'New scheme',
      queries: [],
      evaluation: null,
      withdrawalReason: null,
    },
    [
      [null, 'proposed', '2030-09-01T09:00:00Z'],
      ['proposed', 'conditionsOffered', '2030-09-02T09:00:00Z'],
      ['conditionsOffered', 'live', '2030-10-05T09:00:00Z'],
      ['live', 'evaluated', '2030-11-02T09:00:00Z'],
      ['evaluated', 'live', '2030-12-03T09:00:00Z'],
    ],
  );
  // Another kind of case going live in October is no crime and disorder grant.
  g.otherMachine = await caseWithHistory('victims-services', org.fenland, { title: 'Not a grant here' }, [
    [null, 'agreement', '2030-10-01T09:00:00Z'],
    ['agreement', 'live', '2030-10-06T09:00:00Z'],
  ]);

  // The web pages as finance, signed in "now": 20 November 2030.
  setClock('2030-11-20T12:00:00Z');
  financeAgent = await signedIn(t.baseUrl, FINANCE, DEMO_PASSWORD);
}, 120_000);
afterAll(() => t?.close());

type Publication = { month: string; label: string; firstDay: string; lastDay: string; grants: any[] };
const mine = (ids: string[]) => (p: Publication) => p.grants.filter((x) => ids.includes(x.caseId));
const all = () => Object.values(g);
async function published(month: string, email: DemoEmail = FINANCE): Promise<Publication> {
  const res = await t.http.get(`/api/exports/crime-and-disorder-grants.json?month=${month}`).set(t.as(email));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const referenceOf = async (id: string) => (await h.get(id)).body.reference as string;

describe('the crime and disorder grants made in a month (JSON)', () => {
  it('counts each grant in the London month its conditions were accepted, across BST and GMT', async () => {
    const byMonth: Record<string, string[]> = {};
    for (const month of ['2030-08', '2030-09', '2030-10', '2030-11', '2030-12'])
      byMonth[month] = mine(all())(await published(month)).map((x) => x.caseId);
    expect(byMonth).toEqual({
      '2030-08': [],
      '2030-09': [g.sept],
      '2030-10': [g.octBst, g.enteredTwice, g.octGmt],
      '2030-11': [g.nov, g.queried],
      '2030-12': [],
    });
  });

  it('says who received each grant, how much, for what, the conditions and the reasons', async () => {
    const october = await published('2030-10', OFFICER);
    expect(october).toMatchObject({
      month: '2030-10',
      label: 'October 2030',
      firstDay: '2030-10-01',
      lastDay: '2030-10-31',
    });
    expect(mine([g.octBst, g.octGmt])(october)).toEqual([
      {
        caseId: g.octBst,
        reference: await referenceOf(g.octBst),
        madeOn: '2030-10-01',
        recipient: { id: org.peterborough, name: 'Safer Peterborough Partnership' },
        amountPence: 2_000_000,
        financialYear: '2030-31',
        purpose: 'Night-time economy',
        conditions: 'Quarterly returns',
        reasons: 'Accountability',
      },
      {
        caseId: g.octGmt,
        reference: await referenceOf(g.octGmt),
        madeOn: '2030-10-31',
        recipient: { id: org.fenland, name: 'Fenland Community Safety Partnership' },
        amountPence: 350_099,
        financialYear: '2030-31',
        purpose: 'Domestic burglary',
        conditions: CONDITIONS,
        reasons: REASONS,
      },
    ]);
    expect(mine([g.enteredTwice])(october)).toEqual([
      {
        caseId: g.enteredTwice,
        reference: await referenceOf(g.enteredTwice),
        madeOn: '2030-10-05',
        recipient: { id: org.fenland, name: 'Fenland Community Safety Partnership' },
        amountPence: 42_000,
        financialYear: '2030-31',
        purpose: 'Shoplifting',
        conditions: 'Monthly figures',
        reasons: 'New scheme',
      },
    ]);
    // The conditions as finally agreed, not as first offered.
    const november = mine([g.queried])(await published('2030-11'));
    expect(november).toMatchObject([{ conditions: 'Half-yearly returns', madeOn: '2030-11-15' }]);
  });
});

describe('the CSV', () => {
  it('has one row per grant with the amount in pounds, quoted and safe to open in a spreadsheet', async () => {
    const res = await t.http
      .get('/api/exports/crime-and-disorder-grants.csv?month=2030-10')
      .set(t.as(FINANCE));
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename=crime-and-disorder-grants-2030-10.csv',
    );
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(
      'Reference,Date made,Recipient,Financial year,Amount (GBP),Purpose,Conditions,Reasons',
    );
    const [bst, gmt] = [await referenceOf(g.octBst), await referenceOf(g.octGmt)];
    expect(res.text).toContain(
      `${bst},2030-10-01,Safer Peterborough Partnership,2030-31,20000.00,Night-time economy,Quarterly returns,Accountability\r\n`,
    );
    expect(res.text).toContain(
      `${gmt},2030-10-31,Fenland Community Safety Partnership,2030-31,3500.99,Domestic burglary,` +
        `"'=1+1 Quarterly returns\nA named lead officer","Burglary is up, in Fenland, by 12% — <script>alert(1)</script>"\r\n`,
    );
    expect(res.text.endsWith('\r\n')).toBe(true);
    const september = await t.http
      .get('/api/exports/crime-and-disorder-grants.csv?month=2030-09')
      .set(t.as(OFFICER));
    expect(september.text).toContain(`${await referenceOf(g.sept)},2030-09-30,`);
    expect(september.text).toContain(',10000.01,');
  });
});

describe('bad months and who may see it (API)', () => {
  it.each([
    ['', 'month', 'Enter a month as a year and month, such as 2026-11'],
    ['?month=2030-13', 'month', 'The month must be from 01 to 12'],
    ['?month=October', 'month', 'Enter a month as a year and month, such as 2026-11'],
    ['?month=1999-12', 'month', 'Enter a month between 2000 and 2199'],
    ['?month=2030-10&month=2030-11', 'month', 'Enter a month as a year and month, such as 2026-11'],
    ['?month=2030-10&fund=x', 'fund', 'This field is not allowed here'],
  ])('%s is a 400 naming %s', async (query, field, message) => {
    for (const kind of ['json', 'csv']) {
      const res = await t.http
        .get(`/api/exports/crime-and-disorder-grants.${kind}${query}`)
        .set(t.as(FINANCE));
      expectProblem(res, 400, field);
      expect(res.body.errors).toContainEqual({ field, message });
    }
  });

  it('is for staff: a partnership, a provider and a panel member are refused', async () => {
    for (const email of [CSP, 'provider@demo.test', 'panel@demo.test'] as const)
      expectProblem(
        await t.http.get('/api/exports/crime-and-disorder-grants.json?month=2030-10').set(t.as(email)),
        403,
      );
    expect((await published('2030-10', 'approver@demo.test')).month).toBe('2030-10');
    expect((await published('2030-10', 'admin@demo.test')).month).toBe('2030-10');
  });
});

describe('the page', () => {
  const PAGE = '/finance/publications/crime-and-disorder';

  it('shows this month by default, and any month asked for, with its grants and a CSV link', async () => {
    const now = await financeAgent.get(PAGE);
    expect(now.status, now.text.slice(0, 500)).toBe(200);
    expect(now.text).toContain('Crime and disorder reduction grants made in November 2030');
    expect(now.text).toContain(await referenceOf(g.queried));
    expect(now.text).toContain('Half-yearly returns');

    const october = await financeAgent.get(`${PAGE}?month=2030-10`);
    expect(october.status).toBe(200);
    expect(october.text).toContain('made in October 2030');
    for (const text of [
      await referenceOf(g.octBst),
      'Safer Peterborough Partnership',
      '£20,000.00',
      '£3,500.99',
      '31 October 2030',
      'Burglary is up, in Fenland, by 12% — &lt;script&gt;alert(1)&lt;/script&gt;',
      `href="${PAGE}.csv?month=2030-10"`,
      `href="${PAGE}?month=2030-09"`,
      `href="${PAGE}?month=2030-11"`,
    ])
      expect(october.text).toContain(text);
    // Line breaks in the conditions show as line breaks (the macro indents the continuation).
    expect(october.text).toMatch(/=1\+1 Quarterly returns<br \/>\s*A named lead officer/);
    expect(october.text).not.toContain('<script>alert(1)</script>');
    expect(october.text).not.toContain(await referenceOf(g.sept));
    expect(october.text).not.toContain(await referenceOf(g.offeredOnly));

    const csv = await financeAgent.get(`${PAGE}.csv?month=2030-10`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.text).toContain(`${await referenceOf(g.octGmt)},2030-10-31,`);
  });

  it.each([
    ['2030-13', 'The month must be from 01 to 12'],
    ['next month', 'Enter a month as a year and month, such as 2026-11'],
  ])('answers the month %j with the GOV.UK error summary, keeping what was typed', async (month, message) => {
    const res = await financeAgent.get(`${PAGE}?month=${encodeURIComponent(month)}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Error: ');
    expect(errorSummaryOf(res.text)).toEqual([{ href: '#month', text: message }]);
    expect(res.text).toMatch(new RegExp(`<input[^>]*id="month"[^>]*value="${month}"`));
    expect(res.text).toContain('govuk-input--error');
  });

  it('is for OPCC staff only; the links are on the finance page', async () => {
    for (const email of [CSP, 'panel@demo.test'] as const) {
      const agent = await signedIn(t.baseUrl, email, DEMO_PASSWORD);
      expect((await agent.get(PAGE)).status).toBe(403);
      expect((await agent.get('/finance/publications/360giving.csv')).status).toBe(403);
    }
    const officer = await signedIn(t.baseUrl, OFFICER, DEMO_PASSWORD);
    expect((await officer.get(`${PAGE}?month=2030-10`)).status).toBe(200);
    const finance = await financeAgent.get('/finance');
    for (const href of [PAGE, '/finance/publications/360giving.json', '/finance/publications/360giving.csv'])
      expect(finance.text).toContain(`href="${href}"`);
    const json = await financeAgent.get('/finance/publications/360giving.json');
    expect(json.status).toBe(200);
    expect(json.headers['content-disposition']).toBe('attachment; filename=360giving-grants.json');
    expect(Array.isArray(JSON.parse(json.text).grants)).toBe(true);
    expect((await financeAgent.get('/finance/publications/360giving.csv?financialYear=2030')).status).toBe(
      400,
    );
  });
});
