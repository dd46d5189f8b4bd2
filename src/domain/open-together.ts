// Cases staff open for every organisation of a cycle's owning kinds at once, from the programme, as
// the definition's `openedTogether` declares (a year's crime and disorder allocations to the six
// Community Safety Partnerships, with their conditions): some creation fields asked once for all, the
// rest and the payloads of the events sent next asked for each organisation. Every row is checked
// before any case is opened; then each is opened and its events sent in turn. A decision held for a
// signature, or an event refused, stops that row: what was typed for its remaining events is kept as
// the officer's saved forms on the case, so nothing typed is lost.
import { z } from 'zod';
import type { MachineDefinition } from '../../machines/define.ts';
import type { Database } from '../db/client.ts';
import { type DraftFields, saveDraft } from '../db/queries/form-drafts.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { type FieldError, fieldErrors, ProblemError } from '../engine/errors.ts';
import { openingQuestions } from './open-case.ts';
import { declareInterest } from './panel.ts';

export interface TogetherQuestions {
  /** Asked once, for every case. */
  once: z.ZodObject;
  /** Asked for each organisation: its creation fields and the payloads of the events sent next. */
  each: z.ZodObject;
}

const cache = new WeakMap<MachineDefinition, TogetherQuestions>();

export function togetherQuestions(definition: MachineDefinition): TogetherQuestions {
  const found = cache.get(definition);
  if (found) return found;
  const spec = definition.openedTogether;
  if (!spec) throw new Error(`${definition.id} does not open cases together`);
  const opening = openingQuestions(definition);
  const onceKeys = Object.fromEntries(spec.askedOnce.map((field) => [field, true as const]));
  const shape: Record<string, z.ZodType> = { ...opening.omit(onceKeys as never).shape };
  for (const type of spec.sends) Object.assign(shape, definition.events[type]!.payload.shape);
  const questions = { once: opening.pick(onceKeys as never), each: z.strictObject(shape) };
  cache.set(definition, questions);
  return questions;
}

export interface TogetherRow {
  organisationId: string;
  /** What was asked for this organisation, read from the form. */
  answers: Record<string, unknown>;
  /** The same as typed, to keep as saved forms when a row stops before its last event. */
  typed: Record<string, unknown>;
}

/** Every problem with the answers, rows named by their index: checked before any case is opened. */
export function togetherProblems(
  definition: MachineDefinition,
  programmeId: string,
  once: Record<string, unknown>,
  rows: readonly (TogetherRow & { index: number })[],
): FieldError[] {
  const spec = definition.openedTogether!;
  const problems: FieldError[] = [];
  const onceFields = new Set(spec.askedOnce);
  for (const row of rows) {
    const opening = pick(row.answers, Object.keys(definition.input.shape));
    const input = definition.input.safeParse({ ...opening, ...once, programmeId });
    for (const e of input.success ? [] : fieldErrors(input.error.issues)) {
      // A problem with a field asked once is said once, by the shared question.
      const field = e.field.replace(/^input\./, '');
      const named = onceFields.has(field) ? field : `rows.${row.index}.${field}`;
      if (!problems.some((p) => p.field === named)) problems.push({ field: named, message: e.message });
    }
    for (const type of spec.sends) {
      const payload = definition.events[type]!.payload;
      const sent = pick(row.answers, Object.keys(payload.shape));
      const checked = payload.safeParse(sent);
      if (!checked.success)
        for (const e of fieldErrors(checked.error.issues))
          problems.push({ field: `rows.${row.index}.${e.field}`, message: e.message });
    }
  }
  return problems;
}

const pick = (from: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));

const asDraft = (typed: Record<string, unknown>, keys: readonly string[]): DraftFields =>
  Object.fromEntries(
    keys
      .filter((k) => typeof typed[k] === 'string' || Array.isArray(typed[k]))
      .map((k) => [k, typed[k] as string | string[]]),
  );

export interface TogetherOutcome {
  organisationId: string;
  caseId: string;
  /** done: every event was sent; held: a decision awaits a signature; stopped: an event was refused. */
  outcome: 'done' | 'held' | 'stopped';
  detail?: string;
}

/**
 * Opens a case for each row and sends it the declared events in turn, declaring first that the
 * officer has no conflict of interest in it (they confirmed so for every row on the page).
 */
export async function openTogether(
  deps: { db: Database; engine: Engine },
  actor: Actor,
  definition: MachineDefinition,
  programmeId: string,
  once: Record<string, unknown>,
  rows: readonly TogetherRow[],
  at: Date,
): Promise<TogetherOutcome[]> {
  const spec = definition.openedTogether!;
  const inputFields = Object.keys(definition.input.shape);
  const outcomes: TogetherOutcome[] = [];
  for (const row of rows) {
    const opened = await deps.engine.create(actor, {
      machine: definition.id,
      organisationId: row.organisationId,
      input: { ...pick(row.answers, inputFields), ...once, programmeId },
    });
    let outcome: TogetherOutcome = { organisationId: row.organisationId, caseId: opened.id, outcome: 'done' };
    for (const [index, type] of spec.sends.entries()) {
      const fields = Object.keys(definition.events[type]!.payload.shape);
      try {
        // Whoever decides declares first: the officer confirmed no conflict in any of these cases.
        if (index === 0)
          await deps.db.transaction((tx) =>
            declareInterest(tx, actor, opened.id, { conflicted: false }, deps.engine.registry),
          );
        const view = await deps.engine.send(actor, opened.id, { type, ...pick(row.answers, fields) });
        if (view.decision?.status === 'awaitingSignature' && index < spec.sends.length - 1)
          outcome = { ...outcome, outcome: 'held' };
      } catch (error) {
        if (!(error instanceof ProblemError) || error.status >= 500) throw error;
        outcome = { ...outcome, outcome: 'stopped', detail: error.detail };
      }
      if (outcome.outcome === 'done') continue;
      // What was typed for the events not sent waits on the case as the officer's saved forms.
      const rest = outcome.outcome === 'held' ? spec.sends.slice(index + 1) : spec.sends.slice(index);
      for (const later of rest) {
        const keys = Object.keys(definition.events[later]!.payload.shape);
        const fields = asDraft(row.typed, keys);
        if (actor.userId && Object.keys(fields).length)
          await saveDraft(deps.db, { caseId: opened.id, userId: actor.userId, eventType: later, fields, at });
      }
      break;
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
