// Pages for voluntary-sector providers: their organisation's bids and awards with what is due next.
// The funding calls they bid for are funding-pages.ts.
import { Router } from 'express';
import { endOfLondonDay, londonDate } from '../../../machines/calendar.ts';
import type { MachineDefinition } from '../../../machines/define.ts';
import type { Db } from '../../db/client.ts';
import { heldByCases, pendingTimers } from '../../db/queries/deadlines.ts';
import { findProgramme } from '../../db/queries/programmes.ts';
import type { Engine } from '../../engine/engine.ts';
import { forbidden } from '../../engine/errors.ts';
import type { CaseSummary } from '../../engine/views.ts';
import { requireSignIn, webActor } from './session.ts';

/** How many of an organisation's cases "Your awards" shows, newest first. */
export const MY_WORK_LIMIT = 200;

/** What a timer's event means for the provider; reminders are not deadlines and are left out. */
const DEADLINES: Record<string, string> = {
  REPORT_OVERDUE: 'End-of-grant report due by',
  RETURN_OVERDUE: 'Monitoring return due by',
  BIDS_CLOSED: 'Bids close',
  CLARIFICATION_CLOSED: 'Clarification questions close',
  TENDER_DEADLINE_PASSED: 'Tenders due by',
  STANDSTILL_ENDED: 'Standstill ends',
};
const REMINDERS = new Set(['REPORT_DUE_SOON', 'RETURN_DUE_SOON']);

/** The words for a deadline, or undefined for a reminder (which is not one). */
export function deadlineWording(eventType: string, definition?: MachineDefinition): string | undefined {
  if (REMINDERS.has(eventType) || eventType.includes('offerReminderAfter')) return undefined;
  if (eventType.includes('offerLapsesAfter')) return 'Offer lapses';
  if (Object.hasOwn(DEADLINES, eventType)) return DEADLINES[eventType];
  const label =
    definition && Object.hasOwn(definition.events, eventType) && definition.events[eventType]!.label;
  return label ? `${label}:` : 'Next deadline';
}

/**
 * A deadline "by the end of a day" fires at the first instant of the next London day: people read
 * it as that last day. Undefined for a deadline at any other time of day.
 */
export function lastDayOf(dueAt: Date): string | undefined {
  const day = londonDate(new Date(dueAt.getTime() - 1));
  return endOfLondonDay(day).getTime() === dueAt.getTime() ? day : undefined;
}

export function providerRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();
  const { db, engine } = deps;

  router.get('/my-work', requireSignIn, async (_req, res) => {
    const actor = webActor(res);
    if (actor.role !== 'provider')
      throw forbidden('This page is for providers: it lists an organisation’s bids and awards.');
    const { items, lastSeq } = await engine.list(actor, { limit: MY_WORK_LIMIT });
    const ids = items.map((c) => c.id);
    const programmeIds = [...new Set(items.map((c) => c.programmeId).filter((id): id is string => !!id))];
    const [timers, held, programmes] = await Promise.all([
      pendingTimers(db, ids),
      heldByCases(db, ids),
      Promise.all(programmeIds.map((id) => findProgramme(db, id))),
    ]);
    const programmeName = new Map(programmes.filter((p) => !!p).map((p) => [p!.id, p!.name]));
    const row = (c: CaseSummary) => {
      const definition = engine.registry.get(c.machine, c.machineVersion);
      const next = timers
        .filter((t) => t.caseId === c.id)
        .map((t) => ({
          wording: deadlineWording(t.eventType, definition),
          dueAt: t.dueAt.toISOString(),
          dueOn: lastDayOf(t.dueAt),
        }))
        .find((t) => t.wording !== undefined);
      return {
        id: c.id,
        reference: c.reference,
        title: c.title,
        cycleTitle: definition?.title ?? c.machine,
        programmeName: c.programmeId ? (programmeName.get(c.programmeId) ?? '') : '',
        stateLabel: c.stateLabel,
        heldPence: held.has(c.id) ? Number(held.get(c.id)) : null,
        deadline: next ?? null,
      };
    };
    // Awards hold money committed from a fund; bids under a programme hold none yet (or any more).
    res.render('my-work.njk', {
      title: 'Your awards and what is due',
      awards: items.filter((c) => held.has(c.id)).map(row),
      bids: items.filter((c) => !held.has(c.id) && c.programmeId).map(row),
      other: items.filter((c) => !held.has(c.id) && !c.programmeId).map(row),
      more: lastSeq !== null,
      limit: MY_WORK_LIMIT,
    });
  });

  return router;
}
