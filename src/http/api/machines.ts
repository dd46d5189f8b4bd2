import { Router } from 'express';
import { z } from 'zod';
import { describeMachine } from '../../engine/describe.ts';
import { notFound } from '../../engine/errors.ts';
import type { MachineRegistry } from '../../engine/registry.ts';
import { parseQuery } from '../parse.ts';

const versionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });

export function machinesRouter(registry: MachineRegistry): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({ items: registry.list().map(describeMachine) });
  });
  router.get('/:id', (req, res) => {
    const { version } = parseQuery(versionQuery, req.query);
    const definition =
      version === undefined ? registry.latest(req.params.id) : registry.get(req.params.id, version);
    if (!definition) throw notFound('machine');
    res.json(describeMachine(definition));
  });
  return router;
}
