// Panel declarations and scores for a bid, under /api/cases/:id/panel. The rules are in
// src/domain/panel.ts; scores are domain data, kept out of the case view and its history.
import { Router } from 'express';
import type { Database } from '../../db/client.ts';
import { declareInterest, panelScoresOf, scoreBid } from '../../domain/panel.ts';
import type { Engine } from '../../engine/engine.ts';
import { actorOf } from '../authenticate.ts';

export function panelRouter(db: Database, engine: Engine): Router {
  const router = Router();

  router.put('/:id/panel/declaration', async (req, res) => {
    const actor = actorOf(res);
    res.json(
      await db.transaction((tx) => declareInterest(tx, actor, req.params.id, req.body, engine.registry)),
    );
  });

  router.put('/:id/panel/scores', async (req, res) => {
    const actor = actorOf(res);
    res.json(await db.transaction((tx) => scoreBid(tx, actor, req.params.id, req.body, engine.registry)));
  });

  router.get('/:id/panel/scores', async (req, res) => {
    res.json(await panelScoresOf(db, actorOf(res), req.params.id, engine.registry));
  });

  return router;
}
