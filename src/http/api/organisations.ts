import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { bankDetailsView, decidePendingBankDetails, enterBankDetails } from '../../domain/bank-details.ts';
import { addOrganisation, organisationsFor } from '../../domain/organisations.ts';
import { notFound } from '../../engine/errors.ts';
import { actorOf } from '../authenticate.ts';
import { parseBody } from '../parse.ts';

export function organisationsRouter(db: Database): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ items: await organisationsFor(db, actorOf(res)) });
  });
  router.post('/', async (req, res) => {
    parseBody(z.record(z.string(), z.unknown()), req.body);
    const added = await addOrganisation(db, actorOf(res), req.body);
    res.status(201).location(`/api/organisations/${added.id}`).json(added);
  });
  const bankDetails = (id: string) => `/api/organisations/${id}/bank-details`;
  router.get('/:id/bank-details', async (req, res) => {
    res.json(await db.transaction((tx) => bankDetailsView(tx, actorOf(res), req.params.id)));
  });
  router.post('/:id/bank-details', async (req, res) => {
    parseBody(z.record(z.string(), z.unknown()), req.body);
    const id = req.params.id;
    await db.transaction((tx) => enterBankDetails(tx, actorOf(res), id, req.body, new Date()));
    res
      .status(201)
      .location(bankDetails(id))
      .json(await db.transaction((tx) => bankDetailsView(tx, actorOf(res), id)));
  });
  router.post('/:id/bank-details/:decision', async (req, res) => {
    const { id, decision } = req.params;
    if (decision !== 'confirm' && decision !== 'reject') throw notFound();
    const choice =
      decision === 'confirm'
        ? { confirm: true as const, body: req.body }
        : { confirm: false as const, body: req.body };
    await db.transaction((tx) => decidePendingBankDetails(tx, actorOf(res), id, choice, new Date()));
    res.json(await db.transaction((tx) => bankDetailsView(tx, actorOf(res), id)));
  });
  return router;
}
