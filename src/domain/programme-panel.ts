// Who sits on a programme's panel. Officers assign panel members to a programme and take them off;
// a member sees, scores and decides only the bids of the programmes they sit on (the case scope in
// src/db/queries/cases.ts). Taking someone off keeps the record of when they sat.
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { endPanelMember, insertPanelMember, programmePanelOf } from '../db/queries/panel.ts';
import { findUser, usersWithRole } from '../db/queries/people.ts';
import type { ProgrammeRow } from '../db/queries/programmes.ts';
import type { Actor } from '../engine/actor.ts';
import { fieldErrors, forbidden, invalid, notFound } from '../engine/errors.ts';
import { isUuid } from '../engine/ids.ts';
import { programmeOr404 } from './programmes.ts';

/** Who assigns panel members: commissioning officers (and admins). */
const assigners: readonly Actor['role'][] = ['officer', 'admin'];

/** Whether this person may assign panel members to a programme and take them off. */
export const mayAssign = (actor: Actor) => assigners.includes(actor.role);

export const assignmentBody = z.strictObject({
  userId: z.uuid({ error: 'Choose a panel member' }),
});

function requireAssigner(actor: Actor): void {
  if (!mayAssign(actor)) throw forbidden('Only commissioning officers assign panel members to a programme.');
}

type PanelMember = Awaited<ReturnType<typeof programmePanelOf>>[number];

/** The panel sitting now and the quorum, from the members already read. */
function panelView(programme: ProgrammeRow, members: PanelMember[]) {
  return {
    programmeId: programme.id,
    quorum: programme.panelQuorum,
    members: members.map((m) => ({ ...m, assignedAt: m.assignedAt.toISOString() })),
  };
}

/** The programme's panel now, and its quorum: for staff only (providers never see who scores them). */
export async function programmePanel(db: Db, actor: Actor, programmeId: string) {
  if (actor.role === 'provider') throw notFound('programme');
  const programme = await programmeOr404(db, programmeId);
  return panelView(programme, await programmePanelOf(db, programme.id));
}

/**
 * The panel as the programme page shows it to staff: who sits on it, who else could (panel members not
 * on it yet, in name order) and whether this person may change it.
 */
export async function panelForPage(db: Db, actor: Actor, programme: ProgrammeRow) {
  const [members, everyone] = await Promise.all([
    programmePanelOf(db, programme.id),
    usersWithRole(db, 'panel'),
  ]);
  return {
    ...panelView(programme, members),
    assignable: everyone
      .filter((u) => !members.some((m) => m.userId === u.id))
      .map((u) => ({ userId: u.id, name: u.name, email: u.email }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    mayAssign: mayAssign(actor),
  };
}

/** Assigns a panel member to a programme. Idempotent: assigning someone already on it changes nothing. */
export async function assignPanelMember(tx: Tx, actor: Actor, programmeId: string, body: unknown) {
  requireAssigner(actor);
  const programme = await programmeOr404(tx, programmeId);
  const parsed = assignmentBody.safeParse(body ?? {});
  if (!parsed.success) throw invalid('The assignment is not valid.', fieldErrors(parsed.error.issues));
  const user = await findUser(tx, parsed.data.userId);
  if (user?.role !== 'panel')
    throw invalid('That person cannot sit on a panel.', [
      { field: 'userId', message: 'Choose someone with the panel member role' },
    ]);
  const assigned = await insertPanelMember(tx, {
    programmeId: programme.id,
    userId: parsed.data.userId,
    assignedBy: actor.userId,
    assignedAt: new Date(),
  });
  return { assigned, panel: panelView(programme, await programmePanelOf(tx, programme.id)) };
}

/** Takes a member off a programme's panel: they no longer see its bids. 404 when they were not on it. */
export async function removePanelMember(tx: Tx, actor: Actor, programmeId: string, userId: string) {
  requireAssigner(actor);
  const programme = await programmeOr404(tx, programmeId);
  const ended = isUuid(userId) && (await endPanelMember(tx, programme.id, userId, actor.userId, new Date()));
  if (!ended) throw notFound('panel member');
  return panelView(programme, await programmePanelOf(tx, programme.id));
}
