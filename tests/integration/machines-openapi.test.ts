// The machines describe themselves (states, events, payload schemas, senders, a Mermaid diagram),
// and /openapi.json is a valid OpenAPI 3.1 document generated from the same schemas.
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { machineDefinitions } from '../../machines/index.ts';
import { youthFund } from '../../machines/youth-fund.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface Described {
  id: string;
  version: number;
  initialState: string;
  states: { name: string; label: string; final: boolean; events: string[] }[];
  events: {
    type: string;
    label: string;
    sentBy: string[];
    decision: boolean;
    payload: Record<string, any>;
  }[];
  rulebookEvents: { type: string; label: string; sentBy: string[]; payload: Record<string, any> }[];
  input: Record<string, any>;
  createdBy: string[];
  mermaid: string;
}

const finals = ['ineligible', 'declined', 'offerDeclined', 'lapsed', 'closed', 'withdrawn'];
const edges = [
  'draft --> submitted: SUBMIT',
  'draft --> withdrawn: WITHDRAW',
  'submitted --> panelReview: CONFIRM_ELIGIBLE',
  'submitted --> ineligible: REJECT_INELIGIBLE',
  'submitted --> withdrawn: WITHDRAW',
  'panelReview --> offered: APPROVE',
  'panelReview --> declined: DECLINE',
  'panelReview --> withdrawn: WITHDRAW',
  'offered --> accepted: ACCEPT_OFFER',
  'offered --> offerDeclined: DECLINE_OFFER',
  'offered --> lapsed: after 28 days',
  'accepted --> reporting: RECORD_PAYMENT',
  'reporting --> reportSubmitted: SUBMIT_REPORT',
  'reporting --> reportOverdue: REPORT_OVERDUE',
  'reportOverdue --> reportSubmitted: SUBMIT_REPORT',
  'reportSubmitted --> closed: ACCEPT_REPORT',
  'reportSubmitted --> reporting: QUERY_REPORT',
];
/**
 * Targetless transitions (REPORT_DUE_SOON, and the offer reminder `after` 21 days) change no state,
 * so describe.ts draws no edge for them: they do not appear in the diagram at all.
 */
const targetless = ['REPORT_DUE_SOON', 'EXTEND_OWN_DEADLINE'];
/** The machine's own events each state takes (system ones included, XState's `after` events not). */
const stateEvents: Record<string, string[]> = {
  draft: ['SUBMIT', 'WITHDRAW', 'EXTEND_OWN_DEADLINE'],
  submitted: ['CONFIRM_ELIGIBLE', 'REJECT_INELIGIBLE', 'WITHDRAW'],
  panelReview: ['APPROVE', 'DECLINE', 'WITHDRAW'],
  offered: ['ACCEPT_OFFER', 'DECLINE_OFFER'],
  accepted: ['RECORD_PAYMENT'],
  // RECORD_PAYMENT after payment: the payment restated after finance corrected its record.
  reporting: ['SUBMIT_REPORT', 'RECORD_PAYMENT', 'REPORT_DUE_SOON', 'REPORT_OVERDUE'],
  reportOverdue: ['SUBMIT_REPORT', 'RECORD_PAYMENT'],
  reportSubmitted: ['RECORD_PAYMENT', 'ACCEPT_REPORT', 'QUERY_REPORT'],
  ...Object.fromEntries(finals.map((name) => [name, []])),
};
const eventTypes = Object.keys(youthFund.events);
/** The rulebook's events, which every machine takes while a decision awaits signature. */
const rulebook = ['SIGN_DECISION', 'SEND_BACK_DECISION'];
const senders: Record<string, string[]> = {
  SUBMIT: ['owner'],
  CONFIRM_ELIGIBLE: ['officer'],
  REJECT_INELIGIBLE: ['officer'],
  APPROVE: ['panel'],
  DECLINE: ['panel'],
  ACCEPT_OFFER: ['owner'],
  DECLINE_OFFER: ['owner'],
  // Sent by the engine when the grant's payment case is marked paid.
  RECORD_PAYMENT: ['system'],
  SUBMIT_REPORT: ['owner'],
  ACCEPT_REPORT: ['officer'],
  QUERY_REPORT: ['officer'],
  WITHDRAW: ['owner'],
  EXTEND_OWN_DEADLINE: ['officer'],
  REPORT_DUE_SOON: ['system'],
  REPORT_OVERDUE: ['system'],
};
const SUBMIT = { title: 'Boxing club', summary: 'Weekly sessions', amountRequestedPence: 400_000 };

const officer = () => t.as('officer@demo.test');
async function listed(): Promise<Described> {
  const res = await t.http.get('/api/machines').set(officer());
  expect(res.status).toBe(200);
  const found = res.body.items.find((m: Described) => m.id === 'youth-fund');
  expect(found).toBeDefined();
  return found;
}

describe('GET /api/machines', () => {
  it('needs a token', async () => {
    expect((await t.http.get('/api/machines')).status).toBe(401);
  });

  it('lists youth-fund at its latest version with its states, labelled, in order', async () => {
    const machine = await listed();
    expect(machine).toMatchObject({ id: 'youth-fund', version: 4, initialState: 'draft' });
    expect(machine.createdBy).toEqual(['owner', 'officer']);
    expect(machine.states.map((s) => s.name)).toEqual(Object.keys(stateEvents));
    for (const state of machine.states) {
      expect(state.label).toBe(youthFund.states[state.name as keyof typeof youthFund.states].label);
      expect(state.final, state.name).toBe(finals.includes(state.name));
      expect(state.events, state.name).toEqual(stateEvents[state.name]);
    }
  });

  it('gives every event a label, its senders and a strict payload JSON Schema', async () => {
    const machine = await listed();
    expect(machine.events.map((e) => e.type)).toEqual(eventTypes);
    for (const event of machine.events) {
      expect(event.label, event.type).toMatch(/\S/);
      expect(event.sentBy, event.type).toEqual(senders[event.type]);
      expect(event.payload, event.type).toMatchObject({ type: 'object', additionalProperties: false });
      expect(event.payload.properties?.type, `${event.type} payload has no type field`).toBeUndefined();
    }
    // The panel's award and its decline are the decisions: whoever sends one has declared no
    // conflict of interest, and the rulebook holds an award above the delegation threshold (a
    // decline has no money at stake).
    expect(machine.events.filter((e) => e.decision).map((e) => e.type)).toEqual(['APPROVE', 'DECLINE']);
    expect(machine.rulebookEvents.map((e) => [e.type, e.sentBy])).toEqual(
      rulebook.map((type) => [type, ['approver']]),
    );
    const submit = machine.events.find((e) => e.type === 'SUBMIT')!.payload;
    expect(submit.required).toEqual(['title', 'summary', 'amountRequestedPence']);
    expect(submit.properties.amountRequestedPence).toMatchObject({ type: 'integer', minimum: 1 });
    const payment = machine.events.find((e) => e.type === 'RECORD_PAYMENT')!.payload;
    expect(payment.properties.paidOn).toMatchObject({ type: 'string', format: 'date' });
    const approve = machine.events.find((e) => e.type === 'APPROVE')!.payload;
    expect(approve.required).toEqual(['amountPence', 'reportDueOn']);
    expect(approve.properties.reportDueOn).toMatchObject({ type: 'string', format: 'date' });
    // Both close the panel's scoring: short of the programme's quorum, they say why (optional).
    const decline = machine.events.find((e) => e.type === 'DECLINE')!.payload;
    expect(decline.required).toEqual(['reason']);
    for (const [type, payload] of [
      ['APPROVE', approve],
      ['DECLINE', decline],
    ] as const) {
      expect(payload.properties.quorumReason, type).toMatchObject({ type: 'string', minLength: 1 });
      expect(payload.required, type).not.toContain('quorumReason');
    }
    for (const type of ['REPORT_DUE_SOON', 'REPORT_OVERDUE']) {
      const event = machine.events.find((e) => e.type === type)!;
      expect(event.payload, type).toMatchObject({ properties: {}, additionalProperties: false });
      expect(event.payload.required ?? [], type).toEqual([]);
    }
  });

  it("describes the creation input: the programme, a title, and never the programme's settings or cap", async () => {
    const { input } = await listed();
    expect(input).toMatchObject({ type: 'object', additionalProperties: false });
    expect(Object.keys(input.properties)).toEqual(['programmeId', 'title']);
    expect(input.properties.programmeId).toMatchObject({ type: 'string', format: 'uuid' });
    expect(input.required).toEqual(['programmeId']);
  });

  it('draws a Mermaid stateDiagram-v2 with every state, an edge per transition and the final states', async () => {
    const { mermaid } = await listed();
    const lines = mermaid.split('\n').map((line) => line.trim());
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('[*] --> draft');
    for (const edge of edges) expect(lines, edge).toContain(edge);
    for (const name of finals) expect(lines, name).toContain(`${name} --> [*]`);
    expect(lines).toHaveLength(2 + edges.length + finals.length);
    for (const name of Object.keys(stateEvents)) expect(mermaid).toMatch(new RegExp(`\\b${name}\\b`));
    for (const type of eventTypes)
      expect(
        lines.some((l) => l.endsWith(`: ${type}`)),
        type,
      ).toBe(!targetless.includes(type));
    expect(
      lines.filter((l) => l.includes('after ')),
      'no edge for the 21-day reminder',
    ).toEqual(['offered --> lapsed: after 28 days']);
    expect(
      lines.every((l) => !/^(\w+) --> \1:/.test(l)),
      'no self-loops',
    ).toBe(true);
  });
});

describe('GET /api/machines/:id', () => {
  it.each(['', '?version=4'])('youth-fund%s is the same description as in the list', async (query) => {
    const res = await t.http.get(`/api/machines/youth-fund${query}`).set(officer());
    expect(res.status).toBe(200);
    expect(res.body).toEqual(await listed());
  });

  it.each([
    ['/api/machines/youth-fund?version=99', 404],
    // Older versions are retired: their cases were moved on at start-up.
    ['/api/machines/youth-fund?version=1', 404],
    ['/api/machines/nope', 404],
    ['/api/machines/nope?version=1', 404],
    ['/api/machines/youth-fund?version=0', 400],
    ['/api/machines/youth-fund?version=abc', 400],
    ['/api/machines/youth-fund?version=1.5', 400],
    ['/api/machines/youth-fund?colour=red', 400],
  ])('%s → %i problem', async (path, status) => {
    const res = await t.http.get(path).set(officer());
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
    if (status === 400) expect(res.body.errors[0].field).toMatch(/^(version|colour)$/);
  });
});

describe('GET /openapi.json', () => {
  let doc: Record<string, any>;
  beforeAll(async () => {
    const res = await t.http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.body;
  });
  const schemas = () => doc.components.schemas as Record<string, Record<string, any>>;

  it('is OpenAPI 3.1 and valid', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    const broken = structuredClone(doc);
    broken.paths['/health'].get.responses = 'none';
    expect((await validate(broken as never)).valid, 'the validator is not vacuous').toBe(false);
  });

  it('has a component schema for every youth-fund event a person may send, strict and naming its type', () => {
    for (const type of eventTypes.filter((t) => !senders[t]!.includes('system'))) {
      const schema = schemas()[`youth-fund.${type}`];
      expect(schema, type).toBeDefined();
      expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
      expect(schema!.properties.type).toEqual({ const: type });
      expect(schema!.required[0]).toBe('type');
    }
  });

  it("has the rulebook's events under every machine's name: strict, sent by approvers, a reason to send back", () => {
    for (const machine of machineDefinitions.map((d) => d.id)) {
      const sign = schemas()[`${machine}.SIGN_DECISION`];
      expect(sign, machine).toMatchObject({
        type: 'object',
        additionalProperties: false,
        properties: { type: { const: 'SIGN_DECISION' } },
        required: ['type'],
      });
      expect(Object.keys(sign!.properties)).toEqual(['type']);
      expect(sign!.description).toMatch(/Sent by: approver$/);
      const back = schemas()[`${machine}.SEND_BACK_DECISION`];
      expect(back, machine).toMatchObject({
        type: 'object',
        additionalProperties: false,
        properties: { type: { const: 'SEND_BACK_DECISION' }, reason: { type: 'string' } },
        required: ['type', 'reason'],
      });
      expect(back!.description).toMatch(/Sent by: approver$/);
    }
  });

  it('lets POST /api/cases/{id}/events send any event a person may send', () => {
    const body = doc.paths['/api/cases/{id}/events'].post.requestBody.content['application/json'].schema;
    const refs: string[] = body.oneOf.map((r: { $ref: string }) => r.$ref);
    const ref = (type: string) => `#/components/schemas/youth-fund.${type}`;
    const byPeople = eventTypes.filter((type) => !senders[type]!.includes('system'));
    // Exactly those of youth-fund, and the rulebook's (an approver signing a held decision or sending
    // it back): events only the engine sends (deadlines passing) are not part of the API. The other
    // machines' events are there too, each under its machine's name.
    const ours = refs.filter((r) => r.startsWith('#/components/schemas/youth-fund.'));
    expect([...ours].sort()).toEqual([...byPeople, ...rulebook].map(ref).sort());
    expect(new Set(refs).size).toBe(refs.length);
    for (const r of refs) {
      expect(r).toMatch(/^#\/components\/schemas\/[a-z-]+\.[A-Z_]+$/);
      expect(schemas()[r.split('/').at(-1)!], r).toBeDefined();
    }
    expect(schemas()['youth-fund.REPORT_OVERDUE']).toBeUndefined();
    expect(schemas()['youth-fund.RECORD_PAYMENT']).toBeUndefined();
    // Finance's events on a payment are there; the ones the domain sends (hold, re-profile) are not.
    for (const type of ['APPROVE', 'MARK_PAID', 'RESCHEDULE', 'RECORD_RETURN', 'CANCEL'])
      expect(refs, type).toContain(`#/components/schemas/award-payment.${type}`);
    for (const type of ['HOLD', 'RELEASE', 'VARY', 'SUPERSEDE'])
      expect(schemas()[`payment.${type}`], type).toBeUndefined();
  });

  it('describes the create body as strict', () => {
    expect(schemas().CreateCase).toMatchObject({ type: 'object', additionalProperties: false });
    expect(schemas().CreateCase!.required).toEqual(['machine']);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ['a complete SUBMIT', { type: 'SUBMIT', ...SUBMIT }, true],
    ['a SUBMIT with an extra property', { type: 'SUBMIT', ...SUBMIT, colour: 'red' }, false],
    ['a SUBMIT missing the amount', { type: 'SUBMIT', title: 'x', summary: 'y' }, false],
    ['a SUBMIT with a fractional amount', { type: 'SUBMIT', ...SUBMIT, amountRequestedPence: 1.5 }, false],
    ['another event type', { type: 'APPROVE', ...SUBMIT }, false],
  ])('the SUBMIT schema, used as a validator: %s → %s', (_name, value, ok) => {
    const validator = z.fromJSONSchema(schemas()['youth-fund.SUBMIT'] as never);
    expect(validator.safeParse(value).success).toBe(ok);
  });

  it('agrees with the API: what the SUBMIT schema refuses, the API refuses too', async () => {
    const created = await t.http
      .post('/api/cases')
      .set(t.as('provider@demo.test'))
      .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId } });
    expect(created.status).toBe(201);
    const res = await t.http
      .post(`/api/cases/${created.body.id}/events`)
      .set(t.as('provider@demo.test'))
      .send({ type: 'SUBMIT', ...SUBMIT, colour: 'red' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'colour', message: expect.any(String) }]);
  });
});
