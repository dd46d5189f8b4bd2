// What will happen to a case by itself, and when: its timers still to fire (a tender deadline, an
// offer lapsing, a reminder), each as its event's label, so nobody wonders why a case waits.
import type { MachineDefinition } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import { timersOfCase } from '../db/queries/timers.ts';

export interface ComingUp {
  /** The event's label: "Tender deadline passed". */
  what: string;
  at: string;
}

export async function comingUp(db: Db, definition: MachineDefinition, caseId: string): Promise<ComingUp[]> {
  const rows = await timersOfCase(db, caseId);
  return rows.flatMap((row) => {
    const type = (row.event as { type?: unknown }).type;
    const spec = typeof type === 'string' ? definition.events[type] : undefined;
    return spec ? [{ what: spec.label, at: row.dueAt.toISOString() }] : [];
  });
}
