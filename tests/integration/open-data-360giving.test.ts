// The 360Giving export over HTTP with real PostgreSQL: awards made through the engine (a Youth Fund
// grant, crime and disorder grants to partnerships with and without charity and company numbers)
// come out as grants that the 360Giving 1.4.3 package schema accepts, with amounts in pounds exact
// to the penny, London award dates, org-id identifiers and planned dates from the payment schedule;
// bids never awarded, offers declined and allocations withdrawn do not; the CSV says the same in the
// standard's columns, safe to open in a spreadsheet; bad filters are 400/422 problems.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { fundOfYear } from '../helpers/bids.ts';
import { cycleHelpers } from '../helpers/cycles.ts';
import { NEXT_FIVE_YEARS } from '../helpers/programmes.ts';
import { expectProblem } from '../helpers/refusals.ts';
import { movableClock } from '../helpers/web.ts';

const [OFFICER, PROVIDER, PANEL, FINANCE, CSP] = [
  'officer@demo.test',
  'provider@demo.test',
  'panel@demo.test',
  'finance@demo.test',
  'csp@demo.test',
] as const satisfies DemoEmail[];
const PREFIX = '360G-opcc-example';
const FUNDER = [
  {
    id: '360G-opcc-example-funder',
    name: 'Office of the Police and Crime Commissioner for Cambridgeshire and Peterborough',
  },
];
const LOCATION = [{ name: 'Cambridgeshire and Peterborough', countryCode: 'GB' }];

// ---- The 360Giving 1.4.3 schemas, offline -------------------------------------------------------
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/360giving/${name}`, import.meta.url), 'utf8'));
// The files name draft 2020-12 as http://json-schema.org/draft/2020-12/schema; Ajv knows the
// meta-schema by its https id, so that is the one thing changed. The grant schema is added under its
// own $id, the published URL the package schema refers to, so nothing is fetched.
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
// Not strict: the schemas carry 360Giving's own annotations (rollUp, codelist, openCodelist).
// ajv-formats, because `awardDate` is oneOf [date-time format, date pattern]: with formats ignored a
// plain date would match both and fail the oneOf.
// Both packages are CommonJS whose export is also their `default`, which is what TypeScript sees.
const ajv = new Ajv2020.default({ strict: false, allErrors: true });
ajvFormats.default(ajv);
ajv.addSchema({ ...fixture('360-giving-schema.json'), $schema: DRAFT_2020 });
const validatePackage = ajv.compile({ ...fixture('360-giving-package-schema.json'), $schema: DRAFT_2020 });
const schemaErrors = (data: unknown) =>
  validatePackage(data) ? [] : (validatePackage.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

// ---- The awards ---------------------------------------------------------------------------------
let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
const clock = movableClock();
/** Makes the app's clock read `iso` (and run on from there). In the future, so no worker fires our timers. */
const setClock = (iso: string) => {
  clock.offsetMs = Date.parse(iso) - Date.now();
};

const ids = {
  youthProgramme: '',
  youthFund: '',
  cdrProgramme: '',
  cdrFund: '',
  award: '',
  clawedBack: '',
  declined: '',
  neverAwarded: '',
  live: '',
  company: '',
  scottish: '',
  withdrawn: '',
  fenland: '',
  companyOrg: '',
  scottishOrg: '',
};
const TAG = randomUUID().slice(0, 8);

async function organisation(body: object): Promise<string> {
  const res = await t.http.post('/api/organisations').set(t.as(OFFICER)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function youthBid(title: string, summary: string, requested: number): Promise<string> {
  const id = (await h.open(PROVIDER, 'youth-fund', { programmeId: ids.youthProgramme, title })).id;
  await h.step(
    id,
    PROVIDER,
    { type: 'SUBMIT', title, summary, amountRequestedPence: requested },
    'submitted',
  );
  await h.step(id, OFFICER, { type: 'CONFIRM_ELIGIBLE' }, 'panelReview');
  return id;
}
/**
 * The panel's award, signed by the approver when above the programme's threshold (as £10,000.01 is).
 * No panel member scored the bid, so the panel says why it decides without its quorum.
 */
const approve = (id: string, amountPence: number) =>
  h.decide(
    id,
    PANEL,
    { type: 'APPROVE', amountPence, reportDueOn: '2036-03-31', quorumReason: 'Decided at the panel meeting' },
    'offered',
  );

/**
 * A crime and disorder grant for a year to come, so nothing its payment schedule sets is ever due:
 * proposed and allocated (signed by the approver above the programme's threshold).
 */
async function allocate(organisationId: string, allocationPence: number, purpose: string) {
  const input = { programmeId: ids.cdrProgramme, allocationPence, financialYear: '2031-32', purpose };
  return (await h.allocate(organisationId, input)).id;
}

/** The award's payment schedule as the database holds it, if it has one. */
async function scheduleOf(caseId: string) {
  const [row] = await t.sql`select starts_on::text as starts, ends_on::text as ends
    from payment_schedules where award_case_id = ${caseId}`;
  return row as { starts: string; ends: string } | undefined;
}

beforeAll(async () => {
  t = await startTestApp({ clock });
  h = cycleHelpers(t);
  // Their grants are for 2031-32: the budget lines run that far.
  const otherYears = NEXT_FIVE_YEARS;
  const youth = await t.programme({ budgetPence: 50_000_000, maxAwardPence: 2_000_000, otherYears });
  const cdr = await t.programme({
    cycle: 'crime-disorder-grant',
    budgetPence: 50_000_000,
    open: false,
    otherYears,
  });
  Object.assign(ids, {
    youthProgramme: youth.programmeId,
    // Its grants are offered and accepted in 2031-32, so paid, and committed, from that year's fund.
    youthFund: await fundOfYear(t, youth.fundId, '2031-32'),
    cdrProgramme: cdr.programmeId,
    // The grants are for 2031-32, so their money is in that year's fund of the programme's budget line.
    cdrFund: await fundOfYear(t, cdr.fundId, '2031-32'),
  });
  ids.fenland = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
  ids.companyOrg = await organisation({
    name: `Huntingdon Safety Ltd ${TAG}`,
    kind: 'communitySafetyPartnership',
    companyNumber: '01234567',
  });
  ids.scottishOrg = await organisation({
    name: `Borders Partnership ${TAG}`,
    kind: 'communitySafetyPartnership',
    charityNumber: 'SC012345',
  });

  // Crime and disorder grants commit their allocation when allocated (and signed), on 15 January (GMT).
  setClock('2031-01-15T12:00:00Z');
  ids.live = await allocate(ids.fenland, 2_500_000, 'Reduce rural theft');
  ids.company = await allocate(ids.companyOrg, 1_000_001, '=HYPERLINK("http://evil.example","Click")');
  ids.scottish = await allocate(ids.scottishOrg, 29, '+ Street pastors, night-time economy');
  ids.withdrawn = await allocate(ids.fenland, 700_000, 'Withdrawn before conditions');
  const offer = { type: 'OFFER_CONDITIONS', conditions: 'Quarterly returns', reasons: 'Accountability' };
  setClock('2031-02-01T10:00:00Z');
  await h.step(ids.live, OFFICER, offer, 'conditionsOffered');
  await h.step(ids.live, CSP, { type: 'ACCEPT_CONDITIONS' }, 'live');
  await h.step(ids.withdrawn, OFFICER, { type: 'WITHDRAW_ALLOCATION', reason: 'Merged' }, 'withdrawn');

  // The panel approves £10,000.01 at 23:30 UTC on 30 June: 00:30 on 1 July in London (BST).
  ids.award = await youthBid(
    'Boxing, "after school" club',
    'Weekly sessions\nfor 40 young people',
    1_000_001,
  );
  ids.clawedBack = await youthBid('Summer camp', 'Two weeks in August', 300_000);
  ids.declined = await youthBid('Declined offer', 'Found other funding', 200_000);
  ids.neverAwarded = await youthBid('Never awarded', 'Still with the panel', 100_000);
  setClock('2031-06-30T23:30:00Z');
  await approve(ids.award, 1_000_001);
  await approve(ids.clawedBack, 300_000);
  await approve(ids.declined, 200_000);
  setClock('2031-07-02T09:00:00Z');
  await h.step(ids.award, PROVIDER, { type: 'ACCEPT_OFFER' }, 'accepted');
  await h.step(ids.clawedBack, PROVIDER, { type: 'ACCEPT_OFFER' }, 'accepted');
  await h.step(
    ids.declined,
    PROVIDER,
    { type: 'DECLINE_OFFER', reason: 'Found other funding' },
    'offerDeclined',
  );

  // Paid, then repaid in full (a clawback): nothing left committed, but it was a grant all the same.
  // The ledger rows are written as the payments work records them: a payment, then the repayment
  // with a release of the same amount.
  for (const [movement, cause] of [
    ['payment', 'decision'],
    ['repayment', 'decision'],
    ['release', 'clawback'],
  ] as const) {
    await t.sql`insert into fund_ledger (fund_id, case_id, movement, cause, amount_pence, note, at)
      values (${ids.youthFund}, ${ids.clawedBack}, ${movement}, ${cause}, 300000, 'clawback test', now())`;
  }
  // Money the Commissioner's own office holds on its own case (its round here; the SARC contract in
  // life) is procurement, not a grant to publish.
  const [round] = await t.sql`select id from cases where programme_id = ${ids.youthProgramme}
    and machine_id = 'commissioning-round'`;
  await t.sql`insert into fund_ledger (fund_id, case_id, movement, amount_pence, note, at)
    values (${ids.youthFund}, ${round!.id}, 'commit', 5000, 'own case', now())`;
  // The live grant's payment schedule: built by the engine when the conditions are accepted where
  // payment schedules are in place, written here as that work does where they are not yet.
  if (!(await scheduleOf(ids.live))) {
    await t.sql`insert into payment_schedules
      (award_case_id, profile, instalments, remainder_in, starts_on, ends_on, created_at, updated_at)
      values (${ids.live}, 'instalments', 4, 'last', '2031-04-01', '2032-03-31', now(), now())`;
  }
  clock.reset();
}, 120_000);
afterAll(() => t?.close());

type Grant = Record<string, any>;
const exported = async (query: string, email: DemoEmail = FINANCE) => {
  const res = await t.http.get(`/api/exports/360giving.json${query}`).set(t.as(email));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.body as { grants: Grant[] };
};
const referenceOf = async (id: string) => (await h.get(id)).body.reference as string;
const byId = (grants: Grant[], reference: string) => grants.find((g) => g.id === `${PREFIX}-${reference}`);

describe('the 360Giving JSON export', () => {
  it('is a package the 1.4.3 schema accepts, holding exactly the awarded grants of a fund', async () => {
    const youth = await exported(`?fund=${ids.youthFund}`);
    expect(schemaErrors(youth)).toEqual([]);
    expect(youth.grants.map((g) => g.id)).toEqual([
      `${PREFIX}-${await referenceOf(ids.award)}`,
      `${PREFIX}-${await referenceOf(ids.clawedBack)}`,
    ]);
    const cdr = await exported(`?fund=${ids.cdrFund}&financialYear=2031-32`);
    expect(schemaErrors(cdr)).toEqual([]);
    // Oldest award first; the allocation withdrawn before its conditions holds nothing and is left out.
    expect(cdr.grants.map((g) => g.id)).toEqual(
      await Promise.all(
        [ids.live, ids.company, ids.scottish].map(async (id) => `${PREFIX}-${await referenceOf(id)}`),
      ),
    );
  });

  it('publishes the Youth Fund award in pounds exact to the penny, dated by the London day it was committed', async () => {
    const { grants } = await exported(`?fund=${ids.youthFund}`);
    const view = (await h.get(ids.award)).body;
    const programme = (await t.http.get(`/api/programmes/${ids.youthProgramme}`).set(t.as(OFFICER))).body;
    expect(byId(grants, view.reference)).toEqual({
      id: `${PREFIX}-${view.reference}`,
      title: 'Boxing, "after school" club',
      description: 'Weekly sessions\nfor 40 young people',
      currency: 'GBP',
      amountAwarded: 10000.01,
      awardDate: '2031-07-01',
      recipientOrganization: [
        {
          id: 'GB-CHC-1190001',
          name: 'Riverside Youth Trust',
          charityNumber: '1190001',
          companyNumber: '11900010',
        },
      ],
      fundingOrganization: FUNDER,
      // The Youth Fund declares no period its grant pays for, so no planned dates (never the payment day).
      grantProgramme: [{ code: ids.youthProgramme, title: programme.name }],
      beneficiaryLocation: LOCATION,
      dateModified: view.updatedAt,
    });
    // In the body as written: the amount is the JSON number 10000.01, not a float artefact.
    const res = await t.http.get(`/api/exports/360giving.json?fund=${ids.youthFund}`).set(t.as(FINANCE));
    expect(res.text).toContain('"amountAwarded":10000.01,');
  });

  it('keeps a grant paid and then repaid in full, at the value awarded though nothing is now committed', async () => {
    const { grants } = await exported(`?fund=${ids.youthFund}`);
    expect(byId(grants, await referenceOf(ids.clawedBack))).toMatchObject({
      amountAwarded: 3000,
      awardDate: '2031-07-01',
      title: 'Summer camp',
    });
  });

  it('identifies partnerships by charity number, company number, or under the publisher prefix', async () => {
    const { grants } = await exported(`?fund=${ids.cdrFund}`);
    const [live, company, scottish] = await Promise.all(
      [ids.live, ids.company, ids.scottish].map(async (id) => byId(grants, await referenceOf(id))!),
    );
    expect(live).toMatchObject({
      title: 'Crime and disorder reduction grant 2031-32',
      description: 'Reduce rural theft',
      amountAwarded: 25000,
      awardDate: '2031-01-15',
      recipientOrganization: [
        { id: `${PREFIX}-org-${ids.fenland}`, name: 'Fenland Community Safety Partnership' },
      ],
      // Planned dates are the period the grant pays for: its financial year.
      plannedDates: [{ startDate: '2031-04-01', endDate: '2032-03-31' }],
      fundingOrganization: FUNDER,
      beneficiaryLocation: LOCATION,
      dateModified: (await h.get(ids.live)).body.updatedAt,
    });
    expect(live!.recipientOrganization[0]).not.toHaveProperty('charityNumber');
    expect(company).toMatchObject({
      amountAwarded: 10000.01,
      recipientOrganization: [
        { id: 'GB-COH-01234567', name: `Huntingdon Safety Ltd ${TAG}`, companyNumber: '01234567' },
      ],
    });
    expect(company).toMatchObject({ plannedDates: [{ startDate: '2031-04-01', endDate: '2032-03-31' }] });
    expect(scottish).toMatchObject({
      amountAwarded: 0.29,
      recipientOrganization: [
        { id: 'GB-SC-SC012345', name: `Borders Partnership ${TAG}`, charityNumber: 'SC012345' },
      ],
    });
  });

  it('leaves out bids never awarded, declined offers, withdrawn allocations and the office’s own cases', async () => {
    const { grants } = await exported('');
    expect(schemaErrors({ grants })).toEqual([]);
    const published = new Set(grants.map((g) => g.id));
    for (const id of [ids.award, ids.clawedBack, ids.live, ids.company, ids.scottish])
      expect(published.has(`${PREFIX}-${await referenceOf(id)}`)).toBe(true);
    for (const id of [ids.declined, ids.neverAwarded, ids.withdrawn])
      expect(published.has(`${PREFIX}-${await referenceOf(id)}`)).toBe(false);
    expect(grants.some((g) => g.id.startsWith(`${PREFIX}-RND-`))).toBe(false);
    expect(grants.every((g) => !g.recipientOrganization[0].name.startsWith('Office of the Police'))).toBe(
      true,
    );
  });

  it('filters by financial year', async () => {
    expect((await exported(`?fund=${ids.youthFund}&financialYear=2027-28`)).grants).toEqual([]);
    const year = await exported('?financialYear=2031-32');
    expect(byId(year.grants, await referenceOf(ids.award))).toBeDefined();
  });

  it('is refused when the schema would be: the validator is not a rubber stamp', () => {
    const good = { grants: [{ ...validGrant() }] };
    expect(schemaErrors(good)).toEqual([]);
    expect(schemaErrors({ grants: [{ ...validGrant(), amountAwarded: '10000.01' }] })).not.toEqual([]);
    expect(schemaErrors({ grants: [{ ...validGrant(), dateModified: 'yesterday' }] })).not.toEqual([]);
    expect(schemaErrors({ grants: [{ ...validGrant(), awardDate: '2031-13-01' }] })).not.toEqual([]);
    expect(schemaErrors({ grants: [{ ...validGrant(), recipientOrganization: [] }] })).not.toEqual([]);
    expect(schemaErrors({ grants: [] })).not.toEqual([]);
  });
});

function validGrant(): Grant {
  return {
    id: `${PREFIX}-YF-000001`,
    title: 'A',
    description: 'B',
    currency: 'GBP',
    amountAwarded: 1,
    awardDate: '2031-07-01',
    recipientOrganization: [{ id: 'GB-CHC-1', name: 'C' }],
    fundingOrganization: FUNDER,
    dateModified: '2031-07-01T00:00:00.000Z',
  };
}

/** RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  expect(field, 'the last record ends in CRLF').toBe('');
  return records;
}

describe('the 360Giving CSV export', () => {
  it('has the standard’s column titles and the same grants, amounts written exactly', async () => {
    const res = await t.http.get(`/api/exports/360giving.csv?fund=${ids.cdrFund}`).set(t.as(OFFICER));
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename=360giving-grants-${ids.cdrFund}.csv`,
    );
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([
      'Identifier',
      'Title',
      'Description',
      'Currency',
      'Amount Awarded',
      'Award Date',
      'Recipient Org:Identifier',
      'Recipient Org:Name',
      'Recipient Org:Charity Number',
      'Recipient Org:Company Number',
      'Funding Org:Identifier',
      'Funding Org:Name',
      'Planned Dates:Start Date',
      'Planned Dates:End Date',
      'Grant Programme:Code',
      'Grant Programme:Title',
      'Beneficiary Location:Name',
      'Beneficiary Location:Country Code',
      'Last Modified',
    ]);
    const { grants } = await exported(`?fund=${ids.cdrFund}`);
    expect(rows.map((r) => r[0])).toEqual(grants.map((g) => g.id));
    const row = (id: string) => rows.find((r) => r[0] === id)!;
    const company = row(`${PREFIX}-${await referenceOf(ids.company)}`);
    // The purpose began with `=`: a spreadsheet would run it, so it is written as text.
    expect(company.slice(0, 10)).toEqual([
      `${PREFIX}-${await referenceOf(ids.company)}`,
      'Crime and disorder reduction grant 2031-32',
      `'=HYPERLINK("http://evil.example","Click")`,
      'GBP',
      '10000.01',
      '2031-01-15',
      'GB-COH-01234567',
      `Huntingdon Safety Ltd ${TAG}`,
      '',
      '01234567',
    ]);
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""Click"")"`);
    const scottish = row(`${PREFIX}-${await referenceOf(ids.scottish)}`);
    expect([scottish[2], scottish[4], scottish[6], scottish[8]]).toEqual([
      "'+ Street pastors, night-time economy",
      '0.29',
      'GB-SC-SC012345',
      'SC012345',
    ]);
    const live = row(`${PREFIX}-${await referenceOf(ids.live)}`);
    expect(live.slice(10)).toEqual([
      FUNDER[0]!.id,
      FUNDER[0]!.name,
      '2031-04-01',
      '2032-03-31',
      ids.cdrProgramme,
      (await t.http.get(`/api/programmes/${ids.cdrProgramme}`).set(t.as(OFFICER))).body.name,
      'Cambridgeshire and Peterborough',
      'GB',
      (await h.get(ids.live)).body.updatedAt,
    ]);
  });

  it('quotes a title with a comma and quotes, and keeps a line break inside its field', async () => {
    const res = await t.http.get(`/api/exports/360giving.csv?fund=${ids.youthFund}`).set(t.as(FINANCE));
    expect(res.text).toContain(
      '"Boxing, ""after school"" club","Weekly sessions\nfor 40 young people",GBP,10000.01,2031-07-01',
    );
    const [, first] = parseCsv(res.text);
    expect(first!.slice(1, 3)).toEqual([
      'Boxing, "after school" club',
      'Weekly sessions\nfor 40 young people',
    ]);
  });
});

describe('who may export, and bad filters', () => {
  it('is for officers, finance, approvers and admins; providers and panel members are refused', async () => {
    for (const email of ['officer@demo.test', 'approver@demo.test', 'admin@demo.test'] as const)
      expect((await t.http.get('/api/exports/360giving.csv').set(t.as(email))).status).toBe(200);
    for (const email of [PROVIDER, PANEL, CSP]) {
      for (const path of ['/api/exports/360giving.json', '/api/exports/360giving.csv'])
        expectProblem(await t.http.get(path).set(t.as(email)), 403);
    }
    expectProblem(await t.http.get('/api/exports/360giving.json'), 401);
  });

  it.each([
    ['?financialYear=2026-28', 400, 'financialYear'],
    ['?financialYear=26-27', 400, 'financialYear'],
    ['?fund=not-a-fund', 400, 'fund'],
    ['?fund=a&fund=b', 400, 'fund'],
    ['?colour=red', 400, 'colour'],
    [`?fund=${randomUUID()}`, 422, 'fund'],
  ])('%s is %i naming %s, in JSON and CSV alike', async (query, status, field) => {
    for (const kind of ['json', 'csv'])
      expectProblem(
        await t.http.get(`/api/exports/360giving.${kind}${query}`).set(t.as(FINANCE)),
        status,
        field,
      );
  });
});
