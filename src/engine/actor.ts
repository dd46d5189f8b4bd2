import type { Role, Sender } from '../../machines/define.ts';
import type { CaseScope } from '../db/queries/cases.ts';
import { NO_ID } from './ids.ts';

/** Who is acting: a signed-in user, or the system itself (timers, imports). */
export interface Actor {
  userId: string | null;
  role: Role | 'system';
  organisationId: string | null;
  email: string | null;
}

export const systemActor: Actor = { userId: null, role: 'system', organisationId: null, email: null };

/** Whether someone has a standing on conflicts of interest: staff, not providers or the system. */
export const hasStanding = (actor: Actor): boolean =>
  actor.userId !== null && actor.role !== 'provider' && actor.role !== 'system';

/**
 * Which cases a person sees: a provider its own organisation's; a panel member the bids of the
 * programmes they sit on, less those they are conflicted in; other staff and the system every case.
 */
export function scopeOf(actor: Actor): CaseScope {
  if (actor.role === 'provider')
    return {
      kind: 'organisation',
      organisationId: actor.organisationId ?? NO_ID,
    };
  if (actor.role === 'panel')
    return {
      kind: 'panel',
      userId: actor.userId ?? NO_ID,
      organisationId: actor.organisationId,
    };
  return { kind: 'all' };
}

/** Whether the actor is one of the senders an event or a creation names. Only the engine is `system`. */
export function isSender(actor: Actor, senders: readonly Sender[], caseOrganisationId: string): boolean {
  if (actor.role === 'provider')
    return senders.includes('owner') && actor.organisationId === caseOrganisationId;
  if (actor.role === 'system') return senders.includes('system');
  return senders.includes(actor.role);
}
