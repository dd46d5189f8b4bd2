// What commissioning rests on, over HTTP: the Police and Crime Plan, funds (with streams and
// partners' shares) and their position and ledger, programmes, and organisations. Who may read and
// set up each, and every invalid body refused with 422 naming the field and writing nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { youthFund } from '../../machines/youth-fund.ts';
import { policeAndCrimePlan } from '../../src/domain/plan.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { expectProblem } from '../helpers/refusals.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const [OFFICER, FINANCE, ADMIN, PANEL, APPROVER, PROVIDER] = [
  'officer@demo.test',
  'finance@demo.test',
  'admin@demo.test',
  'panel@demo.test',
  'approver@demo.test',
  'provider@demo.test',
] as const satisfies DemoEmail[];
const STAFF: DemoEmail[] = [OFFICER, FINANCE, ADMIN, PANEL, APPROVER];
const get = (path: string, email: DemoEmail) => t.http.get(path).set(t.as(email));
const post = (path: string, email: DemoEmail, body: object) => t.http.post(path).set(t.as(email)).send(body);
/** Rows of that name: other files add funds, programmes and organisations meanwhile. */
const named = async (table: 'funds' | 'programmes' | 'organisations', body: object) => {
  const name = (body as { name?: unknown }).name;
  return (await t.sql`select count(*)::int as n from ${t.sql(table)} where name = ${String(name)}`)[0]!
    .n as number;
};
const uniqueName = (what: string) => `${what} ${randomUUID()}`;

describe('GET /api/plan', () => {
  it.each([PROVIDER, OFFICER])('gives %s the four themes in order, each with its outcomes', async (email) => {
    const res = await get('/api/plan', email);
    expect(res.status).toBe(200);
    const themes = res.body.themes as {
      id: string;
      name: string;
      outcomes: { id: string; title: string }[];
    }[];
    expect(themes.map((theme) => theme.name)).toEqual([
      'Victims',
      'Offenders',
      'Communities',
      'Transformation',
    ]);
    expect(themes.map((theme) => [theme.id, theme.outcomes.map((o) => [o.id, o.title])])).toEqual(
      policeAndCrimePlan.map((theme) => [theme.id, theme.outcomes]),
    );
    for (const theme of themes) expect(theme.outcomes.length, theme.name).toBeGreaterThan(0);
  });

  it('needs a token', async () => {
    expectProblem(await t.http.get('/api/plan'), 401);
  });
});

describe('funds', () => {
  const fund = (over: object = {}) => ({
    name: uniqueName('Fund'),
    source: 'OPCC core budget',
    financialYear: '2026-27',
    budgetPence: 1_000_000,
    ...over,
  });

  it.each([FINANCE, ADMIN])(
    '%s sets up a fund with streams and partners; it starts with nothing committed',
    async (email) => {
      const [nhs, county] = (await get('/api/organisations', email)).body.items.filter(
        (o: { kind: string }) => o.kind === 'partner',
      );
      const body = fund({
        streams: [{ name: 'Fenced', budgetPence: 400_000 }],
        contributors: [
          { organisationId: nhs.id, sharePence: 700_000 },
          { organisationId: county.id, sharePence: 300_000 },
        ],
      });
      const res = await post('/api/funds', email, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const fundId = res.body.fundId as string;
      expect(res.headers.location).toBe(`/api/funds/${fundId}`);
      // Sums of pence: strings of whole pence in JSON, exact at any size.
      const nothing = (budget: number) => ({
        budgetPence: String(budget),
        committedPence: '0',
        grossCommittedPence: '0',
        releasedPence: '0',
        remainingPence: String(budget),
      });
      expect(res.body).toEqual({
        fundId,
        name: body.name,
        financialYear: '2026-27',
        indicative: false,
        ...nothing(1_000_000),
        streams: [{ streamId: expect.any(String), name: 'Fenced', services: [], ...nothing(400_000) }],
        unfenced: nothing(600_000),
        contributors: expect.arrayContaining([
          { organisationId: nhs.id, name: nhs.name, ...nothing(700_000) },
          { organisationId: county.id, name: county.name, ...nothing(300_000) },
        ]),
      });
      expect((await get(`/api/funds/${fundId}/position`, OFFICER)).body).toEqual(res.body);
      expect((await get(`/api/funds/${fundId}/ledger`, OFFICER)).body).toEqual({ items: [] });
      const listed = (await get('/api/funds', OFFICER)).body.items as { fundId: string }[];
      expect(listed.find((f) => f.fundId === fundId)).toEqual(res.body);
    },
  );

  it.each([OFFICER, PANEL, APPROVER, PROVIDER])(
    '%s may not set up a fund (403), and none is made',
    async (email) => {
      const body = fund();
      expectProblem(await post('/api/funds', email, body), 403);
      expect(await named('funds', body)).toBe(0);
    },
  );

  it('shows funds, positions and ledgers to staff; to providers they do not exist', async () => {
    const { fundId } = t.youthFund;
    for (const email of STAFF) {
      expect((await get('/api/funds', email)).status, email).toBe(200);
      expect((await get(`/api/funds/${fundId}/position`, email)).body, email).toMatchObject({ fundId });
      expect((await get(`/api/funds/${fundId}/ledger`, email)).status, email).toBe(200);
    }
    for (const email of [PROVIDER, 'provider2@demo.test', 'csp@demo.test'] as const) {
      expectProblem(await get('/api/funds', email), 403);
      expectProblem(await get(`/api/funds/${fundId}/position`, email), 404);
      expectProblem(await get(`/api/funds/${fundId}/ledger`, email), 404);
    }
    for (const id of [randomUUID(), 'not-a-uuid', `${fundId}x`]) {
      expectProblem(await get(`/api/funds/${id}/position`, FINANCE), 404);
      expectProblem(await get(`/api/funds/${id}/ledger`, FINANCE), 404);
    }
  });

  it.each<[string, (org: string) => object, string]>([
    ['years that do not follow on', () => fund({ financialYear: '2026-28' }), 'financialYear'],
    ['a year written another way', () => fund({ financialYear: '26/27' }), 'financialYear'],
    ['a negative budget', () => fund({ budgetPence: -1 }), 'budgetPence'],
    ['a budget in fractions of a penny', () => fund({ budgetPence: 10.5 }), 'budgetPence'],
    ['a budget as a string', () => fund({ budgetPence: '100' }), 'budgetPence'],
    ['no name', () => fund({ name: ' ' }), 'name'],
    ['an extra field', () => fund({ colour: 'red' }), 'colour'],
    [
      'streams bigger than the fund',
      () => fund({ streams: [{ name: 'A', budgetPence: 1_000_001 }] }),
      'streams',
    ],
    [
      "shares that don't make the budget",
      (org) => fund({ contributors: [{ organisationId: org, sharePence: 999_999 }] }),
      'contributors',
    ],
    [
      'an unknown contributor',
      () => fund({ contributors: [{ organisationId: randomUUID(), sharePence: 1_000_000 }] }),
      'contributors',
    ],
    [
      'the same contributor twice',
      (org) =>
        fund({
          contributors: [
            { organisationId: org, sharePence: 500_000 },
            { organisationId: org, sharePence: 500_000 },
          ],
        }),
      'contributors',
    ],
    [
      'a share of nothing',
      (org) => fund({ budgetPence: 0, contributors: [{ organisationId: org, sharePence: 0 }] }),
      'contributors.0.sharePence',
    ],
  ])('refuses %s with 422 naming the field', async (_name, body, field) => {
    const [partner] = (await get('/api/organisations', FINANCE)).body.items.filter(
      (o: { kind: string }) => o.kind === 'partner',
    );
    const refused = body(partner.id);
    expectProblem(await post('/api/funds', FINANCE, refused), 422, field);
    expect(await named('funds', refused)).toBe(0);
  });

  it('refuses a second fund of the same name for the same year with 422 naming it', async () => {
    const body = fund({});
    expect((await post('/api/funds', FINANCE, body)).status).toBe(201);
    expectProblem(await post('/api/funds', FINANCE, body), 422, 'name');
    expect(await named('funds', body)).toBe(1);
  });
});

describe('programmes', () => {
  /** A ring-fenced stream of a fund other than the Youth Fund programme's. */
  let otherStream: string;
  beforeAll(async () => {
    const withStream = await t.programme({
      open: false,
      streams: [{ name: 'S', budgetPence: 1 }],
      stream: 0,
    });
    otherStream = (await get(`/api/funds/${withStream.fundId}/position`, OFFICER)).body.streams[0].streamId;
  });
  /** A programme as an officer sets it up: without the rulebook's limits, which only approvers set. */
  const programme = (over: object = {}) => ({
    name: uniqueName('Programme'),
    cycle: 'youth-fund',
    fundId: t.youthFund.fundId,
    themeId: 'offenders',
    outcomeIds: ['O2', 'O1'],
    closesAt: '2027-01-31T17:00:00+00:00',
    criteria: [
      { id: 'need', label: 'Need', weight: 70 },
      { id: 'value', label: 'Value', weight: 30 },
    ],
    ...over,
  });

  it('providers may list and read programmes, with the round that takes bids', async () => {
    const { programmeId, fundId, roundId } = t.youthFund;
    for (const email of [PROVIDER, 'csp@demo.test', OFFICER] as const) {
      const listed = (await get('/api/programmes', email)).body.items as { id: string }[];
      const item = listed.find((p) => p.id === programmeId);
      expect(item, email).toMatchObject({
        cycle: 'youth-fund',
        fundId,
        maxAwardPence: 500_000,
        round: { id: roundId, state: 'open' },
      });
      expect((await get(`/api/programmes/${programmeId}`, email)).body).toEqual(item);
      // Staff see the threshold above which an approver signs and the panel's quorum; providers
      // read the programme as a funding call, without either.
      if (email === OFFICER)
        expect(item).toMatchObject({ delegationThresholdPence: 500_000, panelQuorum: 2 });
      else {
        expect(item, email).not.toHaveProperty('delegationThresholdPence');
        expect(item, email).not.toHaveProperty('panelQuorum');
      }
    }
    for (const id of [randomUUID(), 'not-a-uuid'])
      expectProblem(await get(`/api/programmes/${id}`, PROVIDER), 404);
  });

  const LIMITS = { delegationThresholdPence: 500_000, maxAwardPence: 250_000, panelQuorum: 3 };
  // An officer's programme starts with safe limits: an approver signs every award, no cap, quorum 2.
  const STARTING = { delegationThresholdPence: 0, maxAwardPence: null, panelQuorum: 2 };

  it.each([
    [OFFICER, {}, STARTING],
    [ADMIN, LIMITS, LIMITS],
  ] as const)('%s sets one up; it has no round until one is opened', async (email, limits, expected) => {
    const body = programme(limits);
    const res = await post('/api/programmes', email, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.location).toBe(`/api/programmes/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(String),
      ...body,
      ...expected,
      streamId: null,
      outcomeIds: ['O1', 'O2'],
      opensAt: null,
      closesAt: '2027-01-31T17:00:00.000Z',
      decisionOn: null,
      serviceStartsOn: null,
      serviceEndsOn: null,
      maxServiceMonths: null,
      returnEveryMonths: 3,
      returnDueDays: 30,
      // The Youth Fund's own measures, seeded from its cycle.
      measures: youthFund.measures!.map((m) => ({ weightedBy: null, ...m })),
      round: null,
    });
    expect((await get(`/api/programmes/${res.body.id}`, email)).body).toEqual(res.body);
    const { delegationThresholdPence: _threshold, panelQuorum: _quorum, ...call } = res.body;
    expect((await get(`/api/programmes/${res.body.id}`, PROVIDER)).body).toEqual(call);
  });

  it("starts with its cycle's measures, and no cycle has another's", async () => {
    const measuresOf = async (cycle: string) => {
      const res = await post('/api/programmes', OFFICER, programme({ cycle, maxAwardPence: undefined }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.measures as { id: string; unit: string; weightedBy: string | null }[];
    };
    const victims = await measuresOf('victims-services');
    expect(victims.map((m) => m.id)).toEqual(['victimsSupported', 'copeAndRecover']);
    // Cope and recover is weighted by the victims supported when returns are added up.
    expect(victims[1]).toMatchObject({ unit: 'percent', weightedBy: 'victimsSupported' });
    for (const cycle of ['crime-disorder-grant', 'youth-fund']) {
      const own = (await measuresOf(cycle)).map((m) => m.id);
      expect(own.length, cycle).toBeGreaterThan(0);
      expect(
        own.filter((id) => ['victimsSupported', 'copeAndRecover'].includes(id)),
        cycle,
      ).toEqual([]);
    }
  });

  it('takes a panel quorum of its own from an admin', async () => {
    const body = programme({ panelQuorum: 3 });
    const res = await post('/api/programmes', ADMIN, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.panelQuorum).toBe(3);
    expect((await get(`/api/programmes/${res.body.id}`, APPROVER)).body.panelQuorum).toBe(3);
  });

  it.each([
    ['the delegation threshold', { delegationThresholdPence: 1_000_000 }],
    ['a cap', { maxAwardPence: 250_000 }],
    ['a quorum', { panelQuorum: 1 }],
  ])('an officer may not set %s (403), and nothing is set up', async (_what, limit) => {
    const body = programme(limit);
    const res = await post('/api/programmes', OFFICER, body);
    expectProblem(res, 403);
    expect(res.body.detail).toMatch(/Only an approver or an admin/);
    expect(await named('programmes', body)).toBe(0);
  });

  it.each([FINANCE, PANEL, APPROVER, PROVIDER])('%s may not set one up (403)', async (email) => {
    const body = programme();
    expectProblem(await post('/api/programmes', email, body), 403);
    expect(await named('programmes', body)).toBe(0);
  });

  it.each<[string, (otherStream: string) => object, string]>([
    [
      'weights not adding up to 100',
      () => programme({ criteria: [{ id: 'need', label: 'Need', weight: 60 }] }),
      'criteria',
    ],
    [
      'a criterion twice',
      () => programme({ criteria: [50, 50].map((weight) => ({ id: 'need', label: 'Need', weight })) }),
      'criteria',
    ],
    ['an outcome of another theme', () => programme({ outcomeIds: ['O2', 'V1'] }), 'outcomeIds'],
    ['an unknown outcome', () => programme({ outcomeIds: ['X9'] }), 'outcomeIds'],
    ['no outcome', () => programme({ outcomeIds: [] }), 'outcomeIds'],
    ['an unknown theme', () => programme({ themeId: 'parking' }), 'themeId'],
    ['an unknown fund', () => programme({ fundId: randomUUID() }), 'fundId'],
    ['a fundId not a uuid', () => programme({ fundId: 'community-fund' }), 'fundId'],
    ['a stream of another fund', (stream) => programme({ streamId: stream }), 'streamId'],
    ['an unknown cycle', () => programme({ cycle: 'lottery' }), 'cycle'],
    ['the round machine as a cycle', () => programme({ cycle: 'commissioning-round' }), 'cycle'],
    ['bids closing before they open', () => programme({ opensAt: '2027-02-01T09:00:00Z' }), 'closesAt'],
    ['a closing time without an offset', () => programme({ closesAt: '2027-01-31T17:00:00' }), 'closesAt'],
    ['a cap of nothing', () => programme({ maxAwardPence: 0 }), 'maxAwardPence'],
    ['a quorum of nobody', () => programme({ panelQuorum: 0 }), 'panelQuorum'],
    ['a quorum over 20', () => programme({ panelQuorum: 21 }), 'panelQuorum'],
    ['a quorum in fractions', () => programme({ panelQuorum: 2.5 }), 'panelQuorum'],
    ['returns every 4 months', () => programme({ returnEveryMonths: 4 }), 'returnEveryMonths'],
    ['returns due 121 days after', () => programme({ returnDueDays: 121 }), 'returnDueDays'],
    ['an extra field', () => programme({ colour: 'red' }), 'colour'],
  ])('refuses %s with 422 naming the field', async (_name, body, field) => {
    const refused = body(otherStream);
    expectProblem(await post('/api/programmes', ADMIN, refused), 422, field);
    expect(await named('programmes', refused)).toBe(0);
  });
});

describe("a programme's limits", () => {
  const limitsPath = (id: string) => `/api/programmes/${id}/limits`;
  const put = (id: string, email: DemoEmail, body: object) =>
    t.http.put(limitsPath(id)).set(t.as(email)).send(body);
  let programmeId: string;
  beforeAll(async () => {
    const res = await post('/api/programmes', OFFICER, {
      name: uniqueName('Programme'),
      cycle: 'youth-fund',
      fundId: t.youthFund.fundId,
      themeId: 'offenders',
      outcomeIds: ['O2'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    programmeId = res.body.id;
  });
  const change = { delegationThresholdPence: 250_000, maxAwardPence: 500_000, panelQuorum: 3 };

  it('an approver changes them with a reason; the log keeps every setting, with who and why', async () => {
    const res = await put(programmeId, APPROVER, { ...change, reason: 'Board decision of 3 March' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject(change);
    expect((await get(`/api/programmes/${programmeId}`, OFFICER)).body).toMatchObject(change);
    const again = await put(programmeId, ADMIN, {
      ...change,
      maxAwardPence: null,
      reason: 'No cap after all',
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const log = (await get(limitsPath(programmeId), OFFICER)).body;
    expect(log).toMatchObject({ ...change, maxAwardPence: null });
    expect(log.changes).toEqual([
      expect.objectContaining({
        delegationThresholdPence: 0,
        maxAwardPence: null,
        panelQuorum: 2,
        reason: 'Set when the programme was set up',
        changedByName: expect.stringMatching(/\w/),
      }),
      expect.objectContaining({ ...change, reason: 'Board decision of 3 March' }),
      expect.objectContaining({ ...change, maxAwardPence: null, reason: 'No cap after all' }),
    ]);
    const who = await t.sql`select u.email from programme_limit_changes c join users u on u.id = c.changed_by
      where c.programme_id = ${programmeId} order by c.changed_at, c.id`;
    expect(who.map((r) => r.email)).toEqual([OFFICER, APPROVER, ADMIN]);
  });

  it.each([OFFICER, FINANCE, PANEL])('%s may not change them (403), and nothing changes', async (email) => {
    const before = (await get(limitsPath(programmeId), APPROVER)).body;
    expectProblem(await put(programmeId, email, { ...change, panelQuorum: 7, reason: 'Mine' }), 403);
    expect((await get(limitsPath(programmeId), APPROVER)).body).toEqual(before);
  });

  it('a provider learns nothing of them (404)', async () => {
    expectProblem(await get(limitsPath(programmeId), PROVIDER), 404);
    expectProblem(await put(programmeId, PROVIDER, { ...change, reason: 'Mine' }), 404);
  });

  it.each<[string, object, string]>([
    ['no reason', { ...change }, 'reason'],
    ['a blank reason', { ...change, reason: '  ' }, 'reason'],
    [
      'a negative threshold',
      { ...change, delegationThresholdPence: -1, reason: 'x' },
      'delegationThresholdPence',
    ],
    ['a cap of nothing', { ...change, maxAwardPence: 0, reason: 'x' }, 'maxAwardPence'],
    ['a quorum of nobody', { ...change, panelQuorum: 0, reason: 'x' }, 'panelQuorum'],
    ['an extra field', { ...change, colour: 'red', reason: 'x' }, 'colour'],
  ])('refuses %s with 422 naming the field', async (_name, body, field) => {
    const before = (await get(limitsPath(programmeId), APPROVER)).body;
    expectProblem(await put(programmeId, APPROVER, body), 422, field);
    expect((await get(limitsPath(programmeId), APPROVER)).body).toEqual(before);
  });

  it('says when nothing would change (409), and logs nothing', async () => {
    const before = (await get(limitsPath(programmeId), APPROVER)).body;
    const { changes: _changes, ...current } = before;
    expectProblem(await put(programmeId, APPROVER, { ...current, reason: 'Again' }), 409);
    expect((await get(limitsPath(programmeId), APPROVER)).body).toEqual(before);
  });

  it('404s for a programme that does not exist', async () => {
    for (const id of [randomUUID(), 'not-a-uuid'])
      expectProblem(await put(id, APPROVER, { ...change, reason: 'x' }), 404);
  });
});

describe('organisations', () => {
  it('staff see every organisation; a provider sees only its own', async () => {
    const all = (await get('/api/organisations', OFFICER)).body.items as { name: string; kind: string }[];
    for (const name of ['Riverside Youth Trust', 'Fenland Community Sports Club', 'NHS England'])
      expect(all.map((o) => o.name)).toContain(name);
    expect(new Set(all.map((o) => o.kind))).toEqual(
      new Set(['commissioner', 'provider', 'partner', 'communitySafetyPartnership']),
    );
    const own = async (email: DemoEmail) =>
      (await get('/api/organisations', email)).body.items.map((o: { name: string }) => o.name);
    expect(await own(PROVIDER)).toEqual(['Riverside Youth Trust']);
    expect(await own('provider2@demo.test')).toEqual(['Fenland Community Sports Club']);
    expect(await own('csp@demo.test')).toEqual(['Fenland Community Safety Partnership']);
  });

  it.each<[string, object]>([
    ['an English charity and company', { charityNumber: '1190003', companyNumber: '11900030' }],
    ['a Scottish charity and company', { charityNumber: 'SC043210', companyNumber: 'SC123456' }],
    ['a six-digit charity and an LLP', { charityNumber: '123456', companyNumber: 'OC301234' }],
    ['neither number', {}],
  ])('an officer adds one with %s', async (_name, numbers) => {
    const body = { name: uniqueName('Trust'), kind: 'provider', ...numbers };
    const res = await post('/api/organisations', OFFICER, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.location).toBe(`/api/organisations/${res.body.id}`);
    expect(res.body).toEqual({ id: expect.any(String), charityNumber: null, companyNumber: null, ...body });
    const listed = (await get('/api/organisations', ADMIN)).body.items as { id: string }[];
    expect(listed.find((o) => o.id === res.body.id)).toEqual(res.body);
  });

  it.each<[string, object, string]>([
    ['a five-digit charity number', { charityNumber: '12345' }, 'charityNumber'],
    ['a nine-digit charity number', { charityNumber: '123456789' }, 'charityNumber'],
    ['a short Scottish charity number', { charityNumber: 'SC12345' }, 'charityNumber'],
    ['a lower-case Scottish charity number', { charityNumber: 'sc123456' }, 'charityNumber'],
    ['a charity number with spaces', { charityNumber: '1190 003' }, 'charityNumber'],
    ['a seven-digit company number', { companyNumber: '1234567' }, 'companyNumber'],
    ['a nine-digit company number', { companyNumber: '123456789' }, 'companyNumber'],
    ['a company number with letters inside', { companyNumber: '12AB3456' }, 'companyNumber'],
    ['a lower-case company prefix', { companyNumber: 'sc123456' }, 'companyNumber'],
    ['the commissioner kind', { kind: 'commissioner' }, 'kind'],
    ['a blank name', { name: '  ' }, 'name'],
    ['an extra field', { colour: 'red' }, 'colour'],
  ])('refuses %s with 422 naming the field', async (_name, over, field) => {
    const body = { name: uniqueName('Trust'), kind: 'provider', ...over };
    expectProblem(await post('/api/organisations', OFFICER, body), 422, field);
    expect(await named('organisations', body)).toBe(0);
  });

  it.each([FINANCE, PANEL, APPROVER, PROVIDER])('%s may not add one (403)', async (email) => {
    const body = { name: uniqueName('Trust'), kind: 'provider' };
    expectProblem(await post('/api/organisations', email, body), 403);
    expect(await named('organisations', body)).toBe(0);
  });
});
