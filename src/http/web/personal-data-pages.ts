// Personal data, for admins: find a person by email address, see what is held about them, download
// it all for a subject access request, and erase them on request where the law allows.
import { type Request, type Response, Router } from 'express';
import type { Database } from '../../db/client.ts';
import { roleNames } from '../../domain/people.ts';
import {
  erasePerson,
  erasureRefusal,
  personWithEmail,
  type RetentionSettings,
  subjectAccessReport,
} from '../../domain/retention.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Engine } from '../../engine/engine.ts';
import { notFound } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import { caseReference } from '../../engine/views.ts';
import { text } from './form-answers.ts';
import { formErrors } from './form-problems.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';
import { londonInstantText } from './views.ts';

const PERSONAL_DATA = '/admin/personal-data';
const adminOnly = [requireSignIn, onlyFor('admin', 'admins')];

const personId = (req: Request) => {
  const id = String(req.params.id);
  if (!isUuid(id)) throw notFound();
  return id;
};

export function personalDataPagesRouter(deps: {
  db: Database;
  engine: Engine;
  clock: Clock;
  retention: RetentionSettings;
}): Router {
  const router = Router();
  const referenceOf = (machine: string, seq: number | null) => {
    const definition = deps.engine.registry.latest(machine);
    return definition && seq !== null ? caseReference(definition, seq) : machine;
  };
  const report = (req: Request, res: Response) =>
    subjectAccessReport(deps.db, webActor(res), personId(req), referenceOf);

  router.get(PERSONAL_DATA, ...adminOnly, async (req, res) => {
    const email = text(req.query.email).trim();
    if (!email)
      return res.render('admin/personal-data-find.njk', { title: 'Personal data', email, fieldErrors: {} });
    const id = await personWithEmail(deps.db, email);
    if (!id)
      return res.status(404).render('admin/personal-data-find.njk', {
        title: 'Personal data',
        email,
        ...formErrors([{ field: 'email', message: 'No account has that email address' }]),
      });
    res.redirect(303, `${PERSONAL_DATA}/${id}`);
  });

  router.get(`${PERSONAL_DATA}/:id`, ...adminOnly, async (req, res) => {
    const held = await report(req, res);
    const refusal = await erasureRefusal(deps.db, held.account.id, deps.retention, deps.clock.now());
    const counts = [
      ['Organisations they belong to', held.memberships.length],
      ['Sign-in sessions', held.sessions.length],
      ['API tokens', held.apiTokens.length],
      ['Links sent to set a password or join', held.links.length],
      ['Things they did on cases', held.caseActions.length],
      ['Messages they wrote on cases', held.messagesWritten.length],
      ['Internal notes they wrote on cases', held.notesWritten.length],
      ['Panels they sat on', held.panelMemberships.length],
      ['Conflict of interest declarations', held.conflictDeclarations.length],
      ['Panel scores', held.scores.length],
      ['Saved drafts', held.drafts.length],
      ['Emails sent to them', held.email.length],
      ['Bank details changes they entered or decided', held.bankDetailsChanges.length],
    ] as const;
    res.render('admin/personal-data.njk', {
      title: `Personal data: ${held.account.name}`,
      account: held.account,
      roleName: roleNames[held.account.role],
      counts,
      refusal: refusal && {
        lastAct: londonInstantText(refusal.lastAct.toISOString()),
        keptUntil: londonInstantText(refusal.keptUntil.toISOString()),
      },
      recordsYears: deps.retention.recordsYears,
      saved: req.query.saved === 'erased' ? 'Their personal data has been erased.' : undefined,
    });
  });

  router.get(`${PERSONAL_DATA}/:id/export.json`, ...adminOnly, async (req, res) => {
    const held = await report(req, res);
    res
      .set('Content-Disposition', `attachment; filename="personal-data-${held.account.id}.json"`)
      .set('Cache-Control', 'no-store')
      .json({ producedAt: deps.clock.now().toISOString(), ...held });
  });

  router.get(`${PERSONAL_DATA}/:id/erase`, ...adminOnly, async (req, res) => {
    const held = await report(req, res);
    res.render('admin/personal-data-erase.njk', {
      title: `Erase ${held.account.name}`,
      account: held.account,
    });
  });
  router.post(`${PERSONAL_DATA}/:id/erase`, ...adminOnly, async (req, res) => {
    await erasePerson(deps.db, webActor(res), personId(req), deps.retention, deps.clock.now());
    res.redirect(303, `${PERSONAL_DATA}/${personId(req)}?saved=erased`);
  });
  return router;
}
