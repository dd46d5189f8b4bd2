// Declarations of interest in a case (/api/cases/:id/declaration; panel members may also use the
// older …/panel/declaration), and panel scores for a bid (/api/cases/:id/panel). The rules are in
// src/domain/panel.ts; scores are domain data, kept out of the case view and its history.
import { type RequestHandler, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { declareInterest, panelScoresOf, scoreBid } from '../../domain/panel.ts';
import type { Engine } from '../../engine/engine.ts';
import { actorOf } from '../authenticate.ts';

export function panelRouter(db: Database, engine: Engine): Router {
  const router = Router();

  const declare: RequestHandler<{ id: string }> = async (req, res) => {
    const actor = actorOf(res);
    res.json(
      await db.transaction((tx) => declareInterest(tx, actor, req.params.id, req.body, engine.registry)),
    );
  };
  router.put('/:id/declaration', declare);
  router.put('/:id/panel/declaration', declare);

  router.put('/:id/panel/scores', async (req, res) => {
    const actor = actorOf(res);
    res.json(await db.transaction((tx) => scoreBid(tx, actor, req.params.id, req.body, engine.registry)));
  });

  router.get('/:id/panel/scores', async (req, res) => {
    res.json(await panelScoresOf(db, actorOf(res), req.params.id, engine.registry));
  });

  return router;
}
