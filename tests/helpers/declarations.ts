// Declaring no conflict of interest before deciding, as a person does: the rulebook refuses a
// decision, a signature or a send-back from anyone who has not declared. Helpers that drive whole
// cycles declare for whoever decides; tests of the declaration rule itself send without these.
import type { Test } from 'supertest';
import { machineDefinitions } from '../../machines/index.ts';
import type { Database } from '../../src/db/client.ts';
import { declareInterest } from '../../src/domain/panel.ts';
import type { Actor } from '../../src/engine/actor.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { ProblemError } from '../../src/engine/errors.ts';
import { rulebookEvents } from '../../src/engine/rulebook.ts';

/** Every event someone must declare before sending: each machine's decisions, and signing or sending one back. */
export const DECLARED_BEFORE = new Set([
  ...machineDefinitions.flatMap((d) =>
    Object.entries(d.events)
      .filter(([, spec]) => spec.decision)
      .map(([type]) => type),
  ),
  ...Object.keys(rulebookEvents),
]);

/**
 * Over HTTP: declares no conflict before an event that needs it. A refusal is left for the event
 * itself to meet (someone who may not decide is refused the decision as they would be anyway).
 */
export async function declareBefore(
  put: (path: string) => Test,
  caseId: string,
  type: unknown,
): Promise<void> {
  if (typeof type !== 'string' || !DECLARED_BEFORE.has(type)) return;
  await put(`/api/cases/${caseId}/declaration`).send({ conflicted: false });
}

/** Through the engine: declares no conflict (for tests that drive the engine directly). */
export async function declareNoConflict(db: Database, engine: Engine, actor: Actor, caseId: string) {
  await db.transaction((tx) => declareInterest(tx, actor, caseId, { conflicted: false }, engine.registry));
}

/** Through the engine, before an event that needs it; refusals are left for the event to meet. */
export async function declareBeforeSending(
  db: Database,
  engine: Engine,
  actor: Actor,
  caseId: string,
  type: unknown,
): Promise<void> {
  if (typeof type !== 'string' || !DECLARED_BEFORE.has(type) || actor.role === 'system') return;
  try {
    await declareNoConflict(db, engine, actor, caseId);
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
  }
}
