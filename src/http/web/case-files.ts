// What the case page shows of files: the documents kept on the case, whether this person may add one,
// and — for staff on a cycle whose due diligence reads it — the organisation's profile documents.
import type { MachineDefinition } from '../../../machines/define.ts';
import type { Db } from '../../db/client.ts';
import { documentsOfShownCase, mayAddTo } from '../../domain/documents/case-documents.ts';
import { type ProfileDocument, profileOf } from '../../domain/documents/profile.ts';
import type { Actor } from '../../engine/actor.ts';
import type { CaseView } from '../../engine/views.ts';
import { sizeInWords } from './bid-answers.ts';

/** A file's size in words beside the rest of what is said of it. */
const sized = <T extends { sizeBytes: number }>(file: T) => ({ ...file, size: sizeInWords(file.sizeBytes) });

/** An organisation's profile documents as pages list them: each with its file's size in words. */
export const profileRows = (items: readonly ProfileDocument[]) =>
  items.map((item) => ({ ...item, size: item.current ? sizeInWords(item.current.sizeBytes) : undefined }));

export async function caseFiles(
  db: Db,
  actor: Actor,
  view: CaseView,
  definition: MachineDefinition,
  today: string,
) {
  const checksProfile = Object.values(definition.events).some((spec) => spec.profileChecks);
  const [documents, profile] = await Promise.all([
    documentsOfShownCase(db, view),
    checksProfile && actor.role !== 'provider' ? profileOf(db, view.organisationId, today) : undefined,
  ]);
  return {
    documents: documents.map(sized),
    mayAddDocuments: mayAddTo(actor, view),
    profile: profile?.map((item) => ({
      ...item,
      size: item.current ? sizeInWords(item.current.sizeBytes) : undefined,
    })),
  };
}
