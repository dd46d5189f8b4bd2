// The open data for OPCC staff in the browser: each month's crime and disorder reduction grants as a
// page and a CSV, and the 360Giving files, with the web sign-in instead of an API token. The rules
// and the parsing are the API's (src/http/api/exports.ts); these handlers render or send.
import { Router } from 'express';
import {
  addMonths,
  crimeDisorderCsv,
  crimeDisorderPublication,
  monthLabel,
  monthOf,
  publicationMonth,
} from '../../domain/open-data/crime-disorder-publication.ts';
import { threeSixtyGivingCsv, threeSixtyGivingPackage } from '../../domain/open-data/three-sixty-giving.ts';
import type { Clock } from '../../engine/clock.ts';
import { type ExportDeps, grantExport, OPEN_DATA_ROLES, publicationExport } from '../api/exports.ts';
import { sendDownload } from '../downloads.ts';
import { onlyFor, requireSignIn } from './session.ts';

const PAGE = '/finance/publications/crime-and-disorder';

const staffOnly = onlyFor(OPEN_DATA_ROLES, 'OPCC staff');

export function publicationPagesRouter(deps: ExportDeps & { clock: Clock }): Router {
  const router = Router();

  router.get(PAGE, requireSignIn, staffOnly, async (req, res) => {
    const given = req.query.month;
    const month = given === undefined ? monthOf(deps.clock.now()) : given;
    const parsed = publicationMonth.safeParse(month);
    if (!parsed.success) {
      const text = parsed.error.issues[0]?.message ?? 'Enter a month such as 2026-11';
      return res.status(400).render('crime-disorder-publication.njk', {
        title: 'Crime and disorder reduction grants',
        monthValue: typeof month === 'string' ? month : '',
        monthError: text,
        errors: [{ href: '#month', text }],
      });
    }
    const publication = await crimeDisorderPublication(deps.db, deps.registry, parsed.data);
    const around = (n: number) => {
      const m = addMonths(publication.month, n);
      return publicationMonth.safeParse(m).success
        ? { href: `${PAGE}?month=${m}`, label: monthLabel(m) }
        : undefined;
    };
    res.render('crime-disorder-publication.njk', {
      title: `Crime and disorder reduction grants made in ${publication.label}`,
      monthValue: publication.month,
      publication,
      csvHref: `${PAGE}.csv?month=${publication.month}`,
      previous: around(-1),
      next: around(1),
    });
  });

  router.get(`${PAGE}.csv`, requireSignIn, staffOnly, async (req, res) => {
    const { publication, name } = await publicationExport(deps, req.query);
    sendDownload(res, `${name}.csv`, 'csv', crimeDisorderCsv(publication));
  });

  router.get('/finance/publications/360giving.json', requireSignIn, staffOnly, async (req, res) => {
    const { grants, name } = await grantExport(deps, req.query);
    sendDownload(res, `${name}.json`, 'json', JSON.stringify(threeSixtyGivingPackage(grants), null, 2));
  });

  router.get('/finance/publications/360giving.csv', requireSignIn, staffOnly, async (req, res) => {
    const { grants, name } = await grantExport(deps, req.query);
    sendDownload(res, `${name}.csv`, 'csv', threeSixtyGivingCsv(grants));
  });

  return router;
}
