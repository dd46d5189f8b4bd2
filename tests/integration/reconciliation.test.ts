// Reconciliation to the penny: generated portfolios (funds with and without ring-fenced streams,
// jointly funded ones, programmes across the four themes, award cases and ledger rows of every
// movement and cause) inserted straight into the tables, and every figure the report gives equals a
// sum worked out here from the generated rows — per fund, stream, unfenced rest, partner, theme and
// in total — with the invariants holding. Each generated portfolio has a financial year of its own,
// so test files sharing the database never see each other's money. Then faults the checks must
// catch, the API's refusals, and the CSV.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids, positionOf } from '../helpers/bids.ts';
import { readPence } from '../helpers/pence.ts';
import {
  buildPortfolio,
  type ExpectedFigures,
  expectedReconciliation,
  insertPortfolio,
  portfolioArb,
  TEST_MACHINE,
  THEMES,
} from '../helpers/portfolios.ts';
import { youthFundEvents as ev } from '../helpers/youth-fund-events.ts';

let t: TestApp;
let partners: { id: string; name: string }[];
let providerOrg: string;
beforeAll(async () => {
  t = await startTestApp();
  const tag = randomUUID().slice(0, 8);
  // Names that sort the same way under any collation: partners' shares are split in name order.
  partners = [];
  for (const letter of ['A', 'B', 'C', 'D']) {
    const [org] = await t.sql`insert into organisations (name, kind)
      values (${`Partner ${letter} ${tag}`}, 'partner') returning id, name`;
    partners.push({ id: org!.id, name: org!.name });
  }
  providerOrg = (await t.newProvider('Reconciled Trust')).organisationId;
});
afterAll(() => t.close());

const FIGURES = [
  'budgetPence',
  'committedPence',
  'paidPence',
  'reportedSpendPence',
  'underspendPence',
  'returnedPence',
  'remainingPence',
] as const;
type Line = ExpectedFigures & Record<string, unknown>;
const add = (lines: readonly Line[]) =>
  Object.fromEntries(FIGURES.map((name) => [name, lines.reduce((a, l) => a + l[name], 0)]));
const figures = (line: Line) => Object.fromEntries(FIGURES.map((name) => [name, line[name]]));
const byId = <T extends Record<string, unknown>>(items: readonly T[], key: keyof T) =>
  Object.fromEntries(items.map((item) => [String(item[key]), item]));

const finance = () => t.as('finance@demo.test');
/** The reconciliation as JSON, its sums of pence (strings in JSON) read as numbers. */
async function reconcile(query: string) {
  const res = await t.http.get(`/api/reports/reconciliation?${query}`).set(finance());
  if (res.status === 200 && res.type === 'application/json') res.body = readPence(res.body);
  return res;
}

/** The invariants, checked on the answer itself. */
function expectInvariants(body: any) {
  for (const fund of body.funds) {
    expect(add([...fund.streams, fund.unfenced]), `streams + unfenced = ${fund.name}`).toEqual(figures(fund));
    if (fund.contributors.length)
      expect(add(fund.contributors), `partners = ${fund.name}`).toEqual(figures(fund));
  }
  expect(add(body.themes), 'themes = total').toEqual(figures(body.total));
  expect(add(body.funds), 'funds = total').toEqual(figures(body.total));
  const lines = [
    ...body.funds.flatMap((f: any) => [f, ...f.streams, f.unfenced, ...f.contributors]),
    ...body.themes,
    body.total,
  ];
  for (const line of lines) expect(line.remainingPence).toBe(line.budgetPence - line.committedPence);
}

// Financial years nobody else uses: one per generated portfolio.
let nextYear = 2110;
const freshYear = async () => {
  for (;;) {
    const first = nextYear++;
    const year = `${first}-${String((first + 1) % 100).padStart(2, '0')}`;
    const [used] = await t.sql`select count(*)::int as n from funds where financial_year = ${year}`;
    if (used!.n === 0) return year;
  }
};

describe('the reconciliation of generated portfolios equals the sums of their rows, to the penny', () => {
  it('per fund, stream, unfenced rest, partner, theme and in total; every invariant holds', async () => {
    let portfolios = 0;
    await fc.assert(
      fc.asyncProperty(portfolioArb, async (spec) => {
        const year = await freshYear();
        const p = buildPortfolio(spec, year, partners);
        await insertPortfolio(t.sql, p, providerOrg);
        const expected = expectedReconciliation(p);

        const res = await reconcile(`financialYear=${year}`);
        expect(res.status).toBe(200);
        const body = res.body;
        expect(body).toMatchObject({ financialYear: year, fundId: null });
        expect(body.funds).toHaveLength(p.funds.length);
        expect(byId(body.funds, 'fundId')).toEqual(byId(expected.funds, 'fundId'));
        expect(body.themes.slice(0, 4).map((l: any) => l.themeId)).toEqual([...THEMES]);
        expect(byId(body.themes, 'themeId')).toEqual(
          byId(
            expected.themes.map((l) => ({ ...l, name: expect.any(String) })),
            'themeId',
          ),
        );
        expect(body.total).toEqual(expected.total);
        expectInvariants(body);
        expect(body.checks.allHold).toBe(true);
        expect(body.checks.items.every((c: any) => c.holds && c.failures.length === 0)).toBe(true);

        // One fund alone: its lines, and themes and total of that fund only.
        const fund = p.funds[portfolios % p.funds.length]!;
        const one = await reconcile(`financialYear=${year}&fund=${fund.id}`);
        expect(one.status).toBe(200);
        const alone = expectedReconciliation(p, [fund]);
        expect(one.body.funds).toEqual(alone.funds);
        expect(one.body.total).toEqual(alone.total);
        expect(byId(one.body.themes, 'themeId')).toEqual(
          byId(
            alone.themes.map((l) => ({ ...l, name: expect.any(String) })),
            'themeId',
          ),
        );
        expectInvariants(one.body);
        portfolios++;
      }),
      { numRuns: 15, endOnFailure: true },
    );
    expect(portfolios).toBe(15);
  }, 120_000);
});

/** A small, hand-made fund: its rows and expectations are easy to read. */
async function handMadeFund(
  year: string,
  options: {
    budget: number;
    streams?: number[];
    shares?: number[];
    programmes?: string[];
    rows?: {
      stream?: number | 'other';
      programme?: number;
      movement: string;
      cause?: string;
      amount: number;
    }[];
  },
) {
  const fundId = randomUUID();
  const name = `Hand-made ${fundId.slice(0, 8)}`;
  await t.sql`insert into funds (id, name, source, financial_year, starts_on, ends_on, budget_pence)
    values (${fundId}, ${name}, 'Test', ${year}, ${`${year.slice(0, 4)}-04-01`},
      ${`${Number(year.slice(0, 4)) + 1}-03-31`}, ${options.budget})`;
  const streams: string[] = [];
  for (const [i, budget] of (options.streams ?? []).entries()) {
    const [s] = await t.sql`insert into fund_streams (fund_id, name, budget_pence)
      values (${fundId}, ${`Stream ${i}`}, ${budget}) returning id`;
    streams.push(s!.id);
  }
  for (const [i, share] of (options.shares ?? []).entries())
    await t.sql`insert into fund_contributors (fund_id, organisation_id, share_pence)
      values (${fundId}, ${partners[i]!.id}, ${share})`;
  const programmes: string[] = [];
  for (const theme of options.programmes ?? []) {
    const [pr] =
      await t.sql`insert into programmes (name, cycle, fund_id, theme_id, delegation_threshold_pence, criteria)
      values (${`Programme of ${name}`}, 'youth-fund', ${fundId}, ${theme}, 0, '[]'::jsonb) returning id`;
    programmes.push(pr!.id);
  }
  for (const row of options.rows ?? []) {
    const [kase] =
      await t.sql`insert into cases (machine_id, machine_version, state, snapshot, organisation_id, programme_id, version)
      values (${TEST_MACHINE}, 1, 'live', '{}'::jsonb, ${providerOrg},
        ${row.programme === undefined ? null : programmes[row.programme]!}, 1) returning id`;
    const streamId =
      row.stream === 'other'
        ? (await t.sql`select id from fund_streams where fund_id <> ${fundId} limit 1`)[0]!.id
        : row.stream === undefined
          ? null
          : streams[row.stream]!;
    await t.sql`insert into fund_ledger (fund_id, stream_id, case_id, movement, cause, amount_pence, note, at)
      values (${fundId}, ${streamId}, ${kase!.id}, ${row.movement}, ${row.cause ?? 'decision'}, ${row.amount},
        'hand-made', ${`${year.slice(0, 4)}-06-01T12:00:00Z`})`;
  }
  return { fundId, name, programmes };
}

describe('theme budgets', () => {
  it('split a fund by what it holds committed per theme; with none, follow its programmes or wait', async () => {
    const year = await freshYear();
    // £1,000.01 across £1 to victims and £2 to communities: 33,334p and 66,667p (largest remainder).
    await handMadeFund(year, {
      budget: 100_001,
      programmes: ['victims', 'communities'],
      rows: [
        { programme: 0, movement: 'commit', amount: 100 },
        { programme: 1, movement: 'commit', amount: 300 },
        { programme: 1, movement: 'release', cause: 'underspend', amount: 100 },
      ],
    });
    await handMadeFund(year, { budget: 50_000, programmes: ['offenders', 'offenders'] });
    await handMadeFund(year, { budget: 7_000, programmes: ['offenders', 'transformation'] });
    await handMadeFund(year, { budget: 3_000 });
    const res = await reconcile(`financialYear=${year}`);
    expect(res.status).toBe(200);
    const budgets = Object.fromEntries(res.body.themes.map((l: any) => [l.themeId, l.budgetPence]));
    expect(budgets).toEqual({
      victims: 33_334,
      offenders: 50_000,
      communities: 66_667,
      transformation: 0,
      'not-yet-allocated': 10_000,
    });
    expect(res.body.themes.map((l: any) => l.name)).toEqual([
      'Victims',
      'Offenders',
      'Communities',
      'Transformation',
      'Not yet allocated',
    ]);
    const communities = res.body.themes.find((l: any) => l.themeId === 'communities');
    expect(communities).toMatchObject({ committedPence: 200, underspendPence: 100, remainingPence: 66_467 });
  });
});

describe('the checks say when the ledger does not reconcile', () => {
  it('names the fund for each invariant that fails, and says all is well only when it is', async () => {
    const year = await freshYear();
    const over = await handMadeFund(year, {
      budget: 1_000,
      streams: [400, 700],
      shares: [300, 300],
      rows: [
        { stream: 0, movement: 'commit', amount: 500 },
        { stream: 'other', movement: 'commit', amount: 5 },
        { movement: 'release', amount: 10 },
      ],
    });
    const res = await reconcile(`financialYear=${year}`);
    expect(res.status).toBe(200);
    const checks = byId(res.body.checks.items, 'id') as Record<string, any>;
    expect(res.body.checks.allHold).toBe(false);
    const failing = (id: string) => {
      expect(checks[id].holds, id).toBe(false);
      expect(checks[id].failures.join(' '), id).toContain(over.name);
    };
    failing('streams-and-unfenced-make-fund'); // the row in another fund's stream
    failing('contributors-make-fund'); // shares of £6 for a £10 fund
    failing('streams-fit-in-fund'); // £11 of streams in a £10 fund
    failing('never-over-committed'); // £5 committed against a £4 stream
    failing('never-over-released'); // £0.10 released from an unfenced rest that held nothing
    expect(checks['themes-make-total'].holds).toBe(true);
    expect(checks['funds-make-total'].holds).toBe(true);
    expect(checks['remaining-is-budget-less-committed'].holds).toBe(true);
    expect(Object.keys(checks).sort()).toEqual(
      [
        'contributors-make-fund',
        'funds-make-total',
        'never-over-committed',
        'never-over-released',
        'remaining-is-budget-less-committed',
        'streams-and-unfenced-make-fund',
        'streams-fit-in-fund',
        'themes-make-total',
      ].sort(),
    );
  });
});

describe('sums past 2^53 pence', () => {
  it('are exact strings of whole pence in JSON and exact in the CSV, in the reconciliation and the fund list', async () => {
    const year = await freshYear();
    const largest = Number.MAX_SAFE_INTEGER; // £90 trillion and a bit: the largest budget a fund takes
    for (const name of ['Vast fund A', 'Vast fund B']) {
      const res = await t.http
        .post('/api/funds')
        .set(finance())
        .send({ name: `${name} ${year}`, source: 'Test', financialYear: year, budgetPence: largest });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.budgetPence).toBe(String(largest));
    }
    const json = await t.http.get(`/api/reports/reconciliation?financialYear=${year}`).set(finance());
    expect(json.status).toBe(200);
    const twice = (2n * BigInt(largest)).toString(); // 18014398509481982: not a safe JSON number
    expect(json.body.total).toMatchObject({ budgetPence: twice, committedPence: '0', remainingPence: twice });
    expect(json.body.checks.allHold).toBe(true);
    const csv = await t.http.get(`/api/reports/reconciliation.csv?financialYear=${year}`).set(finance());
    expect(csv.text).toContain(twice);
  });
});

describe('GET /api/reports/reconciliation', () => {
  it('is for finance, commissioning and approval staff and admins; providers and panel members are refused', async () => {
    for (const email of [
      'finance@demo.test',
      'officer@demo.test',
      'approver@demo.test',
      'admin@demo.test',
    ] as const)
      expect(
        (await t.http.get('/api/reports/reconciliation?financialYear=2026-27').set(t.as(email))).status,
      ).toBe(200);
    for (const email of ['provider@demo.test', 'panel@demo.test', 'csp@demo.test'] as const) {
      const res = await t.http.get('/api/reports/reconciliation').set(t.as(email));
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    for (const path of ['/api/reports/reconciliation', '/api/reports/reconciliation.csv'])
      expect((await t.http.get(path)).status).toBe(401);
  });

  it('refuses bad parameters with a problem naming each', async () => {
    const { fundId } = await t.programme({ open: false });
    const cases: [string, number, string][] = [
      ['financialYear=2026-28', 400, 'financialYear'],
      ['financialYear=26-27', 400, 'financialYear'],
      ['financialYear=2026-27&financialYear=2027-28', 400, 'financialYear'],
      ['fund=not-a-fund', 400, 'fund'],
      ['format=xml', 400, 'format'],
      ['colour=blue', 400, 'colour'],
      [`fund=${randomUUID()}`, 404, 'fund'],
      [`financialYear=2027-28&fund=${fundId}`, 422, 'fund'],
    ];
    for (const [query, status, field] of cases) {
      const res = await reconcile(query);
      expect(res.status, query).toBe(status);
      expect(res.headers['content-type'], query).toMatch(/^application\/problem\+json/);
      expect(
        res.body.errors.map((e: any) => e.field),
        query,
      ).toContain(field);
    }
    expect((await reconcile(`financialYear=2026-27&fund=${fundId}`)).status).toBe(200);
  });

  it('gives the same report as CSV: one row per line, amounts in pence, safe to open in a spreadsheet', async () => {
    const year = await freshYear();
    const spec = fc.sample(portfolioArb, { numRuns: 1, seed: 42 })[0]!;
    spec.funds[0]!.streams = 2;
    spec.funds[0]!.contributors = 3;
    const p = buildPortfolio(spec, year, partners);
    await insertPortfolio(t.sql, p, providerOrg);
    const json = (await reconcile(`financialYear=${year}`)).body;
    const csv = await t.http.get(`/api/reports/reconciliation.csv?financialYear=${year}`).set(finance());
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toContain(`reconciliation-${year}.csv`);
    const same = await reconcile(`financialYear=${year}&format=csv`);
    expect(same.text).toBe(csv.text);

    expect(csv.text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(csv.text);
    expect(header).toEqual(['level', 'financialYear', 'fundId', 'fund', 'lineId', 'line', ...FIGURES]);
    const records = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    const money = (r: Record<string, string | undefined>) =>
      Object.fromEntries(FIGURES.map((name) => [name, Number(r[name])]));
    const levels = records.map((r) => r.level);
    expect(levels.filter((l) => l === 'fund')).toHaveLength(p.funds.length);
    expect(levels.filter((l) => l === 'unfenced')).toHaveLength(p.funds.length);
    expect(levels.filter((l) => l === 'theme')).toHaveLength(json.themes.length);
    expect(levels.at(-1)).toBe('total');
    for (const fund of json.funds) {
      const of = records.filter((r) => r.fundId === fund.fundId);
      expect(money(of.find((r) => r.level === 'fund')!)).toEqual(figures(fund));
      expect(money(of.find((r) => r.level === 'unfenced')!)).toEqual(figures(fund.unfenced));
      expect(of.filter((r) => r.level === 'stream').map(money)).toEqual(fund.streams.map(figures));
      expect(of.filter((r) => r.level === 'contributor').map(money)).toEqual(fund.contributors.map(figures));
      expect(of.every((r) => r.financialYear === year)).toBe(true);
    }
    expect(records.filter((r) => r.level === 'theme').map(money)).toEqual(json.themes.map(figures));
    expect(money(records.at(-1)!)).toEqual(figures(json.total));

    // The first fund's name starts with "=" and holds a comma and quotes: kept as text, quoted.
    const first = p.funds[0]!;
    expect(records.find((r) => r.fundId === first.id)!.fund).toBe(`'${first.name}`);
    expect(csv.text).toContain(`"'${first.name.replaceAll('"', '""')}"`);
    expect(records.find((r) => r.level === 'stream')!.line).toMatch(/^Stream \d, "ring-fenced"$/);
  });
});

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('the OpenAPI document', () => {
  it('describes the report routes and their JSON', async () => {
    const doc = (await t.http.get('/openapi.json')).body;
    for (const path of [
      '/api/reports/reconciliation',
      '/api/reports/reconciliation.csv',
      '/api/reports/board',
      '/api/reports/board.csv',
    ])
      expect(doc.paths[path]?.get, path).toBeDefined();
    expect(Object.keys(doc.components.schemas.Reconciliation.properties)).toEqual([
      'financialYear',
      'fundId',
      'funds',
      'themes',
      'total',
      'checks',
    ]);
    expect(doc.components.schemas.BoardReport.properties.returns.required).toEqual([
      'due',
      'onTime',
      'late',
      'notYetIn',
      'overdue',
    ]);
  });
});

describe('money the app itself moved', () => {
  it('reconciles with the fund position: awards committed, an offer declined, in the programme’s theme', async () => {
    const provider = await t.newProvider('Reconciled Youth Club');
    const b = bids(t, provider);
    const { programmeId, fundId } = await t.programme({ budgetPence: 1_000_000, maxAwardPence: 500_000 });
    const [kept, declined] = [
      await b.inPanelReview(programmeId, 300_000),
      await b.inPanelReview(programmeId, 200_000),
    ];
    expect((await b.approve(kept, 300_000)).status).toBe(200);
    expect((await b.approve(declined, 200_000)).status).toBe(200);
    await b.ok(declined, 'owner', ev.DECLINE_OFFER);

    const res = await reconcile(`fund=${fundId}`);
    expect(res.status).toBe(200);
    const position = await positionOf(t, fundId);
    const [fund] = res.body.funds;
    expect(fund).toMatchObject({
      budgetPence: position.budgetPence,
      // The same meaning of "committed" in both: commitments less releases.
      committedPence: position.committedPence,
      remainingPence: position.remainingPence,
    });
    expect(fund.committedPence).toBe(300_000);
    // Test programmes serve the Offenders theme: its budget is the whole fund, its money the award.
    const offenders = res.body.themes.find((l: any) => l.themeId === 'offenders');
    expect(offenders).toMatchObject({
      budgetPence: 1_000_000,
      committedPence: 300_000,
      remainingPence: 700_000,
    });
    expect(res.body.checks.allHold).toBe(true);
  });
});
