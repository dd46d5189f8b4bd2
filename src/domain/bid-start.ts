// Starting a bid: the programme's eligibility questions answered (an answer that makes the
// organisation ineligible stops it, with the officer's explanation), and the bid put on the form
// version it started on, which its answers are checked against until it is sent.
import type { MachineDefinition } from '../../machines/define.ts';
import type { Tx } from '../db/client.ts';
import { insertBidAnswers, insertFormVersion, latestFormOf } from '../db/queries/application-forms.ts';
import { lockProgramme } from '../db/queries/programme-limits.ts';
import type { Actor } from '../engine/actor.ts';
import { invalid, ProblemError } from '../engine/errors.ts';
import { eligibilityOutcome } from './application-answers.ts';
import { type ApplicationForm, applicationEvent, defaultForm, questionsOf } from './application-form.ts';

/** The version a bid starting now is on: the latest, made from the cycle's questions if there is none. */
export async function formForNewBid(tx: Tx, programmeId: string, definition: MachineDefinition) {
  const latest = await latestFormOf(tx, programmeId);
  if (latest) return latest;
  const application = applicationEvent(definition);
  if (!application) throw new Error(`${definition.id} takes no bids`);
  // The programme row is locked so two first bids at once make one version between them.
  await lockProgramme(tx, programmeId);
  return (
    (await latestFormOf(tx, programmeId)) ??
    (await insertFormVersion(tx, {
      programmeId,
      version: 1,
      form: defaultForm(application.spec),
      changedBy: null,
      changedAt: new Date(),
    }))
  );
}

/** The title of the refusal of a bid whose eligibility answers rule it out. */
export const NOT_ELIGIBLE = 'Not eligible';

/**
 * The eligibility answers read, or the refusal of a bid they do not let start: the questions left
 * unanswered, or each explanation of an answer that rules the organisation out.
 */
function eligibleAnswers(form: ApplicationForm, answers: unknown) {
  const outcome = eligibilityOutcome(form, answers);
  if (outcome.problems.length)
    return invalid('Answer every eligibility question before starting a bid.', outcome.problems);
  if (!outcome.ineligible.length) return outcome.answers;
  return new ProblemError(422, NOT_ELIGIBLE, 'The organisation cannot apply for this funding.', {
    errors: outcome.ineligible.map((q) => ({ field: `eligibility.${q.id}`, message: q.explanation })),
  });
}

/**
 * A bid being opened under a programme: refused unless its eligibility answers pass; once the case
 * is written, its answers row names its form version and keeps the eligibility answers and its title.
 */
export async function prepareBid(
  tx: Tx,
  request: {
    definition: MachineDefinition;
    programmeId: string;
    input: Record<string, unknown>;
    eligibility?: unknown;
    actor: Actor;
  },
): Promise<(tx: Tx, caseId: string) => Promise<void>> {
  const row = await formForNewBid(tx, request.programmeId, request.definition);
  const form = row.form as ApplicationForm;
  const eligibility = eligibleAnswers(form, request.eligibility ?? {});
  if (eligibility instanceof ProblemError) throw eligibility;
  // What the bid was opened with (its title) answers the same question of the form.
  const asked = questionsOf(form).filter((q) => q.type === 'cycle' && q.id !== 'programmeId');
  const answers = Object.fromEntries(
    asked.filter((q) => request.input[q.id] !== undefined).map((q) => [q.id, request.input[q.id]]),
  );
  return async (t, caseId) =>
    insertBidAnswers(t, {
      caseId,
      formId: row.id,
      eligibility,
      answers,
      updatedBy: request.actor.userId,
      updatedAt: new Date(),
    });
}
