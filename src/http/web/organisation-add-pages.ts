// Adding an organisation, for officers and admins: a partner that pays into joint funds, a Community
// Safety Partnership, or a provider who cannot register themselves. The rules are
// src/domain/organisations.ts; the form is built from its schema.
import { type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { findOrganisation } from '../../db/queries/organisations.ts';
import { addOrganisation, newOrganisation } from '../../domain/organisations.ts';
import { type FieldError, ProblemError } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import { readForm } from './form-read.ts';
import { buildForm } from './forms.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const PAGE = '/organisations/new';
const adders = onlyFor(['officer', 'admin'], 'commissioning officers and admins');

export function organisationAddPagesRouter(deps: { db: Database }): Router {
  const router = Router();

  async function render(
    res: Response,
    state: { status?: number; values?: Record<string, unknown>; errors?: FieldError[]; added?: string } = {},
  ) {
    const form = buildForm(newOrganisation, { values: state.values, errors: state.errors });
    res.status(state.status ?? 200).render('organisation-new.njk', {
      title: 'Add an organisation',
      fields: form.fields,
      errors: form.errorList,
      added: state.added,
    });
  }

  router.get(PAGE, requireSignIn, adders, async (req, res) => {
    const id = typeof req.query.added === 'string' && isUuid(req.query.added) ? req.query.added : undefined;
    const added = id ? (await findOrganisation(deps.db, id))?.name : undefined;
    await render(res, { added });
  });

  router.post(PAGE, requireSignIn, adders, async (req, res) => {
    const read = readForm(newOrganisation, req.body);
    if (read.errors.length) return render(res, { status: 422, values: read.values, errors: read.errors });
    try {
      const added = await addOrganisation(deps.db, webActor(res), read.payload);
      res.redirect(303, `${PAGE}?added=${encodeURIComponent(added.id)}`);
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 422) throw error;
      const fields = (error.extensions.errors as FieldError[] | undefined) ?? [];
      return render(res, { status: 422, values: read.values, errors: fields });
    }
  });

  return router;
}
