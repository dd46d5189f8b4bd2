// One view policy per role: what each person may see of a case and its history, and what they may
// send now. Providers never see the Commissioner's deliberation: the context and payload fields a
// definition keeps for staff (`staffOnly`), or the rulebook's holds and send-backs.
import type { AnyMachineSnapshot } from 'xstate';
import type { MachineDefinition, Now } from '../../machines/define.ts';
import type { CaseEventRow, CaseRow } from '../db/queries/cases.ts';
import { type Actor, isSender, maySend } from './actor.ts';
import { caseEventsFor, REASSIGN_CASE } from './case-officer.ts';
import { decisionOf, holdIn, refusesSignature, rulebookEvents, SIGN_DECISION } from './rulebook.ts';
import { acceptedEvents } from './snapshot.ts';
import { type CaseSummary, type CaseView, type HistoryEntry, historyEntry, summary } from './views.ts';

/** A copy of an object without the named fields. */
function withoutFields(value: unknown, fields: readonly string[]): unknown {
  if (!fields.length || !value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !fields.includes(key)));
}

/** A history payload as a provider may see it: without the fields the event keeps for staff. */
function payloadForProvider(definition: MachineDefinition, type: string, payload: unknown): unknown {
  const staffOnly = Object.hasOwn(definition.events, type) ? definition.events[type]!.staffOnly : undefined;
  if (staffOnly === true) return {};
  return withoutFields(payload, staffOnly ?? []);
}

/** The machine's events this person may send in the case's state, each with why it must wait (or null). */
function machineEventsFor(
  actor: Actor,
  caseRow: CaseRow,
  definition: MachineDefinition,
  snapshot: AnyMachineSnapshot,
  now: Now,
) {
  return acceptedEvents(definition, snapshot)
    .filter((type) => maySend(actor, definition.events[type]!, caseRow.organisationId))
    .filter((type) => !definition.events[type]!.refuses?.(snapshot.context, actor.userId))
    .map((type) => {
      const spec = definition.events[type]!;
      return { type, label: spec.label, reason: spec.unavailable?.(snapshot.context, now) ?? null };
    });
}

type MachineEvent = ReturnType<typeof machineEventsFor>[number];

/** What this person may send now: the rulebook's events while a decision awaits signature, else the machine's. */
function nextEventsFor(
  actor: Actor,
  caseRow: CaseRow,
  snapshot: AnyMachineSnapshot,
  machineEvents: readonly MachineEvent[],
) {
  const held = decisionOf(caseRow.decision);
  const always = caseEventsFor(actor, caseRow, snapshot);
  if (held?.status === 'awaitingSignature')
    return [
      ...Object.entries(rulebookEvents)
        .filter(([, spec]) => isSender(actor, spec.sentBy, caseRow.organisationId))
        .filter(([type]) => type !== SIGN_DECISION || !refusesSignature(held, actor.userId))
        .map(([type, spec]) => ({ type, label: spec.label })),
      ...always,
    ];
  return [
    ...machineEvents.filter((e) => e.reason === null).map(({ type, label }) => ({ type, label })),
    ...always,
  ];
}

/** What this person could send in this state but must wait for, and why; nothing while a decision is held. */
function notYetFor(caseRow: CaseRow, machineEvents: readonly MachineEvent[]) {
  if (decisionOf(caseRow.decision)?.status === 'awaitingSignature') return [];
  return machineEvents.flatMap(({ type, label, reason }) =>
    reason === null ? [] : [{ type, label, reason }],
  );
}

/** What this person may see of a case's context: providers never see the fields kept for staff. */
export function visibleContext(actor: Actor, definition: MachineDefinition, context: unknown): unknown {
  return actor.role === 'provider' ? withoutFields(context, definition.staffOnly ?? []) : context;
}

/** The case as a list shows it to this person: its title and amount from what they may see. */
export function summaryFor(actor: Actor, caseRow: CaseRow, definition: MachineDefinition): CaseSummary {
  const context = (caseRow.snapshot as { context?: unknown } | null)?.context;
  return summary(caseRow, definition, visibleContext(actor, definition, context));
}

/** What the person's organisation may send now that needs a permission they lack. */
function forColleaguesOf(
  actor: Actor,
  caseRow: CaseRow,
  definition: MachineDefinition,
  snapshot: AnyMachineSnapshot,
) {
  if (actor.role !== 'provider' || decisionOf(caseRow.decision)?.status === 'awaitingSignature') return [];
  return acceptedEvents(definition, snapshot)
    .filter((type) => {
      const spec = definition.events[type]!;
      return (
        isSender(actor, spec.sentBy, caseRow.organisationId) && !maySend(actor, spec, caseRow.organisationId)
      );
    })
    .map((type) => ({
      type,
      label: definition.events[type]!.label,
      permission: definition.events[type]!.ownerPermission ?? 'anyMember',
    }));
}

/** The case as this person may see it. */
export function caseViewFor(
  actor: Actor,
  caseRow: CaseRow,
  definition: MachineDefinition,
  snapshot: AnyMachineSnapshot,
  now: Now,
): CaseView {
  const context = visibleContext(actor, definition, snapshot.context);
  const decision = actor.role === 'provider' ? null : decisionOf(caseRow.decision);
  // Read once: what is offered now and what must wait are the two halves of it.
  const machineEvents = machineEventsFor(actor, caseRow, definition, snapshot, now);
  return {
    ...summary(caseRow, definition, context),
    context,
    nextEvents: nextEventsFor(actor, caseRow, snapshot, machineEvents),
    forColleagues: forColleaguesOf(actor, caseRow, definition, snapshot),
    notYet: notYetFor(caseRow, machineEvents),
    decision,
  };
}

/** The case's history as this person may see it. */
export function historyFor(
  actor: Actor,
  definition: MachineDefinition,
  rows: CaseEventRow[],
): HistoryEntry[] {
  if (actor.role !== 'provider') return rows.map(historyEntry);
  // Who in the OPCC looks after a case, and why it changed hands, is the OPCC's business.
  return rows
    .filter((row) => holdIn(row.effects) === null && row.type !== REASSIGN_CASE)
    .map((row) => {
      const entry = historyEntry(row);
      return {
        ...entry,
        // Who on the panel decided is the panel's business: providers learn it was the panel.
        actor: row.actorRole === 'panel' ? { id: null, role: row.actorRole } : entry.actor,
        payload: payloadForProvider(definition, row.type, row.payload),
      };
    });
}

/** Who reads and keeps a case's internal notes: the Commissioner's staff, never a provider or the panel. */
export const keepsCaseNotes = (actor: Actor): boolean =>
  actor.role === 'officer' || actor.role === 'approver' || actor.role === 'finance' || actor.role === 'admin';

/**
 * Who writes and reads a case's messages: the Commissioner's staff and the organisation the case is
 * for (a provider sees only its own organisation's cases); never the panel.
 */
export const exchangesMessages = (actor: Actor): boolean =>
  keepsCaseNotes(actor) || actor.role === 'provider';
