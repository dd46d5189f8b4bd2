import type {
  EventSpec,
  OrganisationPermission,
  OwnerPermission,
  Role,
  Sender,
} from '../../machines/define.ts';
import type { CaseScope } from '../db/queries/cases.ts';
import { NO_ID } from './ids.ts';

/** Who is acting: a signed-in user, or the system itself (timers, imports). */
export interface Actor {
  userId: string | null;
  role: Role | 'system';
  organisationId: string | null;
  email: string | null;
  /** What a provider may do for the organisation they act for (memberships); nothing for staff. */
  permissions: readonly OrganisationPermission[];
}

export const systemActor: Actor = {
  userId: null,
  role: 'system',
  organisationId: null,
  email: null,
  permissions: [],
};

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

/**
 * Whether the actor may send this event to a case of this organisation: one of its senders, and for
 * the owner's people, one whose organisation lets them (the event's ownerPermission).
 */
export function maySend(
  actor: Actor,
  spec: Pick<EventSpec, 'sentBy' | 'ownerPermission'>,
  caseOrganisationId: string,
): boolean {
  return sendRefusal(actor, spec, caseOrganisationId) === null;
}

/** What each permission an owner's event may need lets someone do, in words. */
export const permissionWords: Record<Exclude<OwnerPermission, 'anyMember'>, string> = {
  submitBids: 'submit or withdraw its bids',
  acceptOffers: 'accept or decline offers for it',
  fileReturns: 'file its returns and reports',
};

/** Why the actor may not send this event to a case of this organisation, in words; null if they may. */
export function sendRefusal(
  actor: Actor,
  spec: Pick<EventSpec, 'sentBy' | 'ownerPermission'>,
  caseOrganisationId: string,
): string | null {
  if (!isSender(actor, spec.sentBy, caseOrganisationId)) return `Your role (${actor.role}) may not do this.`;
  const needed = spec.ownerPermission ?? 'anyMember';
  if (actor.role !== 'provider' || needed === 'anyMember' || actor.permissions.includes(needed)) return null;
  return `Your organisation has not given you the right to ${permissionWords[needed]}. Ask whoever manages its people on this service.`;
}

/** Whether the actor is one of the senders an event or a creation names. Only the engine is `system`. */
export function isSender(actor: Actor, senders: readonly Sender[], caseOrganisationId: string): boolean {
  if (actor.role === 'provider')
    return senders.includes('owner') && actor.organisationId === caseOrganisationId;
  if (actor.role === 'system') return senders.includes('system');
  return senders.includes(actor.role);
}
