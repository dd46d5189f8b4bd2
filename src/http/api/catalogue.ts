// The Police and Crime Plan, funds (with their position) and programmes. Everyone signed in can see
// the Plan and the programmes (providers look for open funding calls); money is for staff.
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { findFund, ledgerOf, listFunds } from '../../db/queries/funds.ts';
import {
  findProgramme,
  listProgrammes,
  measuresOf,
  outcomesOf,
  roundCaseOf,
} from '../../db/queries/programmes.ts';
import { planOutcomes, planThemes } from '../../db/schema/index.ts';
import { createProgramme } from '../../domain/catalogue.ts';
import { fundPosition, fundPositions } from '../../domain/fund-position.ts';
import { confirmBudget, createFund } from '../../domain/funds.ts';
import { changeLimits, limitHistory, limitsOf } from '../../domain/programme-limits.ts';
import { assignPanelMember, programmePanel, removePanelMember } from '../../domain/programme-panel.ts';
import { changeCriteria, changeDetails, changeTargets } from '../../domain/programme-settings.ts';
import { programmeCycles } from '../../domain/programme-setup.ts';
import { ROUND_MACHINE } from '../../domain/programmes.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { forbidden, notFound } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import { actorOf } from '../authenticate.ts';
import { parseBody } from '../parse.ts';

const anObject = z.record(z.string(), z.unknown());
const staff = (actor: Actor) => actor.role !== 'provider';
const requireRole = (actor: Actor, roles: Actor['role'][], what: string) => {
  if (!roles.includes(actor.role)) throw forbidden(`Only ${roles.join(' or ')} can ${what}.`);
};

export function catalogueRouter(db: Database, engine: Engine, clock: Clock): Router {
  const router = Router();

  router.get('/plan', async (_req, res) => {
    const [themes, outcomes] = await Promise.all([
      db.select().from(planThemes).orderBy(planThemes.position),
      db.select().from(planOutcomes).orderBy(planOutcomes.id),
    ]);
    res.json({
      themes: themes.map((t) => ({
        ...t,
        outcomes: outcomes.filter((o) => o.themeId === t.id).map(({ id, title }) => ({ id, title })),
      })),
    });
  });

  router.get('/funds', async (_req, res) => {
    if (!staff(actorOf(res))) throw forbidden('Funds are for OPCC staff.');
    const rows = await listFunds(db);
    res.json({ items: await fundPositions(db, rows) });
  });

  router.post('/funds', async (req, res) => {
    requireRole(actorOf(res), ['finance', 'admin'], 'set up funds');
    parseBody(anObject, req.body);
    // The raw body goes on, so its strict schema sees every key the client sent.
    const id = await db.transaction((tx) => createFund(tx, req.body));
    res
      .status(201)
      .location(`/api/funds/${id}`)
      .json(await fundPosition(db, (await findFund(db, id))!));
  });

  const fundOr404 = async (id: string, actor: Actor) => {
    if (!staff(actor) || !isUuid(id)) throw notFound('fund');
    const fund = await findFund(db, id);
    if (!fund) throw notFound('fund');
    return fund;
  };

  router.get('/funds/:id/position', async (req, res) => {
    res.json(await fundPosition(db, await fundOr404(req.params.id, actorOf(res))));
  });

  // Finance confirms a future year's indicative budget (at its figure, or a new one).
  router.post('/funds/:id/confirm', async (req, res) => {
    const actor = actorOf(res);
    const fund = await fundOr404(req.params.id, actor);
    requireRole(actor, ['finance'], 'confirm a budget');
    parseBody(anObject, req.body);
    await db.transaction((tx) => confirmBudget(tx, fund.id, actor, req.body, new Date()));
    res.json(await fundPosition(db, (await findFund(db, fund.id))!));
  });

  router.get('/funds/:id/ledger', async (req, res) => {
    const fund = await fundOr404(req.params.id, actorOf(res));
    const rows = await ledgerOf(db, fund.id);
    res.json({
      items: rows.map((r) => ({ ...r, amountPence: Number(r.amountPence), at: r.at.toISOString() })),
    });
  });

  // Providers read programmes as funding calls: not the threshold above which an approver signs,
  // nor how the panel works.
  const programmeView = async (
    row: NonNullable<Awaited<ReturnType<typeof findProgramme>>>,
    actor: Actor,
  ) => ({
    id: row.id,
    name: row.name,
    cycle: row.cycle,
    fundId: row.fundId,
    streamId: row.streamId,
    themeId: row.themeId,
    outcomeIds: await outcomesOf(db, row.id),
    opensAt: row.opensAt?.toISOString() ?? null,
    closesAt: row.closesAt?.toISOString() ?? null,
    decisionOn: row.decisionOn,
    serviceStartsOn: row.serviceStartsOn,
    serviceEndsOn: row.serviceEndsOn,
    maxServiceMonths: row.maxServiceMonths,
    returnEveryMonths: row.returnEveryMonths,
    returnDueDays: row.returnDueDays,
    ...(staff(actor) && limitsOf(row)),
    maxAwardPence: row.maxAwardPence === null ? null : Number(row.maxAwardPence),
    criteria: row.criteria,
    // What its awards report on: its cycle's measures to start with, as its setup may change them.
    measures: await measuresOf(db, row.id),
    round: (await roundCaseOf(db, row.id, ROUND_MACHINE)) ?? null,
  });

  router.get('/programmes', async (_req, res) => {
    const actor = actorOf(res);
    const rows = await listProgrammes(db);
    res.json({ items: await Promise.all(rows.map((row) => programmeView(row, actor))) });
  });

  router.get('/programmes/:id', async (req, res) => {
    const row = isUuid(req.params.id) ? await findProgramme(db, req.params.id) : undefined;
    if (!row) throw notFound('programme');
    res.json(await programmeView(row, actorOf(res)));
  });

  router.post('/programmes', async (req, res) => {
    requireRole(actorOf(res), ['officer', 'admin'], 'set up programmes');
    parseBody(anObject, req.body);
    const cycles = programmeCycles(engine.registry);
    const id = await db.transaction((tx) => createProgramme(tx, req.body, cycles, actorOf(res), clock.now()));
    res
      .status(201)
      .location(`/api/programmes/${id}`)
      .json(await programmeView((await findProgramme(db, id))!, actorOf(res)));
  });

  // The rulebook's limits on the programme and every setting of them: for staff; changed only by an
  // approver or admin, with a reason.
  router.get('/programmes/:id/limits', async (req, res) => {
    const actor = actorOf(res);
    const row = staff(actor) && isUuid(req.params.id) ? await findProgramme(db, req.params.id) : undefined;
    if (!row) throw notFound('programme');
    res.json({ ...limitsOf(row), changes: await limitHistory(db, row.id) });
  });

  router.put('/programmes/:id/limits', async (req, res) => {
    const actor = actorOf(res);
    if (!staff(actor)) throw notFound('programme');
    parseBody(anObject, req.body);
    await changeLimits(db, actor, req.params.id, req.body, clock.now());
    const row = (await findProgramme(db, req.params.id))!;
    res.json({ ...limitsOf(row), changes: await limitHistory(db, row.id) });
  });

  // Officers change the scoring criteria (until the first bid is started) and the measures' targets.
  router.put('/programmes/:id/criteria', async (req, res) => {
    const actor = actorOf(res);
    if (!staff(actor)) throw notFound('programme');
    parseBody(anObject, req.body);
    await db.transaction((tx) => changeCriteria(tx, actor, req.params.id, req.body, engine.registry));
    res.json(await programmeView((await findProgramme(db, req.params.id))!, actor));
  });

  router.put('/programmes/:id/details', async (req, res) => {
    const actor = actorOf(res);
    if (!staff(actor)) throw notFound('programme');
    parseBody(anObject, req.body);
    await db.transaction((tx) => changeDetails(tx, actor, req.params.id, req.body));
    res.json(await programmeView((await findProgramme(db, req.params.id))!, actor));
  });

  router.put('/programmes/:id/measures', async (req, res) => {
    const actor = actorOf(res);
    if (!staff(actor)) throw notFound('programme');
    parseBody(anObject, req.body);
    await db.transaction((tx) => changeTargets(tx, actor, req.params.id, req.body));
    res.json(await programmeView((await findProgramme(db, req.params.id))!, actor));
  });

  router.get('/programmes/:id/panel', async (req, res) => {
    res.json(await programmePanel(db, actorOf(res), req.params.id));
  });

  router.post('/programmes/:id/panel', async (req, res) => {
    const actor = actorOf(res);
    const { assigned, panel } = await db.transaction((tx) =>
      assignPanelMember(tx, actor, req.params.id, req.body),
    );
    res.status(assigned ? 201 : 200).json(panel);
  });

  router.delete('/programmes/:id/panel/:userId', async (req, res) => {
    const actor = actorOf(res);
    res.json(await db.transaction((tx) => removePanelMember(tx, actor, req.params.id, req.params.userId)));
  });

  return router;
}
