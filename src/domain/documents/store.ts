// Where a document's bytes live, behind one interface: PostgreSQL by default (document_chunks, a row
// a chunk, written in the upload's transaction), or an S3-compatible bucket (a multipart upload, a
// part of 5 MB at a time). Either way a file is written and read a piece at a time, never whole.
import { Readable } from 'node:stream';
import type { Db, Tx } from '../../db/client.ts';
import { insertChunk } from '../../db/queries/documents.ts';
import { documentBytes } from './access.ts';

export interface StoreWriter {
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

export interface DocumentStore {
  /** What the document row says of where its bytes are. */
  readonly name: 'postgres' | 's3';
  begin(tx: Tx, documentId: string): Promise<StoreWriter>;
  read(db: Db, document: { id: string }): AsyncIterable<Buffer>;
}

export const postgresStore: DocumentStore = {
  name: 'postgres',
  async begin(tx, documentId) {
    let seq = 0;
    return {
      write: (chunk) => insertChunk(tx, documentId, seq++, chunk),
      // The chunks commit, or roll back, with the upload's transaction.
      finish: async () => undefined,
      abort: async () => undefined,
    };
  },
  read: (db, document) => documentBytes(db, document.id),
};

export interface S3Settings {
  /** e.g. https://s3.eu-west-2.amazonaws.com, or a compatible service's URL. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** S3's smallest part but the last. */
const PART_BYTES = 5 * 1024 * 1024;

export async function s3Store(settings: S3Settings): Promise<DocumentStore> {
  const aws4 = (await import('aws4')).default;
  const base = new URL(settings.endpoint);
  /** A signed request to the bucket (path style, so any compatible service takes it). */
  const send = async (method: string, key: string, query = '', body?: Buffer) => {
    const path = `/${settings.bucket}/${key.split('/').map(encodeURIComponent).join('/')}${query}`;
    const signed = aws4.sign(
      {
        host: base.host,
        path,
        method,
        service: 's3',
        region: settings.region,
        headers: body ? { 'Content-Length': String(body.length) } : {},
        ...(body ? { body } : {}),
      },
      { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    );
    const res = await fetch(`${base.protocol}//${base.host}${path}`, {
      method,
      headers: signed.headers as Record<string, string>,
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
    if (!res.ok) throw new Error(`S3 ${method} ${key}${query}: ${res.status} ${await res.text()}`);
    return res;
  };
  const keyOf = (documentId: string) => `documents/${documentId}`;
  return {
    name: 's3',
    async begin(_tx, documentId) {
      const key = keyOf(documentId);
      const created = await (await send('POST', key, '?uploads')).text();
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1];
      if (!uploadId) throw new Error('S3 did not start the upload');
      const parts: string[] = [];
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const upload = async () => {
        const body = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        const res = await send(
          'PUT',
          key,
          `?partNumber=${parts.length + 1}&uploadId=${encodeURIComponent(uploadId)}`,
          body,
        );
        parts.push(res.headers.get('etag') ?? '');
      };
      return {
        async write(chunk) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= PART_BYTES) await upload();
        },
        async finish() {
          if (pendingBytes || !parts.length) await upload();
          const list = parts
            .map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`)
            .join('');
          await send(
            'POST',
            key,
            `?uploadId=${encodeURIComponent(uploadId)}`,
            Buffer.from(`<CompleteMultipartUpload>${list}</CompleteMultipartUpload>`),
          );
        },
        async abort() {
          await send('DELETE', key, `?uploadId=${encodeURIComponent(uploadId)}`).catch(() => undefined);
        },
      };
    },
    async *read(_db, document) {
      const res = await send('GET', keyOf(document.id));
      if (!res.body) return;
      for await (const chunk of Readable.fromWeb(
        res.body as import('node:stream/web').ReadableStream<Uint8Array>,
      ))
        yield chunk as Buffer;
    },
  };
}
