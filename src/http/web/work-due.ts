// What is due in a person's work, soonest first: each case's next deadline (a timer that is not a
// reminder, such as a report or a tender falling due), the day its context says it is due (a
// payment, a monitoring return), or the day an answer is due from whoever acts on it now (a
// decision to sign, a return to check), whichever comes first; overdue and this week's marked.
import { addWorkingDays, endOfLondonDay, isIsoDate, londonDate } from '../../../machines/calendar.ts';
import type { MachineDefinition } from '../../../machines/define.ts';
import type { Db } from '../../db/client.ts';
import { answerClocksOf, dueDaysOf, pendingTimers } from '../../db/queries/deadlines.ts';
import type { MachineRegistry } from '../../engine/registry.ts';
import { SIGN_WITHIN_WORKING_DAYS } from '../../engine/rulebook.ts';
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
  const [timers, dueDays, clocks] = await Promise.all([
    pendingTimers(db, ids),
    dueDaysOf(db, ids),
    answerClocksOf(db, ids),
  ]);
  const due: DueItem[] = [];
  for (const item of items) {
    const definition = registry.get(item.machine, item.machineVersion);
    const candidates: { at: Date; what: string; day?: string }[] = [];
    const answer = answerDue(definition, item.state, clocks.get(item.id));
    if (answer) candidates.push(answer);
    const day = dueDays.get(item.id);
    // The day the case is due is the other side's (a return to send in) once an answer is due here.
    if (day && isIsoDate(day) && definition && !answer)
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

/**
 * The answer due from whoever acts on the case now: a held decision signed or sent back within the
 * rulebook's working days of being held, else what its stage declares (`answerWithin`), counted from
 * the day the case came to it.
 */
function answerDue(
  definition: MachineDefinition | undefined,
  state: string,
  clock: { cameAt: Date | null; heldAt: string | null } | undefined,
): { at: Date; what: string; day: string } | undefined {
  const by = (from: Date, workingDays: number) => addWorkingDays(londonDate(from), workingDays);
  if (clock?.heldAt) {
    const day = by(new Date(clock.heldAt), SIGN_WITHIN_WORKING_DAYS);
    return { at: endOfLondonDay(day), what: 'Sign or send back the decision', day };
  }
  const within = definition?.states[state]?.answerWithin;
  if (!within || !clock?.cameAt) return undefined;
  const day = by(clock.cameAt, within.workingDays);
  return { at: endOfLondonDay(day), what: within.what, day };
}
