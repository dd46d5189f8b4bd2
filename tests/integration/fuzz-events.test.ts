// Property-based fuzzing (fast-check) of every event of every machine in the registry (and the
// rulebook's, signing a held decision or sending it back), and of every machine's creation input,
// over HTTP against real cases: arbitrary JSON and mutations of a good payload (wrong types, huge or
// fractional or negative pence, bad dates, long text, unicode, extra and `__proto__` keys, deep
// nesting, null, arrays). Never a 5xx; a refusal is problem+json and leaves the case exactly as it
// was (row, history, timers, ledger, outbox and every other row naming it). Cases whose decision
// awaits signature are among the targets: the rulebook's events' own, and a few of every machine's.
// New machines are covered as they are registered: the way to each state is searched for from the
// machine itself (tests/helpers/machine-explorer.ts); hints (tests/helpers/machine-hints.ts) only help with context-bound rules.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { addDays } from '../../machines/calendar.ts';
import type { MachineDefinition, OrganisationKind, Sender } from '../../machines/define.ts';
import { machineDefinitions } from '../../machines/index.ts';
import { seedProfileDocuments } from '../../src/domain/demo-profile.ts';
import { issueToken } from '../../src/domain/people.ts';
import { ROUND_MACHINE } from '../../src/domain/programmes.ts';
import { systemActor } from '../../src/engine/actor.ts';
import { jsonSchema } from '../../src/engine/describe.ts';
import { eventSpec, rulebookEvents } from '../../src/engine/rulebook.ts';
import { restore, stateName } from '../../src/engine/snapshot.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { declareBefore } from '../helpers/declarations.ts';
import {
  brokenJson,
  caseReferences,
  edgified,
  expectNoFaultAndProblem,
  type Footprint,
  footprint,
  hostile,
  hostileKey,
  type JsonSchema,
  jsonText,
  mutated,
  objectOf,
  RawJson,
  settings,
  validShaped,
} from '../helpers/fuzz.ts';
import { Explorer, type Way } from '../helpers/machine-explorer.ts';
import { machineHints } from '../helpers/machine-hints.ts';
import { fullMember } from '../helpers/members.ts';
import { FUZZED_YEARS, type TestProgramme } from '../helpers/programmes.ts';

/** Runs per event people send; events only the system sends are refused (403) whatever the body. */
const RUNS_PER_EVENT = 25;
const RUNS_PER_SYSTEM_EVENT = 5;
const RUNS_PER_CREATION = 30;
/** Building cases on the way can take a while when the machine is busy; a fault fails at once anyway. */
const TIMEOUT_MS = 120_000;
/**
 * The delegation threshold of this file's programmes: low, so decisions go both ways (straight to
 * effect, or held by the rulebook for the approver's signature).
 */
const THRESHOLD_PENCE = 1_000;
/** Cases built to leave a decision awaiting signature before giving up (a sample may be under the threshold). */
const HELD_TRIES = 20;
/** The target standing for a case whose decision awaits signature (nothing but the rulebook's events). */
const HELD = '(awaiting signature)';

let t: TestApp;
let references: { table: string; column: string }[];
type Auth = Record<string, string>;
/**
 * An organisation of this file's own for each kind, with a provider user acting for it; for the
 * commissioner, the OPCC (its `auth` is then a provider of another organisation, who may send nothing).
 */
const organisations = {} as Record<OrganisationKind, { id: string; auth: Auth; shared?: boolean }>;
const programmes = new Map<string, TestProgramme>();

const staff = (role: string): Auth => t.as(`${role}@demo.test` as Parameters<TestApp['as']>[0]);
const systemOnly = (sentBy: readonly Sender[]) => sentBy.every((s) => s === 'system');
const ownerOf = (definition: MachineDefinition) => organisations[definition.ownerKinds[0]!];
const hasInput = (definition: MachineDefinition, field: string) =>
  Object.hasOwn(definition.input.shape, field);

// ---- Opening and building cases --------------------------------------------------------------

/** The programme a machine's cases are opened under: a new one, without a round, for each round. */
async function programmeFor(definition: MachineDefinition): Promise<TestProgramme> {
  if (definition.id === ROUND_MACHINE) {
    const cycle = machineDefinitions.find((d) => d.id !== ROUND_MACHINE)!.id;
    return t.programme({ cycle, open: false, otherYears: FUZZED_YEARS });
  }
  let programme = programmes.get(definition.id);
  if (!programme) {
    // A low delegation threshold, so awards go both ways (straight to offer, or to the approver).
    programme = await t.programme({
      cycle: definition.id,
      delegationThresholdPence: THRESHOLD_PENCE,
      otherYears: FUZZED_YEARS,
    });
    programmes.set(definition.id, programme);
  }
  return programme;
}

/** The machines whose awards take monitoring returns: what a return must be about. */
const reportingMachines = machineDefinitions.filter((d) => d.takesReturns).map((d) => d.id);

/**
 * A live award of the organisation holding committed money, under a signed agreement of a machine
 * that takes returns: what a case about an award (a monitoring return) must name.
 */
async function awardOf(organisationId: string): Promise<string | undefined> {
  const held = async () => {
    const [row] = await t.sql`select l.case_id from fund_ledger l join cases c on c.id = l.case_id
      where c.organisation_id = ${organisationId}
        and c.id = any(${t.sql.array([...openedByUs])}::uuid[])
        and c.machine_id = any(${t.sql.array(reportingMachines)}::text[])
        and coalesce(c.snapshot->>'status', 'active') <> 'done'
        and exists (select 1 from payment_schedules s where s.award_case_id = c.id)
      group by l.case_id
      having sum(case l.movement when 'commit' then l.amount_pence when 'release' then -l.amount_pence else 0 end) > 0
      limit 1`;
    return row?.case_id as string | undefined;
  };
  const found = (await held()) ?? (await everyStateBuilt()) ?? (await held());
  if (found) return found;
  // Every award's money is spent or released by now (returns accepted with an underspend): a new one.
  for (const definition of ordered.filter((d) => creatable(d) && !hasInput(d, 'awardCaseId'))) {
    const machine = await machineOf(definition);
    if (ownerOf(definition).id !== organisationId) continue;
    for (const way of machine.ways.values()) {
      if (machine.unbuildable.has(way.state)) continue;
      await build(machine, way);
      const award = await held();
      if (award) return award;
    }
  }
  return undefined;
}

/** Every case this file opened (to build on), so cases of other tests sharing the database are left alone. */
const openedByUs = new Set<string>();
let opened = 0;
/** A creation input the machine takes: a sample of its schema, with the ids it names made real. */
async function creationInput(definition: MachineDefinition): Promise<Record<string, unknown>> {
  const schema = jsonSchema(definition.input) as JsonSchema;
  const real: Record<string, unknown> = {};
  if (hasInput(definition, 'programmeId')) real.programmeId = (await programmeFor(definition)).programmeId;
  if (hasInput(definition, 'awardCaseId')) real.awardCaseId = await awardOf(ownerOf(definition).id);
  if (hasInput(definition, 'financialYear')) real.financialYear = '2026-27';
  // A period inside the award's agreement, as a return must be: a day of it, a new one each time.
  if (hasInput(definition, 'periodStart') && typeof real.awardCaseId === 'string')
    Object.assign(real, await dayOfAgreement(real.awardCaseId, opened));
  for (let i = 0; i < 500; i++) {
    // A new sample each time, so cases unique per input (one return per award and period) differ.
    const [sample] = fc.sample(validShaped(schema), { seed: opened++, numRuns: 1 });
    const input = { ...(sample as object), ...real };
    if (definition.input.safeParse(input).success) return input;
  }
  throw new Error(`No creation input for ${definition.id} could be made from its schema`);
}

/** A day of the award's agreement, and not after today where it can be: a return is submitted from it. */
async function dayOfAgreement(awardCaseId: string, n: number) {
  const [terms] = await t.sql`select starts_on::text as s,
      greatest(least(ends_on, ${t.today()}::date) - starts_on, 0) as days
    from payment_schedules where award_case_id = ${awardCaseId}`;
  const day = addDays(terms!.s as string, n % ((terms!.days as number) + 1));
  return { periodStart: day, periodEnd: day, dueOn: addDays(day, n % 60) };
}

/** Who may open a machine's cases over the API: the owning provider or a staff role; none for some. */
const creatable = (definition: MachineDefinition) => definition.createdBy.some((s) => s !== 'system');

/** Who opens a machine's cases: the owning provider where it may, else the first staff role (or an officer). */
function creator(definition: MachineDefinition): { auth: Auth; organisationId?: string } {
  if (definition.createdBy.includes('owner')) return { auth: ownerOf(definition).auth };
  const role = definition.createdBy.find((s) => s !== 'owner' && s !== 'system') ?? 'officer';
  return { auth: staff(role), organisationId: ownerOf(definition).id };
}

async function open(definition: MachineDefinition): Promise<string> {
  const { auth, organisationId } = creator(definition);
  let refused = '';
  // Another sample when one is taken already (a return for that award and period, made by fuzzing).
  for (let attempt = 0; attempt < 5; attempt++) {
    const input = await creationInput(definition);
    const res = await t.http
      .post('/api/cases')
      .set(auth)
      .send({ machine: definition.id, organisationId, input });
    if (res.status === 201) {
      openedByUs.add(res.body.id as string);
      return res.body.id as string;
    }
    refused = `${res.status} ${JSON.stringify(res.body)} for ${JSON.stringify(input)}`;
    if (res.status !== 409) break;
  }
  throw new Error(`open ${definition.id}: ${refused}`);
}

async function snapshotOf(definition: MachineDefinition, caseId: string): Promise<AnyMachineSnapshot> {
  const [row] = await t.sql`select snapshot from cases where id = ${caseId}`;
  return restore(definition, row!.snapshot);
}

/** Everyone who may send the event, as request headers. */
function senders(definition: MachineDefinition, type: string): Auth[] {
  return eventSpec(definition, type)!.sentBy.flatMap((s) =>
    s === 'system' ? [] : s === 'owner' ? [ownerOf(definition).auth] : [staff(s)],
  );
}

/** Everyone who may not: other staff roles, another organisation's provider, the owner for staff events. */
function nonSenders(definition: MachineDefinition, type: string): Auth[] {
  const { sentBy } = eventSpec(definition, type)!;
  const roles = ['officer', 'panel', 'finance', 'approver', 'admin'].filter(
    (r) => !sentBy.includes(r as Sender),
  );
  return [
    ...roles.map(staff),
    t.as('provider2@demo.test'),
    ...(sentBy.includes('owner') ? [] : [ownerOf(definition).auth]),
  ];
}

/** The machine's explorer, ways to its states, and one case of this file's in each state reached. */
interface Machine {
  definition: MachineDefinition;
  explorer: Explorer;
  ways: Map<string, Way>;
  cases: Map<string, string>;
  /** States the way to which failed over HTTP, and why. */
  unbuildable: Map<string, string>;
  /** For machines nobody opens over the API: the cases other machines' work opened. */
  found: string[];
  /** A case of this file's whose decision awaits signature, while it does. */
  held?: string | undefined;
}

/**
 * Opens a case and takes it, step by step over HTTP, to a state. Events only the system sends
 * (deadlines passing, payments made) go to the engine as the system, as the worker and domain send them.
 */
async function build(machine: Machine, way: Way): Promise<string> {
  const id = await open(machine.definition);
  // A step the way takes on a later day (once a deadline has come) is sent with the clock on that day.
  for (const { type, to, on } of way.steps)
    await (on ? t.onDay(on, () => take(machine, id, type, to, on)) : take(machine, id, type, to));
  return id;
}

/** Sends one step of a way to a case: the event, taking it to state `to`. */
async function take(machine: Machine, id: string, type: string, to: string, on?: string): Promise<void> {
  const { definition, explorer } = machine;
  const snapshot = await snapshotOf(definition, id);
  const payload = explorer.payloadTo(snapshot, type, to, on);
  if (!payload)
    throw new Error(`${definition.id}: no payload takes ${stateName(snapshot)} by ${type} to ${to}`);
  if (systemOnly(definition.events[type]!.sentBy)) {
    const view = await t.engine.send(systemActor, id, { ...payload, type });
    expect(view.state, `${definition.id} ${type} (as the system)`).toBe(to);
    return;
  }
  // The first sender the event's own rules do not refuse (e.g. not the one who scheduled a payment).
  let res: { status: number; body: any } | undefined;
  for (const auth of senders(definition, type)) {
    await declareBefore((path) => t.http.put(path).set(auth), id, type);
    res = await t.http
      .post(`/api/cases/${id}/events`)
      .set(auth)
      .send({ ...payload, type });
    if (res.status !== 403) break;
  }
  // A decision the rulebook holds for a signature (above the programme's low threshold) takes
  // effect when an approver signs it.
  if (res?.status === 200 && res.body.decision?.status === 'awaitingSignature') {
    await declareBefore((path) => t.http.put(path).set(staff('approver')), id, 'SIGN_DECISION');
    res = await t.http.post(`/api/cases/${id}/events`).set(staff('approver')).send({ type: 'SIGN_DECISION' });
  }
  if (res?.status !== 200 || res.body.state !== to)
    throw new Error(`${definition.id} ${type} → ${to}: ${res?.status} ${JSON.stringify(res?.body)}`);
}

/**
 * The ways to states a case could be built in (each built once; a failure is kept for the coverage
 * test). A kept case whose decision a run left awaiting signature takes nothing else: built anew.
 */
async function buildable(machine: Machine): Promise<Way[]> {
  const kept = [...machine.cases.values()];
  const rows = kept.length
    ? await t.sql`select id, state from cases where id in ${t.sql(kept)}
        and decision->>'status' is distinct from 'awaitingSignature'`
    : [];
  const stateOf = new Map(rows.map((r) => [r.id as string, r.state as string]));
  const ways: Way[] = [];
  for (const way of machine.ways.values()) {
    if (machine.unbuildable.has(way.state)) continue;
    const id = machine.cases.get(way.state);
    if (id && stateOf.get(id) === way.state) {
      ways.push(way);
      continue;
    }
    try {
      machine.cases.set(way.state, await build(machine, way));
      ways.push(way);
    } catch (error) {
      machine.unbuildable.set(way.state, String(error));
    }
  }
  return ways;
}

/**
 * A case of the machine in `state`: the one kept for it, or a new one when a fuzz input moved it on
 * or left a decision on it awaiting signature (when nothing but signing can happen to it).
 */
async function caseIn(machine: Machine, state: string, seen?: Footprint): Promise<string> {
  const kept = machine.cases.get(state);
  const found = kept && (seen ?? (await footprint(t, references, kept)));
  if (kept && found && found.state === state && !found.held) return kept;
  const id = await build(machine, machine.ways.get(state)!);
  machine.cases.set(state, id);
  return id;
}

/** The machine's events the rulebook weighs: decisions, held above the programme's threshold. */
const decisionsOf = (definition: MachineDefinition) =>
  Object.entries(definition.events)
    .filter(([, spec]) => spec.decision)
    .map(([type]) => type);

/**
 * A case whose decision awaits an approver's signature: the one kept while it still does, or one
 * built to a state that takes a decision, sent a payload the case takes for more than the threshold.
 * Undefined for a machine with no decisions (or none that could be built).
 */
async function heldCase(machine: Machine): Promise<string | undefined> {
  if (machine.held && (await footprint(t, references, machine.held)).held) return machine.held;
  machine.held = undefined;
  const { definition, explorer } = machine;
  for (const way of machine.ways.values()) {
    if (machine.unbuildable.has(way.state)) continue;
    for (const type of decisionsOf(definition).filter((d) => way.accepts.includes(d))) {
      const spec = definition.events[type]!;
      // Where the case takes the decision only at or below the threshold, another case: a new case
      // has a new creation input (a crime and disorder allocation above the threshold, say).
      for (let tries = 0; tries < HELD_TRIES; tries++) {
        const id = await build(machine, way);
        const snapshot = await snapshotOf(definition, id);
        const amountOf = (payload: Record<string, unknown>) => {
          const parsed = spec.payload.safeParse(payload);
          return parsed.success ? spec.decision!.amountPence(snapshot.context, parsed.data) : null;
        };
        // Held when above the threshold, or when the definition says the approver signs it anyway.
        const holds = (payload: Record<string, unknown>) => {
          const parsed = spec.payload.safeParse(payload);
          if (!parsed.success) return false;
          return (
            (amountOf(payload) ?? 0) > THRESHOLD_PENCE ||
            !!spec.decision!.signatureWhen?.(snapshot.context, parsed.data)
          );
        };
        const taken = explorer
          .candidates(type, snapshot.context)
          .filter((p) => explorer.attempt(snapshot, type, p));
        if (!taken.length) break;
        const payload = taken.find(holds);
        // A decision with no money at stake that no payload makes the approver's: another case of
        // the same kind would be no different.
        if (!payload && taken.every((p) => amountOf(p) === null)) break;
        if (!payload) continue;
        for (const auth of senders(definition, type)) {
          await declareBefore((path) => t.http.put(path).set(auth), id, type);
          const res = await t.http
            .post(`/api/cases/${id}/events`)
            .set(auth)
            .send({ ...payload, type });
          if (res.status === 403) continue;
          expect(res.body.decision, `${definition.id} ${type} is held`).toMatchObject({
            status: 'awaitingSignature',
          });
          machine.held = id;
          return id;
        }
        break;
      }
    }
  }
  return undefined;
}

/** Each machine's explorer and cases, prepared once per machine (lazily, as tests or others need them). */
const prepared = new Map<string, Promise<Machine>>();
const machineOf = (definition: MachineDefinition) => {
  if (!prepared.has(definition.id)) prepared.set(definition.id, prepare(definition));
  return prepared.get(definition.id)!;
};

/**
 * A case of every machine that can be opened over the API, in every state found: what awards and
 * the cases the domain opens (payments) come from, when a test runs without the tests before it.
 */
let everyState: Promise<undefined> | undefined;
function everyStateBuilt(): Promise<undefined> {
  everyState ??= (async () => {
    for (const definition of ordered.filter((d) => creatable(d) && !hasInput(d, 'awardCaseId')))
      await buildable(await machineOf(definition));
    return undefined;
  })();
  return everyState;
}

async function prepare(definition: MachineDefinition): Promise<Machine> {
  const suppliers = await t.sql<{ id: string }[]>`
    select id from organisations where kind = 'provider' order by name, id limit 2`;
  const explorer = new Explorer(
    definition,
    machineHints[definition.id],
    undefined,
    suppliers.map((s) => s.id),
  );
  const machine: Machine = {
    definition,
    explorer,
    ways: new Map(),
    cases: new Map(),
    unbuildable: new Map(),
    found: [],
  };
  if (creatable(definition)) {
    const first = await open(definition);
    const initial = await snapshotOf(definition, first);
    machine.ways = explorer.ways(initial);
    machine.cases.set(stateName(initial), first);
    return machine;
  }
  // Only in this file's own organisations: the OPCC's are other tests' too.
  const ids = Object.values(organisations)
    .filter((o) => !o.shared)
    .map((o) => o.id);
  const found = async () =>
    (
      await t.sql`select id from cases where machine_id = ${definition.id}
        and organisation_id in ${t.sql(ids)} order by seq`
    ).map((r) => r.id as string);
  machine.found = await found();
  if (!machine.found.length) {
    await everyStateBuilt();
    machine.found = await found();
  }
  return machine;
}

// ---- Requests --------------------------------------------------------------------------------

/**
 * An event body: mostly a good payload with something wrong, or one the case would take with one
 * value moved to an edge (so what lies past validation sees it), sometimes anything at all.
 */
function eventBodies(
  type: string,
  schema: JsonSchema,
  taken: Record<string, unknown>[],
): fc.Arbitrary<unknown> {
  const good = validShaped(schema);
  const withType = (payload: unknown) =>
    objectOf([['type', type], ...Object.entries((payload ?? {}) as object)]);
  return fc.oneof(
    { weight: 7, arbitrary: mutated(good).map(withType) },
    ...(taken.length
      ? [
          {
            weight: 6,
            arbitrary: fc
              .constantFrom(...taken)
              .chain(edgified)
              .map(withType),
          },
        ]
      : []),
    { weight: 3, arbitrary: validShaped(schema, true).map(withType) },
    { weight: 2, arbitrary: good.map(withType) },
    {
      weight: 2,
      arbitrary: fc.array(fc.tuple(hostileKey, hostile), { maxLength: 4 }).map((e) => withType(objectOf(e))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(hostile, good)
        .map(([bad, payload]) => objectOf([['type', bad], ...Object.entries(payload as object)])),
    },
    { weight: 1, arbitrary: hostile },
    { weight: 1, arbitrary: brokenJson },
  );
}

/** Payloads the event's states would take (schema, rules and guards), from the explorer's candidates. */
async function takenPayloads(
  machine: Machine,
  type: string,
  states: string[],
): Promise<Record<string, unknown>[]> {
  const taken: Record<string, unknown>[] = [];
  for (const state of states) {
    const snapshot = await snapshotOf(machine.definition, machine.cases.get(state)!);
    const fits = machine.explorer
      .candidates(type, snapshot.context)
      .filter((payload) => machine.explorer.attempt(snapshot, type, payload));
    taken.push(...fits.slice(0, 5));
  }
  return taken;
}

function post(path: string, auth: Auth, body: unknown, headers: Record<string, string> = {}) {
  return t.http
    .post(path)
    .set({ ...auth, ...headers, 'Content-Type': 'application/json' })
    .send(jsonText(body));
}

async function keyStored(key: string): Promise<number> {
  const [row] = await t.sql`select count(*)::int as n from idempotency_keys where key = ${key}`;
  return row!.n as number;
}

const show = (body: unknown) => (body instanceof RawJson ? body.text : jsonText(body)).slice(0, 400);

beforeAll(async () => {
  t = await startTestApp();
  references = await caseReferences(t);
  const kinds = new Set(machineDefinitions.flatMap((d) => d.ownerKinds));
  for (const kind of kinds) {
    if (kind === 'commissioner') {
      // There is one commissioner, the OPCC (other tests find it by its kind): the officers' own.
      const [opcc] = await t.sql`select organisation_id from users where email = 'officer@demo.test'`;
      organisations[kind] = {
        id: opcc!.organisation_id as string,
        auth: t.as('provider@demo.test'),
        shared: true,
      };
      continue;
    }
    const tag = randomUUID();
    const [org] = await t.sql`insert into organisations (name, kind)
      values (${`Fuzz ${kind} ${tag}`}, ${kind}) returning id`;
    const email = `fuzz-${kind.toLowerCase()}-${tag}@demo.test`;
    await t.sql`insert into users (email, name, role, organisation_id)
      values (${email}, ${`Fuzz ${kind}`}, 'provider', ${org!.id})`;
    await fullMember(t.sql, email);
    // In-date profile documents, as due diligence asks of a real organisation.
    await seedProfileDocuments(t.db, org!.id as string, {
      at: new Date(),
      today: t.today(),
      organisationName: kind,
    });
    organisations[kind] = {
      id: org!.id as string,
      auth: { Authorization: `Bearer ${await issueToken(t.db, email)}` },
    };
  }
});
afterAll(() => t?.close());

// Machines whose cases name an award (a monitoring return) come after the machines that make awards;
// machines nobody opens over the API (their cases are opened by the domain) come last of all.
const order = (d: MachineDefinition) =>
  !creatable(d) ? 2 : Object.hasOwn(d.input.shape, 'awardCaseId') ? 1 : 0;
const ordered = [...machineDefinitions].sort((a, b) => order(a) - order(b));

describe.each(ordered.map((d) => [d.id, d] as const))('%s', (_id, definition) => {
  let machine: Machine;
  beforeAll(async () => {
    machine = await machineOf(definition);
  }, TIMEOUT_MS);

  it(
    'creation input: never a 5xx, and a refusal opens no case and moves no money',
    async () => {
      const { auth, organisationId } = creator(definition);
      const owner = ownerOf(definition).id;
      const input = await creationInput(definition);
      const good = { machine: definition.id, organisationId, input };
      const real = Object.fromEntries(
        ['programmeId', 'awardCaseId'].filter((k) => k in input).map((k) => [k, input[k]]),
      );
      const schema = jsonSchema(definition.input) as JsonSchema;
      const withInput = (value: unknown) => objectOf([...Object.entries(good), ['input', value]]);
      const bodies = fc.oneof(
        { weight: 6, arbitrary: mutated(fc.constant(input)).map(withInput) },
        { weight: 3, arbitrary: mutated(validShaped(schema)).map(withInput) },
        { weight: 2, arbitrary: validShaped(schema).map(withInput) },
        // Edge values with the ids made real, so they get past the first checks.
        {
          weight: 3,
          arbitrary: validShaped(schema, true).map((edgy) => withInput({ ...(edgy as object), ...real })),
        },
        { weight: 2, arbitrary: hostile.map(withInput) },
        { weight: 3, arbitrary: mutated(fc.constant(good)) },
        { weight: 1, arbitrary: hostile },
        { weight: 1, arbitrary: brokenJson },
      );
      const fund = programmes.get(definition.id)?.fundId ?? null;
      const written = async () => {
        const [row] = await t.sql`select
        (select count(*)::int from cases where organisation_id = ${owner} and machine_id = ${definition.id}) as cases,
        (select count(*)::int from fund_ledger where fund_id = ${fund}) as ledger`;
        return { cases: row!.cases as number, ledger: row!.ledger as number };
      };
      await fc.assert(
        fc.asyncProperty(bodies, fc.option(fc.uuid(), { freq: 3 }), async (body, key) => {
          const before = await written();
          const headers: Record<string, string> = key ? { 'Idempotency-Key': `fuzz-${key}` } : {};
          const keys = key ? await keyStored(`fuzz-${key}`) : 0;
          const res = await post('/api/cases', auth, body, headers);
          expectNoFaultAndProblem(res, `POST /api/cases ${show(body)}`);
          const after = await written();
          if (res.status >= 400) {
            expect(after, `a refused creation wrote: ${show(body)}`).toEqual(before);
            if (key) expect(await keyStored(`fuzz-${key}`), 'a refusal stores no answer').toBe(keys);
          } else if (res.headers['idempotent-replayed']) {
            expect(after, 'a replayed answer wrote').toEqual(before);
          } else {
            expect(creatable(definition), `${definition.id} cases are opened by the domain only`).toBe(true);
            expect(res.status).toBe(201);
            expect(after.cases).toBe(before.cases + 1);
          }
        }),
        settings(RUNS_PER_CREATION),
      );
    },
    TIMEOUT_MS,
  );

  it.each([...Object.keys(definition.events), ...Object.keys(rulebookEvents)])(
    '%s: never a 5xx, and a refusal changes nothing',
    async (type) => {
      const spec = eventSpec(definition, type)!;
      const ofRulebook = Object.hasOwn(rulebookEvents, type);
      const schema = jsonSchema(spec.payload) as JsonSchema;
      // Cases in states that take the event (so the payload is what decides), and a few that do not:
      // a case whose decision awaits signature takes the rulebook's events, and no machine's.
      const ways = await buildable(machine);
      if (!ways.length && !machine.found.length)
        throw new Error(`No ${definition.id} case to send ${type} to: ${[...machine.unbuildable.values()]}`);
      const held = ways.length ? await heldCase(machine) : undefined;
      const taking = ofRulebook
        ? held
          ? [HELD]
          : []
        : ways.filter((w) => w.accepts.includes(type)).map((w) => w.state);
      const notTaking = [
        ...ways.filter((w) => ofRulebook || !w.accepts.includes(type)).map((w) => w.state),
        ...(held && !ofRulebook ? [HELD] : []),
      ];
      const targets = ways.length
        ? fc.oneof(
            ...(taking.length ? [{ weight: 9, arbitrary: fc.constantFrom(...taking) }] : []),
            ...(notTaking.length ? [{ weight: 1, arbitrary: fc.constantFrom(...notTaking) }] : []),
          )
        : fc.constantFrom(...machine.found);
      const right = senders(definition, type);
      const wrong = nonSenders(definition, type);
      const who = fc.oneof(...(right.length ? [{ weight: 8, arbitrary: fc.constantFrom(...right) }] : []), {
        weight: 2,
        arbitrary: fc.constantFrom(...wrong),
      });

      // What each case was after the last run, so the next run need not read it again: only this
      // test writes to its cases while it runs. Forgotten whenever a run fails part-way.
      const known = new Map<string, Footprint>();
      await fc.assert(
        fc.asyncProperty(
          targets,
          who,
          eventBodies(
            type,
            schema,
            ofRulebook
              ? (fc.sample(validShaped(schema), { seed: 7, numRuns: 3 }) as Record<string, unknown>[])
              : await takenPayloads(machine, type, taking),
          ),
          fc.constantFrom(
            ...(['none', 'none', 'none', 'none', 'none', 'current', 'current', 'current', 'stale'] as const),
          ),
          fc.option(fc.uuid(), { freq: 4 }),
          async (target, auth, body, ifMatch, key) => {
            let id = target === HELD ? machine.held : ways.length ? machine.cases.get(target) : target;
            let before = id ? (known.get(id) ?? (await footprint(t, references, id))) : undefined;
            if (target === HELD && !before?.held) {
              id = await heldCase(machine);
              if (!id) throw new Error(`No ${definition.id} case could be left awaiting a signature again`);
              before = await footprint(t, references, id);
            } else if (target !== HELD && ways.length && (before?.state !== target || before.held)) {
              id = await caseIn(machine, target, before);
              before = await footprint(t, references, id);
            }
            known.delete(id!);
            const headers: Record<string, string> = {};
            if (ifMatch !== 'none')
              headers['If-Match'] = `"${ifMatch === 'current' ? before!.version : 999_999}"`;
            if (key) headers['Idempotency-Key'] = `fuzz-${key}`;
            const keys = key ? await keyStored(`fuzz-${key}`) : 0;
            const res = await post(`/api/cases/${id}/events`, auth, body, headers);
            const what = `${definition.id} ${before!.state} ${type} ${show(body)}`;
            expectNoFaultAndProblem(res, what);
            const after = await footprint(t, references, id!);
            if (res.status >= 400) {
              expect(after, `a refused event wrote: ${what}`).toEqual(before);
              if (key)
                expect(await keyStored(`fuzz-${key}`), `a refusal stored an answer: ${what}`).toBe(keys);
            } else if (res.headers['idempotent-replayed']) {
              expect(after, `a replayed answer wrote: ${what}`).toEqual(before);
            } else {
              expect(res.status, what).toBe(200);
              expect(after.version, what).toBe(before!.version! + 1);
              expect(res.body).toMatchObject({ version: after.version, state: after.state });
            }
            known.set(id!, after);
          },
        ),
        settings(systemOnly(spec.sentBy) ? RUNS_PER_SYSTEM_EVENT : RUNS_PER_EVENT),
      );
    },
    TIMEOUT_MS,
  );

  it('built a case in every state it found a way to, and one takes each event people send', () => {
    const sendable = Object.entries(definition.events)
      .filter(([, spec]) => !systemOnly(spec.sentBy))
      .map(([type]) => type);
    if (!machine.ways.size) {
      expect(machine.found.length, `${definition.id} cases opened by other machines' work`).toBeGreaterThan(
        0,
      );
      return;
    }
    expect(Object.fromEntries(machine.unbuildable), 'states no case could be built in').toEqual({});
    if (decisionsOf(definition).length)
      expect(machine.held ?? 'none', 'a case whose decision awaited signature').not.toBe('none');
    const reached = new Set([...machine.ways.values()].flatMap((w) => w.accepts));
    expect(
      sendable.filter((type) => !reached.has(type)),
      'events no state reached takes',
    ).toEqual([]);
  });
});
