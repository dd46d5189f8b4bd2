// Internal notes on a case: what staff want each other to know (a call with the provider, a worry to
// follow up). Kept beside the history, read by staff alone (view-policy.ts); never edited.
import type { Db } from '../db/client.ts';
import { insertCaseNote, notesOfCase } from '../db/queries/case-notes.ts';
import type { Actor } from '../engine/actor.ts';
import type { Engine } from '../engine/engine.ts';
import { type FieldError, forbidden } from '../engine/errors.ts';
import { keepsCaseNotes } from '../engine/view-policy.ts';
import { WRITING_MAX_LENGTH, writingProblems } from './case-writing.ts';

export const NOTE_MAX_LENGTH = WRITING_MAX_LENGTH;

/** Adds a note to a case this person may see and keeps notes on; the problems with it, if any. */
export async function addCaseNote(
  db: Db,
  engine: Engine,
  actor: Actor,
  caseId: string,
  body: string,
): Promise<FieldError[]> {
  // Refused as not found first when the case is not theirs to see at all.
  await engine.get(actor, caseId);
  if (!keepsCaseNotes(actor) || !actor.userId)
    throw forbidden('Only the Commissioner’s staff keep notes on a case.');
  const problems = writingProblems(body, 'note');
  if (problems.length) return problems;
  await insertCaseNote(db, { caseId, authorId: actor.userId, body: body.trim(), at: engine.instant() });
  return [];
}

/** A case's notes for this person: none unless they keep notes. */
export async function caseNotesFor(db: Db, actor: Actor, caseId: string) {
  return keepsCaseNotes(actor) ? notesOfCase(db, caseId) : [];
}
