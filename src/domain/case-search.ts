// What the case search offers to filter by (the programmes, the officers, each cycle and its stages)
// and the names its results show: read for the page, which only parses and renders.

import type { Db } from '../db/client.ts';
import { peopleByIds } from '../db/queries/people.ts';
import { listProgrammes } from '../db/queries/programmes.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { officersOnRecord } from './people.ts';

export interface SearchChoices {
  programmes: { id: string; name: string }[];
  officers: { id: string; name: string }[];
  cycles: { id: string; title: string; stages: { id: string; label: string }[] }[];
}

export async function searchChoices(db: Db, registry: MachineRegistry): Promise<SearchChoices> {
  const [programmes, officers] = await Promise.all([listProgrammes(db), officersOnRecord(db)]);
  return {
    programmes: programmes
      .map((p) => ({ id: p.id, name: p.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    officers,
    cycles: registry
      .list()
      .map((d) => ({
        id: d.id,
        title: d.title,
        stages: Object.entries(d.states).map(([id, state]) => ({ id, label: state.label })),
      }))
      .sort((a, b) => a.title.localeCompare(b.title)),
  };
}

/** The names of the case officers of the cases found, by id. */
export async function officerNames(db: Db, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const people = await peopleByIds(db, [...new Set(ids.filter((id): id is string => !!id))]);
  return new Map(people.map((p) => [p.id, p.name]));
}
