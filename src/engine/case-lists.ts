// Cases as lists show them: a page of the cases a person may see, and their work waiting. Reads only;
// the engine's writes are in engine.ts. A case on a machine version this process does not run (a
// newer deployment's, or one retired without a migration) still lists, plainly, rather than breaking
// the whole list; opening it is refused as an integrity fault.
import type { MachineDefinition } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import { findCases } from '../db/queries/case-search.ts';
import { type CaseRow, listCases } from '../db/queries/cases.ts';
import { casesAwaitingSignature, casesInStates } from '../db/queries/work-waiting.ts';
import { type Actor, scopeOf } from './actor.ts';
import { statesWhereActorActs } from './describe.ts';
import type { MachineRegistry } from './registry.ts';
import { decisionOf } from './rulebook.ts';
import { summaryFor } from './view-policy.ts';
import { type CaseSummary, summary } from './views.ts';

interface ListDeps {
  db: Db;
  registry: MachineRegistry;
}

export interface CaseListFilter {
  machine?: string | undefined;
  state?: string | undefined;
  programmeId?: string | undefined;
  /** Only the cases about this award (its payments, its monitoring returns). */
  awardCaseId?: string | undefined;
  limit: number;
  beforeSeq?: number | undefined;
}

/** Just enough of a definition to list a case whose machine version is not registered here. */
function unknownDefinition(row: CaseRow): MachineDefinition {
  return {
    referencePrefix: row.machineId.slice(0, 3).toUpperCase(),
    states: {},
    summary: () => ({ title: '', amountPence: null }),
  } as unknown as MachineDefinition;
}

/** A case as a list shows it to this person. */
function listed(registry: MachineRegistry, actor: Actor, row: CaseRow): CaseSummary {
  const definition = registry.get(row.machineId, row.machineVersion);
  if (definition) return summaryFor(actor, row, definition);
  return { ...summary(row, unknownDefinition(row), undefined), stateLabel: row.state };
}

/** The cases this person may see, newest first, a page at a time. */
export async function listFor(
  deps: ListDeps,
  actor: Actor,
  filter: CaseListFilter,
): Promise<{ items: CaseSummary[]; lastSeq: number | null }> {
  // One row more than asked for says whether there is a next page, without a second query.
  const rows = await listCases(deps.db, {
    machineId: filter.machine,
    state: filter.state,
    programmeId: filter.programmeId,
    awardCaseId: filter.awardCaseId,
    scope: scopeOf(actor),
    beforeSeq: filter.beforeSeq,
    limit: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  const items = page.map((row) => listed(deps.registry, actor, row));
  return { items, lastSeq: rows.length > filter.limit ? page[page.length - 1]!.seq : null };
}

/**
 * Work waiting for this person: cases in a state where their role may send an event, newest first,
 * with counts by state. Worked out from the machines' structure (guards aside), so it is one indexed
 * query however many cases there are.
 */
/** Whose work waiting is read: staff's leaves out what they declared a conflict in; an officer's, others' cases. */
const personOf = (actor: Actor) =>
  actor.userId && actor.role !== 'provider' && actor.role !== 'system'
    ? { userId: actor.userId, officer: actor.role === 'officer' }
    : undefined;

export async function workWaitingFor(deps: ListDeps, actor: Actor, limit: number) {
  const where = deps.registry
    .list()
    .map((definition) => ({ machineId: definition.id, states: statesWhereActorActs(definition, actor) }))
    .filter((w) => w.states.length);
  const [{ rows, counts }, signing] = await Promise.all([
    casesInStates(deps.db, where, scopeOf(actor), limit, personOf(actor)),
    actor.role === 'approver' && actor.userId
      ? casesAwaitingSignature(deps.db, limit, actor.userId)
      : undefined,
  ]);
  // A case whose decision awaits a signature waits for the approver alone (the counts by stage leave
  // it out too).
  const byState = rows.filter((row) => decisionOf(row.decision)?.status !== 'awaitingSignature');
  const merged = [...new Map([...(signing?.rows ?? []), ...byState].map((row) => [row.id, row])).values()]
    .sort((a, b) => b.seq - a.seq)
    .slice(0, limit);
  return {
    // A held decision is at its stage, but what waits on it is the signature.
    items: merged.map((row) => {
      const item = listed(deps.registry, actor, row);
      return decisionOf(row.decision)?.status === 'awaitingSignature'
        ? { ...item, stateLabel: 'Decision awaiting your signature' }
        : item;
    }),
    counts: [
      ...(signing?.count
        ? [
            {
              machineId: '',
              state: '',
              count: signing.count,
              more: signing.more,
              machineTitle: 'All cycles',
              stateLabel: 'Decision awaiting your signature',
            },
          ]
        : []),
      ...counts.map((c) => {
        const definition = deps.registry.latest(c.machineId);
        return {
          ...c,
          machineTitle: definition?.title ?? c.machineId,
          stateLabel: definition?.states[c.state]?.label ?? c.state,
        };
      }),
    ],
  };
}

export interface CaseSearchQuery {
  /** What was typed: a reference (YF-000013), or part of an organisation's name or a case's title. */
  text?: string | undefined;
  programmeId?: string | undefined;
  machine?: string | undefined;
  state?: string | undefined;
  /** A case officer's id, or 'none'. */
  officer?: string | undefined;
  limit: number;
  offset: number;
}

/** The cases a typed reference can mean: its prefix names the cycles, its number the case. */
function referenceIn(registry: MachineRegistry, text: string) {
  const match = /^([a-z]{2,4})-?0*(\d{1,15})$/i.exec(text.trim());
  if (!match) return undefined;
  const prefix = match[1]!.toUpperCase();
  const machineIds = [
    ...new Set(
      registry
        .list()
        .filter((d) => d.referencePrefix === prefix)
        .map((d) => d.id),
    ),
  ];
  return machineIds.length ? { seq: Number(match[2]), machineIds } : undefined;
}

/** The cases this person may see that match, newest first, a page at a time, and how many in all. */
export async function searchCases(deps: ListDeps, actor: Actor, query: CaseSearchQuery) {
  const text = query.text?.trim() || undefined;
  const found = await findCases(deps.db, {
    scope: scopeOf(actor),
    text,
    reference: text ? referenceIn(deps.registry, text) : undefined,
    programmeId: query.programmeId,
    machineId: query.machine,
    state: query.state,
    officer: query.officer,
    limit: query.limit,
    offset: query.offset,
  });
  return {
    items: found.rows.map((row) => ({
      ...listed(deps.registry, actor, row),
      organisationName: row.organisationName,
    })),
    total: found.total,
    /** More match than were counted (COUNT_UP_TO): total is a floor. */
    more: found.more,
  };
}
