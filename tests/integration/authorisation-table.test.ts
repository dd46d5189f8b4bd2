// Who may do what, as one table built from the registry: every demo role against every event of
// every machine, and the rulebook's (signing a held decision or sending it back), through the API
// and through the pages. The permission decision is all that is checked: 404 when the role cannot
// see the case (a provider of another organisation, a panel member not sitting on the case's
// programme: a payment or a monitoring return has none), 403 when it may see it but does not send that
// event (or the event's separation-of-duties rule refuses this person, e.g. approving a payment they
// varied), and otherwise neither (409 not now, 422 not like that, or done). The same again on a case
// whose decision awaits signature. Also every role's view of each case and of each page, and a
// provider guessing another organisation's case and award ids.
import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../machines/calendar.ts';
import type { MachineDefinition } from '../../machines/define.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { eventSpec, rulebookEvents } from '../../src/engine/rulebook.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { type CaseBody, cycleHelpers } from '../helpers/cycles.ts';
import { victimsFigures } from '../helpers/figures.ts';
import { paymentHelpers } from '../helpers/payments.ts';
import { csrfOf, signedIn } from '../helpers/web.ts';

type Agent = ReturnType<typeof request.agent>;
type Role = 'officer' | 'provider' | 'provider2' | 'csp' | 'panel' | 'finance' | 'approver' | 'admin';

/** The demo people the table runs over; `csp` is the partnership that owns crime and disorder grants. */
const PEOPLE: Record<Role, DemoEmail> = {
  officer: 'officer@demo.test',
  provider: 'provider@demo.test',
  provider2: 'provider2@demo.test',
  csp: 'csp@demo.test',
  panel: 'panel@demo.test',
  finance: 'finance@demo.test',
  approver: 'approver@demo.test',
  admin: 'admin@demo.test',
};
const ROLES = Object.keys(PEOPLE) as Role[];

let t: TestApp;
let h: ReturnType<typeof cycleHelpers>;
const person = {} as Record<
  Role,
  { userId: string; role: string; organisationId: string; agent: Agent; csrf: string }
>;
const org = { opcc: '', riverside: '', fenlandCsp: '' };

beforeAll(async () => {
  t = await startTestApp();
  h = cycleHelpers(t);
  org.opcc = await h.organisation((o) => o.kind === 'commissioner');
  org.riverside = await h.organisation((o) => o.name === 'Riverside Youth Trust');
  org.fenlandCsp = await h.organisation((o) => o.name === 'Fenland Community Safety Partnership');
  for (const key of ROLES) {
    const [row] = await t.sql`select id, role, organisation_id from users where email = ${PEOPLE[key]}`;
    const agent = await signedIn(t.baseUrl, PEOPLE[key], DEMO_PASSWORD);
    const home = await agent.get('/');
    expect(home.status, `${key} home`).toBe(200);
    person[key] = {
      userId: row!.id,
      role: row!.role,
      organisationId: row!.organisation_id,
      agent,
      csrf: csrfOf(home.text),
    };
  }
});
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// The expected decision, from the registry alone.

type Decision = 'not found' | 'forbidden' | 'allowed';

/** Who sits on each programme's panel, as the officer reads it (GET /api/programmes/:id/panel). */
const panels = new Map<string, string[]>();
async function panelOf(programmeId: string): Promise<string[]> {
  if (!panels.has(programmeId)) {
    const res = await t.http.get(`/api/programmes/${programmeId}/panel`).set(t.as(PEOPLE.officer));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    panels.set(
      programmeId,
      (res.body.members as { userId: string }[]).map((m) => m.userId),
    );
  }
  return panels.get(programmeId)!;
}

/**
 * A provider sees its own organisation's cases; a panel member the cases of the programmes they sit
 * on (this file's programmes seat panel@demo.test, who belongs to the Commissioner's office and
 * declares no conflicts here); other staff every case.
 */
async function mayView(who: Role, kase: CaseBody): Promise<boolean> {
  const p = person[who];
  if (p.role === 'provider') return p.organisationId === kase.organisationId;
  if (p.role === 'panel') {
    const programmeId = kase.programmeId as string | null;
    return programmeId !== null && (await panelOf(programmeId)).includes(p.userId);
  }
  return true;
}

async function expected(
  who: Role,
  definition: MachineDefinition,
  type: string,
  kase: CaseBody,
): Promise<Decision> {
  const caseOrg = kase.organisationId as string;
  if (!(await mayView(who, kase))) return 'not found';
  const p = person[who];
  const spec = eventSpec(definition, type)!;
  const senders = spec.sentBy as readonly string[];
  const sends =
    p.role === 'provider'
      ? senders.includes('owner') && p.organisationId === caseOrg
      : senders.includes(p.role);
  // A sender may still be refused this case by the event's separation-of-duties rule.
  return sends && !spec.refuses?.(kase.context, p.userId) ? 'allowed' : 'forbidden';
}

const decided = (status: number): Decision =>
  status === 404 ? 'not found' : status === 403 ? 'forbidden' : 'allowed';

// ---------------------------------------------------------------------------------------------
// One case per machine, in a stage where several people have something to do. A probe that is
// accepted changes the case, so the case is then replaced by a fresh one in the same stage.

const victimsCriteria = [
  { id: 'quality', label: 'Quality of service', weight: 50 },
  { id: 'need', label: 'Meeting need', weight: 30 },
  { id: 'value', label: 'Value for money', weight: 20 },
];
const victimsProgrammeOf = () =>
  t.programme({ cycle: 'victims-services', criteria: victimsCriteria, delegationThresholdPence: 5_000_000 });
const dates = { startsOn: '2027-04-01', endsOn: '2028-03-31' };
let returnPeriod = 0;

/** A victims' services bid of Riverside's, taken to a live award (committed money). */
async function liveAward(programmeId: string): Promise<CaseBody> {
  const { id } = await h.open('provider@demo.test', 'victims-services', { programmeId });
  const s = h.on(id);
  const bid = { title: 'IDVA service', summary: 'Two IDVAs', ...dates, service: 'idva' };
  await s('provider@demo.test', { type: 'SUBMIT', ...bid, amountRequestedPence: 3_000_000 }, 'dueDiligence');
  const checks = { safeguardingPolicy: true, insurance: true, accounts: true, governance: true };
  await s('officer@demo.test', { type: 'PASS_DUE_DILIGENCE', checks }, 'panelScoring');
  // No panel member scores these bids: scoring closes with the reason why.
  await s(
    'officer@demo.test',
    { type: 'CLOSE_SCORING', quorumReason: 'Scored at the panel meeting' },
    'moderation',
  );
  const scores = { quality: 4, need: 5, value: 3 };
  await s('officer@demo.test', { type: 'MODERATE', scores, rationale: 'Agreed' }, 'recommendation');
  const award = { type: 'RECOMMEND_AWARD', amountPence: 2_500_000, rationale: 'Strong' };
  await s('officer@demo.test', award, 'offered');
  await s('provider@demo.test', { type: 'ACCEPT_OFFER' }, 'agreement');
  const terms = { ...dates, paymentProfile: 'oneOff', amountPence: 2_500_000 };
  return s('officer@demo.test', { type: 'SIGN_AGREEMENT', ...terms }, 'live');
}

let victimsProgramme = '';
/** A payment of a freshly signed agreement (scheduled by the officer who signed it), as finance sees it. */
const scheduledPayment = async () => paymentHelpers(t).openPaymentOf((await liveAward(victimsProgramme)).id);
let youthProgramme = '';
let returnsAward = '';

type SetUp = { state: string; open: () => Promise<CaseBody> };
const setUps: Record<string, SetUp> = {
  'commissioning-round': {
    state: 'open',
    open: async () => {
      const { roundId } = await t.programme({ cycle: 'youth-fund' });
      return (await h.get(roundId!)).body as CaseBody;
    },
  },
  'youth-fund': {
    state: 'submitted',
    open: async () => {
      const { id } = await h.open('provider@demo.test', 'youth-fund', {
        programmeId: youthProgramme,
        title: 'Football',
      });
      const bid = { type: 'SUBMIT', title: 'Football', summary: 'Weekly', amountRequestedPence: 450_000 };
      return h.step(id, 'provider@demo.test', bid, 'submitted');
    },
  },
  'victims-services': { state: 'live', open: () => liveAward(victimsProgramme) },
  'sarc-recommissioning': {
    state: 'tendering',
    open: async () => {
      const { programmeId } = await t.programme({ cycle: 'sarc-recommissioning' });
      const input = { programmeId, title: 'SARC 2028', contractValuePence: 240_000_000 };
      const { id } = await h.open('officer@demo.test', 'sarc-recommissioning', input, org.opcc);
      const deadlines = { clarificationDeadline: '2027-11-02', tenderDeadline: '2027-11-30' };
      return h.step(id, 'officer@demo.test', { type: 'PUBLISH_TENDER', ...deadlines }, 'tendering');
    },
  },
  'crime-disorder-grant': {
    state: 'conditionsOffered',
    open: async () => {
      const { programmeId } = await t.programme({ cycle: 'crime-disorder-grant' });
      const input = {
        programmeId,
        allocationPence: 2_500_000,
        financialYear: '2026-27',
        purpose: 'Rural theft',
      };
      const { id } = await h.allocate(org.fenlandCsp, input);
      const offer = { type: 'OFFER_CONDITIONS', conditions: 'Quarterly returns', reasons: 'Accountability' };
      return h.step(id, 'officer@demo.test', offer, 'conditionsOffered');
    },
  },
  'monitoring-return': {
    state: 'submitted',
    open: async () => {
      // One return per award and period, inside its agreement (April 2027 to March 2028): each fresh
      // return, opened by hand, is for a later single day.
      const day = addDays('2027-04-02', returnPeriod++);
      const input = { awardCaseId: returnsAward, periodStart: day, periodEnd: day, dueOn: addDays(day, 30) };
      const { id } = await h.open('officer@demo.test', 'monitoring-return', input, org.riverside);
      const figures = {
        performance: 'On target',
        ...victimsFigures(12, 80),
        spendPence: 1,
      };
      // Submitted on its day, the last of its period.
      return t.onDay(day, () =>
        h.step(id, 'provider@demo.test', { type: 'SUBMIT_RETURN', ...figures }, 'submitted'),
      );
    },
  },
  // Nobody opens a payment (POST /api/cases): the domain does, when an agreement is signed.
  'award-payment': { state: 'scheduled', open: scheduledPayment },
};

/**
 * Cases whose decision awaits an approver's signature, held by the rulebook: the hold changes what
 * may happen now (nothing but signing or sending back), never who may send what.
 */
const heldSetUps: Record<string, SetUp> = {
  'crime-disorder-grant': {
    state: 'proposed',
    open: async () => {
      const { programmeId } = await t.programme({ cycle: 'crime-disorder-grant' });
      const input = {
        programmeId,
        allocationPence: 2_500_000,
        financialYear: '2026-27',
        purpose: 'Burglary',
      };
      const { id } = await h.open('officer@demo.test', 'crime-disorder-grant', input, org.fenlandCsp);
      const held = await h.hold(id, 'officer@demo.test', { type: 'ALLOCATE' });
      // The approver has declared no conflict of interest, so signing is refused for nothing else.
      await t.declare(PEOPLE.approver, id);
      return held;
    },
  },
};

/** The case each set-up's probes go to, replaced whenever a probe moved it on. */
const current: Record<string, CaseBody> = {};

async function caseFor(machine: string, from: 'as set up' | 'held' = 'as set up'): Promise<CaseBody> {
  const setUp = (from === 'held' ? heldSetUps : setUps)[machine]!;
  const key = `${from} ${machine}`;
  if (!current[key]) {
    current[key] = await setUp.open();
    expect(current[key]!.state).toBe(setUp.state);
  }
  return current[key]!;
}

beforeAll(async () => {
  youthProgramme = t.youthFund.programmeId;
  victimsProgramme = (await victimsProgrammeOf()).programmeId;
  returnsAward = (await liveAward(victimsProgramme)).id;
});

it('has a set-up for every machine in the registry', () => {
  expect(Object.keys(setUps).sort()).toEqual(machineDefinitions.map((d) => d.id).sort());
});

/** A machine's own events, and the rulebook's (signing a held decision, sending it back) every machine takes. */
const eventsOf = (definition: MachineDefinition) => [
  ...Object.keys(definition.events),
  ...Object.keys(rulebookEvents),
];

type Row = { role: Role; event: string; expected: Decision; got: Decision; status: number };

/** Sends every event of the machine as `who`, through `send`; returns the rows that disagree. */
async function probe(
  who: Role,
  definition: MachineDefinition,
  send: (kase: CaseBody, type: string) => Promise<{ status: number; moved: boolean }>,
  from: 'as set up' | 'held' = 'as set up',
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const type of eventsOf(definition)) {
    const kase = await caseFor(definition.id, from);
    const { status, moved } = await send(kase, type);
    if (moved) {
      accepted += 1;
      delete current[`${from} ${definition.id}`];
    }
    probed += 1;
    rows.push({
      role: who,
      event: type,
      expected: await expected(who, definition, type, kase),
      got: decided(status),
      status,
    });
  }
  return rows;
}

let probed = 0;
/** Probes that were accepted and moved their case on: the table is not only refusals and 409s. */
let accepted = 0;
const wrong = (rows: Row[]) => rows.filter((r) => r.expected !== r.got);

describe.each(machineDefinitions.map((d) => [d.id, d] as const))('%s', (_id, definition) => {
  it.each(ROLES)('every event through the API, as %s', async (who) => {
    const rows = await probe(who, definition, async (kase, type) => {
      const res = await t.http.post(`/api/cases/${kase.id}/events`).set(t.as(PEOPLE[who])).send({ type });
      expect(
        [200, 403, 404, 409, 422],
        `${who} ${type}: ${res.status} ${JSON.stringify(res.body)}`,
      ).toContain(res.status);
      return { status: res.status, moved: res.status === 200 };
    });
    expect(wrong(rows)).toEqual([]);
    expect(rows).toHaveLength(eventsOf(definition).length);
  });

  it.each(ROLES)('every event through the pages, as %s', async (who) => {
    const { agent, csrf } = person[who];
    const rows = await probe(who, definition, async (kase, type) => {
      const { version } = (await h.get(kase.id)).body as CaseBody;
      const res = await agent
        .post(`/cases/${kase.id}/events/${type}`)
        .type('form')
        .send({ _csrf: csrf, version: String(version) });
      expect([303, 403, 404, 409, 422], `${who} ${type}: ${res.status}`).toContain(res.status);
      if (res.status === 404) expect(res.text).toContain('Page not found');
      if (res.status === 403) expect(res.text).toContain('Not allowed');
      return { status: res.status, moved: res.status === 303 };
    });
    expect(wrong(rows)).toEqual([]);
  });

  it('shows the case, on the API and as a page, to everyone who may see it and to no one else', async () => {
    const kase = await caseFor(definition.id);
    const seen: Record<string, [number, number]> = {};
    const wanted: Record<string, [number, number]> = {};
    for (const who of ROLES) {
      const api = await t.http.get(`/api/cases/${kase.id}`).set(t.as(PEOPLE[who]));
      const page = await person[who].agent.get(`/cases/${kase.id}`);
      seen[who] = [api.status, page.status];
      const status = (await mayView(who, kase)) ? 200 : 404;
      wanted[who] = [status, status];
    }
    expect(seen).toEqual(wanted);
  });
});

const definitionOf = (machine: string) => machineDefinitions.find((d) => d.id === machine)!;

describe.each(Object.keys(heldSetUps))('%s, its decision awaiting signature', (machine) => {
  it.each(ROLES)(
    'every event through the API, as %s: nothing but signing happens, and only an approver signs',
    async (who) => {
      const definition = definitionOf(machine);
      const rows = await probe(
        who,
        definition,
        async (kase, type) => {
          const res = await t.http.post(`/api/cases/${kase.id}/events`).set(t.as(PEOPLE[who])).send({ type });
          const shown = `${who} ${type}: ${res.status} ${JSON.stringify(res.body)}`;
          expect([200, 403, 404, 409, 422], shown).toContain(res.status);
          // Whoever may send a machine's event is told the case awaits a signature; an approver signs.
          if (res.status === 409) expect(res.body.title, shown).toBe('Awaiting signature');
          if (res.status === 200) expect([who, type], shown).toEqual(['approver', 'SIGN_DECISION']);
          return { status: res.status, moved: res.status === 200 };
        },
        'held',
      );
      expect(wrong(rows)).toEqual([]);
      expect(rows).toHaveLength(eventsOf(definition).length);
    },
  );
});

it('covered every role against every event of every machine, both ways, and of each held case by API', () => {
  const events = machineDefinitions.reduce((n, d) => n + eventsOf(d).length, 0);
  const held = Object.keys(heldSetUps).reduce((n, machine) => n + eventsOf(definitionOf(machine)).length, 0);
  expect(probed).toBe(events * ROLES.length * 2 + held * ROLES.length);
  expect(accepted).toBeGreaterThan(0);
});

// ---------------------------------------------------------------------------------------------
// Pages by role: 200 for the people a page is for, 403 ("Not allowed") for everyone else signed in.
// The home page and the open funding calls are for everyone; a provider's own work is for providers.

const PROVIDERS: Role[] = ['provider', 'provider2', 'csp'];
const PAGES: Record<string, Role[]> = {
  '/': ROLES,
  '/funding': ROLES,
  '/my-work': PROVIDERS,
  '/programmes': ['officer', 'finance', 'approver', 'admin'],
  '/panel': ['panel'],
  '/approvals': ['approver'],
  '/finance': ['finance'],
  '/finance/publications/crime-and-disorder': ['officer', 'finance', 'approver', 'admin'],
};

describe.each(Object.entries(PAGES))('the page %s', (path, allowed) => {
  it.each(ROLES)('as %s', async (who) => {
    const res = await person[who].agent.get(path);
    if (allowed.includes(who)) {
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(res.text).toMatch(/<h1[^>]*>/);
    } else {
      expect(res.status).toBe(403);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('payments', () => {
  it('are opened by nobody through POST /api/cases, whatever their role', async () => {
    const award = await liveAward(victimsProgramme);
    const input = {
      awardCaseId: award.id,
      instalment: 2,
      dueOn: '2027-05-04',
      amountPence: 1,
      scheduledBy: null,
    };
    const count = async () =>
      (await t.sql`select count(*)::int as n from cases where award_case_id = ${award.id}`)[0]!.n as number;
    const before = await count();
    for (const who of ROLES) {
      const res = await t.http
        .post('/api/cases')
        .set(t.as(PEOPLE[who]))
        .send({ machine: 'award-payment', organisationId: org.riverside, input });
      expect(res.status, `${who}: ${JSON.stringify(res.body)}`).toBe(403);
    }
    expect(await count()).toBe(before);
  });

  it('are not approved by whoever moved them, by API or page (403 with the reason); another member of finance may', async () => {
    const payment = await scheduledPayment();
    const move = { type: 'RESCHEDULE', dueOn: '2027-05-04', reason: 'The provider asked' };
    const moved = await h.step(payment.id, 'finance@demo.test', move, 'scheduled');
    expect(moved.context.variedBy).toEqual([person.finance.userId]);
    const reason = 'You varied this payment, so another member of finance must approve it.';
    // Not offered to them, on the API or the case page.
    expect(moved.nextEvents).not.toContainEqual(expect.objectContaining({ type: 'APPROVE' }));
    const page = await person.finance.agent.get(`/cases/${payment.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(`action="/cases/${payment.id}/events/APPROVE"`);
    // And refused when sent anyway.
    const api = await t.http
      .post(`/api/cases/${payment.id}/events`)
      .set(t.as(PEOPLE.finance))
      .send({ type: 'APPROVE' });
    expect(api.status, JSON.stringify(api.body)).toBe(403);
    expect(api.body.detail).toBe(reason);
    const form = await person.finance.agent
      .post(`/cases/${payment.id}/events/APPROVE`)
      .type('form')
      .send({ _csrf: person.finance.csrf, version: String(moved.version) });
    expect(form.status).toBe(403);
    expect(form.text).toContain('Not allowed');
    expect((await h.get(payment.id)).body).toMatchObject({ state: 'scheduled', version: moved.version });
    // The other member of finance is offered it, and approves.
    const other = await h.get(payment.id, 'finance2@demo.test');
    expect(other.body.nextEvents).toContainEqual(expect.objectContaining({ type: 'APPROVE' }));
    const approved = await h.step(payment.id, 'finance2@demo.test', { type: 'APPROVE' }, 'approved');
    expect(approved.context.approvedBy).not.toBe(person.finance.userId);
  });
});

describe("a provider guessing another organisation's ids", () => {
  it("gets 404 for Riverside's live victims' services award, exactly as for an id that does not exist", async () => {
    const award = await liveAward(victimsProgramme);
    const before = (await h.get(award.id)).body as CaseBody;
    const { agent, csrf } = person.provider2;
    for (const id of [award.id, randomUUID()]) {
      const api = (path: string) => t.http.get(`/api/cases/${id}${path}`).set(t.as(PEOPLE.provider2));
      expect((await api('')).status).toBe(404);
      expect((await api('/history')).status).toBe(404);
      const sent = await t.http
        .post(`/api/cases/${id}/events`)
        .set(t.as(PEOPLE.provider2))
        .send({ type: 'REQUEST_VARIATION', amountPence: 9_000_000, reason: 'Mine now' });
      expect(sent.status).toBe(404);
      expect(sent.body.title).toBe((await api('')).body.title);
      const page = await agent.get(`/cases/${id}`);
      expect(page.status).toBe(404);
      expect(page.text).toContain('Page not found');
      expect(page.text).not.toContain('IDVA service');
      const post = await agent
        .post(`/cases/${id}/events/REQUEST_VARIATION`)
        .type('form')
        .send({ reason: 'Mine now', _csrf: csrf, version: String(before.version) });
      expect(post.status).toBe(404);
    }
    expect((await h.get(award.id)).body).toMatchObject({ state: 'live', version: before.version });
  });

  it("gets 404 for every machine's case of another owner, by API and by page", async () => {
    for (const definition of machineDefinitions) {
      const kase = await caseFor(definition.id);
      if (kase.organisationId === person.provider2.organisationId) continue;
      expect((await t.http.get(`/api/cases/${kase.id}`).set(t.as(PEOPLE.provider2))).status).toBe(404);
      expect((await person.provider2.agent.get(`/cases/${kase.id}`)).status).toBe(404);
    }
  });

  it("gets 404 for a fund's position and ledger, which are for staff; staff get 200", async () => {
    const fundId = (await t.programme({ cycle: 'victims-services' })).fundId;
    for (const who of ROLES) {
      for (const path of [`/api/funds/${fundId}/position`, `/api/funds/${fundId}/ledger`]) {
        const res = await t.http.get(path).set(t.as(PEOPLE[who]));
        expect(res.status, `${who} ${path}`).toBe(person[who].role === 'provider' ? 404 : 200);
      }
    }
  });
});
