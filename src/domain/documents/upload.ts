// Storing an upload: read as it arrives, a chunk at a time (never whole in memory), into PostgreSQL,
// while ClamAV scans the same chunks. Its type is judged by its content, its size held to the limit,
// its name made safe. Any refusal rolls the transaction back, so a bad upload stores nothing.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Database, Db, Tx } from '../../db/client.ts';
import { completeDocument, type DocumentRow, insertDocument } from '../../db/queries/documents.ts';
import { ProblemError } from '../../engine/errors.ts';
import { ACCEPTED_IN_WORDS, acceptedType, HEAD_BYTES, sanitisedName } from './file-kinds.ts';
import { type Scanner, ScannerUnavailable, type ScanSession } from './scanner.ts';
import { type DocumentStore, postgresStore } from './store.ts';

export interface DocumentSettings {
  /** The largest file taken, in bytes (UPLOAD_MAX_BYTES; 20 MB by default). */
  maxBytes: number;
  /** ClamAV, where CLAMAV_ADDRESS is set; null: files are stored unscanned. */
  scanner: Scanner | null;
  /** Where new files' bytes go (DOCUMENT_STORE): PostgreSQL unless an S3-compatible bucket is given. */
  store?: DocumentStore;
}

/** The bytes of a stored file, from the store it was written to. */
export function bytesOf(settings: DocumentSettings, db: Db, document: { id: string; store: string }) {
  if (document.store === 'postgres') return postgresStore.read(db, document);
  if (settings.store?.name === document.store) return settings.store.read(db, document);
  throw new Error(`The file's store (${document.store}) is not configured`);
}

export const DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
/** How much of a file is written, and sent to the scanner, at a time. */
export const CHUNK_BYTES = 256 * 1024;

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

export const tooLarge = (settings: DocumentSettings) =>
  new ProblemError(
    413,
    'The file is too large',
    `The file must be ${megabytes(settings.maxBytes)} or smaller.`,
  );
const wrongType = () =>
  new ProblemError(422, 'The file is not a type we take', `The file must be ${ACCEPTED_IN_WORDS}.`);
const empty = () =>
  new ProblemError(422, 'The file is empty', 'The file you chose is empty. Choose another.');
const infected = () =>
  new ProblemError(
    422,
    'The file contains a virus',
    'The file contains a virus, so it was not saved. Check your computer for viruses, then upload a clean copy.',
  );
const cannotScan = () =>
  new ProblemError(
    503,
    'Files cannot be checked just now',
    'Files cannot be checked for viruses just now, so nothing was saved. Try again in a few minutes.',
  );

export interface Upload {
  stream: Readable;
  /** The name the person's computer gave it. */
  name: string;
}

export interface Owner {
  organisationId: string;
  caseId: string | null;
  uploadedBy: string | null;
  at: Date;
}

/** Stores the upload once it passes every check, or refuses it (413, 422, 503) storing nothing. */
export async function storeDocument(
  db: Database,
  settings: DocumentSettings,
  upload: Upload,
  owner: Owner,
  /** What the file is for (a question's answer, a profile's document), written in the same transaction. */
  alongside?: (tx: Tx, document: DocumentRow) => Promise<void>,
): Promise<DocumentRow> {
  const name = sanitisedName(upload.name);
  try {
    return await db.transaction(async (tx) => {
      const row = await insertDocument(tx, {
        name,
        contentType: 'application/octet-stream',
        sizeBytes: 1,
        sha256: '',
        scanned: false,
        store: (settings.store ?? postgresStore).name,
        organisationId: owner.organisationId,
        caseId: owner.caseId,
        uploadedBy: owner.uploadedBy,
        uploadedAt: owner.at,
      });
      const scan: ScanSession | null = settings.scanner ? await settings.scanner.start() : null;
      const writer = await (settings.store ?? postgresStore).begin(tx, row.id);
      try {
        const hash = createHash('sha256');
        let head = Buffer.alloc(0);
        let type: string | undefined;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        let total = 0;
        /** Writes whole chunks of CHUNK_BYTES (and, at the end, what is left): the same bytes to the scanner. */
        const flush = async (atEnd: boolean) => {
          while (pendingBytes >= CHUNK_BYTES || (atEnd && pendingBytes > 0)) {
            const all = Buffer.concat(pending, pendingBytes);
            const chunk = all.subarray(0, Math.min(CHUNK_BYTES, all.length));
            const rest = all.subarray(chunk.length);
            pending = rest.length ? [rest] : [];
            pendingBytes = rest.length;
            await writer.write(chunk);
            await scan?.write(chunk);
          }
        };
        // Not destroyed when a check refuses it part way: the rest is drained so the answer can be sent.
        for await (const data of upload.stream.iterator({ destroyOnReturn: false })) {
          const piece = data as Buffer;
          total += piece.length;
          if (total > settings.maxBytes) throw tooLarge(settings);
          hash.update(piece);
          if (head.length < HEAD_BYTES) {
            head = Buffer.concat([head, piece.subarray(0, HEAD_BYTES - head.length)]);
            // Refused as soon as its first bytes show it is not a type we take.
            if (head.length >= HEAD_BYTES) {
              type = await acceptedType(head, name);
              if (!type) throw wrongType();
            }
          }
          pending.push(piece);
          pendingBytes += piece.length;
          await flush(false);
        }
        if (!total) throw empty();
        type ??= await acceptedType(head, name);
        if (!type) throw wrongType();
        await flush(true);
        const verdict = scan ? await scan.verdict() : { clean: true as const };
        if (!verdict.clean) throw infected();
        await writer.finish();
        const stored = await completeDocument(tx, row.id, {
          contentType: type,
          sizeBytes: total,
          sha256: hash.digest('hex'),
          scanned: !!scan,
        });
        await alongside?.(tx, stored);
        return stored;
      } catch (error) {
        scan?.abort();
        await writer.abort();
        throw error;
      }
    });
  } catch (error) {
    // Whatever was refused, the rest of the upload is read and thrown away so the answer can be sent.
    upload.stream.resume();
    if (error instanceof ScannerUnavailable) throw cannotScan();
    throw error;
  }
}
