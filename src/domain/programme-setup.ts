// What an officer chooses among when setting a programme up in pages: the commissioning cycles, the
// funds and their ring-fenced streams, and the Police and Crime Plan's themes and outcomes.
import type { Db } from '../db/client.ts';
import { allStreams, listFunds } from '../db/queries/funds.ts';
import { planOutcomesInOrder, planThemesInOrder } from '../db/queries/plan.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { ROUND_MACHINE } from './programmes.ts';

export interface Choice {
  value: string;
  text: string;
  hint?: string;
}

/**
 * The cycles a programme may run: those whose cases are opened under a programme (their input names
 * it), but the round's own machine. Not the cases about an award (its returns and payments).
 */
export const programmeCycles = (registry: MachineRegistry) =>
  registry.list().filter((d) => d.id !== ROUND_MACHINE && 'programmeId' in d.input.shape);

/** The choices of the set-up form's questions, by field name. */
export async function setupChoices(db: Db, registry: MachineRegistry): Promise<Record<string, Choice[]>> {
  const [funds, streams, themes, outcomes] = await Promise.all([
    listFunds(db),
    allStreams(db),
    planThemesInOrder(db),
    planOutcomesInOrder(db),
  ]);
  const themeName = new Map(themes.map((t) => [t.id, t.name]));
  return {
    cycle: programmeCycles(registry).map((d) => ({ value: d.id, text: d.title, hint: d.description })),
    fundId: funds.map((f) => ({
      value: f.id,
      text: `${f.name} ${f.financialYear}${f.indicative ? ' (indicative)' : ''}`,
    })),
    streamId: streams.map((s) => ({ value: s.id, text: `${s.fundName} ${s.financialYear}: ${s.name}` })),
    themeId: themes.map((t) => ({ value: t.id, text: t.name, hint: t.description })),
    outcomeIds: outcomes.map((o) => ({
      value: o.id,
      text: o.title,
      hint: `${themeName.get(o.themeId) ?? ''} theme`,
    })),
  };
}
