// What is due in a person's work, soonest first: each case's next deadline (a timer that is not a
// reminder, such as a report or a tender falling due) or the day its context says it is due (a
// payment, a monitoring return), whichever comes first; overdue and this week's marked.
import { endOfLondonDay, isIsoDate } from '../../../machines/calendar.ts';
import type { Db } from '../../db/client.ts';
import { dueDaysOf, pendingTimers } from '../../db/queries/deadlines.ts';
import type { MachineRegistry } from '../../engine/registry.ts';
import type { CaseSummary } from '../../engine/views.ts';
import { deadlineWording } from './provider-pages.ts';

const WEEK_MS = 7 * 86_400_000;

export interface DueItem {
  item: CaseSummary;
  at: Date;
  /** The day it is due, when it is due by a day (a payment) rather than at a moment. */
  day?: string;
  what: string;
  overdue: boolean;
  thisWeek: boolean;
}

export async function dueWork(
  db: Db,
  registry: MachineRegistry,
  items: readonly CaseSummary[],
  now: Date,
): Promise<DueItem[]> {
  const ids = items.map((i) => i.id);
  const [timers, dueDays] = await Promise.all([pendingTimers(db, ids), dueDaysOf(db, ids)]);
  const due: DueItem[] = [];
  for (const item of items) {
    const definition = registry.get(item.machine, item.machineVersion);
    const candidates: { at: Date; what: string; day?: string }[] = [];
    const day = dueDays.get(item.id);
    if (day && isIsoDate(day) && definition)
      candidates.push({ at: endOfLondonDay(day), what: `${definition.title} due`, day });
    for (const timer of timers.filter((t) => t.caseId === item.id)) {
      const what = deadlineWording(timer.eventType, definition);
      if (what) candidates.push({ at: timer.dueAt, what: what.replace(/( by|:)$/, '') });
    }
    const first = candidates.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
    if (!first) continue;
    const overdue = first.at.getTime() <= now.getTime();
    due.push({
      item,
      ...first,
      overdue,
      thisWeek: !overdue && first.at.getTime() - now.getTime() <= WEEK_MS,
    });
  }
  return due.sort((a, b) => a.at.getTime() - b.at.getTime());
}
