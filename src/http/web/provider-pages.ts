// Pages for voluntary-sector providers: the funding calls open now (with a form to start a bid) and
// their organisation's bids and awards with what is due next. Staff may read the calls too.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { endOfLondonDay, londonDate } from '../../../machines/calendar.ts';
import type { MachineDefinition } from '../../../machines/define.ts';
import type { Db } from '../../db/client.ts';
import { heldByCases, pendingTimers, programmesWithRoundIn } from '../../db/queries/deadlines.ts';
import { findOrganisation } from '../../db/queries/organisations.ts';
import { findProgramme, roundCaseOf } from '../../db/queries/programmes.ts';
import { ROUND_MACHINE } from '../../domain/programmes.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, forbidden, notFound, ProblemError } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import type { CaseSummary } from '../../engine/views.ts';
import { requireSignIn, webActor } from './session.ts';

/** How many of an organisation's cases "Your awards" shows, newest first. */
export const MY_WORK_LIMIT = 200;

const bidForm = z.object({
  // Only blankness is ours to say; the machine's own input schema has the rest (its length).
  title: z.string().trim().min(1, { error: 'Enter a title for your bid' }),
});

/** What a timer's event means for the provider; reminders are not deadlines and are left out. */
const DEADLINES: Record<string, string> = {
  REPORT_OVERDUE: 'End-of-grant report due by',
  RETURN_OVERDUE: 'Monitoring return due by',
  BIDS_CLOSED: 'Bids close',
  CLARIFICATION_CLOSED: 'Clarification questions close',
  TENDER_DEADLINE_PASSED: 'Tenders due by',
  STANDSTILL_ENDED: 'Standstill ends',
};
const REMINDERS = new Set(['REPORT_DUE_SOON', 'RETURN_DUE_SOON']);

/** The words for a deadline, or undefined for a reminder (which is not one). */
export function deadlineWording(eventType: string, definition?: MachineDefinition): string | undefined {
  if (REMINDERS.has(eventType) || eventType.includes('offerReminderAfter')) return undefined;
  if (eventType.includes('offerLapsesAfter')) return 'Offer lapses';
  if (Object.hasOwn(DEADLINES, eventType)) return DEADLINES[eventType];
  const label =
    definition && Object.hasOwn(definition.events, eventType) && definition.events[eventType]!.label;
  return label ? `${label}:` : 'Next deadline';
}

/**
 * A deadline "by the end of a day" fires at the first instant of the next London day: people read
 * it as that last day. Undefined for a deadline at any other time of day.
 */
export function lastDayOf(dueAt: Date): string | undefined {
  const day = londonDate(new Date(dueAt.getTime() - 1));
  return endOfLondonDay(day).getTime() === dueAt.getTime() ? day : undefined;
}

/** Whether this person's organisation may start a case of the programme's cycle. */
function mayBid(definition: MachineDefinition | undefined, organisationKind: string | undefined) {
  return (
    !!definition &&
    definition.createdBy.includes('owner') &&
    !!organisationKind &&
    (definition.ownerKinds as readonly string[]).includes(organisationKind)
  );
}

interface FundingState {
  status?: number;
  /** The call whose form failed, what was typed into it, and why. */
  failed?: { programmeId: string; title: string; errors: { text: string; href: string }[] };
}

export function providerRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();
  const { db, engine } = deps;

  async function organisationKind(actor: Actor) {
    if (actor.role !== 'provider' || !actor.organisationId) return undefined;
    return (await findOrganisation(db, actor.organisationId))?.kind;
  }

  async function renderFunding(res: Response, state: FundingState = {}) {
    const actor = webActor(res);
    const [rows, kind] = await Promise.all([
      programmesWithRoundIn(db, ROUND_MACHINE, 'open'),
      organisationKind(actor),
    ]);
    const calls = rows.map(({ programme, themeName, roundClosesAt }) => {
      const definition = engine.registry.latest(programme.cycle);
      const failed = state.failed?.programmeId === programme.id ? state.failed : undefined;
      return {
        id: programme.id,
        name: programme.name,
        cycleTitle: definition?.title ?? programme.cycle,
        themeName: themeName ?? programme.themeId,
        // The round's deadline: extended or reopened since the programme was set up, perhaps.
        closesAt: roundClosesAt ?? programme.closesAt?.toISOString() ?? null,
        maxAwardPence: programme.maxAwardPence === null ? null : Number(programme.maxAwardPence),
        canBid: actor.role === 'provider' && mayBid(definition, kind),
        title: failed?.title ?? '',
        error: failed?.errors.map((e) => e.text).join('. '),
      };
    });
    res.status(state.status ?? 200).render('funding.njk', {
      title: 'Open funding calls',
      calls,
      isProvider: actor.role === 'provider',
      errors: state.failed?.errors,
    });
  }

  router.get('/funding', requireSignIn, async (_req, res) => {
    await renderFunding(res);
  });

  router.post('/funding/:programmeId/bids', requireSignIn, async (req: Request, res: Response) => {
    const actor = webActor(res);
    if (actor.role !== 'provider') throw forbidden('Only providers start bids.');
    const programmeId = String(req.params.programmeId);
    const programme = isUuid(programmeId) ? await findProgramme(db, programmeId) : undefined;
    if (!programme) throw notFound('programme');
    const typed = typeof req.body?.title === 'string' ? (req.body.title as string) : '';
    const href = `#title-${programme.id}`;
    const fail = (status: number, texts: string[]) =>
      renderFunding(res, {
        status,
        failed: { programmeId: programme.id, title: typed, errors: texts.map((text) => ({ text, href })) },
      });

    const form = bidForm.safeParse({ title: typed });
    if (!form.success)
      return fail(
        422,
        form.error.issues.map((i) => i.message),
      );
    try {
      const created = await engine.transaction(async (tx) => {
        // Bids start only while the call is open (they can be submitted only then, too).
        const round = await roundCaseOf(tx, programme.id, ROUND_MACHINE);
        if (round?.state !== 'open') {
          throw new ProblemError(
            409,
            'The call for bids is not open',
            `${programme.name} is not taking bids now.`,
          );
        }
        return engine.create(
          actor,
          { machine: programme.cycle, input: { programmeId: programme.id, title: form.data.title } },
          tx,
        );
      });
      res.redirect(303, `/cases/${encodeURIComponent(created.id)}`);
    } catch (error) {
      if (!(error instanceof ProblemError) || ![403, 409, 422].includes(error.status)) throw error;
      const fields = error.extensions.errors as FieldError[] | undefined;
      return fail(error.status, fields?.length ? fields.map((f) => f.message) : [error.detail]);
    }
  });

  router.get('/my-work', requireSignIn, async (_req, res) => {
    const actor = webActor(res);
    if (actor.role !== 'provider')
      throw forbidden('This page is for providers: it lists an organisation’s bids and awards.');
    const { items, lastSeq } = await engine.list(actor, { limit: MY_WORK_LIMIT });
    const ids = items.map((c) => c.id);
    const programmeIds = [...new Set(items.map((c) => c.programmeId).filter((id): id is string => !!id))];
    const [timers, held, programmes] = await Promise.all([
      pendingTimers(db, ids),
      heldByCases(db, ids),
      Promise.all(programmeIds.map((id) => findProgramme(db, id))),
    ]);
    const programmeName = new Map(programmes.filter((p) => !!p).map((p) => [p!.id, p!.name]));
    const row = (c: CaseSummary) => {
      const definition = engine.registry.get(c.machine, c.machineVersion);
      const next = timers
        .filter((t) => t.caseId === c.id)
        .map((t) => ({
          wording: deadlineWording(t.eventType, definition),
          dueAt: t.dueAt.toISOString(),
          dueOn: lastDayOf(t.dueAt),
        }))
        .find((t) => t.wording !== undefined);
      return {
        id: c.id,
        reference: c.reference,
        title: c.title,
        cycleTitle: definition?.title ?? c.machine,
        programmeName: c.programmeId ? (programmeName.get(c.programmeId) ?? '') : '',
        stateLabel: c.stateLabel,
        heldPence: held.has(c.id) ? Number(held.get(c.id)) : null,
        deadline: next ?? null,
      };
    };
    // Awards hold money committed from a fund; bids under a programme hold none yet (or any more).
    res.render('my-work.njk', {
      title: 'Your awards and what is due',
      awards: items.filter((c) => held.has(c.id)).map(row),
      bids: items.filter((c) => !held.has(c.id) && c.programmeId).map(row),
      other: items.filter((c) => !held.has(c.id) && !c.programmeId).map(row),
      more: lastSeq !== null,
      limit: MY_WORK_LIMIT,
    });
  });

  return router;
}
