// The engine, driven directly with a test-only machine: machine faults and failing effects roll the
// whole transition back; the registry refuses incomplete definitions; cases keep their machine version.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { defineMachine, type MachineDefinition, positivePence } from '../../machines/define.ts';
import { connect } from '../../src/db/client.ts';
import { findUserByEmail } from '../../src/db/queries/people.ts';
import { cases, organisations } from '../../src/db/schema/index.ts';
import { actorOf } from '../../src/domain/people.ts';
import type { Actor } from '../../src/engine/actor.ts';
import { systemClock } from '../../src/engine/clock.ts';
import { type EffectHandler, Engine } from '../../src/engine/engine.ts';
import { ProblemError } from '../../src/engine/errors.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import { fullMember } from '../helpers/members.ts';

interface Context {
  count: number;
  paidPence: number;
}
type Event = { type: 'BUMP' } | { type: 'EXPLODE' } | { type: 'PAY'; amountPence: number };

function testMachine(bumpBy = 1, id = 'test-integrity') {
  return setup({
    types: { context: {} as Context, events: {} as Event },
    actions: {
      bump: assign(({ context }) => ({ count: context.count + bumpBy })),
      explode: assign((): Partial<Context> => {
        throw new Error('assign blew up');
      }),
      recordPayment: assign(({ event }) => (event.type === 'PAY' ? { paidPence: event.amountPence } : {})),
      /** A named action: the engine hands it to EngineDeps.effects.ledger. */
      ledger: (_args, _params: { amountPence: number }) => {},
    },
    delays: { reminder: 60_000, chase: 120_000 },
  }).createMachine({
    id,
    initial: 'open',
    context: { count: 0, paidPence: 0 },
    states: {
      open: {
        after: { reminder: 'lapsed' },
        on: {
          BUMP: { actions: 'bump' },
          EXPLODE: { actions: 'explode' },
          PAY: {
            target: 'paid',
            actions: [
              'recordPayment',
              {
                type: 'ledger',
                params: ({ event }) => ({ amountPence: (event as { amountPence: number }).amountPence }),
              },
            ],
          },
        },
      },
      paid: { after: { chase: 'lapsed' }, on: { BUMP: { actions: 'bump' } } },
      lapsed: { type: 'final' },
    },
  });
}

const empty = z.strictObject({});
function definition(overrides: Partial<MachineDefinition> = {}): MachineDefinition {
  return defineMachine({
    id: 'test-integrity',
    version: 1,
    referencePrefix: 'TI',
    messages: {},
    context: z.object({}),
    summary: () => ({ title: 'A case', amountPence: null }),
    ownerKinds: ['provider'],
    title: 'Integrity test',
    description: 'A test-only machine',
    machine: testMachine(),
    input: z.strictObject({}),
    createdBy: ['owner'],
    states: { open: { label: 'Open' }, paid: { label: 'Paid' }, lapsed: { label: 'Lapsed' } },
    events: {
      BUMP: { label: 'Bump', payload: empty, sentBy: ['owner'], ownerPermission: 'anyMember' },
      EXPLODE: { label: 'Explode', payload: empty, sentBy: ['owner'], ownerPermission: 'anyMember' },
      PAY: {
        label: 'Pay',
        payload: z.strictObject({ amountPence: positivePence.meta({ title: 'Amount' }) }),
        sentBy: ['owner'],
        ownerPermission: 'anyMember',
      },
    },
    ...overrides,
  });
}

const v1 = definition();
const v2 = definition({ version: 2, machine: testMachine(10) });

let handle: ReturnType<typeof connect>;
let actor: Actor;
const engine = (definitions: MachineDefinition[] = [v1], effects: Record<string, EffectHandler> = {}) =>
  new Engine({ db: handle.db, registry: new MachineRegistry(definitions), clock: systemClock, effects });

beforeAll(async () => {
  handle = connect(inject('databaseUrl'), 5);
  // A provider in an organisation of this file's own: cases on test-only machines must not appear
  // in the demo organisations' lists that other test files read through the real app.
  const [org] = await handle.sql`insert into organisations (name, kind)
    values (${`Integrity test ${Date.now()}`}, 'provider') returning id`;
  const email = `integrity-${Date.now()}@demo.test`;
  await handle.sql`insert into users (email, name, role, organisation_id)
    values (${email}, 'Integrity', 'provider', ${org!.id})`;
  await fullMember(handle.sql, email);
  actor = actorOf((await findUserByEmail(handle.db, email))!);
});
afterAll(() => handle.sql.end());

/** Everything a transition could write for a case. */
async function written(id: string) {
  const [row] =
    await handle.sql`select state, version, machine_version, snapshot from cases where id = ${id}`;
  expect(row, `case ${id}`).toBeDefined();
  const history =
    await handle.sql`select version, type, to_state from case_events where case_id = ${id} order by version`;
  const timers =
    await handle.sql`select timer_key, event, due_at from timers where case_id = ${id} order by timer_key`;
  return { row, history: [...history], timers: [...timers] };
}

async function organisationNamed(name: string) {
  return handle.db.select().from(organisations).where(eq(organisations.name, name));
}

async function expectProblem(work: Promise<unknown>, status: number) {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  expect((error as ProblemError).status).toBe(status);
}

describe('machine faults are refused with 500 and write nothing', () => {
  it('an event whose assign throws', async () => {
    const e = engine();
    const { id } = await e.create(actor, { machine: 'test-integrity' });
    expect((await e.send(actor, id, { type: 'BUMP' })).context).toEqual({ count: 1, paidPence: 0 });
    const before = await written(id);
    await expectProblem(e.send(actor, id, { type: 'EXPLODE' }), 500);
    expect(await written(id)).toEqual(before);
    expect((await e.send(actor, id, { type: 'BUMP' })).version).toBe(3); // the case still works
  });

  it.each<[string, (id: string) => Promise<unknown>]>([
    [
      'status error',
      (id) => handle.sql`update cases set snapshot = snapshot || '{"status":"error"}' where id = ${id}`,
    ],
    [
      'not a snapshot at all',
      (id) => handle.sql`update cases set snapshot = '{"nonsense":true}' where id = ${id}`,
    ],
    [
      'a state the machine lacks',
      (id) => handle.sql`update cases set snapshot = snapshot || '{"value":"gone"}' where id = ${id}`,
    ],
  ])('a stored snapshot with %s', async (_name, corrupt) => {
    const e = engine();
    const { id } = await e.create(actor, { machine: 'test-integrity' });
    await corrupt(id);
    const before = await written(id);
    for (const event of [{ type: 'BUMP' }, { type: 'PAY', amountPence: 100 }]) {
      await expectProblem(e.send(actor, id, event), 500);
    }
    await expectProblem(e.get(actor, id), 500);
    expect(await written(id)).toEqual(before);
  });
});

describe('effects run inside the transition’s transaction', () => {
  it('an effect handler that throws rolls the whole transition back, its own writes too', async () => {
    const marker = `ledger ${randomUUID()}`;
    const e = engine([v1], {
      ledger: async (tx) => {
        await tx.insert(organisations).values({ name: marker, kind: 'partner' });
        throw new Error('ledger down');
      },
    });
    const { id } = await e.create(actor, { machine: 'test-integrity' });
    const before = await written(id);
    expect(before.timers).toHaveLength(1);
    await expect(e.send(actor, id, { type: 'PAY', amountPence: 500 })).rejects.toThrow('ledger down');
    expect(await written(id)).toEqual(before);
    expect(await organisationNamed(marker)).toEqual([]);
  });

  it('an effect handler that writes commits with the transition and sees the case at its new version', async () => {
    const marker = `ledger ${randomUUID()}`;
    const seen: Record<string, unknown>[] = [];
    const e = engine([v1], {
      ledger: async (tx, effect, on) => {
        const [inTx] = await tx.select().from(cases).where(eq(cases.id, on.caseRow.id));
        const [outside] = await handle.db.select().from(cases).where(eq(cases.id, on.caseRow.id));
        seen.push({
          effect,
          caseRow: on.caseRow.version,
          inTx: inTx?.version,
          state: inTx?.state,
          outside: outside?.version,
        });
        await tx.insert(organisations).values({ name: marker, kind: 'partner' });
      },
    });
    const { id } = await e.create(actor, { machine: 'test-integrity' });
    const view = await e.send(actor, id, { type: 'PAY', amountPence: 500 });
    expect(view).toMatchObject({ state: 'paid', version: 2, context: { paidPence: 500 } });
    expect(seen).toEqual([
      {
        effect: { type: 'ledger', params: { amountPence: 500 } },
        caseRow: 2,
        inTx: 2,
        state: 'paid',
        outside: 1,
      },
    ]);
    expect(await organisationNamed(marker)).toHaveLength(1);
    const after = await written(id);
    expect(after.history.map((h) => h.type)).toEqual(['CREATE', 'PAY']);
    expect(after.timers).toHaveLength(1);
    expect(after.timers[0]!.timer_key).toMatch(/chase/);
  });

  it('engine calls sharing a caller’s transaction roll back together', async () => {
    const e = engine();
    let id = '';
    const failing = e.transaction(async (tx) => {
      id = (await e.create(actor, { machine: 'test-integrity' }, tx)).id;
      await e.send(actor, id, { type: 'BUMP' }, { tx });
      throw new Error('caller changed its mind');
    });
    await expect(failing).rejects.toThrow('caller changed its mind');
    expect(await handle.sql`select id from cases where id = ${id}`).toHaveLength(0);
    expect(await handle.sql`select version from case_events where case_id = ${id}`).toHaveLength(0);
  });
});

describe('MachineRegistry refuses incomplete definitions', () => {
  const { EXPLODE: _explode, ...withoutExplode } = v1.events;
  const { paid: _paid, ...withoutPaid } = v1.states;
  it.each<[string, () => MachineDefinition[], RegExp]>([
    [
      'an event without a spec',
      () => [definition({ events: withoutExplode })],
      /events without a spec: EXPLODE/,
    ],
    [
      'a spec for an event the machine never takes',
      () => [
        definition({
          events: {
            ...v1.events,
            FLY: { label: 'Fly', payload: empty, sentBy: ['owner'], ownerPermission: 'anyMember' },
          },
        }),
      ],
      /specs for events the machine never takes: FLY/,
    ],
    ['a state without a label', () => [definition({ states: withoutPaid })], /states without a label: paid/],
    [
      'a time to answer that is not a whole number of working days',
      () => [
        definition({
          states: {
            ...v1.states,
            paid: { label: 'Paid', answerWithin: { workingDays: 2.5, what: 'Check' } },
          },
        }),
      ],
      /answerWithin must be a whole number of working days, 1 or more: paid/,
    ],
    ['the same id@version twice', () => [v1, definition()], /test-integrity@1 is registered twice/],
    [
      'an owner’s event that does not say which of their people may send it',
      () => [
        definition({ events: { ...v1.events, BUMP: { label: 'Bump', payload: empty, sentBy: ['owner'] } } }),
      ],
      /BUMP is sent by the owner, so it must say which of their people may send it/,
    ],
    [
      'a machine id unlike the definition id',
      () => [definition({ id: 'other' })],
      /XState machine id is "test-integrity"/,
    ],
    [
      'a definition id unlike the machine id',
      () => [definition({ machine: testMachine(1, 'other') })],
      /machine id is "other"/,
    ],
  ])('%s', (_name, definitions, message) => {
    expect(() => new MachineRegistry(definitions())).toThrow(message);
  });

  it('accepts a complete definition, and two versions of one machine', () => {
    expect(new MachineRegistry([v1]).get('test-integrity', 1)).toBe(v1);
    expect(new MachineRegistry([v1, v2]).list()).toEqual([v2]);
  });
});

describe('machine versions', () => {
  it.each([
    ['v1 then v2', [v1, v2]],
    ['v2 then v1', [v2, v1]],
  ])('latest is the higher version whatever the order (%s)', (_name, definitions) => {
    const registry = new MachineRegistry(definitions);
    expect(registry.latest('test-integrity')).toBe(v2);
    expect(registry.get('test-integrity', 1)).toBe(v1);
    expect(registry.get('test-integrity', 2)).toBe(v2);
    expect(registry.get('test-integrity', 3)).toBeUndefined();
    expect(registry.list()).toEqual([v2]);
  });

  it('a case created on v1 keeps running on v1 after v2 is registered; new cases start on v2', async () => {
    const old = await engine([v1]).create(actor, { machine: 'test-integrity' });
    expect(old.machineVersion).toBe(1);
    const both = engine([v1, v2]);
    const bumped = await both.send(actor, old.id, { type: 'BUMP' });
    expect(bumped).toMatchObject({ machineVersion: 1, version: 2, context: { count: 1 } });
    expect((await written(old.id)).row!.machine_version).toBe(1);

    const fresh = await both.create(actor, { machine: 'test-integrity' });
    expect(fresh.machineVersion).toBe(2);
    expect((await both.send(actor, fresh.id, { type: 'BUMP' })).context).toMatchObject({ count: 10 });
  });

  it('a case whose version is no longer registered is refused, writing nothing', async () => {
    const { id } = await engine([v1]).create(actor, { machine: 'test-integrity' });
    const before = await written(id);
    await expect(engine([v2]).send(actor, id, { type: 'BUMP' })).rejects.toThrow(/not registered/);
    expect(await written(id)).toEqual(before);
  });

  it('a case whose version is not registered still lists, plainly, without breaking the list', async () => {
    const { id } = await engine([v1]).create(actor, { machine: 'test-integrity' });
    const unknownHere = engine([]);
    const listed = await unknownHere.list(actor, { limit: 100 });
    expect(listed.items.find((c) => c.id === id)).toMatchObject({
      machine: 'test-integrity',
      machineVersion: 1,
    });
    const waiting = await unknownHere.waiting(actor);
    expect(waiting.items).toEqual([]);
    await expect(unknownHere.get(actor, id)).rejects.toThrow(/not registered/);
  });
});
