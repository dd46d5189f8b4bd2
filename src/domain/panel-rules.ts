// The rulebook's panel rules, for every machine that declares them (src/engine/rulebook.ts asks):
// whoever decides or signs has declared no conflict of interest in the case, and belonging to the
// organisation the case is for is a conflict without asking; scoring closes with the programme's
// quorum of panel scores or a recorded reason; a moderated score away from the panel's mean has a
// rationale.
import type { EventSpec, FieldProblem, ScoringCriterion } from '../../machines/define.ts';
import type { Db, Tx } from '../db/client.ts';
import type { CaseRow, ConflictFound } from '../db/queries/cases.ts';
import { conflictOf, findDeclaration, scoresOfCase } from '../db/queries/panel.ts';
import type { ProgrammeRow } from '../db/queries/programmes.ts';
import { type Actor, hasStanding } from '../engine/actor.ts';
import type { ConflictStanding } from '../engine/rulebook.ts';
import { spreadOf } from './panel-spread.ts';

/** The quorum when a case has no programme to say otherwise. */
const DEFAULT_QUORUM = 2;

/** A moderated score this close to the panel's mean agrees with it (scores are whole numbers). */
const AGREES_WITHIN = 0.5;

/**
 * Where a member of staff stands on a case's conflicts of interest, in one read: belonging to the
 * case's organisation (a bidder or grantee, not the Commissioner's own office, whose staff run its
 * rounds and contracts) is a conflict without asking; else their declaration, if any. Null for
 * providers (who act on their own cases) and the system, who have no interests to declare.
 */
export async function conflictStanding(
  db: Db,
  actor: Actor,
  caseRow: Pick<CaseRow, 'id' | 'organisationId'>,
): Promise<ConflictStanding | null> {
  if (!hasStanding(actor)) return null;
  return standingFrom(
    actor,
    await conflictOf(db, caseRow, { userId: actor.userId!, organisationId: actor.organisationId }),
  );
}

/** Where someone stands, from their declaration and whether they belong to the case's organisation. */
export function standingFrom(actor: Actor, found: ConflictFound): ConflictStanding | null {
  if (!hasStanding(actor)) return null;
  if (found.ownOrganisation) return { status: 'ownOrganisation', organisationName: found.ownOrganisation };
  if (!found.declaration) return { status: 'undeclared' };
  const { conflicted, at, reason } = found.declaration;
  return { status: conflicted ? 'conflicted' : 'clear', at: at.toISOString(), reason };
}

/** Whether someone has declared a conflict of interest in a case. */
export async function conflicted(db: Db, caseId: string, userId: string): Promise<boolean> {
  return (await findDeclaration(db, caseId, userId))?.conflicted === true;
}

/** The programme's quorum and criteria (from the programme the caller read), and every member's scores. */
async function panelOf(
  db: Db,
  caseRow: Pick<CaseRow, 'id' | 'programmeId'>,
  programme: ProgrammeRow | undefined,
) {
  const scored = await scoresOfCase(db, caseRow.id, caseRow.programmeId);
  return {
    quorum: programme?.panelQuorum ?? DEFAULT_QUORUM,
    criteria: (programme?.criteria ?? []) as ScoringCriterion[],
    scores: scored.map(({ score }) => score.scores as Record<string, number>),
  };
}

/** "only 1 of the 2 panel members needed has scored"; "no panel member has scored (2 are needed)". */
function scoredSoFar(scored: number, quorum: number): string {
  if (scored === 0) return `no panel member has scored (${quorum} ${quorum === 1 ? 'is' : 'are'} needed)`;
  return `only ${scored} of the ${quorum} panel members needed ${scored === 1 ? 'has' : 'have'} scored`;
}

/** Where a bid stands against its programme's quorum, in words for the page that closes scoring. */
export async function quorumNote(
  db: Db,
  caseRow: Pick<CaseRow, 'id' | 'programmeId'>,
  programme: ProgrammeRow | undefined,
) {
  const { scores, quorum } = await panelOf(db, caseRow, programme);
  const met = scores.length >= quorum;
  return {
    met,
    note: met
      ? `${scores.length} of the ${quorum} panel members needed have scored.`
      : `So far ${scoredSoFar(scores.length, quorum)}: if you go ahead now, say why.`,
  };
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : undefined);

export async function panelProblems(
  tx: Tx,
  caseRow: CaseRow,
  spec: EventSpec,
  payload: Record<string, unknown>,
  programme: ProgrammeRow | undefined,
): Promise<FieldProblem[]> {
  if (!spec.closesScoring && !spec.moderates) return [];
  const panel = await panelOf(tx, caseRow, programme);
  const problems: FieldProblem[] = [];
  if (spec.closesScoring && panel.scores.length < panel.quorum && !text(payload.quorumReason)) {
    problems.push({
      field: 'quorumReason',
      message: `Say why you go ahead when ${scoredSoFar(panel.scores.length, panel.quorum)}`,
    });
  }
  if (spec.moderates && !text(payload.rationale)) {
    const away = awayFromPanel(panel, (payload.scores ?? {}) as Record<string, number>);
    if (away.length)
      problems.push({
        field: 'rationale',
        message: `Say why you moved away from the panel's scores (${away.join('; ')})`,
      });
  }
  return problems;
}

/** The moderated scores that are not the panel's, in words ("Value for money: 4, the panel's mean 2.5"). */
function awayFromPanel(
  panel: { criteria: readonly ScoringCriterion[]; scores: readonly Record<string, number>[] },
  moderated: Record<string, number>,
): string[] {
  return panel.criteria.flatMap(({ id, label }) => {
    const given = moderated[id];
    if (typeof given !== 'number') return [];
    const { mean } = spreadOf(
      panel.scores.map((s) => s[id]).filter((v): v is number => typeof v === 'number'),
    );
    if (mean === null) return [`${label}: ${given}, with no panel scores`];
    return Math.abs(given - mean) > AGREES_WITHIN ? [`${label}: ${given}, the panel's mean ${mean}`] : [];
  });
}
