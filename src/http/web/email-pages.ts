// The email outbox for admins, as the admin API gives it: what could not be delivered, and sending a
// failed message again. Addresses and subjects only, never bodies: an admin fixes delivery, not casework.
import { Router } from 'express';
import type { Database } from '../../db/client.ts';
import { listOutbox, type OutboxStatus, retryFailed } from '../../db/queries/outbox.ts';
import type { Clock } from '../../engine/clock.ts';
import { notFound } from '../../engine/errors.ts';
import { onlyFor, requireSignIn } from './session.ts';
import { londonInstantText } from './views.ts';

const EMAIL = '/admin/email';
const adminOnly = onlyFor('admin', 'admins');
const statuses: Record<OutboxStatus, string> = {
  failed: 'Could not be sent',
  pending: 'Waiting to be sent',
  sent: 'Sent',
};

export function emailPagesRouter(deps: { db: Database; clock: Clock }): Router {
  const router = Router();
  router.get(EMAIL, requireSignIn, adminOnly, async (req, res) => {
    const status = (
      Object.hasOwn(statuses, String(req.query.status)) ? req.query.status : 'failed'
    ) as OutboxStatus;
    const rows = await listOutbox(deps.db, { status, limit: 200 });
    res.render('email.njk', {
      title: 'Email',
      status,
      tabs: Object.entries(statuses).map(([value, text]) => ({ value, text, current: value === status })),
      lastColumn: { failed: 'Why', sent: 'Sent', pending: 'Attempts' }[status],
      rows: rows.map((r) => ({
        id: r.id,
        to: `${r.toName} <${r.toEmail}>`,
        subject: r.subject,
        attempts: r.attempts,
        lastError: r.lastError,
        createdAt: r.createdAt.toISOString(),
        failed: r.status === 'failed',
        // What happened to it: the mail server's last answer, when it went, or how often it was tried.
        outcome:
          r.status === 'failed'
            ? (r.lastError ?? '')
            : r.sentAt
              ? londonInstantText(r.sentAt.toISOString())
              : r.attempts
                ? `Tried ${r.attempts} ${r.attempts === 1 ? 'time' : 'times'}: ${r.lastError ?? ''}`
                : 'Not yet tried',
      })),
      saved:
        typeof req.query.retried === 'string'
          ? 'The message will be sent again in the next minute.'
          : undefined,
    });
  });
  router.post(`${EMAIL}/:id/retry`, requireSignIn, adminOnly, async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0 || !(await retryFailed(deps.db, id, deps.clock.now())))
      throw notFound('failed message');
    res.redirect(303, `${EMAIL}?status=failed&retried=${id}`);
  });
  return router;
}
