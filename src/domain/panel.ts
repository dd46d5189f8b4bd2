// Panel scoring: members declare any conflict of interest in a bid, then score it against its
// programme's criteria, each member's scores kept apart; officers see them side by side with the
// spread, for moderation (the moderated score itself is a machine event). A conflicted member
// neither scores the bid nor sees its scores. Scores are domain data: never in the case view or
// its history, and never shown to providers.
import { z } from 'zod';
import {
  type MachineDefinition,
  reason,
  type ScoringCriterion,
  weightedScore,
} from '../../machines/define.ts';
import type { Db, Tx } from '../db/client.ts';
import { inScope } from '../db/queries/cases.ts';
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
  progressOf,
  saveScores,
  scoresOfCase,
  updateDeclaration,
} from '../db/queries/panel.ts';
import { findProgramme, type ProgrammeRow } from '../db/queries/programmes.ts';
import { newestInStates } from '../db/queries/work-waiting.ts';
import { type Actor, scopeOf } from '../engine/actor.ts';
import { forbidden, integrity, invalid, notFound, ProblemError, validOr422 } from '../engine/errors.ts';
import { isUuid } from '../engine/ids.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { type ConflictStanding, decisionOf } from '../engine/rulebook.ts';
import { conflictStanding } from './panel-rules.ts';
import { spreadOf } from './panel-spread.ts';

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
  return validOr422(schema, body, 'The request body is not valid.');
}

/**
 * The case, if the actor may see it: providers never see panel work, not even on their own bids,
 * so for them it does not exist (404, as for a case they cannot see); nor does a panel member see a
 * bid outside their programmes or one they are conflicted in.
 */
async function caseFor(db: Db, actor: Actor, caseId: string, registry: MachineRegistry, share: boolean) {
  if (actor.role === 'provider' || !isUuid(caseId)) throw notFound();
  const row = await panelCase(db, caseId, share);
  if (!row || !(await inScope(db, caseId, scopeOf(actor)))) throw notFound();
  const definition = registry.get(row.machineId, row.machineVersion);
  if (!definition)
    throw integrity(
      `Case ${row.id} runs on ${row.machineId}@${row.machineVersion}, which is not registered.`,
    );
  const scoringStates = definition.panelScoringStates ?? [];
  return { row, scoringStates };
}

type PanelCase = Awaited<ReturnType<typeof caseFor>>;

/** Who declares interests: panel members before scoring or deciding, officers and approvers before deciding or signing. */
const declarers: readonly Actor['role'][] = ['panel', 'officer', 'approver', 'admin'];

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

async function programmeOf(db: Db, { row }: PanelCase) {
  const programme = row.programmeId ? await findProgramme(db, row.programmeId) : undefined;
  if (!programme)
    throw new ProblemError(
      409,
      'No scoring criteria',
      'The case is not under a programme, so it has no criteria to score against.',
    );
  return programme;
}

async function criteriaOf(db: Db, panelCase: PanelCase): Promise<ScoringCriterion[]> {
  return (await programmeOf(db, panelCase)).criteria as ScoringCriterion[];
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
 * Records a person's declaration of interest in a case: a panel member's while the panel scores it,
 * an officer's or approver's at any time before they decide or sign. Idempotent for the same body.
 * A declared conflict stands: it is never withdrawn or reworded (409). Declaring a conflict after
 * scoring removes the member's scores. Someone who belongs to the organisation the case is for has a
 * conflict without asking, so cannot declare none (422).
 */
export async function declareInterest(
  tx: Tx,
  actor: Actor,
  caseId: string,
  body: unknown,
  registry: MachineRegistry,
) {
  const panelCase = await caseFor(tx, actor, caseId, registry, true);
  if (!declarers.includes(actor.role) || !actor.userId)
    throw forbidden(
      'Panel members, officers and approvers declare interests in cases; your role does not decide on them.',
    );
  const userId = actor.userId;
  if (actor.role === 'panel') requireScoringState(panelCase);
  const input = parse(declarationBody, body);
  const standing = input.conflicted ? null : await conflictStanding(tx, actor, panelCase.row);
  if (standing?.status === 'ownOrganisation')
    throw invalid('You have a conflict of interest in this case.', [
      {
        field: 'conflicted',
        message: `You belong to ${standing.organisationName}, the organisation this case is for: that is a conflict of interest`,
      },
    ]);
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
      'You declared a conflict of interest in this case; a declared conflict cannot be withdrawn or changed.',
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
  // The scores a held decision was made on stand until it is signed or sent back.
  if (decisionOf(panelCase.row.decision)?.status === 'awaitingSignature')
    throw new ProblemError(
      409,
      'Awaiting signature',
      'A decision on this bid is waiting for an approver’s signature, so the panel’s scores cannot change until it is signed or sent back.',
    );
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

/**
 * The panel's scores for a case. Officers, approvers and admins: every member's scores apart, the
 * declarations, and the spread per criterion and of the weighted totals. A panel member: their own
 * declaration and scores only, and 403 once they declared a conflict. Finance: 403. Providers: 404.
 */
export async function panelScoresOf(db: Db, actor: Actor, caseId: string, registry: MachineRegistry) {
  const panelCase = await caseFor(db, actor, caseId, registry, false);
  const { row } = panelCase;
  if (actor.role === 'panel' && actor.userId) {
    // A member who declared a conflict never gets here: the bid is out of their scope (404).
    const declaration = await findDeclaration(db, caseId, actor.userId);
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
  // Staff with a conflict of interest take no part in weighing the panel's scores.
  const standing = await standingOf(db, actor, row);
  if (standing?.status === 'conflicted' || standing?.status === 'ownOrganisation')
    throw forbidden('You have a conflict of interest in this case, so you cannot see its panel scores.');
  return panelScores(db, row, await programmeOf(db, panelCase));
}

/** Every member's scores and declarations for a case, with the mean and spread: what moderators weigh. */
async function panelScores(db: Db, row: { id: string; state: string }, programme: ProgrammeRow) {
  const caseId = row.id;
  const criteria = programme.criteria as ScoringCriterion[];
  const [scored, declared] = await Promise.all([
    scoresOfCase(db, caseId, programme.id),
    declarationsOfCase(db, caseId),
  ]);
  const members = scored.map(({ score, name }) => ({ ...scoresView(score, criteria), name }));
  return {
    caseId,
    state: row.state,
    criteria,
    /** How many members' scores close scoring without a recorded reason. */
    quorum: programme.panelQuorum,
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
 * The bids waiting for a panel member, newest first: those in their machines' scoring states in the
 * programmes the member sits on, less any they are conflicted in, each with the member's progress.
 */
export async function panelWork(db: Db, actor: Actor, registry: MachineRegistry, limit = 100) {
  const userId = requirePanel(actor);
  const where = registry
    .list()
    .filter((d) => d.panelScoringStates?.length)
    .map((d) => ({ machineId: d.id, states: [...d.panelScoringStates!] }));
  const rows = await newestInStates(db, where, scopeOf(actor), limit);
  const { declarations, scores } = await progressOf(
    db,
    userId,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({
    row,
    declared: declarations.some((d) => d.caseId === row.id),
    scoredVersion: scores.find((s) => s.caseId === row.id)?.version,
  }));
}

/** Where someone who declares interests stands on a case (see conflictStanding); null for anyone else. */
export async function standingOf(db: Db, actor: Actor, caseRow: { id: string; organisationId: string }) {
  return declarers.includes(actor.role) ? conflictStanding(db, actor, caseRow) : null;
}

/**
 * The panel's scores as moderators read them beside a case they are looking at (each member's, the
 * mean and the spread, and the quorum): for officers, approvers and admins with no conflict in it, on
 * a machine a panel scores; else undefined. The caller has the case (as this person may see it), where
 * they stand on it and its programme already.
 */
export async function moderatorView(
  db: Db,
  actor: Actor,
  caseRow: { id: string; state: string },
  definition: MachineDefinition,
  standing: ConflictStanding | null,
  programme: ProgrammeRow | undefined,
) {
  if (!moderators.includes(actor.role) || !definition.panelScoringStates?.length || !programme)
    return undefined;
  if (standing?.status === 'conflicted' || standing?.status === 'ownOrganisation') return undefined;
  const view = await panelScores(db, caseRow, programme);
  // Before the panel sits (and for a bid that never reached it), there is nothing to show.
  const scoring = definition.panelScoringStates.includes(caseRow.state);
  return scoring || view.members.length || view.declarations.length ? view : undefined;
}
