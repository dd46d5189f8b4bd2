// The finance reports in the browser: the reconciliation page with its filters, checks and CSV link,
// and the quarterly board report with its chart — for staff only, with clear errors for bad filters.
import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { TEST_MACHINE } from '../helpers/portfolios.ts';
import { csrfOf, errorSummaryOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
let finance: TestAgent;
const YEAR = '2190-91';
let fundId: string;
beforeAll(async () => {
  t = await startTestApp();
  finance = await signedIn(t.baseUrl, 'finance@demo.test', DEMO_PASSWORD);
  // One fund of a year of this file's own: £1,000 for victims, £400 committed, £250 paid in Q2.
  const [fund] =
    await t.sql`insert into funds (name, source, financial_year, starts_on, ends_on, budget_pence)
    values (${`Page fund ${randomUUID().slice(0, 8)}`}, 'Test', ${YEAR}, '2190-04-01', '2191-03-31', 100000)
    returning id`;
  fundId = fund!.id;
  const [programme] =
    await t.sql`insert into programmes (name, cycle, fund_id, theme_id, delegation_threshold_pence, criteria)
    values ('Page programme', 'youth-fund', ${fundId}, 'victims', 0, '[]'::jsonb) returning id`;
  const organisationId = (await t.newProvider('Page Trust')).organisationId;
  const [kase] =
    await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id, programme_id, version)
    values (${TEST_MACHINE}, 1, 'live', '{}'::jsonb, ${organisationId}, ${programme!.id}, 1) returning id`;
  for (const [movement, amount, at] of [
    ['commit', 40_000, '2190-05-01T10:00:00Z'],
    ['payment', 25_000, '2190-08-01T10:00:00Z'],
  ] as const)
    await t.sql`insert into fund_ledger (fund_id, case_id, movement, amount_pence, note, at)
      values (${fundId}, ${kase!.id}, ${movement}, ${amount}, 'page test', ${at})`;
});
afterAll(() => t.close());

describe('the reconciliation page', () => {
  it('shows the checks, themes and each fund in pounds, with the CSV of the same filters', async () => {
    const res = await finance.get(`/finance/reconciliation?financialYear=${YEAR}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1 class="govuk-heading-l">Reconciliation</h1>');
    expect(res.text).toContain('Every check holds');
    expect(res.text).toMatch(/<table class="govuk-table[^"]*"\s+id="themes">/);
    expect(res.text).toContain('£1,000.00');
    expect(res.text).toContain('£400.00');
    expect(res.text).toContain('£600.00');
    expect(res.text).toContain(`id="fund-${fundId}"`);
    expect(res.text).toContain(`<option value="${YEAR}" selected>`);
    const href = `/finance/reconciliation.csv?financialYear=${YEAR}`;
    expect(res.text).toContain(`href="${href}"`);
    const csv = await finance.get(href);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain(`fund,${YEAR},${fundId},`);
  });

  it('shows the year we are in by default, and every year when asked', async () => {
    const now = await finance.get('/finance/reconciliation');
    expect(now.status).toBe(200);
    expect(now.text).not.toContain(`id="fund-${fundId}"`);
    const all = await finance.get('/finance/reconciliation?financialYear=&fund=');
    expect(all.status).toBe(200);
    expect(all.text).toContain(`id="fund-${fundId}"`);
    for (const query of [`financialYear=&fund=${fundId}`, `fund=${fundId}`]) {
      const one = await finance.get(`/finance/reconciliation?${query}`);
      expect(one.status, query).toBe(200);
      expect(one.text).toContain(`id="fund-${fundId}"`);
      expect(one.text.match(/<section /g)).toHaveLength(1);
    }
  });

  it('says what is wrong with a filter, beside it', async () => {
    const cases = [
      ['financialYear=2190-92', 400, '#financialYear'],
      [`financialYear=${YEAR}&fund=nonsense`, 400, '#fund'],
      [`financialYear=${YEAR}&fund=${randomUUID()}`, 404, '#fund'],
      [`financialYear=2026-27&fund=${fundId}`, 422, '#fund'],
    ] as const;
    for (const [query, status, href] of cases) {
      const res = await finance.get(`/finance/reconciliation?${query}`);
      expect(res.status, query).toBe(status);
      expect(
        errorSummaryOf(res.text).map((e) => e.href),
        query,
      ).toEqual([href]);
      expect(res.text).toContain('<title>Error: Reconciliation');
    }
  });
});

describe('the quarterly board report page', () => {
  it('draws spend against budget as an SVG chart a person can read, with the figures in tables', async () => {
    const res = await finance.get(`/finance/board-report?quarter=${YEAR}-Q2`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Board report: 2190-91 Q2');
    expect(res.text).toContain('July to September 2190');
    const svg = /<svg[^>]*role="img"[\s\S]*?<\/svg>/.exec(res.text)?.[0] ?? '';
    expect(svg).toMatch(/role="img"/);
    expect(svg).toMatch(
      /aria-label="Budget and paid to date by Police and Crime Plan theme, 2190-91 Q2\. Victims: budget £1,000.00, paid to date £250.00; Offenders: budget £0.00/,
    );
    expect(svg).toContain(
      '<title>Budget and paid to date by Police and Crime Plan theme, 2190-91 Q2</title>',
    );
    for (const text of ['>Victims<', '>Budget £1,000.00<', '>Paid to date £250.00<', '>Transformation<'])
      expect(svg).toContain(text);
    // The victims' budget bar is the longest; paid to date is a quarter of it.
    expect(svg).toContain('width="560" height="20" fill="#1d70b8"');
    expect(svg).toContain('width="140" height="20" fill="#0f7a52"');
    expect(res.text).toMatch(/<table class="govuk-table[^"]*"\s+id="spend">/);
    expect(res.text).toContain(`href="/finance/board-report.csv?quarter=${YEAR}-Q2"`);
    const csv = await finance.get(`/finance/board-report.csv?quarter=${YEAR}-Q2`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`${YEAR}-Q2,spend,victims,Victims,paidInQuarterPence,25000`);
  });

  it('lets finance close an ended quarter once presented, and then says who closed it', async () => {
    // A quarter long ended that no other test uses.
    const path = '/finance/board-report?quarter=2002-03-Q1';
    const officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
    const confirmPath = '/finance/board-report/close?quarter=2002-03-Q1';
    expect((await officer.get(path)).text).not.toContain('/finance/board-report/close');
    expect((await finance.get(path)).text).toContain(`href="${confirmPath.replace('&', '&amp;')}"`);
    // It cannot be undone, so it asks first, on a page of its own.
    const open = await finance.get(confirmPath);
    expect(open.text).toContain('Close April to June 2002?');
    expect(open.text).toContain('Closing a quarter cannot be undone.');
    expect(open.text).toContain('action="/finance/board-report/close"');
    expect((await officer.get(confirmPath)).status).toBe(403);
    // The form is finance's alone: anyone else is refused, and nothing closes.
    const refused = await officer
      .post('/finance/board-report/close')
      .type('form')
      .send({ _csrf: csrfOf((await officer.get(path)).text), quarter: '2002-03-Q1' });
    expect(refused.status).toBe(403);
    const closed = await finance
      .post('/finance/board-report/close')
      .type('form')
      .send({ _csrf: csrfOf(open.text), quarter: '2002-03-Q1' });
    expect(closed.status).toBe(303);
    expect(closed.headers.location).toBe('/finance/board-report?quarter=2002-03-Q1&done=closed');
    const after = await finance.get(String(closed.headers.location));
    expect(after.text).toContain('The quarter is closed.');
    expect(after.text).toMatch(/Closed on [^<]+ by [^<]+: this is the report as presented\./);
    expect(after.text).not.toContain('/finance/board-report/close');
  });

  it('refuses a quarter that is not one, saying what to enter', async () => {
    const res = await finance.get('/finance/board-report?quarter=2026-27-Q9');
    expect(res.status).toBe(400);
    expect(errorSummaryOf(res.text)).toEqual([
      {
        href: '#quarter',
        text: 'Enter a quarter such as 2026-27-Q3 (Q1 is April to June, Q4 January to March)',
      },
    ]);
    expect((await finance.get('/finance/board-report.csv?quarter=Q9')).status).toBe(400);
  });

  it('is linked from the finance page, and is for staff only', async () => {
    const page = await finance.get('/finance');
    expect(page.text).toContain('href="/finance/reconciliation"');
    expect(page.text).toContain('href="/finance/board-report"');
    for (const email of ['officer@demo.test', 'approver@demo.test', 'admin@demo.test']) {
      const agent = await signedIn(t.baseUrl, email, DEMO_PASSWORD);
      expect((await agent.get('/finance/board-report')).status, email).toBe(200);
    }
    for (const email of ['provider@demo.test', 'panel@demo.test']) {
      const agent = await signedIn(t.baseUrl, email, DEMO_PASSWORD);
      for (const path of ['/finance/reconciliation', '/finance/reconciliation.csv', '/finance/board-report'])
        expect((await agent.get(path)).status, `${email} ${path}`).toBe(403);
    }
    const anonymous = await t.http.get('/finance/board-report');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/sign-in\?next=/);
  });
});
