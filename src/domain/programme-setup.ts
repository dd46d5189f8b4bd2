// What staff choose among when setting things up in pages: for a programme, the commissioning cycles,
// the funds and their ring-fenced streams, and the Police and Crime Plan's themes and outcomes; for a
// fund, the services a stream may fund and the partners who pay in.
import type { Db } from '../db/client.ts';
import { allStreams, listFunds } from '../db/queries/funds.ts';
import { organisationsOfKinds } from '../db/queries/organisations.ts';
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

/** The choices of a new fund's questions: the services streams may fund, and the partners who pay in. */
export async function fundChoices(db: Db, registry: MachineRegistry): Promise<Record<string, Choice[]>> {
  const services = new Map<string, string>();
  for (const d of registry.list())
    for (const [value, text] of Object.entries(d.services ?? {})) services.set(value, text);
  const partners = await organisationsOfKinds(db, ['commissioner', 'partner', 'communitySafetyPartnership']);
  return {
    'streams.services': [...services].map(([value, text]) => ({ value, text })),
    'contributors.organisationId': partners.map((o) => ({ value: o.id, text: o.name })),
  };
}
