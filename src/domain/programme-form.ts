// A programme's application form: what it asks now, and officers' changes to it. A version a bid was
// started on is frozen: a change after that makes a new version, which bids started later are on.
import type { MachineDefinition } from '../../machines/define.ts';
import type { Db } from '../db/client.ts';
import {
  formInUse,
  insertFormVersion,
  latestFormOf,
  rewriteFormVersion,
} from '../db/queries/application-forms.ts';
import { lockProgramme } from '../db/queries/programme-limits.ts';
import type { ProgrammeRow } from '../db/queries/programmes.ts';
import type { Actor } from '../engine/actor.ts';
import { forbidden, invalid, notFound, validOr422 } from '../engine/errors.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import {
  type ApplicationForm,
  applicationEvent,
  applicationFormDocument,
  defaultForm,
  formProblems,
} from './application-form.ts';
import { maySetUp } from './programme-settings.ts';
import { programmeOr404 } from './programmes.ts';

export interface ProgrammeForm {
  programme: ProgrammeRow;
  definition: MachineDefinition;
  /** The event a bid is sent with, whose payload is the cycle's questions. */
  application: NonNullable<ReturnType<typeof applicationEvent>>;
  form: ApplicationForm;
  /** The version bids started now are on; 0 while the form is the cycle's own and no bid has started. */
  version: number;
  /** Whether a bid was started on this version, so a change makes a new one. */
  inUse: boolean;
}

/** The programme's form as it stands, or 404 for a programme whose cycle takes no bids. */
export async function programmeForm(
  db: Db,
  registry: MachineRegistry,
  programmeId: string,
): Promise<ProgrammeForm> {
  const programme = await programmeOr404(db, programmeId);
  const definition = registry.latest(programme.cycle);
  const application = definition && applicationEvent(definition);
  if (!definition || !application) throw notFound('application form');
  const row = await latestFormOf(db, programme.id);
  return {
    programme,
    definition,
    application,
    form: row ? (row.form as ApplicationForm) : defaultForm(application.spec),
    version: row?.version ?? 0,
    inUse: row ? await formInUse(db, row.id) : false,
  };
}

/**
 * An officer's change to the whole form: checked for its shape and for its cycle (every question the
 * cycle's rules need is asked), then saved in place, or as a new version once a bid is on the latest.
 */
export async function changeForm(
  db: Db,
  registry: MachineRegistry,
  actor: Actor,
  programmeId: string,
  body: unknown,
  at: Date,
): Promise<ProgrammeForm> {
  if (!maySetUp(actor)) throw forbidden('Only commissioning officers and admins change application forms.');
  const current = await programmeForm(db, registry, programmeId);
  const form = validOr422(applicationFormDocument, body, 'The application form is not valid.');
  const problems = formProblems(form, current.application.spec);
  if (problems.length) throw invalid('The application form does not fit its cycle.', problems);
  const by = { changedBy: actor.userId, changedAt: at };
  await db.transaction(async (tx) => {
    await lockProgramme(tx, current.programme.id);
    const latest = await latestFormOf(tx, current.programme.id);
    if (latest && !(await formInUse(tx, latest.id))) await rewriteFormVersion(tx, latest.id, { form, ...by });
    else
      await insertFormVersion(tx, {
        programmeId: current.programme.id,
        version: (latest?.version ?? 0) + 1,
        form,
        ...by,
      });
  });
  return programmeForm(db, registry, programmeId);
}
