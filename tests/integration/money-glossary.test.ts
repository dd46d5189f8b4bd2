// The money glossary (README, "Money glossary"): one figure, one meaning, in every output. A portfolio
// with every cycle, in a database of its own — a victims' services agreement over two financial years,
// varied up, paid in full and in part, with money given back and a return's spend and underspend; a
// SARC contract over three years; a crime and disorder grant evaluated with an underspend; a Youth
// Fund grant paid — and every cell of the glossary's table checked. The truth is the ledger read by
// the glossary's own definitions, award by award and fund by fund; each per-award output must give
// each award's figure, and each summed output the sum of the per-award ones, year by year.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { victimsFigures } from '../helpers/figures.ts';
import { createOwnDatabase, type OwnDatabase } from '../helpers/own-database.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { penceOf, readPence } from '../helpers/pence.ts';
import { NEXT_FIVE_YEARS } from '../helpers/programmes.ts';
import { victimsBidTo } from '../helpers/victims-bids.ts';

const OFFICER: DemoEmail = 'officer@demo.test';
const PROVIDER: DemoEmail = 'provider@demo.test';
const FINANCE: DemoEmail = 'finance@demo.test';
const FINANCE2: DemoEmail = 'finance2@demo.test';
const CSP: DemoEmail = 'csp@demo.test';
/** No decision of this file's waits for a signature: the glossary, not the rulebook, is under test. */
const NO_SIGNATURE = 1_000_000_000;

let own: OwnDatabase;
let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
let pay: ReturnType<typeof paymentHelpers>;
/** The portfolio's awards, with what was done to them (the anchors of the truth). */
const made = { victims: '', sarc: '', crimeDisorder: '', youth: '' };

beforeAll(async () => {
  own = await createOwnDatabase('glossary');
  t = await startTestApp({ databaseUrl: own.url, poolSize: 4 });
  h = cycleHelpers(t);
  pay = paymentHelpers(t);
  made.victims = await victimsAward();
  made.sarc = await sarcContract();
  made.crimeDisorder = await crimeDisorderGrant();
  made.youth = await youthGrant();
}, 120_000);
afterAll(async () => {
  await t?.close();
  await own?.drop();
});

/** Approves a payment as one finance user and records it paid today (in full, or `part` of it) as another. */
async function payNow(paymentId: string, reference: string, part?: number) {
  await pay.approve(paymentId, FINANCE);
  const event = { type: 'MARK_PAID', paidOn: t.today(), reference, ...(part && { amountPence: part }) };
  const res = await t.http.post(`/api/cases/${paymentId}/events`).set(t.as(FINANCE2)).send(event);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/**
 * £40,000 for April 2026 to March 2028, quarterly in arrears, varied up to £48,000; the first
 * instalment paid and £1,000 of it given back, the second paid in part (£2,500); the first quarter's
 * return reports £5,500 spent and a £3,000 underspend, and is accepted.
 */
async function victimsAward(): Promise<string> {
  const { programmeId } = await t.programme({
    cycle: 'victims-services',
    themeId: 'victims',
    outcomeIds: ['V1'],
    delegationThresholdPence: NO_SIGNATURE,
  });
  const { id } = await h.open(PROVIDER, 'victims-services', { programmeId });
  const dates = { startsOn: '2026-04-01', endsOn: '2028-03-31' };
  await victimsBidTo('live', h.sender(id, PROVIDER), {
    amountPence: 4_000_000,
    paymentProfile: 'quarterlyInArrears',
    ...dates,
  });
  const s = h.on(id);
  await s(
    PROVIDER,
    { type: 'REQUEST_VARIATION', amountPence: 4_800_000, reason: 'More referrals' },
    'variationRequested',
  );
  await s(OFFICER, { type: 'APPROVE_VARIATION' }, 'live');
  const [first, second] = await pay.paymentsOf(id);
  expect(first!.amountPence).toBe(600_000);
  await payNow(first!.id, 'BACS-1');
  await payNow(second!.id, 'BACS-2', 250_000);
  const back = { amountPence: 100_000, receivedOn: t.today(), reference: 'REC-1', reason: 'Overpaid' };
  await h.step(first!.id, FINANCE, { type: 'RECORD_RETURN', ...back }, 'returned');
  // The April to June 2026 return: its quarter ended before the agreement was signed, so it is due now.
  const returnId = await h.returnFor(id, '2026-04-01');
  const figures = { performance: 'On track', ...victimsFigures(60, 80) };
  const report = { ...figures, spendPence: 550_000, underspendPence: 300_000 };
  await h.step(returnId, PROVIDER, { type: 'SUBMIT_RETURN', ...report }, 'submitted');
  await h.step(returnId, OFFICER, { type: 'ACCEPT_RETURN' }, 'accepted');
  return id;
}

/** A SARC contract of £2.1 million for April 2028 to March 2031, paid to its supplier, nothing paid yet. */
async function sarcContract(): Promise<string> {
  const { programmeId } = await t.programme({
    cycle: 'sarc-recommissioning',
    themeId: 'victims',
    outcomeIds: ['V1'],
    delegationThresholdPence: NO_SIGNATURE,
    otherYears: [...NEXT_FIVE_YEARS, '2032-33'],
  });
  const opcc = await h.organisation((o) => o.kind === 'commissioner');
  const supplier = (await t.newProvider('Glossary SARC Ltd')).organisationId;
  const other = (await t.newProvider('Glossary Care')).organisationId;
  const input = { programmeId, title: 'SARC 2028', contractValuePence: 210_000_000 };
  const { id } = await h.open(OFFICER, 'sarc-recommissioning', input, opcc);
  const s = h.on(id);
  await s(
    OFFICER,
    { type: 'PUBLISH_TENDER', clarificationDeadline: '2027-11-02', tenderDeadline: '2027-11-30' },
    'tendering',
  );
  await s(OFFICER, { type: 'RECORD_TENDER', supplierId: supplier, pricePence: 210_000_000 }, 'tendering');
  await s(OFFICER, { type: 'RECORD_TENDER', supplierId: other, pricePence: 180_000_000 }, 'tendering');
  await h.fire(id, 'TENDER_DEADLINE_PASSED', 'evaluation');
  await s(OFFICER, { type: 'SCORE_TENDERS', scores: { [supplier]: 80, [other]: 60 } }, 'moderation');
  await s(
    OFFICER,
    { type: 'MODERATE', preferredBidder: supplier, rationale: 'Highest score' },
    'boardDecision',
  );
  for (const partner of ['opcc', 'nhsEngland', 'countyCouncil'])
    await s(OFFICER, { type: 'RECORD_PARTNER_DECISION', partner, agrees: true }, 'boardDecision');
  await s(OFFICER, { type: 'RECORD_PARTNER_DECISION', partner: 'cityCouncil', agrees: true }, 'awardNotice');
  await t.onDay('2027-12-10', () =>
    s(OFFICER, { type: 'PUBLISH_AWARD_NOTICE', publishedOn: '2027-12-10' }, 'standstill'),
  );
  await h.fire(id, 'STANDSTILL_ENDED', 'readyToAward');
  const award = {
    type: 'AWARD_CONTRACT',
    startsOn: '2028-04-01',
    endsOn: '2031-03-31',
    valuePence: 210_000_000,
  };
  await s(OFFICER, award, 'mobilisation');
  return id;
}

/** £20,000 to the Fenland CSP for 2026-27, quarterly in advance; the first quarter paid; £3,000 underspent. */
async function crimeDisorderGrant(): Promise<string> {
  const { programmeId } = await t.programme({
    cycle: 'crime-disorder-grant',
    themeId: 'communities',
    outcomeIds: ['C1'],
    delegationThresholdPence: NO_SIGNATURE,
  });
  const fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
  const input = { programmeId, allocationPence: 2_000_000, financialYear: '2026-27', purpose: 'Rural theft' };
  const { id } = await h.allocate(fenland, input);
  const s = h.on(id);
  await s(
    OFFICER,
    { type: 'OFFER_CONDITIONS', conditions: 'Quarterly returns', reasons: 'Accountability' },
    'conditionsOffered',
  );
  await s(CSP, { type: 'ACCEPT_CONDITIONS' }, 'live');
  const [first] = await pay.paymentsOf(id);
  await payNow(first!.id, 'BACS-CDG-1');
  const evaluation = { summary: 'Theft down', outcomesAchieved: 'Fewer victims', underspendPence: 300_000 };
  await s(OFFICER, { type: 'EVALUATE', ...evaluation }, 'evaluated');
  return id;
}

/** A Youth Fund grant of £3,000, accepted and paid. */
async function youthGrant(): Promise<string> {
  const { programmeId } = await t.programme({ cycle: 'youth-fund', delegationThresholdPence: NO_SIGNATURE });
  const club = await t.newProvider('Glossary Youth Club');
  const b = bids(t, club);
  const id = await b.inPanelReview(programmeId, 300_000);
  expect((await b.decide(id, 300_000)).status).toBe(200);
  await b.ok(id, 'owner', { type: 'ACCEPT_OFFER' });
  await pay.payAward(id);
  return id;
}

// ---- The truth: the ledger, read by the glossary's definitions -----------------------------------

interface Figures {
  value: bigint;
  committed: bigint;
  paid: bigint;
  returned: bigint;
  reported: bigint;
  underspend: bigint;
}
const none = (): Figures => ({
  value: 0n,
  committed: 0n,
  paid: 0n,
  returned: 0n,
  reported: 0n,
  underspend: 0n,
});
const add = (a: Figures, b: Figures): Figures => ({
  value: a.value + b.value,
  committed: a.committed + b.committed,
  paid: a.paid + b.paid,
  returned: a.returned + b.returned,
  reported: a.reported + b.reported,
  underspend: a.underspend + b.underspend,
});

interface Row {
  caseId: string;
  fundId: string;
  financialYear: string;
  themeId: string | null;
  movement: string;
  cause: string | null;
  amount: bigint;
  on: string;
}

/** Every ledger row of an award, with its fund's year and its programme's theme. */
async function ledger(): Promise<Row[]> {
  const rows = await t.sql`select l.case_id, l.fund_id, f.financial_year, p.theme_id, l.movement, l.cause,
      l.amount_pence::text as amount, l.effective_on::text as on
    from fund_ledger l join funds f on f.id = l.fund_id left join programmes p on p.id = l.programme_id
    where l.case_id is not null`;
  return rows.map((r) => ({
    caseId: r.case_id as string,
    fundId: r.fund_id as string,
    financialYear: r.financial_year as string,
    themeId: (r.theme_id as string | null) ?? null,
    movement: r.movement as string,
    cause: (r.cause as string | null) ?? null,
    amount: BigInt(r.amount as string),
    on: r.on as string,
  }));
}

/** The glossary's figures over some ledger rows. */
function figuresOf(rows: readonly Row[]): Figures {
  const sum = (keep: (r: Row) => boolean) => rows.filter(keep).reduce((a, r) => a + r.amount, 0n);
  const commits = sum((r) => r.movement === 'commit');
  const releases = sum((r) => r.movement === 'release');
  return {
    value:
      commits - sum((r) => r.movement === 'release' && (r.cause === 'decision' || r.cause === 'rephased')),
    committed: commits - releases,
    paid: sum((r) => r.movement === 'payment'),
    returned: sum((r) => r.movement === 'repayment'),
    reported: sum((r) => r.movement === 'reported'),
    underspend: sum((r) => r.movement === 'release' && r.cause === 'underspend'),
  };
}

const group = <K>(rows: readonly Row[], key: (r: Row) => K) => {
  const groups = new Map<K, Row[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return groups;
};

describe('the money glossary, cell by cell, over a portfolio of every cycle', () => {
  let rows: Row[];
  let awards: string[];
  beforeAll(async () => {
    rows = await ledger();
    awards = [...new Set(rows.map((r) => r.caseId))];
  });

  it('holds what was done: the truth is anchored to the portfolio as built', () => {
    const of = (id: string) => figuresOf(rows.filter((r) => r.caseId === id));
    expect(of(made.victims)).toEqual({
      value: 4_800_000n, // £40,000 varied to £48,000
      committed: 4_400_000n, // less the £3,000 underspend and the £1,000 given back (clawback)
      paid: 850_000n, // £6,000 and £2,500 of the next
      returned: 100_000n,
      reported: 550_000n,
      underspend: 300_000n,
    });
    expect(of(made.sarc)).toMatchObject({ value: 210_000_000n, committed: 210_000_000n, paid: 0n });
    expect(of(made.crimeDisorder)).toMatchObject({
      value: 2_000_000n,
      committed: 1_700_000n,
      paid: 500_000n,
      underspend: 300_000n,
    });
    expect(of(made.youth)).toMatchObject({ value: 300_000n, committed: 300_000n, paid: 300_000n });
    // The multi-year awards hold money in more than one year's fund.
    for (const id of [made.victims, made.sarc])
      expect(new Set(rows.filter((r) => r.caseId === id).map((r) => r.financialYear)).size).toBeGreaterThan(
        1,
      );
  });

  it("per award: the award's money by financial year (committed, paid, returned) is its ledger's, award by award", async () => {
    for (const id of awards) {
      const res = await t.http.get(`/api/cases/${id}/money`).set(t.as(FINANCE));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const shown = readPence(res.body.years) as {
        fundId: string;
        financialYear: string;
        committedPence: number;
        paidPence: number;
        returnedPence: number;
      }[];
      const byFund = group(
        rows.filter((r) => r.caseId === id),
        (r) => r.fundId,
      );
      const expected = [...byFund]
        .map(([fundId, own]) => ({ fundId, financialYear: own[0]!.financialYear, ...figuresOf(own) }))
        .filter((f) => f.committed !== 0n || f.paid !== 0n || f.returned !== 0n)
        .map((f) => ({
          fundId: f.fundId,
          financialYear: f.financialYear,
          committedPence: Number(f.committed),
          paidPence: Number(f.paid),
          returnedPence: Number(f.returned),
        }));
      const key = (f: { financialYear: string; fundId: string }) => `${f.financialYear} ${f.fundId}`;
      expect(
        shown.map(({ fundId, financialYear, committedPence, paidPence, returnedPence }) => ({
          fundId,
          financialYear,
          committedPence,
          paidPence,
          returnedPence,
        })),
        id,
      ).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
    }
    // The Commissioner's own accounting: not for providers.
    expect((await t.http.get(`/api/cases/${made.victims}/money`).set(t.as(PROVIDER))).status).toBe(403);
  });

  it('per award: 360Giving gives each grant its award value, and the statutory publication its allocation', async () => {
    const res = await t.http.get('/api/exports/360giving.json').set(t.as(FINANCE));
    expect(res.status).toBe(200);
    const grants = res.body.grants as { id: string; amountAwarded: number }[];
    const references = new Map<string, string>();
    for (const id of awards) references.set(id, (await h.get(id)).body.reference as string);
    for (const id of [made.victims, made.crimeDisorder, made.youth]) {
      const grant = grants.find((g) => g.id.endsWith(`-${references.get(id)}`));
      const value = figuresOf(rows.filter((r) => r.caseId === id)).value;
      expect(grant?.amountAwarded, references.get(id)).toBe(Number(value) / 100);
    }
    // The SARC contract is the Commissioner's own procurement, not a grant: not in 360Giving.
    expect(grants.some((g) => g.id.endsWith(`-${references.get(made.sarc)}`))).toBe(false);
    const month = t.today().slice(0, 7);
    const publication = await t.http
      .get(`/api/exports/crime-and-disorder-grants.json?month=${month}`)
      .set(t.as(FINANCE));
    expect(publication.status, JSON.stringify(publication.body)).toBe(200);
    const published = (publication.body.grants as { caseId: string; amountPence: number }[]).find(
      (g) => g.caseId === made.crimeDisorder,
    );
    expect(published?.amountPence).toBe(
      Number(figuresOf(rows.filter((r) => r.caseId === made.crimeDisorder)).value),
    );
  });

  it('summed per fund: every fund position is the sum of the per-award figures in that fund', async () => {
    const funds = (await t.http.get('/api/funds').set(t.as(FINANCE))).body.items as {
      fundId: string;
      budgetPence: string;
    }[];
    const byFund = group(rows, (r) => r.fundId);
    for (const fund of funds) {
      const position = readPence(fund) as unknown as Record<string, number>;
      const sum = [...group(byFund.get(fund.fundId) ?? [], (r) => r.caseId).values()]
        .map(figuresOf)
        .reduce(add, none());
      expect(position.committedPence, fund.fundId).toBe(Number(sum.committed));
      expect(position.remainingPence).toBe(position.budgetPence! - Number(sum.committed));
      const own = byFund.get(fund.fundId) ?? [];
      const total = (movement: string) =>
        Number(own.filter((r) => r.movement === movement).reduce((a, r) => a + r.amount, 0n));
      expect(position.releasedPence).toBe(total('release'));
      expect(position.grossCommittedPence).toBe(total('commit'));
    }
  });

  it('summed per fund and theme, year by year: the reconciliation is the sum of the per-award figures', async () => {
    for (const [year, yearRows] of group(rows, (r) => r.financialYear)) {
      const res = await t.http.get(`/api/reports/reconciliation?financialYear=${year}`).set(t.as(FINANCE));
      expect(res.status).toBe(200);
      const body = readPence(res.body);
      const lineOf = (sum: Figures) => ({
        committedPence: Number(sum.committed),
        paidPence: Number(sum.paid),
        reportedSpendPence: Number(sum.reported),
        underspendPence: Number(sum.underspend),
        returnedPence: Number(sum.returned),
      });
      const perAward = (some: readonly Row[]) =>
        [...group(some, (r) => r.caseId).values()].map(figuresOf).reduce(add, none());
      for (const fund of body.funds as Record<string, number | string>[]) {
        const sum = perAward(yearRows.filter((r) => r.fundId === fund.fundId));
        expect(fund, `${year} ${fund.name}`).toMatchObject(lineOf(sum));
        expect(fund.remainingPence).toBe((fund.budgetPence as number) - Number(sum.committed));
      }
      for (const theme of body.themes as Record<string, number | string>[]) {
        const sum = perAward(yearRows.filter((r) => (r.themeId ?? 'unassigned') === theme.themeId));
        expect(theme, `${year} ${theme.themeId}`).toMatchObject(lineOf(sum));
      }
      expect(body.total, year).toMatchObject(lineOf(perAward(yearRows)));
      expect(body.checks.allHold, JSON.stringify(body.checks)).toBe(true);
    }
  });

  it('summed per theme and quarter: the board report is the sum of the per-award figures', async () => {
    const res = await t.http.get('/api/reports/board').set(t.as(FINANCE));
    expect(res.status).toBe(200);
    const body = readPence(res.body);
    const { financialYear, startsOn, endsOn } = body as {
      financialYear: string;
      startsOn: string;
      endsOn: string;
    };
    const themeOf = (r: Row) => r.themeId ?? 'unassigned';
    const year = rows.filter((r) => r.financialYear === financialYear && r.on <= endsOn);
    for (const line of body.spend.themes as Record<string, number | string>[]) {
      const own = year.filter((r) => themeOf(r) === line.themeId);
      const payments = own.filter((r) => r.movement === 'payment');
      const total = (some: Row[]) => Number(some.reduce((a, r) => a + r.amount, 0n));
      expect(line, `${line.themeId}`).toMatchObject({
        committedPence: Number(figuresOf(own).committed),
        paidInQuarterPence: total(payments.filter((r) => r.on >= startsOn)),
        paidToDatePence: total(payments),
      });
    }
    // The budget by theme apportions the year's funds: it adds up to them.
    const budgets = (await t.http.get('/api/funds').set(t.as(FINANCE))).body.items as {
      financialYear: string;
      budgetPence: string;
    }[];
    const yearBudget = budgets
      .filter((f) => f.financialYear === financialYear)
      .reduce((a, f) => a + penceOf(f.budgetPence), 0);
    expect(body.spend.total.budgetPence).toBe(yearBudget);
    // Awards made in the quarter: first committed in it, each at its award value as at its end.
    const firstCommit = new Map<string, string>();
    for (const r of rows.filter((r) => r.movement === 'commit'))
      if (!firstCommit.has(r.caseId) || r.on < firstCommit.get(r.caseId)!) firstCommit.set(r.caseId, r.on);
    for (const line of body.awards.themes as { themeId: string; count: number; valuePence: number }[]) {
      const madeHere = awards.filter((id) => {
        const first = firstCommit.get(id)!;
        const theme = rows.find((r) => r.caseId === id)!.themeId ?? 'unassigned';
        return first >= startsOn && first <= endsOn && theme === line.themeId;
      });
      const value = madeHere.reduce(
        (a, id) => a + figuresOf(rows.filter((r) => r.caseId === id && r.on <= endsOn)).value,
        0n,
      );
      expect(line, line.themeId).toMatchObject({ count: madeHere.length, valuePence: Number(value) });
    }
  });
});
