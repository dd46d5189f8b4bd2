// Organisations and the identifiers their grants are published under (360Giving uses the charity
// or company number). Staff see every organisation; a provider sees its own.
import { asc, eq } from 'drizzle-orm';
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { organisations } from '../../db/schema/index.ts';
import { bankDetailsView, decidePendingBankDetails, enterBankDetails } from '../../domain/bank-details.ts';
import { fieldErrors, forbidden, invalid, notFound } from '../../engine/errors.ts';
import { actorOf } from '../authenticate.ts';
import { parseBody } from '../parse.ts';

export const newOrganisation = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['provider', 'partner', 'communitySafetyPartnership']),
  // England and Wales charities: 6 to 8 digits (e.g. 1190001); Scotland: SC + 6 digits.
  charityNumber: z
    .string()
    .regex(/^(\d{6,8}|SC\d{6})$/, { error: 'A charity number is 6 to 8 digits, or SC and 6 digits' })
    .optional(),
  // Companies House: 8 characters, digits or a two-letter prefix (SC, NI, OC…) and 6 digits.
  companyNumber: z
    .string()
    .regex(/^([0-9]{8}|[A-Z]{2}[0-9]{6})$/, {
      error: 'A company number is 8 digits, or 2 letters and 6 digits',
    })
    .optional(),
});

const view = (row: typeof organisations.$inferSelect) => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  charityNumber: row.charityNumber,
  companyNumber: row.companyNumber,
});

export function organisationsRouter(db: Database): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const actor = actorOf(res);
    const query = db.select().from(organisations).orderBy(asc(organisations.name));
    const rows =
      actor.role === 'provider'
        ? await query.where(eq(organisations.id, actor.organisationId!))
        : await query;
    res.json({ items: rows.map(view) });
  });
  router.post('/', async (req, res) => {
    if (!['officer', 'admin'].includes(actorOf(res).role))
      throw forbidden('Only officers and admins add organisations.');
    parseBody(z.record(z.string(), z.unknown()), req.body);
    const parsed = newOrganisation.safeParse(req.body);
    if (!parsed.success) throw invalid('The organisation is not valid.', fieldErrors(parsed.error.issues));
    const [row] = await db.insert(organisations).values(parsed.data).returning();
    res.status(201).location(`/api/organisations/${row!.id}`).json(view(row!));
  });

  // Bank details: finance enters a change, a second finance user confirms or rejects it (masked).
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
