// The generic workflow engine: creates cases and moves them through their machines, one locked,
// all-or-nothing transaction per event. It knows no machine by name; it gets the registry.
import type { AnyMachineSnapshot } from 'xstate';
import { londonDate } from '../../machines/calendar.ts';
import { type MachineDefinition, type Now, notify } from '../../machines/define.ts';
import type { Database, Db, Tx } from '../db/client.ts';
import { isUniqueViolation } from '../db/errors.ts';
import {
  applyTimerOps,
  type CaseRow,
  caseHistory,
  deleteStateTimers,
  findCase,
  inScope,
  insertCase,
  insertCaseEvent,
  lockCase,
  lockCaseFor,
  moveCase,
} from '../db/queries/cases.ts';
import { findOrganisation } from '../db/queries/organisations.ts';
import { interpretActions } from './actions.ts';
import { type Actor, hasStanding, maySend, scopeOf, sendRefusal, systemActor } from './actor.ts';
import {
  type CaseListFilter,
  type CaseSearchQuery,
  listFor,
  searchCases,
  workWaitingFor,
} from './case-lists.ts';
import { claimant, REASSIGN_CASE, reassignCase } from './case-officer.ts';
import type { Clock } from './clock.ts';
import { type EngineSteps, holdDecision, type Recorded, rulebookEvent } from './decisions.ts';
import {
  fieldErrors,
  forbidden,
  integrity,
  invalid,
  notAccepted,
  notFound,
  ProblemError,
  staleVersion,
} from './errors.ts';
import { isUuid } from './ids.ts';
import type { MachineRegistry } from './registry.ts';
import {
  awaitingSignatureProblem,
  conflictRefusal,
  decisionOf,
  endsAwardEarly,
  eventSpec,
  holdFor,
  type ProgrammeRules,
  rulebookEvents,
  tellsOwner,
  undeclaredRefusal,
} from './rulebook.ts';
import {
  acceptedEvents,
  type EmittedAction,
  persist,
  restore,
  start,
  stateName,
  step,
  transitionEventTypes,
} from './snapshot.ts';
import { supplierNames } from './suppliers.ts';
import { caseViewFor, historyFor } from './view-policy.ts';
import { type CaseSummary, type CaseView, type HistoryEntry, titleOf } from './views.ts';

/** Runs a machine's named action inside the transition's transaction (money, notifications, ...). */
export type EffectHandler = (
  tx: Tx,
  effect: EmittedAction,
  on: { caseRow: CaseRow; definition: MachineDefinition; actor: Actor; at: Date; engine: Engine },
) => Promise<void>;

/**
 * Completes a creation input with what the domain knows (a programme's settings) and names the
 * programme the case belongs to, if any. Throws a ProblemError to refuse.
 */
export type InputPreparer = (
  tx: Tx,
  request: {
    definition: MachineDefinition;
    input: Record<string, unknown>;
    organisationId: string;
    actor: Actor;
    /** The answers to the programme's eligibility questions, for a bid, as the client sent them. */
    eligibility?: unknown;
    /** The definition a case runs on (the award a new case is about, say). */
    definitionOf: (row: CaseRow) => MachineDefinition;
  },
) => Promise<{
  input: Record<string, unknown>;
  programmeId: string | null;
  awardCaseId?: string | null;
  /** That award, as the preparer locked it. */
  award?: CaseRow;
  /** The domain's rows about the new case (a bid's answers), written in the same transaction. */
  afterInsert?: (tx: Tx, caseId: string) => Promise<void>;
}>;

export interface EngineDeps {
  db: Database;
  registry: MachineRegistry;
  clock: Clock;
  effects?: Record<string, EffectHandler>;
  prepareInput?: InputPreparer;
  /**
   * The rules the domain reads from a case's programme: whoever decides or signs has declared no
   * conflict of interest, scoring closes with the panel's quorum or a reason, a moderated score away
   * from the panel's mean has a rationale, a service period fits the programme's dates.
   */
  programmeRules?: ProgrammeRules;
  /**
   * The delegation threshold that applies to a case's decisions: above it, an approver signs. The
   * domain reads it from the case's programme; without this, every decision needs a signature.
   */
  delegationThreshold?: (db: Db, caseRow: CaseRow) => Promise<number>;
  /** Told of every event sent to a case and what became of it (the metrics count them). */
  observe?: (seen: { machine: string; event: string; outcome: 'accepted' | 'refused' | 'failed' }) => void;
}

export class Engine {
  constructor(private readonly deps: EngineDeps) {}

  /** What the rulebook's half of sending (decisions.ts) does with a case: step it, or record a hold. */
  private readonly steps: EngineSteps = {
    now: () => this.now(),
    clock: () => this.deps.clock.now(),
    programmeRules: () => this.deps.programmeRules,
    apply: (...args) => this.apply(...args),
    runEffects: (...args) => this.runEffects(...args),
    view: (...args) => this.view(...args),
    engine: this,
  };

  get registry(): MachineRegistry {
    return this.deps.registry;
  }

  /** The moment now, on the engine's clock: what domain records beside a case (a note) are dated. */
  instant(): Date {
    return this.deps.clock.now();
  }

  /** Today in London, as rules about dates read it (pages check a form with it before confirming). */
  now(): Now {
    return { today: londonDate(this.deps.clock.now()) };
  }

  /** Runs work in one transaction; engine calls given the same `tx` commit or roll back together. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.deps.db.transaction(work);
  }

  /**
   * Opens a case. `byDomain` is for cases the domain opens as part of another case's transition (a
   * payment when an agreement is signed): the machine's `createdBy` is not asked, since nobody opens
   * those directly, but the organisation must still be real and the input valid.
   */
  async create(
    actor: Actor,
    request: { machine: string; organisationId?: string | undefined; input?: unknown; eligibility?: unknown },
    tx?: Tx,
    options: { byDomain?: boolean } = {},
  ): Promise<CaseView> {
    if (!tx) return this.transaction((t) => this.create(actor, request, t, options));
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
    const organisationId = options.byDomain
      ? await this.existingOrganisation(tx, request.organisationId)
      : await this.owningOrganisation(tx, actor, definition, request.organisationId);
    const input = definition.input.safeParse(request.input ?? {});
    if (!input.success)
      throw invalid('The creation input is not valid.', fieldErrors(input.error.issues, 'input'));

    const prepared = this.deps.prepareInput
      ? await this.deps.prepareInput(tx, {
          definition,
          input: input.data,
          organisationId,
          actor,
          eligibility: request.eligibility,
          definitionOf: (row) => this.definitionOf(row),
        })
      : { input: input.data, programmeId: null };
    const now = this.deps.clock.now();
    const { snapshot, actions } = start(definition, prepared.input);
    const interpreted = interpretActions(actions, now);
    const state = stateName(snapshot);
    // A case about an award (a payment, a return) is looked after by the award's officer.
    const officerId = claimant(actor) ?? prepared.award?.officerId ?? null;
    const caseRow = await uniqueOr409(() =>
      insertCase(tx, {
        machineId: definition.id,
        machineVersion: definition.version,
        state,
        snapshot: persist(definition, snapshot),
        title: titleOf(definition, snapshot.context),
        organisationId,
        programmeId: prepared.programmeId,
        awardCaseId: prepared.awardCaseId ?? null,
        version: 1,
        createdBy: actor.userId,
        officerId,
        createdAt: now,
        updatedAt: now,
      }),
    );
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
    await prepared.afterInsert?.(tx, caseRow.id);
    // After the history row, so an effect's rows can refer to the version that caused them.
    await this.runEffects(tx, interpreted.effects, { caseRow, definition, actor, at: now, engine: this });
    await applyTimerOps(tx, caseRow.id, state, interpreted.timerOps);
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
    // What the event was, as far as it was known, for whoever observes the engine.
    const seen = { machine: 'unknown', event: 'unknown' };
    try {
      const view = await this.sendIn(actor, caseId, event, { ...options, tx }, seen);
      this.deps.observe?.({ ...seen, outcome: 'accepted' });
      return view;
    } catch (error) {
      const refused = error instanceof ProblemError && error.status < 500;
      this.deps.observe?.({ ...seen, outcome: refused ? 'refused' : 'failed' });
      throw error;
    }
  }

  private async sendIn(
    actor: Actor,
    caseId: string,
    event: unknown,
    options: { expectedVersion?: number | undefined; tx: Tx },
    seen: { machine: string; event: string },
  ): Promise<CaseView> {
    const { tx } = options;
    if (!isUuid(caseId)) throw notFound();
    // Staff's standing on conflicts of interest is read in the locking statement: one round trip.
    const rules = this.deps.programmeRules;
    const person =
      rules && hasStanding(actor) ? { userId: actor.userId!, organisationId: actor.organisationId } : null;
    const locked = person ? await lockCaseFor(tx, caseId, person) : undefined;
    const caseRow = person ? locked?.row : await lockCase(tx, caseId);
    if (!caseRow || !(await this.mayView(tx, actor, caseRow))) throw notFound();
    const definition = this.definitionOf(caseRow);
    if (options.expectedVersion !== undefined && options.expectedVersion !== caseRow.version) {
      throw staleVersion(options.expectedVersion, caseRow.version);
    }
    const { type, ...rawPayload } = (event ?? {}) as Record<string, unknown>;
    seen.machine = definition.id;
    // Only names the definition or the rulebook knows: anything else is 'unknown', so labels stay few.
    if (
      typeof type === 'string' &&
      (Object.hasOwn(definition.events, type) ||
        Object.hasOwn(rulebookEvents, type) ||
        type === REASSIGN_CASE)
    )
      seen.event = type;
    if (typeof type === 'string' && Object.hasOwn(rulebookEvents, type))
      return rulebookEvent(this.steps, tx, actor, caseRow, definition, type, rawPayload);
    if (type === REASSIGN_CASE) {
      const snapshot = restore(definition, caseRow.snapshot);
      return reassignCase(this.steps, tx, actor, caseRow, definition, snapshot, rawPayload);
    }
    // Own properties only: `toString` or `__proto__` are not events.
    if (typeof type !== 'string' || !Object.hasOwn(definition.events, type)) {
      throw invalid('That is not an event of this machine.', [
        {
          field: 'type',
          message: `Expected one of ${Object.keys(definition.events).join(', ')}; got ${JSON.stringify(type ?? null)}`,
        },
      ]);
    }
    const spec = definition.events[type]!;
    const notYours = sendRefusal(actor, spec, caseRow.organisationId);
    if (notYours) throw forbidden(notYours.replace('do this', `send ${type} to this case`));
    // Someone with a conflict takes no part in the case; whoever decides has declared (below).
    const standing = rules && locked ? rules.standingFrom(actor, locked.conflict) : null;
    const conflicted = conflictRefusal(standing);
    if (conflicted) throw conflicted;
    const held = decisionOf(caseRow.decision);
    if (held?.status === 'awaitingSignature') throw awaitingSignatureProblem(held, definition);
    const snapshot = restore(definition, caseRow.snapshot);
    const refusal = spec.refuses?.(snapshot.context, actor.userId);
    if (refusal) throw forbidden(refusal);
    const accepted = acceptedEvents(definition, snapshot);
    if (!accepted.includes(type)) {
      const mine = accepted.filter((t) => maySend(actor, definition.events[t]!, caseRow.organisationId));
      throw notAccepted(type, caseRow.state, accepted, mine);
    }
    const now = this.now();
    const unavailable = spec.unavailable?.(snapshot.context, now);
    if (unavailable) throw new ProblemError(409, 'Not possible now', `${spec.label}: ${unavailable}.`);
    const payload = spec.payload.safeParse(rawPayload);
    if (!payload.success)
      throw invalid(`The ${type} payload is not valid.`, fieldErrors(payload.error.issues));
    const suppliers = await supplierNames(tx, spec.payload, payload.data);
    const problems = spec.check?.(snapshot.context, payload.data, now) ?? [];
    if (problems.length) throw invalid(`The ${type} payload does not fit this case.`, problems);
    if (rules) {
      const found = await rules.problems(tx, caseRow, spec, snapshot.context, payload.data, now);
      if (found.length) throw invalid(`The ${type} payload does not fit the programme.`, found);
    }
    const undeclared = spec.decision ? undeclaredRefusal(standing, caseRow.id) : null;
    if (undeclared) throw undeclared;

    // The machine also learns who is acting (for separation-of-duties guards), the London date (for
    // rules about dates) and the names of suppliers chosen; the history keeps the payload as sent, the
    // actor and the time in columns.
    const machineEvent = {
      ...payload.data,
      type,
      actorId: actor.userId,
      today: now.today,
      ...(suppliers ? { suppliers } : {}),
    };
    const hold = await holdFor(
      spec,
      { type, payload: payload.data, context: snapshot.context },
      actor,
      held,
      async () => (await this.deps.delegationThreshold?.(tx, caseRow)) ?? 0,
      this.deps.clock.now(),
    );
    if (hold) return holdDecision(this.steps, tx, actor, caseRow, definition, snapshot, machineEvent, hold);
    return this.apply(tx, actor, caseRow, definition, snapshot, machineEvent, {
      type,
      payload: payload.data,
    });
  }

  /**
   * Fires a due timer's event as the system. Refused (409) when the case's state no longer takes
   * it, so the worker can discard it rather than retry forever.
   */
  async fireTimer(tx: Tx, caseId: string, event: { type: string }): Promise<CaseView> {
    const caseRow = await lockCase(tx, caseId);
    if (!caseRow) throw notFound();
    const definition = this.definitionOf(caseRow);
    const snapshot = restore(definition, caseRow.snapshot);
    const accepted = transitionEventTypes(snapshot);
    if (!accepted.includes(event.type)) throw notAccepted(event.type, caseRow.state, accepted, []);
    return this.apply(
      tx,
      systemActor,
      caseRow,
      definition,
      snapshot,
      { ...event, actorId: null, today: this.now().today },
      {
        type: event.type,
        payload: {},
      },
    );
  }

  /** Steps the machine and writes everything the step implies, in the caller's transaction. */
  private async apply(
    tx: Tx,
    actor: Actor,
    caseRow: CaseRow,
    definition: MachineDefinition,
    snapshot: AnyMachineSnapshot,
    event: { type: string; actorId?: string | null; today?: string },
    recorded: Recorded | { record: Recorded; decision: null },
  ): Promise<CaseView> {
    const { record, decision } = 'record' in recorded ? recorded : { record: recorded, decision: undefined };
    // can() runs the guards; a transition that only emits actions leaves the snapshot as it was,
    // so identity cannot tell a refusal from a step.
    if (!snapshot.can(event))
      throw notAccepted(event.type, caseRow.state, acceptedEvents(definition, snapshot), []);
    const next = step(definition, snapshot, event);
    const early = endsAwardEarly(definition, snapshot.context, next.snapshot, event.type, this.now().today);
    if (early && actor.role !== 'system') throw early;
    const now = this.deps.clock.now();
    const interpreted = interpretActions(next.actions, now);
    // What cannot be undone is always told to the organisation it happened to.
    if (definition.events[event.type]?.irreversible && !tellsOwner(interpreted.effects))
      interpreted.effects.push(notify('irreversibleAction', 'owner'));
    const toState = stateName(next.snapshot);
    const updated = await moveCase(
      tx,
      caseRow,
      {
        state: toState,
        snapshot: persist(definition, next.snapshot),
        title: titleOf(definition, next.snapshot.context),
        at: now,
        decision,
        claimedBy: claimant(actor),
      },
      {
        type: record.type,
        payload: record.payload,
        actorId: actor.userId,
        actorRole: actor.role,
        effects: interpreted.effects,
      },
    );
    // After the history row, so an effect's rows can refer to the version that caused them.
    await this.runEffects(tx, interpreted.effects, {
      caseRow: updated,
      definition,
      actor,
      at: now,
      engine: this,
    });
    // Timers belong to the state that set them: leaving it takes them away.
    if (toState !== caseRow.state) await deleteStateTimers(tx, caseRow.id, caseRow.state);
    await applyTimerOps(tx, caseRow.id, toState, interpreted.timerOps);
    return this.view(actor, updated, definition, next.snapshot);
  }

  /**
   * What the programme's rules would say of an event as sent, without sending it: for a page that
   * confirms an action first, so it never promises what the engine will refuse.
   */
  async programmeProblems(caseId: string, type: string, payload: Record<string, unknown>) {
    const rules = this.deps.programmeRules;
    if (!rules || !isUuid(caseId)) return [];
    return this.transaction(async (tx) => {
      const caseRow = await findCase(tx, caseId);
      if (!caseRow) return [];
      const definition = this.definitionOf(caseRow);
      const spec = eventSpec(definition, type);
      if (!spec) return [];
      const { context } = restore(definition, caseRow.snapshot);
      return rules.problems(tx, caseRow, spec, context, payload, this.now());
    });
  }

  async get(actor: Actor, caseId: string, db: Db = this.deps.db): Promise<CaseView> {
    const caseRow = await this.visibleCase(actor, caseId, db);
    const definition = this.definitionOf(caseRow);
    return this.view(actor, caseRow, definition, restore(definition, caseRow.snapshot));
  }

  /**
   * A case's history as this person may read it: by id, or from the view of it they were just given
   * (engine.get), which has shown they may see it, so the case is not read again.
   */
  async history(actor: Actor, of: string | CaseView): Promise<HistoryEntry[]> {
    const caseRow =
      typeof of === 'string'
        ? await this.visibleCase(actor, of, this.deps.db)
        : { id: of.id, machineId: of.machine, machineVersion: of.machineVersion };
    return historyFor(actor, this.definitionOf(caseRow), await caseHistory(this.deps.db, caseRow.id));
  }

  /** Cases this person may see, newest first, a page at a time (see case-lists.ts). */
  list(actor: Actor, filter: CaseListFilter): Promise<{ items: CaseSummary[]; lastSeq: number | null }> {
    return listFor(this.deps, actor, filter);
  }

  /** Cases this person may see that match a search, a page at a time (see case-lists.ts). */
  search(actor: Actor, query: CaseSearchQuery) {
    return searchCases(this.deps, actor, query);
  }

  /** Work waiting for this person, with counts by stage (see case-lists.ts). */
  waiting(actor: Actor, limit = 50) {
    return workWaitingFor(this.deps, actor, limit);
  }

  private async mayView(db: Db, actor: Actor, caseRow: CaseRow): Promise<boolean> {
    const scope = scopeOf(actor);
    if (scope.kind === 'all') return true;
    if (scope.kind === 'organisation') return scope.organisationId === caseRow.organisationId;
    return inScope(db, caseRow.id, scope);
  }

  private async visibleCase(actor: Actor, caseId: string, db: Db): Promise<CaseRow> {
    if (!isUuid(caseId)) throw notFound();
    const caseRow = await findCase(db, caseId);
    if (!caseRow || !(await this.mayView(db, actor, caseRow))) throw notFound();
    return caseRow;
  }

  private definitionOf(caseRow: Pick<CaseRow, 'id' | 'machineId' | 'machineVersion'>): MachineDefinition {
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
      return this.activeOrganisation(tx, actor.organisationId!);
    }
    if (actor.role === 'system' || !definition.createdBy.includes(actor.role)) {
      throw forbidden(`Your role (${actor.role}) may not open ${definition.id} cases.`);
    }
    if (!requested) {
      throw invalid('Say which organisation the case is for.', [
        { field: 'organisationId', message: 'Required when staff open a case' },
      ]);
    }
    return this.activeOrganisation(tx, await this.existingOrganisation(tx, requested));
  }

  private async existingOrganisation(tx: Tx, requested: string | undefined): Promise<string> {
    if (!requested || !isUuid(requested) || !(await findOrganisation(tx, requested))) {
      throw invalid('There is no such organisation.', [
        { field: 'organisationId', message: 'Unknown organisation' },
      ]);
    }
    return requested;
  }

  /** An organisation an admin made inactive opens no new cases; those under way go on. */
  private async activeOrganisation(tx: Tx, id: string): Promise<string> {
    const organisation = await findOrganisation(tx, id);
    if (organisation?.inactiveAt)
      throw new ProblemError(
        409,
        'Organisation inactive',
        `${organisation.name} is no longer active, so no new bids or cases can be opened for it.`,
      );
    return id;
  }

  /** Every named action must have a handler: a silently skipped effect could be money never committed. */
  private async runEffects(
    tx: Tx,
    effects: EmittedAction[],
    on: Parameters<EffectHandler>[2],
  ): Promise<void> {
    for (const effect of effects) {
      const handler =
        this.deps.effects && Object.hasOwn(this.deps.effects, effect.type)
          ? this.deps.effects[effect.type]
          : undefined;
      if (!handler)
        throw integrity(`${on.definition.id} emitted "${effect.type}", which the engine has no handler for.`);
      await handler(tx, effect, on);
    }
  }

  private view(
    actor: Actor,
    caseRow: CaseRow,
    definition: MachineDefinition,
    snapshot: AnyMachineSnapshot,
  ): CaseView {
    return caseViewFor(actor, caseRow, definition, snapshot, this.now());
  }
}

/** A unique index the domain's checks raced against (e.g. one round per programme) is a 409, not a 500. */
async function uniqueOr409<T>(insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ProblemError(
        409,
        'Already exists',
        'Another request made the same thing at the same moment.',
      );
    throw error;
  }
}
