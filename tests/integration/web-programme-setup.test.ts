// Setting a programme up in pages: its limits, which only an approver or admin changes (each change
// logged with a reason), read by every member of staff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { csrfOf, errorSummaryOf, pageHolding, signedIn } from '../helpers/web.ts';

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

describe('setting a programme up in pages', () => {
  /** The form as an officer fills it in: a Youth Fund programme with two criteria. */
  const filled = (csrf: string, over: Record<string, string | string[]> = {}) => ({
    _csrf: csrf,
    name: `Youth Fund set up in pages ${Date.now()}`,
    summary: 'Grants for youth projects',
    cycle: 'youth-fund',
    fundId: t.youthFund.fundId,
    streamId: '',
    themeId: 'offenders',
    outcomeIds: ['O2', 'O1'],
    'closesAt-day': '31',
    'closesAt-month': '1',
    'closesAt-year': '2027',
    'decisionOn-day': '',
    'decisionOn-month': '',
    'decisionOn-year': '',
    maxServiceMonths: '12',
    returnEveryMonths: '6',
    returnDueDays: '20',
    'criteria.0.label': 'Evidence of need',
    'criteria.0.weight': '60',
    'criteria.0.guidance': 'Local figures, not national ones',
    // A row left blank between two filled ones is dropped.
    'criteria.1.label': '',
    'criteria.1.weight': '',
    'criteria.1.guidance': '',
    'criteria.2.label': 'Value for money',
    'criteria.2.weight': '40',
    'criteria.2.guidance': '',
    ...over,
  });
  const apiProgramme = async (name: string) => {
    const all = (await t.http.get('/api/programmes').set(t.as(OFFICER))).body.items as { name: string }[];
    return all.find((p) => p.name === name) as Record<string, unknown> | undefined;
  };

  it('an officer sets one up: it starts with safe limits, its criteria named from their labels', async () => {
    const officer = await signIn(OFFICER);
    const list = await officer.get('/programmes');
    expect(list.text).toContain('href="/programmes/new"');
    const page = await officer.get('/programmes/new');
    expect(page.status).toBe(200);
    // The cycles a programme runs, by their titles; not the cases about an award.
    expect(page.text).toContain('Youth Fund grant');
    expect(page.text).not.toContain('value="monitoring-return"');
    expect(page.text).not.toContain('name="delegationThresholdPence"');
    const body = filled(csrfOf(page.text));
    const saved = await officer.post('/programmes/new').type('form').send(body);
    expect(
      saved.status,
      errorSummaryOf(saved.text)
        .map((e) => e.text)
        .join('; '),
    ).toBe(303);
    const programme = await apiProgramme(body.name as string);
    expect(programme).toMatchObject({
      cycle: 'youth-fund',
      fundId: t.youthFund.fundId,
      streamId: null,
      themeId: 'offenders',
      outcomeIds: ['O1', 'O2'],
      // The end of 31 January in London: bids close as 1 February begins.
      closesAt: '2027-02-01T00:00:00.000Z',
      decisionOn: null,
      maxServiceMonths: 12,
      returnEveryMonths: 6,
      returnDueDays: 20,
      delegationThresholdPence: 0,
      maxAwardPence: null,
      panelQuorum: 2,
      criteria: [
        {
          id: 'evidenceOfNeed',
          label: 'Evidence of need',
          weight: 60,
          guidance: 'Local figures, not national ones',
        },
        { id: 'valueForMoney', label: 'Value for money', weight: 40 },
      ],
    });
    expect(saved.headers.location).toBe(`/programmes/${programme!.id}?done=created`);
    const shown = await officer.get(String(saved.headers.location));
    expect(shown.text).toContain('The programme is set up.');
    const log = await limitsOf(String(programme!.id));
    expect(log.changes).toEqual([expect.objectContaining({ reason: 'Set when the programme was set up' })]);
  });

  it('adds a row of criteria on asking, keeping what was typed, and sets nothing up', async () => {
    const officer = await signIn(OFFICER);
    const page = await officer.get('/programmes/new');
    const body = { ...filled(csrfOf(page.text)), add: 'criteria' };
    const again = await officer.post('/programmes/new').type('form').send(body);
    expect(again.status).toBe(200);
    // Two rows typed (the blank one dropped) and one more.
    expect(again.text).toContain('name="criteria.1.label" type="text" value="Value for money"');
    expect(again.text).toContain('name="criteria.2.label"');
    expect(again.text).not.toContain('name="criteria.3.label"');
    expect(again.text).toContain(`value="${body.name}"`);
    expect(await apiProgramme(body.name as string)).toBeUndefined();
  });

  it('names every problem by its question, keeps what was typed, and sets nothing up', async () => {
    const officer = await signIn(OFFICER);
    const page = await officer.get('/programmes/new');
    const body = filled(csrfOf(page.text), {
      cycle: '',
      fundId: '',
      outcomeIds: [],
      'closesAt-day': '31',
      'closesAt-month': '2',
      'closesAt-year': '2027',
      'criteria.2.weight': 'forty',
    });
    const refused = await officer.post('/programmes/new').type('form').send(body);
    expect(refused.status).toBe(422);
    // In the page's order, each linking to its question.
    expect(errorSummaryOf(refused.text)).toEqual([
      { href: '#cycle', text: 'Choose the commissioning cycle' },
      { href: '#fundId', text: 'Choose the fund' },
      { href: '#outcomeIds', text: 'Choose at least one of the Police and Crime Plan outcomes' },
      { href: '#closesAt-day', text: 'Closes for bids must be a real date' },
      { href: '#criteria-1-weight', text: 'Criterion 2: Weight (%): enter a whole number' },
    ]);
    expect(refused.text).toContain('value="Evidence of need"');
    expect(await apiProgramme(body.name as string)).toBeUndefined();

    // The rules of the whole: weights that do not make 100, outcomes of another theme.
    const wrong = filled(csrfOf(page.text), { outcomeIds: ['O2', 'V1'], 'criteria.2.weight': '30' });
    const rules = await officer.post('/programmes/new').type('form').send(wrong);
    expect(rules.status).toBe(422);
    expect(errorSummaryOf(rules.text).map((e) => e.text)).toEqual([
      'Choose only Police and Crime Plan outcomes of the programme’s theme (Offenders)',
      'The weights of the scoring criteria add up to 90%: make them add up to 100%',
    ]);
    expect(await apiProgramme(wrong.name as string)).toBeUndefined();
  });

  it.each(['finance@demo.test', APPROVER, 'panel@demo.test', 'provider@demo.test'] as const)(
    '%s may not set one up',
    async (email) => {
      const person = await signIn(email);
      expect((await person.get('/programmes/new')).status).toBe(403);
      expect((await person.get('/programmes')).text).not.toContain('href="/programmes/new"');
    },
  );
});

describe('setting a fund up in pages', () => {
  const FINANCE: DemoEmail = 'finance@demo.test';
  const partner = async (name: string) =>
    (await t.sql`select id from organisations where name = ${name}`)[0]!.id as string;
  const fundNamed = async (name: string) => {
    const funds = (await t.http.get('/api/funds').set(t.as(FINANCE))).body.items as { name: string }[];
    return funds.find((f) => f.name === name) as Record<string, any> | undefined;
  };

  it('finance sets one up with a ring-fenced stream and two partners’ shares', async () => {
    const finance = await signIn(FINANCE);
    const home = await finance.get('/finance');
    expect(home.text).toContain('href="/finance/funds/new"');
    const page = await finance.get('/finance/funds/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Independent domestic violence advisers (IDVA)');
    const name = `Joint fund ${Date.now()}`;
    const [nhs, county] = [await partner('NHS England'), await partner('Cambridgeshire County Council')];
    const saved = await finance
      .post('/finance/funds/new')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        name,
        source: 'NHS England and the county',
        financialYear: '2027-28',
        budgetPence: '100,000.00',
        indicative: 'yes',
        'streams.0.name': 'Sexual violence',
        'streams.0.budgetPence': '40000',
        'streams.0.services': ['isva', 'counselling'],
        'contributors.0.organisationId': nhs,
        'contributors.0.sharePence': '60000',
        'contributors.1.organisationId': '',
        'contributors.1.sharePence': '',
        'contributors.2.organisationId': county,
        'contributors.2.sharePence': '40000.00',
      });
    expect(
      saved.status,
      errorSummaryOf(saved.text)
        .map((e) => e.text)
        .join('; '),
    ).toBe(303);
    const fund = await fundNamed(name);
    expect(fund).toMatchObject({
      financialYear: '2027-28',
      indicative: true,
      // Sums of pence go out as strings of whole pence.
      budgetPence: '10000000',
      streams: [{ name: 'Sexual violence', services: ['isva', 'counselling'], budgetPence: '4000000' }],
      // By name: Cambridgeshire County Council, then NHS England.
      contributors: [
        { organisationId: county, budgetPence: '4000000' },
        { organisationId: nhs, budgetPence: '6000000' },
      ],
    });
    expect(saved.headers.location).toBe(`/finance/funds/${fund!.fundId}?created=1`);
    expect((await finance.get(String(saved.headers.location))).text).toContain('is set up.');
  });

  it('names each problem, keeps what was typed, and sets nothing up', async () => {
    const finance = await signIn(FINANCE);
    const page = await finance.get('/finance/funds/new');
    const name = `Refused fund ${Date.now()}`;
    const refused = await finance
      .post('/finance/funds/new')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        name,
        source: '',
        financialYear: '2027-29',
        budgetPence: '1000',
        'streams.0.name': 'Too big',
        'streams.0.budgetPence': 'a lot',
      });
    expect(refused.status).toBe(422);
    expect(errorSummaryOf(refused.text).map((e) => e.text)).toEqual([
      'Enter where the money comes from',
      'Financial year: the second year must follow the first, as in 2026-27',
      'Stream 1: Ring-fenced budget: enter an amount in pounds and pence, like 4500.00',
    ]);
    expect(refused.text).toContain('value="a lot"');
    // The whole's rules, once each answer reads: streams bigger than the fund.
    const whole = await finance
      .post('/finance/funds/new')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        name,
        source: 'Home Office',
        financialYear: '2027-28',
        budgetPence: '1000',
        'streams.0.name': 'Too big',
        'streams.0.budgetPence': '1000.01',
      });
    expect(whole.status).toBe(422);
    expect(errorSummaryOf(whole.text).map((e) => e.text)).toEqual([
      'The ring-fenced streams add up to £1,000.01, more than the budget of £1,000.00: make them smaller',
    ]);
    expect(await fundNamed(name)).toBeUndefined();
  });

  it.each([OFFICER, ADMIN, APPROVER])('%s is not offered the page', async (email) => {
    const person = await signIn(email);
    expect((await person.get('/finance/funds/new')).status).toBe(403);
  });
});

describe("changing a programme's criteria and targets in pages", () => {
  it('an officer changes the criteria until the first bid is started; then they stay', async () => {
    // Its round is open: the round's own case is not a bid.
    const { programmeId } = await t.programme();
    const officer = await signIn(OFFICER);
    const page = await officer.get(`/programmes/${programmeId}/criteria`);
    expect(page.status).toBe(200);
    // The form starts from the criteria as they stand.
    expect(page.text).toContain('value="Evidence of need"');
    const saved = await officer
      .post(`/programmes/${programmeId}/criteria`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        'criteria.0.label': 'Evidence of need',
        'criteria.0.weight': '50',
        'criteria.0.guidance': 'Local figures',
        'criteria.1.label': 'Value for money',
        'criteria.1.weight': '30',
        'criteria.2.label': 'Reach',
        'criteria.2.weight': '20',
      });
    expect(
      saved.status,
      errorSummaryOf(saved.text)
        .map((e) => e.text)
        .join('; '),
    ).toBe(303);
    const api = async () => (await t.http.get(`/api/programmes/${programmeId}`).set(t.as(OFFICER))).body;
    expect((await api()).criteria).toEqual([
      { id: 'evidenceOfNeed', label: 'Evidence of need', weight: 50, guidance: 'Local figures' },
      { id: 'valueForMoney', label: 'Value for money', weight: 30 },
      { id: 'reach', label: 'Reach', weight: 20 },
    ]);
    // Weights that do not make 100 are refused, naming the problem; nothing changes.
    const wrong = await officer
      .post(`/programmes/${programmeId}/criteria`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), 'criteria.0.label': 'Need', 'criteria.0.weight': '90' });
    expect(wrong.status).toBe(422);
    expect(errorSummaryOf(wrong.text).map((e) => e.text)).toEqual([
      'The weights of the scoring criteria add up to 90%: make them add up to 100%',
    ]);
    expect((await api()).criteria).toHaveLength(3);

    // A bid is started: the criteria stay as they are, in the pages and the API.
    const bid = await t.http
      .post('/api/cases')
      .set(t.as('provider@demo.test'))
      .send({ machine: 'youth-fund', input: { programmeId, title: 'A bid' } });
    expect(bid.status, JSON.stringify(bid.body)).toBe(201);
    const fixed = await officer.get(`/programmes/${programmeId}/criteria`);
    expect(fixed.text).toContain('so its criteria stay as they are');
    expect(fixed.text).not.toContain('id="save-criteria"');
    const late = await t.http
      .put(`/api/programmes/${programmeId}/criteria`)
      .set(t.as(OFFICER))
      .send({ criteria: [{ label: 'Need', weight: 100 }] });
    expect(late.status).toBe(409);
    expect((await api()).criteria).toHaveLength(3);
  });

  it('an officer sets the measures’ targets; a percentage over 100 is refused', async () => {
    const { programmeId } = await t.programme({ cycle: 'victims-services', open: false });
    const officer = await signIn(OFFICER);
    const programme = await officer.get(`/programmes/${programmeId}`);
    expect(programme.text).toContain(`/programmes/${programmeId}/measures`);
    const page = await officer.get(`/programmes/${programmeId}/measures`);
    expect(page.status).toBe(200);
    const refused = await officer
      .post(`/programmes/${programmeId}/measures`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), victimsSupported: 'lots', copeAndRecover: '80' });
    expect(refused.status).toBe(422);
    expect(errorSummaryOf(refused.text).map((e) => e.text)).toEqual(['Victims supported: enter a number']);
    const over = await officer
      .post(`/programmes/${programmeId}/measures`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), victimsSupported: '1,200', copeAndRecover: '120' });
    expect(over.status).toBe(422);
    expect(errorSummaryOf(over.text).map((e) => e.text)).toEqual([expect.stringMatching(/of 100% or less$/)]);
    expect(over.text).toContain('value="1,200"');
    const saved = await officer
      .post(`/programmes/${programmeId}/measures`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), victimsSupported: '1200', copeAndRecover: '' });
    expect(
      saved.status,
      errorSummaryOf(saved.text)
        .map((e) => e.text)
        .join('; '),
    ).toBe(303);
    const measures = (await t.http.get(`/api/programmes/${programmeId}`).set(t.as(OFFICER))).body.measures;
    expect(measures).toEqual([
      expect.objectContaining({ id: 'victimsSupported', target: 1200 }),
      expect.objectContaining({ id: 'copeAndRecover', target: null }),
    ]);
    expect((await officer.get(`/programmes/${programmeId}`)).text).toContain('Target 1,200 a year');
  });

  it.each([APPROVER, 'finance@demo.test', 'provider@demo.test'] as const)(
    '%s may not change them',
    async (email) => {
      const { programmeId } = await t.programme({ open: false });
      const person = await signIn(email);
      expect((await person.get(`/programmes/${programmeId}/criteria`)).status).toBe(403);
      expect((await person.get(`/programmes/${programmeId}/measures`)).status).toBe(403);
      const api = await t.http
        .put(`/api/programmes/${programmeId}/measures`)
        .set(t.as(email))
        .send({ targets: {} });
      expect(api.status).toBe(email === 'provider@demo.test' ? 404 : 403);
    },
  );
});

describe('allocating to every partnership on one page', () => {
  it('opens a case for each row filled in, offers the conditions, and holds one above the threshold for signing', async () => {
    const { programmeId } = await t.programme({
      cycle: 'crime-disorder-grant',
      delegationThresholdPence: 1_000_000,
      budgetPence: 100_000_000,
    });
    const owners = await t.sql<{ id: string; name: string }[]>`select id, name from organisations
      where kind = 'communitySafetyPartnership' order by name, id`;
    const officer = await signIn(OFFICER);
    const programme = await officer.get(`/programmes/${programmeId}`);
    expect(programme.text).toContain(`/programmes/${programmeId}/together`);
    const page = await officer.get(`/programmes/${programmeId}/together`);
    expect(page.status).toBe(200);
    for (const o of owners) expect(page.text).toContain(o.name);
    const row = (i: number, amount: string, purpose: string) => ({
      [`rows.${i}.allocationPence`]: amount,
      [`rows.${i}.purpose`]: purpose,
      [`rows.${i}.conditions`]: `Quarterly returns (${purpose})`,
      [`rows.${i}.reasons`]: 'So the board sees progress',
    });

    // A row half filled in is refused, naming the partnership and the question; nothing is opened.
    const before = (await t.sql`select count(*)::int as n from cases where programme_id = ${programmeId}`)[0]!
      .n;
    const refused = await officer
      .post(`/programmes/${programmeId}/together`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), financialYear: '2026-27', ...row(0, '', 'Street lighting') });
    expect(refused.status).toBe(422);
    expect(errorSummaryOf(refused.text).map((e) => e.text)).toEqual([
      `${owners[0]!.name}: Amount allocated: enter an amount in pounds and pence, like 4500.00`,
      'Confirm you have no conflict of interest in these cases, or leave out the organisations you have one with',
    ]);
    expect(refused.text).toContain('Street lighting');
    expect(
      (await t.sql`select count(*)::int as n from cases where programme_id = ${programmeId}`)[0]!.n,
    ).toBe(before);

    const saved = await officer
      .post(`/programmes/${programmeId}/together`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        financialYear: '2026-27',
        noConflict: 'yes',
        ...row(0, '5,000', 'Street lighting'),
        ...row(2, '25000', 'Youth outreach'),
      });
    expect(
      saved.status,
      errorSummaryOf(saved.text)
        .map((e) => e.text)
        .join('; '),
    ).toBe(303);
    const shown = await officer.get(String(saved.headers.location));
    expect(shown.text).toContain('2 cases were opened. 1 waits for an approver’s signature');
    // Each case on the programme's page names its partnership: their titles are alike.
    for (const i of [0, 2])
      expect(shown.text).toContain(`<td class="govuk-table__cell">${owners[i]!.name}</td>`);
    const cases = await t.sql<{ organisation_id: string; state: string; id: string }[]>`
      select id, organisation_id, state from cases where programme_id = ${programmeId}
        and machine_id = 'crime-disorder-grant'`;
    const of = (i: number) => cases.find((c) => c.organisation_id === owners[i]!.id);
    // Below the threshold: allocated, and its conditions offered to the partnership.
    expect(of(0)?.state).toBe('conditionsOffered');
    // Above it: held for the approver, its conditions waiting as the officer's saved form.
    expect(of(2)?.state).toBe('proposed');
    const view = (await t.http.get(`/api/cases/${of(2)!.id}`).set(t.as(OFFICER))).body;
    expect(view.decision).toMatchObject({ status: 'awaitingSignature' });
    const [draft] = await t.sql`select event_type, fields from form_drafts where case_id = ${of(2)!.id}`;
    expect(draft).toMatchObject({
      event_type: 'OFFER_CONDITIONS',
      fields: { conditions: 'Quarterly returns (Youth outreach)', reasons: 'So the board sees progress' },
    });
    expect(of(1)).toBeUndefined();
    // While it waits, the officer sees the conditions they typed, saved for after the signature.
    const held = await officer.get(`/cases/${of(2)!.id}`);
    expect(held.text).toContain('Saved for later');
    expect(held.text).toContain('Quarterly returns (Youth outreach)');
    // The page now says what each partnership already has, so none is given a second by mistake.
    const again = await officer.get(`/programmes/${programmeId}/together`);
    expect(again.text).toMatch(
      new RegExp(`${owners[0]!.name} \\(already has CDR-\\d+, £5,000\\.00, conditions offered`, 'i'),
    );
    // A programme of a staff-run cycle has no round to open: the programmes list says why.
    const staffRun = await t.programme({ cycle: 'crime-disorder-grant', open: false });
    const listed = await pageHolding(officer, '/programmes', `/programmes/${staffRun.programmeId}"`);
    const programmeRow = new RegExp(
      `<tr class="govuk-table__row">(?:(?!</tr>)[\\s\\S])*?/programmes/${staffRun.programmeId}"[\\s\\S]*?</tr>`,
    );
    expect(programmeRow.exec(listed ?? '')?.[0]).toContain('None: its cases are opened by officers');
    // The case names its programme, and staff follow it there.
    const casePage = await officer.get(`/cases/${of(0)!.id}`);
    expect(casePage.text).toContain(`<a class="govuk-link" href="/programmes/${programmeId}">`);
  });

  it('is not offered for a cycle that is not allocated together, nor to anyone but officers', async () => {
    const officer = await signIn(OFFICER);
    expect((await officer.get(`/programmes/${t.youthFund.programmeId}/together`)).status).toBe(403);
    const { programmeId } = await t.programme({ cycle: 'crime-disorder-grant' });
    const finance = await signIn('finance@demo.test');
    expect((await finance.get(`/programmes/${programmeId}/together`)).status).toBe(403);
  });
});

describe('adding an organisation in pages', () => {
  it('an officer adds a partner; a number typed wrong is named; the API lists it', async () => {
    const officer = await signIn(OFFICER);
    expect((await officer.get('/programmes')).text).toContain('href="/organisations/new"');
    const page = await officer.get('/organisations/new');
    expect(page.status).toBe(200);
    const name = `Fenland District Council ${Date.now()}`;
    const refused = await officer
      .post('/organisations/new')
      .type('form')
      .send({ _csrf: csrfOf(page.text), name, kind: 'partner', charityNumber: '12345' });
    expect(refused.status).toBe(422);
    expect(errorSummaryOf(refused.text).map((e) => e.text)).toEqual([
      'A charity number is 6 to 8 digits, or SC and 6 digits',
    ]);
    const saved = await officer
      .post('/organisations/new')
      .type('form')
      .send({ _csrf: csrfOf(page.text), name, kind: 'partner', charityNumber: '' });
    expect(saved.status).toBe(303);
    expect((await officer.get(String(saved.headers.location))).text).toContain(`${name} was added.`);
    const listed = (await t.http.get('/api/organisations').set(t.as(OFFICER))).body.items as {
      name: string;
    }[];
    expect(listed.find((o) => o.name === name)).toMatchObject({ kind: 'partner', charityNumber: null });
  });

  it.each(['finance@demo.test', APPROVER, 'provider@demo.test'] as const)(
    '%s may not add one',
    async (email) => {
      expect((await (await signIn(email)).get('/organisations/new')).status).toBe(403);
    },
  );
});

describe("changing a programme's name, summary and dates", () => {
  it('an officer changes them from the form as it stands; bad dates are named and nothing changes', async () => {
    const { programmeId } = await t.programme({ open: false, closesAt: '2027-01-31T23:59:59+00:00' });
    const officer = await signIn(OFFICER);
    expect((await officer.get(`/programmes/${programmeId}`)).text).toContain(
      `/programmes/${programmeId}/edit`,
    );
    const page = await officer.get(`/programmes/${programmeId}/edit`);
    expect(page.status).toBe(200);
    // The form starts from the programme as it stands: its closing day in the date's parts.
    expect(page.text).toMatch(/name="closesAt-day"[^>]*value="31"/);
    const api = async () => (await t.http.get(`/api/programmes/${programmeId}`).set(t.as(OFFICER))).body;
    const before = await api();
    const refused = await officer
      .post(`/programmes/${programmeId}/edit`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        name: 'Renamed',
        'serviceStartsOn-day': '1',
        'serviceStartsOn-month': '4',
        'serviceStartsOn-year': '2028',
        'serviceEndsOn-day': '1',
        'serviceEndsOn-month': '4',
        'serviceEndsOn-year': '2027',
      });
    expect(refused.status).toBe(422);
    expect(errorSummaryOf(refused.text).map((e) => e.text)).toEqual([
      'Services start no later than: the latest day services may start must be on or after the earliest',
    ]);
    expect(await api()).toEqual(before);
    const saved = await officer
      .post(`/programmes/${programmeId}/edit`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        name: 'Renamed programme',
        summary: 'Now with a summary',
        'closesAt-day': '28',
        'closesAt-month': '2',
        'closesAt-year': '2027',
        maxServiceMonths: '24',
      });
    expect(
      saved.status,
      errorSummaryOf(saved.text)
        .map((e) => e.text)
        .join('; '),
    ).toBe(303);
    expect(await api()).toMatchObject({
      name: 'Renamed programme',
      // The end of 28 February 2027 in London.
      closesAt: '2027-03-01T00:00:00.000Z',
      maxServiceMonths: 24,
    });
  });

  it('once its round is open, its closing time stays: the round holds it', async () => {
    const { programmeId } = await t.programme();
    const res = await t.http
      .put(`/api/programmes/${programmeId}/details`)
      .set(t.as(OFFICER))
      .send({ name: 'Moved', closesAt: '2030-01-01T12:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        field: 'closesAt',
        message: expect.stringMatching(/change when bids close on the round/),
      }),
    ]);
    const renamed = await t.http
      .put(`/api/programmes/${programmeId}/details`)
      .set(t.as(OFFICER))
      .send({ name: 'Renamed with its round open' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.name).toBe('Renamed with its round open');
  });
});
