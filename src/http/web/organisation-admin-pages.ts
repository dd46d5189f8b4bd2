// Organisations, for admins: the list (waiting to be verified, inactive, all; 50 a page), an organisation’s
// page with its registration and people, correcting its details, verifying it, and making it
// inactive or active again. The rules are src/domain/organisation-admin.ts.
import { type Request, type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import {
  editOrganisation,
  makeActive,
  makeInactive,
  type OrganisationList,
  organisationList,
  organisationRecord,
  verifyOrganisation,
} from '../../domain/organisation-admin.ts';
import { legalForms, organisationFields } from '../../domain/registration.ts';
import type { Clock } from '../../engine/clock.ts';
import { notFound } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import { text } from './form-answers.ts';
import { formErrors } from './form-problems.ts';
import { addressOfPageShown, pageAskedFor, pageView } from './paging.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';
import { londonInstantText } from './views.ts';

const ORGANISATIONS = '/admin/organisations';
const adminOnly = [requireSignIn, onlyFor('admin', 'admins')];
const lists: Record<OrganisationList, string> = {
  unverified: 'Waiting to be verified',
  inactive: 'Inactive',
  all: 'All',
};
/** The details form's questions: the schema's fields, in its order (as registration asks them). */
const DETAILS = Object.keys(organisationFields.shape);

/** A page of one of the lists: the first page's address names no page. */
function listHref(show: OrganisationList, page: number): string {
  const params = new URLSearchParams();
  if (show !== 'unverified') params.set('show', show);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `${ORGANISATIONS}?${query}` : ORGANISATIONS;
}

const organisationId = (req: Request) => {
  const id = String(req.params.id);
  if (!isUuid(id)) throw notFound();
  return id;
};

export function organisationAdminPagesRouter(deps: { db: Database; clock: Clock }): Router {
  const router = Router();

  router.get(ORGANISATIONS, ...adminOnly, async (req, res) => {
    const show = (
      Object.hasOwn(lists, String(req.query.show)) ? req.query.show : 'unverified'
    ) as OrganisationList;
    const list = await organisationList(deps.db, webActor(res), show, pageAskedFor(req.query));
    const href = (page: number) => listHref(show, page);
    // Not a page, or past the last (a bookmark from when there were more): the first or the last.
    const shown = addressOfPageShown(req.query, list.page, href);
    if (shown) return res.redirect(303, shown);
    const { page } = list;
    res.render('admin/organisations.njk', {
      title: page.pages > 1 ? `Organisations (page ${page.number} of ${page.pages})` : 'Organisations',
      show,
      tabs: Object.entries(lists).map(([value, label]) => ({ value, label, current: value === show })),
      rows: list.rows,
      ...pageView(page, href, {
        one: 'organisation',
        many: 'organisations',
        landmarkLabel: 'Pages of organisations',
      }),
    });
  });

  const recordPage = async (
    req: Request,
    res: Response,
    status: number,
    view: Record<string, unknown> = {},
  ) => {
    const record = await organisationRecord(deps.db, webActor(res), organisationId(req));
    res.status(status).render('admin/organisation.njk', {
      title: record.name,
      record: {
        ...record,
        createdAtText: londonInstantText(record.createdAt.toISOString()),
        verifiedAtText: record.verifiedAt ? londonInstantText(record.verifiedAt.toISOString()) : null,
        inactiveAtText: record.inactiveAt ? londonInstantText(record.inactiveAt.toISOString()) : null,
      },
      saved: {
        edited: 'Details saved.',
        verified: 'Verified.',
        inactive: 'Made inactive.',
        active: 'Active again.',
      }[String(req.query.saved)],
      fieldErrors: {},
      ...view,
    });
  };
  router.get(`${ORGANISATIONS}/:id`, ...adminOnly, (req, res) => recordPage(req, res, 200));

  const editPage = async (
    req: Request,
    res: Response,
    status: number,
    view: Record<string, unknown> = {},
  ) => {
    const record = await organisationRecord(deps.db, webActor(res), organisationId(req));
    const values = (view.values as Record<string, string> | undefined) ?? {
      organisationName: record.name,
      legalForm: record.legalForm ?? '',
      charityNumber: record.charityNumber ?? '',
      companyNumber: record.companyNumber ?? '',
      address: record.address ?? '',
      postcode: record.postcode ?? '',
      phone: record.phone ?? '',
    };
    res.status(status).render('admin/organisation-edit.njk', {
      title: `Change the details of ${record.name}`,
      record,
      values,
      legalFormItems: Object.entries(legalForms).map(([value, label]) => ({
        value,
        text: label,
        checked: values.legalForm === value,
      })),
      fieldErrors: {},
      ...view,
    });
  };
  router.get(`${ORGANISATIONS}/:id/edit`, ...adminOnly, (req, res) => editPage(req, res, 200));
  router.post(`${ORGANISATIONS}/:id/edit`, ...adminOnly, async (req, res) => {
    const values = Object.fromEntries(DETAILS.map((field) => [field, text(req.body?.[field])]));
    const problems = await editOrganisation(deps.db, webActor(res), organisationId(req), values);
    // The error summary lists the problems in the order of the form's fields.
    problems.sort((a, b) => DETAILS.indexOf(a.field) - DETAILS.indexOf(b.field));
    if (problems.length) return editPage(req, res, 422, { values, ...formErrors(problems) });
    res.redirect(303, `${ORGANISATIONS}/${organisationId(req)}?saved=edited`);
  });

  router.post(`${ORGANISATIONS}/:id/verify`, ...adminOnly, async (req, res) => {
    await verifyOrganisation(deps.db, webActor(res), organisationId(req), deps.clock.now());
    res.redirect(303, `${ORGANISATIONS}/${organisationId(req)}?saved=verified`);
  });

  const inactivePage = async (
    req: Request,
    res: Response,
    status: number,
    view: Record<string, unknown> = {},
  ) => {
    const record = await organisationRecord(deps.db, webActor(res), organisationId(req));
    res.status(status).render('admin/organisation-inactive.njk', {
      title: `Make ${record.name} inactive`,
      record,
      reason: '',
      fieldErrors: {},
      ...view,
    });
  };
  router.get(`${ORGANISATIONS}/:id/inactive`, ...adminOnly, (req, res) => inactivePage(req, res, 200));
  router.post(`${ORGANISATIONS}/:id/inactive`, ...adminOnly, async (req, res) => {
    const reason = text(req.body?.reason);
    const problems = await makeInactive(
      deps.db,
      webActor(res),
      organisationId(req),
      reason,
      deps.clock.now(),
    );
    if (problems.length) return inactivePage(req, res, 422, { reason, ...formErrors(problems) });
    res.redirect(303, `${ORGANISATIONS}/${organisationId(req)}?saved=inactive`);
  });
  router.post(`${ORGANISATIONS}/:id/active`, ...adminOnly, async (req, res) => {
    await makeActive(deps.db, webActor(res), organisationId(req));
    res.redirect(303, `${ORGANISATIONS}/${organisationId(req)}?saved=active`);
  });
  return router;
}
