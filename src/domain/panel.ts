// Panel scoring: members declare any conflict of interest in a bid, then score it against its
// programme's criteria, each member's scores kept apart; officers see them side by side with the
// spread, for moderation (the moderated score itself is a machine event). A conflicted member
// neither scores the bid nor sees its scores. Scores are domain data: never in the case view or
// its history, and never shown to providers.
import { z } from 'zod';
import { reason, type ScoringCriterion, weightedScore } from '../../machines/define.ts';
import type { Db, Tx } from '../db/client.ts';
import {
  declarationsOfCase,
  deleteScores,
  findDeclaration,
  findScores,
  insertDeclaration,
  lockDeclaration,
  type PanelDeclarationRow,
  type PanelScoreRow,
  panelCase,
  saveScores,
  scoresOfCase,
  updateDeclaration,
} from '../db/queries/panel.ts';
import { findProgramme } from '../db/queries/programmes.ts';
import { type Actor, canSee } from '../engine/actor.ts';
import { fieldErrors, forbidden, integrity, invalid, notFound, ProblemError } from '../engine/errors.ts';
import { isUuid } from '../engine/ids.ts';
import type { MachineRegistry } from '../engine/registry.ts';

/** Scores run from 0 to this. */
export const MAX_SCORE = 5;
/** Who sees every member's scores side by side. */
const moderators: readonly Actor['role'][] = ['officer', 'approver', 'admin'];

export const declarationBody = z
  .strictObject({
    conflicted: z.boolean({ error: 'Say whether you have a conflict of interest (true or false)' }),
    reason: reason.optional(),
  })
  .refine((body) => !body.conflicted || body.reason !== undefined, {
    error: 'Say why you have a conflict of interest',
    path: ['reason'],
  });

const score = z
  .number({
    error: (issue) =>
      issue.input === undefined ? 'Score this criterion' : `Enter a whole number from 0 to ${MAX_SCORE}`,
  })
  .int({ error: `Scores are whole numbers from 0 to ${MAX_SCORE}` })
  .min(0, { error: `Scores are whole numbers from 0 to ${MAX_SCORE}` })
  .max(MAX_SCORE, { error: `Scores are whole numbers from 0 to ${MAX_SCORE}` });

/** The scores body for a programme: exactly its criteria, each scored. */
export function scoresBody(criteria: readonly ScoringCriterion[]) {
  return z.strictObject({
    scores: z.strictObject(Object.fromEntries(criteria.map((c) => [c.id, score])), {
      error: 'Enter scores as an object of criterion ids and scores',
    }),
    comment: z.string({ error: 'Enter the comment as text' }).trim().max(2000).optional(),
  });
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('Send a JSON object as the request body.', [
      { field: '(body)', message: 'Expected a JSON object' },
    ]);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid('The request body is not valid.', fieldErrors(parsed.error.issues));
  return parsed.data;
}

/**
 * The case, if the actor may see it: providers never see panel work, not even on their own bids,
 * so for them it does not exist (404, as for a case they cannot see).
 */
async function caseFor(db: Db, actor: Actor, caseId: string, registry: MachineRegistry, share: boolean) {
  if (actor.role === 'provider' || !isUuid(caseId)) throw notFound();
  const row = await panelCase(db, caseId, share);
  if (!row || !canSee(actor, row.organisationId)) throw notFound();
  const definition = registry.get(row.machineId, row.machineVersion);
  if (!definition)
    throw integrity(
      `Case ${row.id} runs on ${row.machineId}@${row.machineVersion}, which is not registered.`,
    );
  const scoringStates = definition.panelScoringStates ?? [];
  return { row, scoringStates };
}

type PanelCase = Awaited<ReturnType<typeof caseFor>>;

function requirePanel(actor: Actor): string {
  if (actor.role !== 'panel' || !actor.userId)
    throw forbidden('Only panel members declare interests in and score bids.');
  return actor.userId;
}

function requireScoringState({ row, scoringStates }: PanelCase): void {
  if (scoringStates.includes(row.state)) return;
  const open = scoringStates.length
    ? `only while it is ${scoringStates.join(' or ')}`
    : `never: ${row.machineId} cases are not scored by a panel`;
  throw new ProblemError(
    409,
    'Not open for panel scoring',
    `The case is ${row.state}; panel members declare and score ${open}.`,
    { state: row.state, scoringStates },
  );
}

async function criteriaOf(db: Db, { row }: PanelCase): Promise<ScoringCriterion[]> {
  const programme = row.programmeId ? await findProgramme(db, row.programmeId) : undefined;
  if (!programme)
    throw new ProblemError(
      409,
      'No scoring criteria',
      'The case is not under a programme, so it has no criteria to score against.',
    );
  return programme.criteria as ScoringCriterion[];
}

export function declarationView(row: PanelDeclarationRow) {
  return {
    caseId: row.caseId,
    userId: row.userId,
    conflicted: row.conflicted,
    reason: row.reason,
    at: row.at.toISOString(),
  };
}

export function scoresView(row: PanelScoreRow, criteria: readonly ScoringCriterion[]) {
  const scores = row.scores as Record<string, number>;
  return {
    caseId: row.caseId,
    userId: row.userId,
    scores,
    comment: row.comment,
    version: row.version,
    weightedTotal: weightedScore(criteria, scores, MAX_SCORE),
    at: row.at.toISOString(),
  };
}

/**
 * Records a member's declaration. Idempotent for the same body. A declared conflict stands: it is
 * never withdrawn or reworded (409). Declaring a conflict after scoring removes the member's scores.
 */
export async function declareInterest(
  tx: Tx,
  actor: Actor,
  caseId: string,
  body: unknown,
  registry: MachineRegistry,
) {
  const panelCase = await caseFor(tx, actor, caseId, registry, true);
  const userId = requirePanel(actor);
  requireScoringState(panelCase);
  const input = parse(declarationBody, body);
  const wanted = {
    caseId,
    userId,
    conflicted: input.conflicted,
    reason: input.reason ?? null,
    at: new Date(),
  };

  let current = await lockDeclaration(tx, caseId, userId);
  if (!current) {
    const inserted = await insertDeclaration(tx, wanted);
    // Scoring needs a declaration first, so a first declaration has no scores to remove.
    if (inserted) return { ...declarationView(inserted), scoresRemoved: false };
    current = (await lockDeclaration(tx, caseId, userId))!;
  }
  if (current.conflicted === wanted.conflicted && current.reason === wanted.reason)
    return { ...declarationView(current), scoresRemoved: false };
  if (current.conflicted) {
    throw new ProblemError(
      409,
      'Conflict of interest stands',
      'You declared a conflict of interest in this bid; a declared conflict cannot be withdrawn or changed.',
      { declaration: declarationView(current) },
    );
  }
  const updated = await updateDeclaration(tx, wanted);
  const removed = wanted.conflicted ? await deleteScores(tx, caseId, userId) : 0;
  return { ...declarationView(updated), scoresRemoved: removed > 0 };
}

/** Records a member's scores: exactly the programme's criteria, each 0..5; version+1 on a change. */
export async function scoreBid(
  tx: Tx,
  actor: Actor,
  caseId: string,
  body: unknown,
  registry: MachineRegistry,
) {
  const panelCase = await caseFor(tx, actor, caseId, registry, true);
  const userId = requirePanel(actor);
  requireScoringState(panelCase);
  // Locked: a conflict declared at the same moment waits, then removes what this writes.
  const declaration = await lockDeclaration(tx, caseId, userId);
  if (!declaration)
    throw new ProblemError(
      409,
      'Declare any conflict of interest first',
      'Declare whether you have a conflict of interest in this bid (PUT …/panel/declaration) before you score it.',
    );
  if (declaration.conflicted)
    throw forbidden('You declared a conflict of interest in this bid, so you cannot score it.');
  const criteria = await criteriaOf(tx, panelCase);
  const input = parse(scoresBody(criteria), body);
  const scores = Object.fromEntries(criteria.map((c) => [c.id, input.scores[c.id]!]));
  const comment = input.comment || null;

  const existing = await findScores(tx, caseId, userId);
  const unchanged =
    existing &&
    existing.comment === comment &&
    criteria.every((c) => (existing.scores as Record<string, number>)[c.id] === scores[c.id]) &&
    Object.keys(existing.scores as object).length === criteria.length;
  if (unchanged) return scoresView(existing, criteria);
  const saved = await saveScores(tx, { caseId, userId, scores, comment, at: new Date() }, existing?.version);
  return scoresView(saved, criteria);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** min, max, mean (2 dp) and range (max − min) of some numbers; nulls when there are none. */
export function spreadOf(values: readonly number[]) {
  if (!values.length) return { count: 0, min: null, max: null, mean: null, range: null };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return { count: values.length, min, max, mean: round2(mean), range: round2(max - min) };
}

/**
 * The panel's scores for a case. Officers, approvers and admins: every member's scores apart, the
 * declarations, and the spread per criterion and of the weighted totals. A panel member: their own
 * declaration and scores only, and 403 once they declared a conflict. Finance: 403. Providers: 404.
 */
export async function panelScoresOf(db: Db, actor: Actor, caseId: string, registry: MachineRegistry) {
  const panelCase = await caseFor(db, actor, caseId, registry, false);
  const { row } = panelCase;
  if (actor.role === 'panel' && actor.userId) {
    const declaration = await findDeclaration(db, caseId, actor.userId);
    if (declaration?.conflicted)
      throw forbidden('You declared a conflict of interest in this bid, so you cannot see its scores.');
    const criteria = await criteriaOf(db, panelCase);
    const mine = await findScores(db, caseId, actor.userId);
    return {
      caseId,
      state: row.state,
      criteria,
      declaration: declaration ? declarationView(declaration) : null,
      scores: mine ? scoresView(mine, criteria) : null,
    };
  }
  if (!moderators.includes(actor.role))
    throw forbidden(`Panel scores are for officers, approvers and admins; your role is ${actor.role}.`);
  const criteria = await criteriaOf(db, panelCase);
  const [scored, declared] = await Promise.all([scoresOfCase(db, caseId), declarationsOfCase(db, caseId)]);
  const members = scored.map(({ score, name }) => ({ ...scoresView(score, criteria), name }));
  return {
    caseId,
    state: row.state,
    criteria,
    members,
    declarations: declared.map(({ declaration, name }) => ({ ...declarationView(declaration), name })),
    spread: {
      criteria: criteria.map((c) => ({
        criterionId: c.id,
        label: c.label,
        weight: c.weight,
        ...spreadOf(members.map((m) => m.scores[c.id]).filter((v): v is number => typeof v === 'number')),
      })),
      weightedTotal: spreadOf(members.map((m) => m.weightedTotal)),
    },
  };
}

/**
 * A panel member who declared a conflict of interest in a case no longer sees it at all — not its
 * details, moderated scores or history — and cannot act on it (the engine answers 404).
 */
export async function conflictHidesCase(db: Db, actor: Actor, caseRow: { id: string }): Promise<boolean> {
  if (actor.role !== 'panel' || !actor.userId) return false;
  const declaration = await findDeclaration(db, caseRow.id, actor.userId);
  return declaration?.conflicted === true;
}
