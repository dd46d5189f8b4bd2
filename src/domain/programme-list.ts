// The programmes page, a page at a time: each programme on it with its cycle, fund, Plan theme, its
// round (if any) and its bids and grants counted by stage. 200 programmes on one page took half a
// second at a million cases (README "Performance"); a page of them reads only its own.

import type { Db } from '../db/client.ts';
import { listFunds } from '../db/queries/funds.ts';
import { planThemesInOrder } from '../db/queries/plan.ts';
import { caseCountsOf, countProgrammes, programmesAt, roundCasesOf } from '../db/queries/programmes.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { takesBids } from './open-case.ts';
import { pageOf } from './paging.ts';
import { ROUND_MACHINE } from './programmes.ts';

/** Programmes on a page of the list. */
export const PROGRAMMES_PER_PAGE = 25;

/** Page `asked` of the programmes, newest first (past the last: the last). */
export async function programmeList(db: Db, registry: MachineRegistry, asked: number) {
  const page = pageOf(asked, await countProgrammes(db), PROGRAMMES_PER_PAGE);
  const [rows, funds, themes] = await Promise.all([
    programmesAt(db, { offset: page.offset, limit: page.size }),
    listFunds(db),
    planThemesInOrder(db),
  ]);
  const ids = rows.map((r) => r.id);
  const [counts, rounds] = await Promise.all([
    caseCountsOf(db, ids, ROUND_MACHINE),
    roundCasesOf(db, ids, ROUND_MACHINE),
  ]);
  const stateLabel = (machine: string, state: string) =>
    registry.latest(machine)?.states[state]?.label ?? state;
  const programmes = rows.map((row) => {
    const fund = funds.find((f) => f.id === row.fundId);
    const round = rounds.get(row.id);
    return {
      id: row.id,
      name: row.name,
      cycleTitle: registry.latest(row.cycle)?.title ?? row.cycle,
      fundName: fund ? `${fund.name} ${fund.financialYear}` : '',
      themeName: themes.find((t) => t.id === row.themeId)?.name ?? row.themeId,
      round: round && { ...round, stateLabel: stateLabel(ROUND_MACHINE, round.state) },
      takesBids: takesBids(registry.latest(row.cycle)),
      counts: counts
        .filter((c) => c.programmeId === row.id)
        .map((c) => ({ ...c, stateLabel: stateLabel(c.machine, c.state) })),
    };
  });
  return { page, programmes };
}
