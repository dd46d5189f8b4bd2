// The documents on an organisation's profile (its governing document, accounts, safeguarding policy,
// insurance), each with the date it runs out: added by the organisation's people (or staff for it),
// read by staff and its own people. The latest of each kind counts; a document past its date is out
// of date, and due diligence asks for in-date ones.
import { type ProfileDocumentKind, profileDocumentKinds } from '../../../machines/define.ts';
import type { Database, Db } from '../../db/client.ts';
import { currentProfileDocuments, insertOrganisationDocument } from '../../db/queries/documents.ts';
import { findOrganisation } from '../../db/queries/organisations.ts';
import type { Actor } from '../../engine/actor.ts';
import { forbidden, invalid, notFound } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';
import { type DocumentSettings, storeDocument, type Upload } from './upload.ts';

export interface ProfileDocument {
  kind: ProfileDocumentKind;
  kindName: string;
  current: {
    documentId: string;
    name: string;
    sizeBytes: number;
    expiresOn: string;
    inDate: boolean;
    addedAt: string;
  } | null;
}

const isKind = (kind: string): kind is ProfileDocumentKind => Object.hasOwn(profileDocumentKinds, kind);

/** Staff, and the organisation's own people, read its profile; only they and officers or admins add to it. */
async function organisationFor(db: Db, actor: Actor, organisationId: string, adding: boolean) {
  const organisation = isUuid(organisationId) ? await findOrganisation(db, organisationId) : undefined;
  const own = actor.role === 'provider' && actor.organisationId === organisationId;
  if (!organisation || (actor.role === 'provider' && !own) || actor.role === 'system')
    throw notFound('organisation');
  if (adding && !own && !['officer', 'admin'].includes(actor.role))
    throw forbidden('Only the organisation’s people, commissioning officers and admins add its documents.');
  return organisation;
}

/** The profile's documents, one of each kind (none where none was given), in date or not as of `today`. */
export async function organisationProfile(
  db: Db,
  actor: Actor,
  organisationId: string,
  today: string,
): Promise<ProfileDocument[]> {
  await organisationFor(db, actor, organisationId, false);
  return profileOf(db, organisationId, today);
}

/** The same, for the rules that read it (due diligence): no one's sight to check. */
export async function profileOf(db: Db, organisationId: string, today: string): Promise<ProfileDocument[]> {
  const rows = await currentProfileDocuments(db, organisationId);
  return (Object.keys(profileDocumentKinds) as ProfileDocumentKind[]).map((kind) => {
    const row = rows.find((r) => r.kind === kind);
    return {
      kind,
      kindName: profileDocumentKinds[kind],
      current: row
        ? {
            documentId: row.documentId,
            name: row.name,
            sizeBytes: row.sizeBytes,
            expiresOn: row.expiresOn,
            inDate: row.expiresOn >= today,
            addedAt: row.addedAt.toISOString(),
          }
        : null,
    };
  });
}

/** What is wrong with a document's kind and expiry date as given, before its file is read. */
export function profileFieldProblems(kind: string, expiresOn: unknown, today: string) {
  const problems: { field: string; message: string }[] = [];
  if (!isKind(kind))
    problems.push({
      field: 'kind',
      message: `Choose one of ${Object.keys(profileDocumentKinds).join(', ')}`,
    });
  if (
    typeof expiresOn !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(expiresOn) ||
    Number.isNaN(Date.parse(expiresOn))
  )
    problems.push({ field: 'expiresOn', message: 'Enter the date it runs out, as YYYY-MM-DD' });
  else if (expiresOn < today)
    problems.push({
      field: 'expiresOn',
      message: 'The date it runs out must be today or later: upload a document that is in date',
    });
  return problems;
}

/** A document added to the profile: its kind and date checked first, then the file, in one transaction. */
export async function addProfileDocument(
  db: Database,
  settings: DocumentSettings,
  actor: Actor,
  organisationId: string,
  given: { kind: string; expiresOn: unknown; today: string; at: Date },
  upload: Upload,
): Promise<void> {
  await organisationFor(db, actor, organisationId, true);
  const problems = profileFieldProblems(given.kind, given.expiresOn, given.today);
  if (problems.length) throw invalid('The document’s details are not valid.', problems);
  await storeDocument(
    db,
    settings,
    upload,
    { organisationId, caseId: null, uploadedBy: actor.userId, at: given.at },
    (tx, document) =>
      insertOrganisationDocument(tx, {
        organisationId,
        kind: given.kind,
        documentId: document.id,
        expiresOn: given.expiresOn as string,
        addedBy: actor.userId,
        addedAt: given.at,
      }),
  );
}
