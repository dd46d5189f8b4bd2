// Cases that staff open on a programme themselves: a SARC procurement, a crime and disorder grant. (A
// cycle whose cases the bidding organisations open is opened through its round's funding call.) The
// programme page asks the cycle's creation input, less the programme, and whom the case is for.
import type { z } from 'zod';
import type { MachineDefinition } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import { organisationsOfKinds } from '../db/queries/organisations.ts';
import type { Actor } from '../engine/actor.ts';

/** Whether this person opens cases of the cycle on its programme (not through a call for bids). */
export function opensOnProgramme(definition: MachineDefinition, actor: Actor): boolean {
  const staffRun = !definition.createdBy.includes('owner');
  return staffRun && (definition.createdBy as readonly string[]).includes(actor.role);
}

/** Whether the cycle's cases come from bids in a round (a funding call), so its programme has a round. */
export const takesBids = (definition: MachineDefinition | undefined): definition is MachineDefinition =>
  !!definition && definition.createdBy.includes('owner');

const asked = new WeakMap<MachineDefinition, z.ZodObject>();
/** What the form asks: the creation input without the programme, which the page gives. */
export function openingQuestions(definition: MachineDefinition): z.ZodObject {
  let schema = asked.get(definition);
  if (!schema) {
    schema = definition.input.omit({ programmeId: true });
    asked.set(definition, schema);
  }
  return schema;
}

/** Whom a case of the cycle may be for: the organisations of its owning kinds. */
export function ownersFor(db: Db, definition: MachineDefinition) {
  return organisationsOfKinds(db, definition.ownerKinds);
}
