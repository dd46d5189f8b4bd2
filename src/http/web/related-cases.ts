// The cases a case page links to: the award a payment or a monitoring return is about, and an
// award's own payments and returns, each as far as this person may see them.
import type { Actor } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { ProblemError } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import type { CaseSummary, CaseView } from '../../engine/views.ts';

/** More than an award ever has (a three-year contract with extensions has a few dozen). */
const ABOUT_LIMIT = 100;

export interface RelatedCases {
  /** The award this case is about, where there is one and this person may see it. */
  award: CaseSummary | null;
  /** The cases about this one, by cycle ("Payment", "Monitoring return"), oldest first. */
  about: { cycle: string; items: CaseSummary[] }[];
}

export async function relatedCases(engine: Engine, actor: Actor, view: CaseView): Promise<RelatedCases> {
  const awardCaseId = (view.context as { awardCaseId?: unknown } | null)?.awardCaseId;
  const [award, about] = await Promise.all([
    typeof awardCaseId === 'string' && isUuid(awardCaseId) ? seen(engine, actor, awardCaseId) : null,
    engine.list(actor, { awardCaseId: view.id, limit: ABOUT_LIMIT }),
  ]);
  const byCycle = new Map<string, CaseSummary[]>();
  for (const item of [...about.items].reverse()) {
    const cycle = engine.registry.latest(item.machine)?.title ?? item.machine;
    byCycle.set(cycle, [...(byCycle.get(cycle) ?? []), item]);
  }
  return { award, about: [...byCycle].map(([cycle, items]) => ({ cycle, items })) };
}

/** A case as this person may see it, or null where they may not (a supplier, its procurement). */
async function seen(engine: Engine, actor: Actor, id: string): Promise<CaseSummary | null> {
  try {
    return await engine.get(actor, id);
  } catch (error) {
    if (error instanceof ProblemError && error.status === 404) return null;
    throw error;
  }
}
