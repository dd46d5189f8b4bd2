// Finance's pages for where payees are paid: every payee with its account (masked), a page at a time
// below the changes waiting for confirmation, and one payee's page to enter a change, or, for a second
// finance user, to confirm or reject the change waiting. The rules are the domain's
// (src/domain/bank-details.ts); these handlers render.
import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import {
  bankDetailsView,
  decidePendingBankDetails,
  enterBankDetails,
  payeesBankDetailsPage,
} from '../../domain/bank-details.ts';
import { type FieldError, ProblemError } from '../../engine/errors.ts';
import { addressOfPageShown, pageAddress, pageAskedFor, pageView } from './paging.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const LIST = '/finance/bank-details';
const listHref = (n: number) => pageAddress(LIST, n);
const financeOnly = onlyFor('finance', 'finance staff');
const FIELDS = ['accountName', 'sortCode', 'accountNumber', 'reason'] as const;

export function bankDetailsPagesRouter(deps: { db: Database }): Router {
  const router = Router();
  const { db } = deps;

  router.get(LIST, requireSignIn, financeOnly, async (req, res) => {
    const found = await payeesBankDetailsPage(db, pageAskedFor(req.query));
    // Not a page number, or past the last page: the address of the page shown instead.
    const shown = addressOfPageShown(req.query, found.page, listHref);
    if (shown) return res.redirect(303, shown);
    res.render('bank-details-list.njk', {
      title: 'Bank details of payees',
      ...found,
      ...pageView(found.page, listHref, { one: 'payee', many: 'payees', landmarkLabel: 'Pages of payees' }),
    });
  });

  async function page(
    res: Response,
    id: string,
    extra: {
      status?: number;
      values?: Record<string, string>;
      errors?: FieldError[];
      rejectErrors?: FieldError[];
      confirmErrors?: FieldError[];
      confirmValues?: Record<string, string>;
    } = {},
  ) {
    const actor = webActor(res);
    const view = await db.transaction((tx) => bankDetailsView(tx, actor, id));
    const message = (field: string, errors?: FieldError[]) => errors?.find((e) => e.field === field)?.message;
    res.status(extra.status ?? 200).render('bank-details.njk', {
      title: `Bank details: ${view.name}`,
      view,
      // Whoever entered the change waiting cannot decide it.
      mayDecide: !!view.pending && view.pending.requestedBy.id !== actor.userId,
      values: extra.values ?? {},
      fieldErrors: Object.fromEntries(FIELDS.map((f) => [f, message(f, extra.errors)])),
      rejectError: message('reason', extra.rejectErrors),
      confirmValues: extra.confirmValues ?? {},
      confirmErrors: {
        sortCode: message('sortCode', extra.confirmErrors),
        accountNumber: message('accountNumber', extra.confirmErrors),
      },
      errors: [
        ...(extra.errors ?? []).map((e) => ({ href: `#${e.field}`, text: e.message })),
        ...(extra.confirmErrors ?? []).map((e) => ({
          href: e.field === 'form' ? '#pending' : `#confirm-${e.field}`,
          text: e.message,
        })),
        ...(extra.rejectErrors ?? []).map((e) => ({ href: '#rejectReason', text: e.message })),
      ],
      done: res.req.query.done,
    });
  }

  router.get(`${LIST}/:id`, requireSignIn, financeOnly, async (req, res) => {
    await page(res, String(req.params.id));
  });

  /** Runs a change; a refusal a person can fix re-renders the page with it beside the field. */
  async function attempt(
    res: Response,
    id: string,
    work: () => Promise<unknown>,
    onRefusal: (e: FieldError[]) => object,
  ) {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status >= 500 || error.status === 404) throw error;
      const fields = (error.extensions.errors ?? []) as FieldError[];
      const problems = fields.length ? fields : [{ field: 'form', message: error.detail }];
      await page(res, id, { status: error.status, ...onRefusal(problems) });
      return false;
    }
    return true;
  }

  router.post(`${LIST}/:id`, requireSignIn, financeOnly, async (req, res) => {
    const id = String(req.params.id);
    const body = req.body as Record<string, unknown>;
    const values = Object.fromEntries(
      FIELDS.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : '']),
    );
    const ok = await attempt(
      res,
      id,
      () => db.transaction((tx) => enterBankDetails(tx, webActor(res), id, values, new Date())),
      (errors) => ({ values, errors }),
    );
    if (ok) res.redirect(303, `${LIST}/${encodeURIComponent(id)}?done=entered`);
  });

  router.post(`${LIST}/:id/confirm`, requireSignIn, financeOnly, async (req, res) => {
    const id = String(req.params.id);
    const body = req.body as Record<string, unknown>;
    const text = (field: string) => (typeof body[field] === 'string' ? (body[field] as string) : '');
    const rekeyed = { sortCode: text('sortCode'), accountNumber: text('accountNumber') };
    const ok = await attempt(
      res,
      id,
      () =>
        db.transaction((tx) =>
          decidePendingBankDetails(tx, webActor(res), id, { confirm: true, body: rekeyed }, new Date()),
        ),
      (errors) => ({ confirmErrors: errors, confirmValues: rekeyed }),
    );
    if (ok) res.redirect(303, `${LIST}/${encodeURIComponent(id)}?done=confirmed`);
  });

  router.post(`${LIST}/:id/reject`, requireSignIn, financeOnly, async (req, res) => {
    const id = String(req.params.id);
    const reason = typeof req.body?.reason === 'string' ? req.body.reason : '';
    const ok = await attempt(
      res,
      id,
      () =>
        db.transaction((tx) =>
          decidePendingBankDetails(tx, webActor(res), id, { confirm: false, body: { reason } }, new Date()),
        ),
      (errors) => ({ rejectErrors: errors }),
    );
    if (ok) res.redirect(303, `${LIST}/${encodeURIComponent(id)}?done=rejected`);
  });

  return router;
}
