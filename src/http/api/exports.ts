// Open data the Commissioner publishes: awarded grants in the 360Giving format, and each month's
// crime and disorder reduction grants. Open data, but the API keeps it to OPCC staff like the rest
// (there are no unauthenticated pages to publish it from); staff publish the files.
import { Router } from 'express';
import type { Database } from '../../db/client.ts';
import { findFund } from '../../db/queries/funds.ts';
import {
  crimeDisorderCsv,
  crimeDisorderPublication,
} from '../../domain/open-data/crime-disorder-publication.ts';
import type { OpenDataSettings } from '../../domain/open-data/settings.ts';
import {
  publishedGrants,
  threeSixtyGivingCsv,
  threeSixtyGivingPackage,
} from '../../domain/open-data/three-sixty-giving.ts';
import type { Actor } from '../../engine/actor.ts';
import { forbidden, invalid } from '../../engine/errors.ts';
import type { MachineRegistry } from '../../engine/registry.ts';
import { actorOf } from '../authenticate.ts';
import { sendDownload } from '../downloads.ts';
import { parseQuery } from '../parse.ts';
import { grantExportQuery, publicationQuery } from './export-schemas.ts';

/** The roles that see and publish the open data: OPCC staff, not providers or panel members. */
export const OPEN_DATA_ROLES: readonly Actor['role'][] = ['officer', 'finance', 'approver', 'admin'];

export function requireOpenDataRole(actor: Actor): void {
  if (!OPEN_DATA_ROLES.includes(actor.role))
    throw forbidden(`Only ${OPEN_DATA_ROLES.join(', ')} staff can export the open data.`);
}

export interface ExportDeps {
  db: Database;
  registry: MachineRegistry;
  openData: OpenDataSettings;
}

/** The awarded grants a 360Giving query asks for, and a file name saying which. 400/422 for bad filters. */
export async function grantExport(deps: ExportDeps, query: unknown) {
  const filter = parseQuery(grantExportQuery, query);
  if (filter.fund && !(await findFund(deps.db, filter.fund))) {
    throw invalid('There is no fund with that id.', [{ field: 'fund', message: 'No fund has this id' }]);
  }
  const grants = await publishedGrants(deps.db, deps.registry, deps.openData, {
    financialYear: filter.financialYear,
    fundId: filter.fund,
  });
  const name = ['360giving-grants', filter.financialYear, filter.fund].filter(Boolean).join('-');
  return { grants, name };
}

/** The crime and disorder reduction grants made in the month a query names. 400 for a bad month. */
export async function publicationExport(deps: ExportDeps, query: unknown) {
  const { month } = parseQuery(publicationQuery, query);
  const publication = await crimeDisorderPublication(deps.db, deps.registry, month);
  return { publication, name: `crime-and-disorder-grants-${month}` };
}

export function exportsRouter(deps: ExportDeps): Router {
  const router = Router();
  router.use((_req, res, next) => {
    requireOpenDataRole(actorOf(res));
    next();
  });

  router.get('/360giving.json', async (req, res) => {
    const { grants } = await grantExport(deps, req.query);
    res.json(threeSixtyGivingPackage(grants));
  });

  router.get('/360giving.csv', async (req, res) => {
    const { grants, name } = await grantExport(deps, req.query);
    sendDownload(res, `${name}.csv`, 'csv', threeSixtyGivingCsv(grants));
  });

  router.get('/crime-and-disorder-grants.json', async (req, res) => {
    res.json((await publicationExport(deps, req.query)).publication);
  });

  router.get('/crime-and-disorder-grants.csv', async (req, res) => {
    const { publication, name } = await publicationExport(deps, req.query);
    sendDownload(res, `${name}.csv`, 'csv', crimeDisorderCsv(publication));
  });

  return router;
}
