// Programmes for commissioning officers: every programme with its round and its cases by stage, one
// programme's settings and cases, and opening a programme's round. Also the `currentPath` local the
// service navigation marks the current page from.

import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Db } from '../../db/client.ts';
import { findFund, streamsOf } from '../../db/queries/funds.ts';
import { commissionerOrganisation, organisationNames } from '../../db/queries/organisations.ts';
import { findUser } from '../../db/queries/people.ts';
import { findPlanTheme, planOutcomesAmong } from '../../db/queries/plan.ts';
import { measuresOf, outcomesOf, type ProgrammeRow, roundCaseOf } from '../../db/queries/programmes.ts';
import { opensOnProgramme, ownersFor, takesBids } from '../../domain/open-case.ts';
import { maySetLimits } from '../../domain/programme-limits.ts';
import { programmeList } from '../../domain/programme-list.ts';
import { assignPanelMember, panelForPage, removePanelMember } from '../../domain/programme-panel.ts';
import { criteriaOpen, maySetUp } from '../../domain/programme-settings.ts';
import { programmeOr404 as findProgrammeOr404, ROUND_MACHINE } from '../../domain/programmes.ts';
import { startsInWords } from '../../domain/service-period.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { type FieldError, forbidden, ProblemError } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import type { CaseSummary } from '../../engine/views.ts';
import { openingForm, readOpening } from './opening-form.ts';
import { addressOfPageShown, pageAddress, pageAskedFor, pageView } from './paging.ts';
import { programmeDone } from './programme-done.ts';
import { requireSignIn, webActor } from './session.ts';

const PROGRAMME_ROLES: Actor['role'][] = ['officer', 'approver', 'admin', 'finance'];
/** Whether this person reads the programme pages. */
export const readsProgrammes = (actor: Actor) => PROGRAMME_ROLES.includes(actor.role);
/** The most cases one programme page lists. */
const CASE_LIMIT = 500;
const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The request's path, for the service navigation to mark the page being shown. */
export function currentPath(req: Request, res: Response, next: NextFunction) {
  res.locals.currentPath = req.path;
  next();
}

function requireProgrammeRole(_req: Request, res: Response, next: NextFunction) {
  if (readsProgrammes(webActor(res))) return next();
  next(forbidden('Programmes are for OPCC commissioning, approval and finance staff.'));
}

const programmesHref = (page: number) => pageAddress('/programmes', page);

export function programmePagesRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();
  const { db, engine } = deps;
  router.use(currentPath);

  const cycleTitle = (machine: string) => engine.registry.latest(machine)?.title ?? machine;
  const stateLabel = (machine: string, state: string) =>
    engine.registry.latest(machine)?.states[state]?.label ?? state;
  const labelled = <T extends { state: string }>(round: T | undefined) =>
    round ? { ...round, stateLabel: stateLabel(ROUND_MACHINE, round.state) } : undefined;
  const roundOf = async (programmeId: string) => labelled(await roundCaseOf(db, programmeId, ROUND_MACHINE));

  router.get('/programmes', requireSignIn, requireProgrammeRole, async (req, res) => {
    const list = await programmeList(db, engine.registry, pageAskedFor(req.query));
    // Not a page, or past the last (a bookmark from when there were more): the first or the last.
    const shown = addressOfPageShown(req.query, list.page, programmesHref);
    if (shown) return res.redirect(303, shown);
    const { page } = list;
    res.render('programmes.njk', {
      title: page.pages > 1 ? `Programmes (page ${page.number} of ${page.pages})` : 'Programmes',
      programmes: list.programmes,
      maySetUp: maySetUp(webActor(res)),
      ...pageView(page, programmesHref, {
        one: 'programme',
        many: 'programmes',
        landmarkLabel: 'Pages of programmes',
      }),
    });
  });

  const programmeOr404 = (id: string) => findProgrammeOr404(db, id);

  async function renderProgramme(
    res: Response,
    row: ProgrammeRow,
    state: {
      status?: number;
      errors?: { text: string; href: string }[];
      done?: unknown;
      member?: unknown;
      /** The page's query: what was done, and its counts. */
      query?: Record<string, unknown>;
      /** The new case's form as typed, when it was refused. */
      opening?: { values: Record<string, unknown>; errors: FieldError[] };
    } = {},
  ) {
    const actor = webActor(res);
    const cycle = engine.registry.latest(row.cycle);
    const opening =
      cycle && opensOnProgramme(cycle, actor)
        ? openingForm(cycle, await ownersFor(db, cycle), state.opening)
        : undefined;
    const scored = !!cycle?.panelScoringStates?.length;
    const [fund, streams, theme, outcomeIds, round, listed] = await Promise.all([
      findFund(db, row.fundId),
      streamsOf(db, row.fundId),
      findPlanTheme(db, row.themeId),
      outcomesOf(db, row.id),
      roundOf(row.id),
      engine.list(actor, { programmeId: row.id, limit: CASE_LIMIT }),
    ]);
    // Who scores the programme's bids, for cycles a panel scores; officers assign and take off.
    const member =
      typeof state.member === 'string' && isUuid(state.member) ? await findUser(db, state.member) : undefined;
    const panel = scored ? await panelForPage(db, actor, row) : undefined;
    const outcomes = await planOutcomesAmong(db, outcomeIds);
    const listedBids = listed.items.filter((c) => c.machine !== ROUND_MACHINE);
    // Whose each case is: grants of one programme often share a title ("… 2026-27").
    const names = await organisationNames(
      db,
      listedBids.map((c) => c.organisationId),
    );
    const bids = listedBids.map((c) => ({ ...c, organisationName: names.get(c.organisationId) ?? '' }));
    // Grouped by stage, in the order the machine lists its stages.
    const groups: {
      machine: string;
      state: string;
      stateLabel: string;
      cases: (CaseSummary & { organisationName: string })[];
    }[] = [];
    for (const item of bids) {
      let group = groups.find((g) => g.machine === item.machine && g.state === item.state);
      if (!group) {
        group = { machine: item.machine, state: item.state, stateLabel: item.stateLabel, cases: [] };
        groups.push(group);
      }
      group.cases.push(item);
    }
    const order = (g: { machine: string; state: string }) =>
      Object.keys(engine.registry.latest(g.machine)?.states ?? {}).indexOf(g.state);
    groups.sort((a, b) => a.machine.localeCompare(b.machine) || order(a) - order(b));

    res.status(state.status ?? 200).render('programme.njk', {
      title: row.name,
      errors: [...(state.errors ?? []), ...(opening?.errorList ?? [])],
      opening,
      programme: {
        id: row.id,
        name: row.name,
        cycleTitle: cycleTitle(row.cycle),
        fundName: fund ? `${fund.name} ${fund.financialYear}` : '',
        streamName: streams.find((s) => s.id === row.streamId)?.name,
        themeName: theme?.name ?? row.themeId,
        outcomes: outcomes.map((o) => `${o.id}: ${o.title}`),
        opensAt: row.opensAt?.toISOString(),
        // The round's deadline, as extended or reopened, over the programme's as set up.
        closesAt: round?.closesAt ?? row.closesAt?.toISOString(),
        decisionOn: row.decisionOn,
        servicesStart: upperFirst(startsInWords(row)),
        maxServiceMonths: row.maxServiceMonths,
        delegationThresholdPence: Number(row.delegationThresholdPence),
        maxAwardPence: row.maxAwardPence === null ? null : Number(row.maxAwardPence),
        panelQuorum: row.panelQuorum,
        criteria: row.criteria as { id: string; label: string; weight: number }[],
        measures: await measuresOf(db, row.id),
      },
      round,
      panel,
      mayChangeLimits: maySetLimits(actor),
      maySetUp: maySetUp(actor),
      criteriaOpen: await criteriaOpen(db, row.id),
      done: programmeDone(state.done, member?.role === 'panel' ? member.name : undefined, state.query),
      openTogether:
        cycle?.openedTogether && opensOnProgramme(cycle, actor) ? cycle.openedTogether.title : undefined,
      panelError: state.errors?.find((e) => e.href === '#userId')?.text,
      // A round is a call for bids: only for cycles whose cases the bidding organisations open.
      hasRound: takesBids(cycle),
      mayOpenRound:
        !round &&
        takesBids(cycle) &&
        actor.role !== 'provider' &&
        actor.role !== 'system' &&
        (engine.registry.latest(ROUND_MACHINE)?.createdBy ?? []).includes(actor.role),
      groups,
      caseCount: bids.length,
      more: listed.lastSeq !== null,
    });
  }

  router.post('/programmes/:id/cases', requireSignIn, requireProgrammeRole, async (req, res) => {
    const row = await programmeOr404(String(req.params.id));
    const actor = webActor(res);
    const cycle = engine.registry.latest(row.cycle);
    if (!cycle || !opensOnProgramme(cycle, actor))
      throw forbidden(`Cases of this programme are not opened here by your role (${actor.role}).`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { payload, organisationId, errors } = readOpening(cycle, await ownersFor(db, cycle), body);
    const refused = (status: number, fieldErrors: FieldError[]) =>
      renderProgramme(res, row, { status, opening: { values: body, errors: fieldErrors } });
    if (errors.length) return refused(422, errors);
    try {
      const opened = await engine.create(actor, {
        machine: cycle.id,
        organisationId,
        input: { ...payload, programmeId: row.id },
      });
      res.redirect(303, `/cases/${encodeURIComponent(opened.id)}`);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status === 403 || error.status >= 500) throw error;
      const fields = (error.extensions.errors as FieldError[] | undefined) ?? [];
      // The engine names creation fields `input.<name>`; the form names them as asked.
      const named = fields.map((f) => ({ ...f, field: f.field.replace(/^input\./, '') }));
      return refused(error.status, named.length ? named : [{ field: '(form)', message: error.detail }]);
    }
  });

  router.get('/programmes/:id', requireSignIn, requireProgrammeRole, async (req, res) => {
    await renderProgramme(res, await programmeOr404(String(req.params.id)), {
      done: req.query.done,
      member: req.query.member,
      query: req.query,
    });
  });

  router.post('/programmes/:id/panel', requireSignIn, requireProgrammeRole, async (req, res) => {
    const row = await programmeOr404(String(req.params.id));
    const userId = (req.body as Record<string, unknown> | undefined)?.userId;
    if (typeof userId !== 'string' || !userId)
      return renderProgramme(res, row, {
        status: 422,
        errors: [{ text: 'Choose a panel member to add', href: '#userId' }],
      });
    try {
      await db.transaction((tx) => assignPanelMember(tx, webActor(res), row.id, { userId }));
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      return renderProgramme(res, row, {
        status: 422,
        errors: [{ text: 'Choose someone with the panel member role', href: '#userId' }],
      });
    }
    res.redirect(
      303,
      `/programmes/${encodeURIComponent(row.id)}?done=assigned&member=${encodeURIComponent(userId)}`,
    );
  });

  router.post(
    '/programmes/:id/panel/:userId/remove',
    requireSignIn,
    requireProgrammeRole,
    async (req, res) => {
      const row = await programmeOr404(String(req.params.id));
      await db.transaction((tx) => removePanelMember(tx, webActor(res), row.id, String(req.params.userId)));
      res.redirect(
        303,
        `/programmes/${encodeURIComponent(row.id)}?done=removed&member=${encodeURIComponent(String(req.params.userId))}`,
      );
    },
  );

  router.post('/programmes/:id/round', requireSignIn, requireProgrammeRole, async (req, res) => {
    const row = await programmeOr404(String(req.params.id));
    const opcc = await commissionerOrganisation(db);
    if (!opcc) throw new ProblemError(500, 'No commissioner', 'There is no commissioner organisation.');
    try {
      const round = await engine.create(webActor(res), {
        machine: ROUND_MACHINE,
        organisationId: opcc.id,
        input: { programmeId: row.id },
      });
      res.redirect(303, `/cases/${encodeURIComponent(round.id)}`);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status === 403 || error.status >= 500) throw error;
      await renderProgramme(res, row, {
        status: error.status,
        errors: [{ text: `${error.detail} Nothing was changed.`, href: '#round' }],
      });
    }
  });

  return router;
}
