// An organisation's profile documents in pages, for its own people: the four kinds with the one that
// counts and its date, and a page to upload each (a multipart form: the date before the file, and the
// CSRF token before both, checked before the file is read).
import { type Response, Router } from 'express';
import { londonDate } from '../../../machines/calendar.ts';
import { profileDocumentKinds } from '../../../machines/define.ts';
import type { Database } from '../../db/client.ts';
import { ACCEPTED_IN_WORDS } from '../../domain/documents/file-kinds.ts';
import {
  addProfileDocument,
  organisationProfile,
  profileFieldProblems,
} from '../../domain/documents/profile.ts';
import type { DocumentSettings } from '../../domain/documents/upload.ts';
import type { Clock } from '../../engine/clock.ts';
import { type FieldError, notFound } from '../../engine/errors.ts';
import { sizeInWords } from './bid-answers.ts';
import { profileRows } from './case-files.ts';
import { readPageUpload } from './page-upload.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

const providersOnly = onlyFor('provider', 'people who bid for and manage grants for an organisation');

/** The date as typed in its three boxes, as YYYY-MM-DD (or as typed, for the check to refuse). */
const typedDate = (fields: Record<string, string>) => {
  const part = (name: string) => (fields[`expiresOn-${name}`] ?? '').trim();
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (!day && !month && !year) return '';
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
};

export function profileDocumentPagesRouter(deps: {
  db: Database;
  clock: Clock;
  documents: DocumentSettings;
}): Router {
  const router = Router();
  const { db, clock, documents } = deps;
  const signedIn = [requireSignIn, providersOnly];

  router.get('/organisation/documents', ...signedIn, async (req, res) => {
    const actor = webActor(res);
    const items = await organisationProfile(db, actor, actor.organisationId!, londonDate(clock.now()));
    res.render('organisation/documents.njk', {
      title: 'Your organisation’s documents',
      saved: req.query.saved === 'document',
      items: profileRows(items),
    });
  });

  function renderUpload(
    res: Response,
    kind: string,
    state: { status?: number; fields?: Record<string, string>; errors?: FieldError[] } = {},
  ) {
    if (!Object.hasOwn(profileDocumentKinds, kind)) throw notFound('page');
    const errorOf = (field: string) => state.errors?.find((e) => e.field === field)?.message;
    const errors = (state.errors ?? []).map((e) => ({
      text: e.message,
      href: e.field === 'expiresOn' ? '#expiresOn-day' : '#file',
    }));
    res.status(state.status ?? 200).render('organisation/document-upload.njk', {
      title: `Upload your ${profileDocumentKinds[kind as keyof typeof profileDocumentKinds].toLowerCase()}`,
      kindName: profileDocumentKinds[kind as keyof typeof profileDocumentKinds],
      action: `/organisation/documents/${kind}`,
      fields: state.fields ?? {},
      dateError: errorOf('expiresOn') && { text: errorOf('expiresOn') },
      fileError: (errorOf('file') ?? errorOf('(body)')) && { text: errorOf('file') ?? errorOf('(body)') },
      hint: `It must be ${ACCEPTED_IN_WORDS}, ${sizeInWords(documents.maxBytes)} or smaller.`,
      errors,
    });
  }

  router.get('/organisation/documents/:kind', ...signedIn, (req, res) => {
    renderUpload(res, String(req.params.kind));
  });

  router.post('/organisation/documents/:kind', ...signedIn, async (req, res) => {
    const actor = webActor(res);
    const kind = String(req.params.kind);
    if (!Object.hasOwn(profileDocumentKinds, kind)) throw notFound('page');
    const now = clock.now();
    const today = londonDate(now);
    const upload = await readPageUpload(req, res, {
      problems: (fields) => profileFieldProblems(kind, typedDate(fields), today),
      onFile: (file, fields) =>
        addProfileDocument(
          db,
          documents,
          actor,
          actor.organisationId!,
          { kind, expiresOn: typedDate(fields), today, at: now },
          file,
        ),
    });
    if (!upload.ok)
      return renderUpload(res, kind, { status: upload.status, fields: upload.fields, errors: upload.errors });
    res.redirect(303, '/organisation/documents?saved=document');
  });

  return router;
}
