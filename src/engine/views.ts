// The shapes the engine answers with, built from stored rows.
import type { MachineDefinition } from '../../machines/define.ts';
import type { CaseEventRow, CaseRow } from '../db/queries/cases.ts';
import type { CaseDecision } from './rulebook.ts';

export interface CaseSummary {
  id: string;
  /** For people: the machine's prefix and the case's number, e.g. YF-000042. */
  reference: string;
  /** What people call the case (the definition's summary). */
  title: string;
  /** The money the case is about now, as this person may see it; null when none. */
  amountPence: number | null;
  machine: string;
  machineVersion: number;
  state: string;
  stateLabel: string;
  version: number;
  organisationId: string;
  /** The programme (commissioning round) the case belongs to, if any. */
  programmeId: string | null;
  /** The case officer (a user id): who opened it as an officer or first acted on it, or was given it. */
  officerId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CaseView extends CaseSummary {
  context: unknown;
  /** Only the events this actor may send now. */
  nextEvents: { type: string; label: string }[];
  /**
   * For someone of the owning organisation: what it may send now that needs a permission this person
   * lacks (a colleague who may submit bids submits). They may prepare it; empty for staff.
   */
  forColleagues: { type: string; label: string; permission: string }[];
  /**
   * What this person could send in this state but not yet, and why ("the contract starts on 1 April
   * 2027"), so a page explains the wait instead of offering nothing.
   */
  notYet: { type: string; label: string; reason: string }[];
  /** A decision awaiting an approver's signature, or the last one sent back; null for providers. */
  decision: CaseDecision | null;
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

/** For people: the machine's prefix and the case's number, e.g. YF-000042. */
export function caseReference(definition: MachineDefinition, seq: number): string {
  return `${definition.referencePrefix}-${String(seq).padStart(6, '0')}`;
}

/** What a case is called, from its whole context: kept in the cases table so officers can find it. */
export const titleOf = (definition: MachineDefinition, context: unknown): string =>
  definition.summary(context ?? {}).title;

/**
 * The case as a list shows it. `context` is what this person may see of the case's context: its title
 * and amount are read from that alone, through the definition's summary.
 */
export function summary(row: CaseRow, definition: MachineDefinition, context: unknown): CaseSummary {
  const line = definition.summary(context ?? {});
  return {
    id: row.id,
    reference: caseReference(definition, row.seq),
    title: line.title,
    amountPence: line.amountPence,
    machine: row.machineId,
    machineVersion: row.machineVersion,
    state: row.state,
    stateLabel: definition.states[row.state]?.label ?? row.state,
    version: row.version,
    organisationId: row.organisationId,
    programmeId: row.programmeId,
    officerId: row.officerId ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function historyEntry(row: CaseEventRow): HistoryEntry {
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
