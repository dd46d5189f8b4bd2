// A property of the rulebook for every machine that makes decisions, through the real engine on
// PostgreSQL: random walks in which every role (and the owning provider) sends whatever it may, with
// amounts just below, at and just above the delegation threshold, and the rulebook's own events mixed
// in. Afterwards, from the ledger and the history alone: no commitment that left a case holding more
// than the threshold was made except by an approver's SIGN_DECISION, and no approver signed a decision
// they made. The walks must have held, signed and sent back decisions on every such machine.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import type { MachineDefinition } from '../../machines/define.ts';
import { findUserByEmail } from '../../src/db/queries/people.ts';
import { actorOf } from '../../src/domain/people.ts';
import type { Actor } from '../../src/engine/actor.ts';
import { rulebookEvents } from '../../src/engine/rulebook.ts';
import { restore } from '../../src/engine/snapshot.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Explorer } from '../helpers/machine-explorer.ts';
import { machineHints } from '../helpers/machine-hints.ts';

const THRESHOLD = 200_000;
const WALKS_PER_MACHINE = 20;
const STEPS_PER_WALK = 60;

let t: TestApp;
let people: Actor[];
beforeAll(async () => {
  t = await startTestApp();
  const staff = ['officer@demo.test', 'panel@demo.test', 'finance@demo.test', 'approver@demo.test'];
  people = [];
  for (const email of staff) people.push(actorOf((await findUserByEmail(t.db, email))!));
});
afterAll(() => t?.close());

/** How to open a case of each machine that makes decisions: its owner and its creation input. */
async function opener(definition: MachineDefinition, programmeId: string) {
  const kind = definition.ownerKinds[0]!;
  // An organisation with someone in it, so the owner's events are sent too.
  const [owner] = await t.sql`select o.id from organisations o
    where o.kind = ${kind} and exists (select 1 from users u where u.organisation_id = o.id)
    order by o.name limit 1`;
  const input: Record<string, unknown> = { programmeId };
  if (definition.input.shape.allocationPence)
    Object.assign(input, {
      allocationPence: THRESHOLD + 1,
      financialYear: '2026-27',
      purpose: 'Safer streets',
    });
  if (definition.input.shape.contractValuePence) input.contractValuePence = THRESHOLD * 3;
  const [providerUser] = await t.sql`select email from users where organisation_id = ${owner!.id} limit 1`;
  const ownerActor = providerUser ? actorOf((await findUserByEmail(t.db, providerUser.email))!) : undefined;
  return { organisationId: owner!.id as string, input, ownerActor };
}

/** Whether an event, from this state, can only lead to a final state. */
function endsCase(definition: MachineDefinition, state: string, type: string): boolean {
  const node = definition.machine.root.states[state] as AnyStateNode | undefined;
  const targets = (node?.transitions.get(type) ?? []).flatMap((tr) => tr.target ?? []);
  return targets.length > 0 && targets.every((target) => target.type === 'final');
}

/** Money fields near the threshold: one below, at, one above, and what the walk already had. */
function nearThreshold(payload: Record<string, unknown>, pick: number): Record<string, unknown> {
  const amounts = [THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, THRESHOLD * 2];
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      /Pence$/.test(k) && typeof v === 'number' ? amounts[pick % 4] : v,
    ]),
  );
}

const deciding = (await import('../../machines/index.ts')).machineDefinitions.filter((d) =>
  Object.values(d.events).some((e) => e.decision),
);

describe('no path commits money above the threshold without an approver’s signature', () => {
  it.each(deciding.map((d) => [d.id, d] as const))('%s', async (_id, definition) => {
    const { programmeId } = await t.programme({
      cycle: definition.id,
      delegationThresholdPence: THRESHOLD,
      maxAwardPence: THRESHOLD * 2,
    });
    const explorer = new Explorer(definition, machineHints[definition.id]);
    const { organisationId, input, ownerActor } = await opener(definition, programmeId);
    const officer = people[0]!;
    const seeds = fc.sample(
      fc.array(fc.nat(1000), { minLength: STEPS_PER_WALK * 3, maxLength: STEPS_PER_WALK * 3 }),
      {
        seed: 1207,
        numRuns: WALKS_PER_MACHINE,
      },
    );
    const caseIds: string[] = [];
    for (const choices of seeds) {
      const creator = definition.createdBy.includes('owner') && ownerActor ? ownerActor : officer;
      const created = await t.engine.create(creator, { machine: definition.id, organisationId, input });
      caseIds.push(created.id);
      const actors = [...people, ...(ownerActor ? [ownerActor] : [])];
      let sentBack = false;
      for (let i = 0; i < STEPS_PER_WALK; i++) {
        const [, what, how] = [choices[i * 3]!, choices[i * 3 + 1]!, choices[i * 3 + 2]!];
        // Whatever anyone may send now, each person's own choices (the rulebook's included).
        const open = [];
        for (const actor of actors) {
          const view = await t.engine.get(actor, created.id).catch(() => undefined);
          for (const e of view?.nextEvents ?? []) open.push({ actor, type: e.type });
        }
        // Deadlines passing, as the worker would fire them, are choices too.
        const due = await t.sql`select event->>'type' as type from timers where case_id = ${created.id}`;
        for (const timer of due)
          open.push({ actor: undefined as unknown as Actor, type: `timer:${timer.type}` });
        if (!open.length) break;
        // Events that end the case are picked an eighth as often, so walks get past the decisions.
        const state = (await t.sql`select state from cases where id = ${created.id}`)[0]!.state as string;
        // Sending back again (after the first, below) is picked as seldom, so decisions get signed.
        const weight = (type: string) =>
          endsCase(definition, state, type) || type === 'SEND_BACK_DECISION' ? 1 : 8;
        const weighted = open.flatMap((o) => Array(weight(o.type)).fill(o));
        // The first decision held in a walk is sent back, so every walk that reaches one also tries
        // the decision after a send-back; later ones go either way.
        const sendBack = !sentBack ? open.find((o) => o.type === 'SEND_BACK_DECISION') : undefined;
        if (sendBack) sentBack = true;
        const { actor, type } = sendBack ?? weighted[what % weighted.length]!;
        if (type.startsWith('timer:')) {
          const event = { type: type.slice('timer:'.length) };
          await t.engine
            .transaction(async (tx) => {
              await tx.execute(
                sql`delete from timers where case_id = ${created.id} and event->>'type' = ${event.type}`,
              );
              return t.engine.fireTimer(tx, created.id, event);
            })
            .catch(() => undefined);
          continue;
        }
        let payload: Record<string, unknown>;
        if (Object.hasOwn(rulebookEvents, type))
          payload = type === 'SIGN_DECISION' ? {} : { reason: 'Not yet' };
        else {
          const row = (await t.sql`select snapshot from cases where id = ${created.id}`)[0]!;
          const snapshot: AnyMachineSnapshot = restore(definition, row.snapshot);
          const candidates = explorer.candidates(type, snapshot.context);
          const taken = candidates.filter((p) => explorer.attempt(snapshot, type, p) !== undefined);
          // Half the time the first payload the machine takes (hints come first), else any candidate.
          const pool = taken.length ? taken : candidates;
          const base = (how % 2 === 0 ? pool[0] : pool[how % Math.max(1, pool.length)]) ?? {};
          payload = nearThreshold(base, how);
        }
        await t.engine.send(actor, created.id, { type, ...payload }).catch(() => undefined);
      }
    }

    // From the ledger and the history alone.
    const movements = await t.sql<
      { case_id: string; case_version: number; net_after: string; movement: string }[]
    >`
      select l.case_id, l.case_version,
        sum(case l.movement when 'commit' then l.amount_pence when 'release' then -l.amount_pence else 0 end)
          over (partition by l.case_id order by l.id) as net_after, l.movement
      from fund_ledger l where l.case_id = any(${caseIds})`;
    const history = await t.sql<
      {
        case_id: string;
        version: number;
        type: string;
        actor_role: string;
        actor_id: string | null;
        payload: any;
        effects: any;
      }[]
    >`
      select case_id, version, type, actor_role, actor_id, payload, effects from case_events where case_id = any(${caseIds})`;
    const at = new Map(history.map((h) => [`${h.case_id}@${h.version}`, h]));
    const unsigned = movements
      .filter((c) => c.movement === 'commit' && Number(c.net_after) > THRESHOLD)
      .map((c) => at.get(`${c.case_id}@${c.case_version}`))
      .filter((h) => !(h?.type === 'SIGN_DECISION' && h.actor_role === 'approver'));
    expect(unsigned, 'commitments above the threshold that no approver signed').toEqual([]);
    const selfSigned = history.filter(
      (h) => h.type === 'SIGN_DECISION' && h.payload?.decidedBy === h.actor_id,
    );
    expect(selfSigned).toEqual([]);

    // The walks exercised the rulebook on this machine: decisions were held, signed and sent back.
    const seen = new Set(
      history.map((h) => (h.effects?.[0]?.type === 'awaitingSignature' ? 'held' : h.type)),
    );
    expect(
      [...seen].filter((s) => ['held', 'SIGN_DECISION', 'SEND_BACK_DECISION'].includes(s)).sort(),
    ).toEqual(['SEND_BACK_DECISION', 'SIGN_DECISION', 'held']);
  });
});
