// What officers change on a programme after setting it up: its scoring criteria (until its first
// bid or grant is started, so every bid is scored against the same ones) and its measures' targets
// (which cases opened from then on report against). The limits are programme-limits.ts.
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { lockProgramme } from '../db/queries/programme-limits.ts';
import {
  hasCasesBesidesRound,
  measuresOf,
  roundCaseOf,
  setCriteria,
  setMeasureTarget,
  setProgrammeDetails,
} from '../db/queries/programmes.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, invalid, notFound, ProblemError, validOr422 } from '../engine/errors.ts';
import { isUuid } from '../engine/ids.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { criteriaProblems, datesProblems, newProgramme, withIds } from './catalogue.ts';
import { ROUND_MACHINE } from './programmes.ts';

/** Who changes a programme's settings: those who set programmes up. */
const SETTERS: readonly Actor['role'][] = ['officer', 'admin'];
export const maySetUp = (actor: Actor) => SETTERS.includes(actor.role);

export const criteriaChange = z.strictObject({ criteria: newProgramme.shape.criteria });

export const targetsChange = z.strictObject({
  targets: z
    .record(
      z.string(),
      z
        .number({ error: 'Enter the target as a number, or leave it empty for none' })
        .nonnegative({ error: 'Enter a target of 0 or more' })
        .max(1_000_000_000, { error: 'Enter a target of at most 1,000,000,000' })
        .nullable(),
    )
    .meta({ title: 'Targets, by measure' }),
});

async function programmeFor(tx: Tx, actor: Actor, programmeId: string) {
  if (!maySetUp(actor))
    throw forbidden("Only commissioning officers and admins change a programme's settings.");
  const programme = isUuid(programmeId) ? await lockProgramme(tx, programmeId) : undefined;
  if (!programme) throw notFound('programme');
  return programme;
}

/** Whether the criteria can still change: no bid or grant has been started on the programme. */
export async function criteriaOpen(db: Db, programmeId: string): Promise<boolean> {
  return !(await hasCasesBesidesRound(db, programmeId, ROUND_MACHINE));
}

/** Changes the criteria; a programme whose bids the panel scores keeps at least one. */
export async function changeCriteria(
  tx: Tx,
  actor: Actor,
  programmeId: string,
  body: unknown,
  registry: MachineRegistry,
) {
  const programme = await programmeFor(tx, actor, programmeId);
  const scored = !!registry.latest(programme.cycle)?.panelScoringStates?.length;
  if (!(await criteriaOpen(tx, programme.id)))
    throw new ProblemError(
      409,
      'Bids have started',
      `Bids have been started on ${programme.name}, so its criteria stay as they are: every bid is scored against the same ones.`,
    );
  const criteria = withIds(validOr422(criteriaChange, body, 'The criteria are not valid.').criteria);
  const problems = criteriaProblems(criteria);
  if (scored && !criteria.length)
    problems.push({
      field: 'criteria',
      message: 'The panel scores this programme’s bids: give it at least one scoring criterion',
    });
  if (problems.length) throw invalid('The criteria are not valid.', problems);
  await setCriteria(tx, programme.id, criteria);
}

export async function changeTargets(tx: Tx, actor: Actor, programmeId: string, body: unknown) {
  const programme = await programmeFor(tx, actor, programmeId);
  const { targets } = validOr422(targetsChange, body, 'The targets are not valid.');
  const measures = await measuresOf(tx, programme.id);
  const problems = Object.entries(targets).flatMap(([id, target]) => {
    const measure = measures.find((m) => m.id === id);
    if (!measure) return [{ field: `targets.${id}`, message: 'This is not one of the programme’s measures' }];
    if (measure.unit === 'percent' && target !== null && target > 100)
      return [{ field: `targets.${id}`, message: `Enter a target for ${measure.name} of 100% or less` }];
    return [];
  });
  if (problems.length) throw invalid('The targets are not valid.', problems);
  for (const [id, target] of Object.entries(targets)) await setMeasureTarget(tx, programme.id, id, target);
}

/** A programme's words and dates: what officers change after setting it up (all of them, each time). */
export const detailsChange = newProgramme.pick({
  name: true,
  summary: true,
  opensAt: true,
  closesAt: true,
  decisionOn: true,
  serviceStartsOn: true,
  serviceEndsOn: true,
  maxServiceMonths: true,
});

const sameInstant = (a: Date | null, b: string | undefined) =>
  (a?.getTime() ?? null) === (b === undefined ? null : Date.parse(b));

/**
 * Changes a programme's name, summary and dates. Once its round is opened, the round holds when bids
 * close (extended or reopened there), so the opening and closing times stay as they are.
 */
export async function changeDetails(tx: Tx, actor: Actor, programmeId: string, body: unknown) {
  const programme = await programmeFor(tx, actor, programmeId);
  const d = validOr422(detailsChange, body, 'The details are not valid.');
  const round = await roundCaseOf(tx, programme.id, ROUND_MACHINE);
  if (round && !(sameInstant(programme.opensAt, d.opensAt) && sameInstant(programme.closesAt, d.closesAt)))
    throw invalid('The round is open.', [
      {
        field: 'closesAt',
        message:
          'The round has been opened: change when bids close on the round itself (extend or reopen it), not here',
      },
    ]);
  const problems = datesProblems(d);
  if (problems.length) throw invalid('The details are not valid.', problems);
  await setProgrammeDetails(tx, programme.id, {
    name: d.name,
    summary: d.summary ?? null,
    opensAt: d.opensAt ? new Date(d.opensAt) : null,
    closesAt: d.closesAt ? new Date(d.closesAt) : null,
    decisionOn: d.decisionOn ?? null,
    serviceStartsOn: d.serviceStartsOn ?? null,
    serviceEndsOn: d.serviceEndsOn ?? null,
    maxServiceMonths: d.maxServiceMonths ?? null,
  });
}
