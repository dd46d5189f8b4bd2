import type { Role, Sender } from '../../machines/define.ts';

/** Who is acting: a signed-in user, or the system itself (timers, imports). */
export interface Actor {
  userId: string | null;
  role: Role | 'system';
  organisationId: string | null;
  email: string | null;
}

export const systemActor: Actor = { userId: null, role: 'system', organisationId: null, email: null };

/** Providers see their own organisation's cases only; staff and the system see every case. */
export function canSee(actor: Actor, caseOrganisationId: string): boolean {
  return actor.role !== 'provider' || actor.organisationId === caseOrganisationId;
}

/** Whether the actor is one of the senders an event or a creation names. Only the engine is `system`. */
export function isSender(actor: Actor, senders: readonly Sender[], caseOrganisationId: string): boolean {
  if (actor.role === 'provider')
    return senders.includes('owner') && actor.organisationId === caseOrganisationId;
  if (actor.role === 'system') return senders.includes('system');
  return senders.includes(actor.role);
}
