// Who may read a stored file, and its bytes a chunk at a time. A file given for a case (a bid's answer,
// evidence) is for those who may see the case; a file of an organisation's own is for staff and that
// organisation's people. Anyone else is told there is no such file.
import type { Db } from '../../db/client.ts';
import { chunkAfter, type DocumentRow, findDocument } from '../../db/queries/documents.ts';
import type { Actor } from '../../engine/actor.ts';
import type { Engine } from '../../engine/engine.ts';
import { notFound } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';

export async function documentFor(db: Db, engine: Engine, actor: Actor, id: string): Promise<DocumentRow> {
  const document = isUuid(id) ? await findDocument(db, id) : undefined;
  if (!document) throw notFound('file');
  if (document.caseId) {
    // 404 from the engine for a case this person may not see.
    await engine.get(actor, document.caseId);
    return document;
  }
  const mayRead =
    actor.role === 'provider' ? actor.organisationId === document.organisationId : actor.role !== 'system';
  if (!mayRead) throw notFound('file');
  return document;
}

/** The file's bytes in order, read from PostgreSQL one chunk at a time. */
export async function* documentBytes(db: Db, id: string): AsyncGenerator<Buffer> {
  let seq = -1;
  for (;;) {
    const chunk = await chunkAfter(db, id, seq);
    if (!chunk) return;
    seq = chunk.seq;
    yield chunk.bytes;
  }
}
