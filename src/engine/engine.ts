// The generic workflow engine: creates cases and moves them through their machines, one locked,
// all-or-nothing transaction per event. It knows no machine by name; it gets the registry.
import type { AnyMachineSnapshot } from 'xstate';
import type { MachineDefinition } from '../../machines/define.ts';
import type { Database, Db, Tx } from '../db/client.ts';
import {
  type CaseEventRow,
  type CaseRow,
  cancelTimers,
  caseHistory,
  findCase,
  insertCase,
  insertCaseEvent,
  listCases,
  lockCase,
  setTimers,
  updateCase,
} from '../db/queries/cases.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import { interpretActions } from './actions.ts';
import { type Actor, canSee, isSender } from './actor.ts';
import type { Clock } from './clock.ts';
import { fieldErrors, forbidden, integrity, invalid, notAccepted, notFound, staleVersion } from './errors.ts';
import type { MachineRegistry } from './registry.ts';
import { acceptedEvents, type EmittedAction, persist, restore, start, stateName, step } from './snapshot.ts';

/** Runs a machine's named action inside the transition's transaction (money, notifications, ...). */
export type EffectHandler = (
  tx: Tx,
  effect: EmittedAction,
  on: { caseRow: CaseRow; definition: MachineDefinition; actor: Actor; at: Date },
) => Promise<void>;

export interface EngineDeps {
  db: Database;
  registry: MachineRegistry;
  clock: Clock;
  effects?: Record<string, EffectHandler>;
}

export interface CaseSummary {
  id: string;
  machine: string;
  machineVersion: number;
  state: string;
  stateLabel: string;
  version: number;
  organisationId: string;
  createdAt: string;
  updatedAt: string;
}

export interface CaseView extends CaseSummary {
  context: unknown;
  /** Only the events this actor may send now. */
  nextEvents: { type: string; label: string }[];
}

export interface HistoryEntry {
  version: number;
  type: string;
  payload: unknown;
  fromState: string | null;
  toState: string;
  actor: { id: string | null; role: string };
  effects: unknown;
  at: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Engine {
  constructor(private readonly deps: EngineDeps) {}

  get registry(): MachineRegistry {
    return this.deps.registry;
  }

  /** Runs work in one transaction; engine calls given the same `tx` commit or roll back together. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.deps.db.transaction(work);
  }

  async create(
    actor: Actor,
    request: { machine: string; organisationId?: string | undefined; input?: unknown },
    tx?: Tx,
  ): Promise<CaseView> {
    if (!tx) return this.transaction((t) => this.create(actor, request, t));
    const definition = this.deps.registry.latest(request.machine);
    if (!definition) {
      const known = this.deps.registry.list().map((d) => d.id);
      throw invalid('There is no machine by that name.', [
        {
          field: 'machine',
          message: `Unknown machine "${request.machine}"; known machines: ${known.join(', ')}`,
        },
      ]);
    }
    const organisationId = await this.owningOrganisation(tx, actor, definition, request.organisationId);
    const input = definition.input.safeParse(request.input ?? {});
    if (!input.success)
      throw invalid('The creation input is not valid.', fieldErrors(input.error.issues, 'input'));

    const now = this.deps.clock.now();
    const { snapshot, actions } = start(definition, input.data);
    const interpreted = interpretActions(actions, now);
    const state = stateName(snapshot);
    const caseRow = await insertCase(tx, {
      machineId: definition.id,
      machineVersion: definition.version,
      state,
      snapshot: persist(definition, snapshot),
      organisationId,
      version: 1,
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    });
    await this.runEffects(tx, interpreted.effects, { caseRow, definition, actor, at: now });
    await insertCaseEvent(tx, {
      caseId: caseRow.id,
      version: 1,
      type: 'CREATE',
      payload: input.data,
      fromState: null,
      toState: state,
      actorId: actor.userId,
      actorRole: actor.role,
      effects: interpreted.effects,
      at: now,
    });
    await setTimers(tx, caseRow.id, interpreted.timersToSet);
    return this.view(actor, caseRow, definition, snapshot);
  }

  /**
   * Sends one event to one case. Refusals write nothing: 404 unseen, 412 stale version, 422 unknown
   * event or bad payload, 403 not a sender, 409 not accepted in this state.
   */
  async send(
    actor: Actor,
    caseId: string,
    event: unknown,
    options: { expectedVersion?: number | undefined; tx?: Tx } = {},
  ): Promise<CaseView> {
    const { tx } = options;
    if (!tx) return this.transaction((t) => this.send(actor, caseId, event, { ...options, tx: t }));
    if (!UUID.test(caseId)) throw notFound();
    const caseRow = await lockCase(tx, caseId);
    if (!caseRow || !canSee(actor, caseRow.organisationId)) throw notFound();
    const definition = this.definitionOf(caseRow);
    if (options.expectedVersion !== undefined && options.expectedVersion !== caseRow.version) {
      throw staleVersion(options.expectedVersion, caseRow.version);
    }
    const { type, ...rawPayload } = (event ?? {}) as Record<string, unknown>;
    if (typeof type !== 'string' || !(type in definition.events)) {
      throw invalid('That is not an event of this machine.', [
        {
          field: 'type',
          message: `Expected one of ${Object.keys(definition.events).join(', ')}; got ${JSON.stringify(type ?? null)}`,
        },
      ]);
    }
    const spec = definition.events[type]!;
    if (!isSender(actor, spec.sentBy, caseRow.organisationId)) {
      throw forbidden(`Your role (${actor.role}) may not send ${type} to this case.`);
    }
    const snapshot = restore(definition, caseRow.snapshot);
    const accepted = acceptedEvents(definition, snapshot);
    if (!accepted.includes(type)) {
      const mine = accepted.filter((t) =>
        isSender(actor, definition.events[t]!.sentBy, caseRow.organisationId),
      );
      throw notAccepted(type, caseRow.state, accepted, mine);
    }
    const payload = spec.payload.safeParse(rawPayload);
    if (!payload.success)
      throw invalid(`The ${type} payload is not valid.`, fieldErrors(payload.error.issues));
    const problems = spec.check?.(snapshot.context, payload.data) ?? [];
    if (problems.length) throw invalid(`The ${type} payload does not fit this case.`, problems);

    const next = step(definition, snapshot, { ...payload.data, type });
    if (next.snapshot === snapshot) {
      const mine = accepted.filter((t) =>
        isSender(actor, definition.events[t]!.sentBy, caseRow.organisationId),
      );
      throw notAccepted(type, caseRow.state, accepted, mine);
    }
    const now = this.deps.clock.now();
    const interpreted = interpretActions(next.actions, now);
    const toState = stateName(next.snapshot);
    const updated = await updateCase(tx, caseRow.id, caseRow.version, {
      state: toState,
      snapshot: persist(definition, next.snapshot),
      at: now,
    });
    await this.runEffects(tx, interpreted.effects, { caseRow: updated, definition, actor, at: now });
    await insertCaseEvent(tx, {
      caseId: caseRow.id,
      version: updated.version,
      type,
      payload: payload.data,
      fromState: caseRow.state,
      toState,
      actorId: actor.userId,
      actorRole: actor.role,
      effects: interpreted.effects,
      at: now,
    });
    await cancelTimers(tx, caseRow.id, interpreted.timersToCancel);
    await setTimers(tx, caseRow.id, interpreted.timersToSet);
    return this.view(actor, updated, definition, next.snapshot);
  }

  async get(actor: Actor, caseId: string, db: Db = this.deps.db): Promise<CaseView> {
    const caseRow = await this.visibleCase(actor, caseId, db);
    const definition = this.definitionOf(caseRow);
    return this.view(actor, caseRow, definition, restore(definition, caseRow.snapshot));
  }

  async history(actor: Actor, caseId: string): Promise<HistoryEntry[]> {
    const caseRow = await this.visibleCase(actor, caseId, this.deps.db);
    return (await caseHistory(this.deps.db, caseRow.id)).map(historyEntry);
  }

  async list(
    actor: Actor,
    filter: {
      machine?: string | undefined;
      state?: string | undefined;
      limit: number;
      beforeSeq?: number | undefined;
    },
  ): Promise<{ items: CaseSummary[]; lastSeq: number | null }> {
    // One row more than asked for says whether there is a next page, without a second query.
    const rows = await listCases(this.deps.db, {
      machineId: filter.machine,
      state: filter.state,
      organisationId: actor.role === 'provider' ? (actor.organisationId ?? undefined) : undefined,
      beforeSeq: filter.beforeSeq,
      limit: filter.limit + 1,
    });
    const page = rows.slice(0, filter.limit);
    const items = page.map((row) => summary(row, this.definitionOf(row)));
    return { items, lastSeq: rows.length > filter.limit ? page[page.length - 1]!.seq : null };
  }

  private async visibleCase(actor: Actor, caseId: string, db: Db): Promise<CaseRow> {
    if (!UUID.test(caseId)) throw notFound();
    const caseRow = await findCase(db, caseId);
    if (!caseRow || !canSee(actor, caseRow.organisationId)) throw notFound();
    return caseRow;
  }

  private definitionOf(caseRow: CaseRow): MachineDefinition {
    const definition = this.deps.registry.get(caseRow.machineId, caseRow.machineVersion);
    if (!definition) {
      throw integrity(
        `Case ${caseRow.id} runs on ${caseRow.machineId}@${caseRow.machineVersion}, which is not registered.`,
      );
    }
    return definition;
  }

  /** A provider opens cases for its own organisation; staff name the organisation the case is for. */
  private async owningOrganisation(
    tx: Tx,
    actor: Actor,
    definition: MachineDefinition,
    requested: string | undefined,
  ): Promise<string> {
    if (actor.role === 'provider') {
      if (!definition.createdBy.includes('owner'))
        throw forbidden(`Providers cannot open ${definition.id} cases.`);
      if (requested !== undefined && requested !== actor.organisationId) {
        throw forbidden('Providers can open cases only for their own organisation.');
      }
      return actor.organisationId!;
    }
    if (actor.role === 'system' || !definition.createdBy.includes(actor.role)) {
      throw forbidden(`Your role (${actor.role}) may not open ${definition.id} cases.`);
    }
    if (!requested) {
      throw invalid('Say which organisation the case is for.', [
        { field: 'organisationId', message: 'Required when staff open a case' },
      ]);
    }
    if (!UUID.test(requested) || !(await findOrganisation(tx, requested))) {
      throw invalid('There is no such organisation.', [
        { field: 'organisationId', message: 'Unknown organisation' },
      ]);
    }
    return requested;
  }

  private async runEffects(
    tx: Tx,
    effects: EmittedAction[],
    on: Parameters<EffectHandler>[2],
  ): Promise<void> {
    for (const effect of effects) await this.deps.effects?.[effect.type]?.(tx, effect, on);
  }

  private view(
    actor: Actor,
    caseRow: CaseRow,
    definition: MachineDefinition,
    snapshot: AnyMachineSnapshot,
  ): CaseView {
    const nextEvents = acceptedEvents(definition, snapshot)
      .filter((type) => isSender(actor, definition.events[type]!.sentBy, caseRow.organisationId))
      .map((type) => ({ type, label: definition.events[type]!.label }));
    return { ...summary(caseRow, definition), context: snapshot.context, nextEvents };
  }
}

function summary(row: CaseRow, definition: MachineDefinition): CaseSummary {
  return {
    id: row.id,
    machine: row.machineId,
    machineVersion: row.machineVersion,
    state: row.state,
    stateLabel: definition.states[row.state]?.label ?? row.state,
    version: row.version,
    organisationId: row.organisationId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function historyEntry(row: CaseEventRow): HistoryEntry {
  return {
    version: row.version,
    type: row.type,
    payload: row.payload,
    fromState: row.fromState,
    toState: row.toState,
    actor: { id: row.actorId, role: row.actorRole },
    effects: row.effects,
    at: row.at.toISOString(),
  };
}
