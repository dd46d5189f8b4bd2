// Admins see email that could not be delivered and send it again.
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { listOutbox, retryFailed } from '../../db/queries/outbox.ts';
import type { Clock } from '../../engine/clock.ts';
import { forbidden, notFound } from '../../engine/errors.ts';
import { actorOf } from '../authenticate.ts';
import { parseQuery } from '../parse.ts';

const listQuery = z.strictObject({
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const idParam = z.coerce.number().int().positive();

export function outboxRouter(db: Database, clock: Clock): Router {
  const router = Router();
  router.use((_req, res, next) => {
    if (actorOf(res).role !== 'admin') throw forbidden('Only an admin can see the email outbox.');
    next();
  });
  router.get('/', async (req, res) => {
    const query = parseQuery(listQuery, req.query);
    const rows = await listOutbox(db, query);
    // Addresses and subjects, never bodies: an admin fixes delivery, not casework.
    res.json({
      items: rows.map((row) => ({
        id: row.id,
        caseId: row.caseId,
        message: row.message,
        to: row.toEmail,
        subject: row.subject,
        status: row.status,
        attempts: row.attempts,
        lastError: row.lastError,
        nextAttemptAt: row.nextAttemptAt.toISOString(),
        sentAt: row.sentAt?.toISOString() ?? null,
        createdAt: row.createdAt.toISOString(),
      })),
    });
  });
  router.post('/:id/retry', async (req, res) => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success || !(await retryFailed(db, id.data, clock.now()))) throw notFound('failed message');
    res.status(202).json({ id: id.data, status: 'pending' });
  });
  return router;
}
