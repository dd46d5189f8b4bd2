// A property of the rulebook for every machine that makes decisions, through the real engine on
// PostgreSQL. Each walk first takes a new case along the way to one of the machine's states in turn
// (so every state is reached), then wanders: every role (and the owning provider) sends whatever it
// may, to the case and to the cases about it (its payments), with amounts just below, at and just
// above the delegation threshold, deadlines passing as the worker fires them, and the rulebook's own
// events mixed in. Afterwards, from the ledger and the history alone: no commitment that left a case
// holding more than the threshold was made except by an approver's SIGN_DECISION; no approver signed
// a decision they made; every decision, signature and send-back was made by someone who had declared
// no conflict of interest (some walks never declare, and some people try without); no award ended
// before its agreed last day except by an action that recorded the reasons; every state was reached;
// and decisions were held, signed and sent back.

import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import type { MachineDefinition } from '../../machines/define.ts';
import { findUserByEmail } from '../../src/db/queries/people.ts';
import { actorOf } from '../../src/domain/people.ts';
import { type Actor, systemActor } from '../../src/engine/actor.ts';
import { caseEvents } from '../../src/engine/case-officer.ts';
import { undescribedFields } from '../../src/engine/field-meta.ts';
import { rulebookEvents } from '../../src/engine/rulebook.ts';
import { acceptedEvents, restore, stateName } from '../../src/engine/snapshot.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { declareBeforeSending } from '../helpers/declarations.ts';
import { Explorer } from '../helpers/machine-explorer.ts';
import { machineHints } from '../helpers/machine-hints.ts';
import { FUZZED_YEARS } from '../helpers/programmes.ts';

const THRESHOLD = 200_000;
const WALKS_PER_MACHINE = 40;
const STEPS_PER_WALK = 60;

let t: TestApp;
let people: Actor[];
beforeAll(async () => {
  t = await startTestApp();
  const staff = [
    'officer@demo.test',
    'panel@demo.test',
    'finance@demo.test',
    'finance2@demo.test',
    'approver@demo.test',
  ];
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
  it.each(deciding.map((d) => [d.id, d] as const))(
    '%s',
    async (_id, definition) => {
      const { programmeId } = await t.programme({
        cycle: definition.id,
        delegationThresholdPence: THRESHOLD,
        maxAwardPence: THRESHOLD * 2,
        otherYears: FUZZED_YEARS,
      });
      const explorers = new Map<string, Explorer>();
      const suppliers = (
        await t.sql<
          { id: string }[]
        >`select id from organisations where kind = 'provider' order by name, id limit 2`
      ).map((s) => s.id);
      const explorerOf = (d: MachineDefinition) => {
        const key = `${d.id}@${d.version}`;
        if (!explorers.has(key))
          explorers.set(key, new Explorer(d, machineHints[d.id], undefined, suppliers));
        return explorers.get(key)!;
      };
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
      const actors = [...people, ...(ownerActor ? [ownerActor] : [])];
      const creator = definition.createdBy.includes('owner') && ownerActor ? ownerActor : officer;
      const openCase = () => t.engine.create(creator, { machine: definition.id, organisationId, input });
      const snapshotOf = async (id: string) =>
        restore(definition, (await t.sql`select snapshot from cases where id = ${id}`)[0]!.snapshot);
      // A way to each state, found over the pure machine from a real case's start.
      const ways = [
        ...explorerOf(definition)
          .ways(await snapshotOf((await openCase()).id))
          .values(),
      ];

      /**
       * Takes a case along a way to a state, as the people (or the system) would send each step; a
       * decision the rulebook holds is signed by the approver. A step the engine refuses (a plain
       * close before the award's end date, say) is tried by another event that leads to the same
       * state (terminating, with its reasons). Stops where no step is taken.
       */
      async function follow(
        id: string,
        steps: { type: string; to: string; on?: string }[],
        pick: number,
        declares: boolean,
        variant: number,
      ) {
        const explorer = explorerOf(definition);
        /** Sends `type` towards `to`; whether the engine took it. */
        async function take(
          type: string,
          to: string,
          rest: { type: string; to: string; on?: string }[],
          on?: string,
        ) {
          const snapshot = await snapshotOf(id);
          // Of the payloads that take this step, each round of walks its own (a short agreement or a
          // long one), so long as the rest of the way can still be taken from where it leads.
          const reaching = explorer.candidates(type, snapshot.context).filter((p) => {
            const next = explorer.attempt(snapshot, type, p, on);
            return next !== undefined && stateName(next) === to;
          });
          const first = variant % Math.max(1, reaching.length);
          const rotated = [...reaching.slice(first), ...reaching.slice(0, first)];
          const leadsOn = (p: Record<string, unknown>) => {
            let next = explorer.attempt(snapshot, type, p, on);
            for (const later of rest) {
              const onward = next && explorer.payloadTo(next, later.type, later.to, later.on);
              next = next && onward ? explorer.attempt(next, later.type, onward, later.on) : undefined;
            }
            return next !== undefined;
          };
          const payload = rotated.find(leadsOn) ?? rotated[0];
          if (!payload) return false;
          // Money near the threshold where the machine takes it, so some decisions on the way are held.
          const near = nearThreshold(payload, pick);
          const sent = explorer.attempt(snapshot, type, near, on) ? near : payload;
          const senders = definition.events[type]!.sentBy.every((s) => s === 'system')
            ? [systemActor]
            : actors;
          for (const actor of senders) {
            if (declares) await declareBeforeSending(t.db, t.engine, actor, id, type);
            const view = await t.engine.send(actor, id, { type, ...sent }).catch(() => undefined);
            if (!view) continue;
            if (view.decision?.status === 'awaitingSignature') {
              const approver = people.find((p) => p.role === 'approver')!;
              if (declares) await declareBeforeSending(t.db, t.engine, approver, id, 'SIGN_DECISION');
              await t.engine.send(approver, id, { type: 'SIGN_DECISION' }).catch(() => undefined);
            }
            return true;
          }
          return false;
        }
        for (const [index, { type, to, on }] of steps.entries()) {
          const rest = steps.slice(index + 1);
          const step = async () => {
            if (await take(type, to, rest, on)) return true;
            const others = acceptedEvents(definition, await snapshotOf(id)).filter((other) => other !== type);
            let taken = false;
            for (const other of others) if (!taken) taken = await take(other, to, rest, on);
            return taken;
          };
          // A step the way takes on a later day (once a deadline has come) is taken on that day.
          if (!(await (on ? t.onDay(on, step) : step()))) return;
        }
      }

      const offered = new Map<string, string[]>();
      for (const [walk, choices] of seeds.entries()) {
        const created = await openCase();
        caseIds.push(created.id);
        // Each walk starts along the way to one of the machine's states in turn, then wanders.
        // In one walk in four, no one declares anything: every decision must then be refused.
        const declares = walk % 4 !== 3;
        // Each round of walks over the states takes the next of the payloads that lead there.
        const round = Math.floor(walk / ways.length);
        await follow(created.id, ways[walk % ways.length]!.steps, walk, declares, round);
        let sentBack = false;
        for (let i = 0; i < STEPS_PER_WALK; i++) {
          const [, what, how] = [choices[i * 3]!, choices[i * 3 + 1]!, choices[i * 3 + 2]!];
          // The award and the cases about it (its payments, its returns): people act on them all, so
          // a walk gets the award paid and past it.
          const linked = await t.sql<
            { id: string; machine_id: string; machine_version: number; state: string; version: number }[]
          >`
          select id, machine_id, machine_version, state, version from cases
          where id = ${created.id} or award_case_id = ${created.id} order by seq`;
          // Whatever anyone may send now, each person's own choices (the rulebook's included).
          const open: { caseId: string; actor: Actor; type: string }[] = [];
          for (const kase of linked) {
            for (const [who, actor] of actors.entries()) {
              // What a person may send follows from the case as it stands (its version) and who they
              // are: read once per version, not again at every step of the walk.
              const key = `${who}:${kase.id}:${kase.version}`;
              let types = offered.get(key);
              if (!types) {
                const view = await t.engine.get(actor, kase.id).catch(() => undefined);
                // Reassigning a case moves no money and leaves the machine where it is: not a walk's step.
                types = (view?.nextEvents ?? [])
                  .map((e) => e.type)
                  .filter((type) => !Object.hasOwn(caseEvents, type));
                offered.set(key, types);
              }
              for (const type of types) open.push({ caseId: kase.id, actor, type });
            }
            // Deadlines passing, as the worker would fire them, are choices too.
            const due = await t.sql`select event->>'type' as type from timers where case_id = ${kase.id}`;
            for (const timer of due)
              open.push({
                caseId: kase.id,
                actor: undefined as unknown as Actor,
                type: `timer:${timer.type}`,
              });
          }
          if (!open.length) break;
          const definitionOf = (caseId: string) => {
            const kase = linked.find((k) => k.id === caseId)!;
            return t.engine.registry.get(kase.machine_id, kase.machine_version)!;
          };
          const stateOf = (caseId: string) => linked.find((k) => k.id === caseId)!.state;
          // Events that end a case are picked an eighth as often as others, and those that only lead
          // back where the walk has been a sixteenth, so walks get past the decisions to every stage. Sending back again (after the
          // first, below) is picked as seldom, so decisions get signed.
          const weight = (o: { caseId: string; type: string }) => {
            if (
              endsCase(definitionOf(o.caseId), stateOf(o.caseId), o.type) ||
              o.type === 'SEND_BACK_DECISION'
            )
              return 1;
            // Deadlines pass when no one acts: as likely as anything people do.
            return o.type.startsWith('timer:') ? 16 : 8;
          };
          const weighted = open.flatMap((o) => Array(weight(o)).fill(o));
          // The first decision held in a walk is sent back, so every walk that reaches one also tries
          // the decision after a send-back; later ones go either way.
          const sendBack = !sentBack ? open.find((o) => o.type === 'SEND_BACK_DECISION') : undefined;
          if (sendBack) sentBack = true;
          const { actor, type, caseId } = sendBack ?? weighted[what % weighted.length]!;
          const caseDefinition = definitionOf(caseId);
          if (type.startsWith('timer:')) {
            const event = { type: type.slice('timer:'.length) };
            await t.engine
              .transaction(async (tx) => {
                await tx.execute(
                  sql`delete from timers where case_id = ${caseId} and event->>'type' = ${event.type}`,
                );
                return t.engine.fireTimer(tx, caseId, event);
              })
              .catch(() => undefined);
            continue;
          }
          let payload: Record<string, unknown>;
          if (Object.hasOwn(rulebookEvents, type))
            payload = type === 'SIGN_DECISION' ? {} : { reason: 'Not yet' };
          else {
            const row = (await t.sql`select snapshot from cases where id = ${caseId}`)[0]!;
            const snapshot: AnyMachineSnapshot = restore(caseDefinition, row.snapshot);
            const caseExplorer = explorerOf(caseDefinition);
            const candidates = caseExplorer.candidates(type, snapshot.context);
            const taken = candidates.filter((p) => caseExplorer.attempt(snapshot, type, p) !== undefined);
            // Three times in four the first payload the machine takes (hints come first), else any candidate.
            const pool = taken.length ? taken : candidates;
            const base = (how % 4 !== 0 ? pool[0] : pool[how % Math.max(1, pool.length)]) ?? {};
            payload = caseId === created.id ? nearThreshold(base, how) : base;
          }
          // People declare no conflict of interest before they decide or sign, as the pages ask them to.
          // People declare first, as the pages ask, but for one time in five (and those walks above).
          if (declares && how % 5 !== 0) await declareBeforeSending(t.db, t.engine, actor, caseId, type);
          await t.engine.send(actor, caseId, { type, ...payload }).catch(() => undefined);
        }
      }

      // From the ledger and the history alone. Each transition's rows together (one case, one
      // instant): what it added to the case's commitment, and the commitment after it. Money moved
      // from one financial year's fund to another's adds nothing.
      const movements = await t.sql<
        { case_id: string; case_version: number | null; net_after: string; added: string }[]
      >`
      select case_id, case_version, net_after, added from (
        select l.case_id, max(l.case_version) as case_version, min(l.id) as first_id,
          sum(case l.movement when 'commit' then l.amount_pence when 'release' then -l.amount_pence else 0 end) as added
        from fund_ledger l where l.case_id = any(${caseIds})
        group by l.case_id, l.at
      ) t
      cross join lateral (
        select sum(case l.movement when 'commit' then l.amount_pence when 'release' then -l.amount_pence else 0 end) as net_after
        from fund_ledger l where l.case_id = t.case_id and l.at <= (select at from fund_ledger where id = t.first_id)
      ) n`;
      const history = await t.sql<
        {
          case_id: string;
          version: number;
          type: string;
          actor_role: string;
          actor_id: string | null;
          payload: any;
          effects: any;
          at: Date;
        }[]
      >`
      select case_id, version, type, actor_role, actor_id, payload, effects, to_state, at from case_events where case_id = any(${caseIds})`;
      const at = new Map(history.map((h) => [`${h.case_id}@${h.version}`, h]));
      const unsigned = movements
        .filter((c) => Number(c.added) > 0 && Number(c.net_after) > THRESHOLD)
        .map((c) => at.get(`${c.case_id}@${c.case_version}`))
        .filter((h) => !(h?.type === 'SIGN_DECISION' && h.actor_role === 'approver'));
      expect(unsigned, 'commitments above the threshold that no approver signed').toEqual([]);
      const selfSigned = history.filter(
        (h) => h.type === 'SIGN_DECISION' && h.payload?.decidedBy === h.actor_id,
      );
      expect(selfSigned).toEqual([]);

      // Every decision, signature and send-back was made by someone who had declared no conflict.
      const declared = await t.sql<{ case_id: string; user_id: string; conflicted: boolean; at: Date }[]>`
        select case_id, user_id, conflicted, at from panel_declarations where case_id = any(${caseIds})`;
      const deciding = new Set([
        ...Object.entries(definition.events)
          .filter(([, spec]) => spec.decision)
          .map(([type]) => type),
        ...Object.keys(rulebookEvents),
      ]);
      const undeclared = history.filter(
        (h) =>
          deciding.has(h.type) &&
          !declared.some(
            (d) => d.case_id === h.case_id && d.user_id === h.actor_id && !d.conflicted && d.at <= h.at,
          ),
      );
      expect(undeclared, 'decisions by people who had not declared no conflict').toEqual([]);

      // No award ended before its agreed last day except by an action that recorded the reasons.
      const finals = new Set(
        Object.entries(definition.machine.root.states)
          .filter(([, node]) => (node as AnyStateNode).type === 'final')
          .map(([name]) => name),
      );
      if (definition.awardEndsOn) {
        const ended = await t.sql<{ id: string; snapshot: any; type: string; payload: any; on: string }[]>`
        select c.id, c.snapshot, e.type, e.payload,
          to_char(e.at at time zone 'Europe/London', 'YYYY-MM-DD') as on from cases c
        join case_events e on e.case_id = c.id and e.to_state = c.state and e.from_state <> e.to_state
        where c.id = any(${caseIds}) and c.state = any(${[...finals]})`;
        const early = ended.filter((row) => {
          const endsOn = definition.awardEndsOn!(restore(definition, row.snapshot).context);
          return endsOn && row.on < endsOn;
        });
        const unexplained = early.filter(
          (row) => !definition.events[row.type]?.irreversible || !String(row.payload?.reason ?? '').trim(),
        );
        expect(unexplained, 'awards ended early without a recorded reason').toEqual([]);
        expect(early.length, 'walks that ended an award early, with its reason').toBeGreaterThan(0);
      }

      // Every context a walk left a case in is described, field by field, by the definition's
      // `context`: pages read a case through it, so a field it forgot would never be shown.
      const contexts = await t.sql<{ snapshot: unknown }[]>`
        select snapshot from cases where id = any(${caseIds})`;
      const undescribed = new Set(
        contexts.flatMap((row) =>
          undescribedFields(definition.context, restore(definition, row.snapshot).context).map((p) =>
            p.replace(/\[\d+\]/g, '[]'),
          ),
        ),
      );
      expect([...undescribed], 'context fields the definition does not describe').toEqual([]);

      // Every state of the machine was reached by some walk.
      const reached = new Set([
        ...history.map((h) => (h as unknown as { to_state: string }).to_state),
        String(definition.machine.root.initial?.target[0]?.key ?? ''),
      ]);
      expect(
        Object.keys(definition.states).filter((state) => !reached.has(state)),
        'states no walk reached',
      ).toEqual([]);

      // The walks exercised the rulebook on this machine: decisions were held, signed and sent back.
      const seen = new Set(
        history.map((h) => (h.effects?.[0]?.type === 'awaitingSignature' ? 'held' : h.type)),
      );
      expect(
        [...seen].filter((s) => ['held', 'SIGN_DECISION', 'SEND_BACK_DECISION'].includes(s)).sort(),
      ).toEqual(['SEND_BACK_DECISION', 'SIGN_DECISION', 'held']);
    },
    180_000,
  );
});
