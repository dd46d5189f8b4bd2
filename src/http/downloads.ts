import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

const DOWNLOAD_TYPES = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  pdf: 'application/pdf',
} as const;

/** Sends a file to save: CSV, JSON or PDF, named so a browser saves it under that name. */
export function sendDownload(
  res: Response,
  filename: string,
  type: keyof typeof DOWNLOAD_TYPES,
  body: string | Buffer,
): void {
  res.type(DOWNLOAD_TYPES[type]).attachment(filename).set('X-Content-Type-Options', 'nosniff').send(body);
}

/**
 * Sends a stored file as a download, never shown in the browser: its checked type, attachment with
 * its sanitised name (ASCII and UTF-8), nosniff, not cached; its bytes streamed a chunk at a time.
 */
export async function sendStoredFile(
  res: Response,
  document: { name: string; contentType: string; sizeBytes: number },
  bytes: AsyncIterable<Buffer>,
): Promise<void> {
  const ascii = document.name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  res.status(200).set({
    'Content-Type': document.contentType,
    'Content-Length': String(document.sizeBytes),
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(document.name)}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  try {
    await pipeline(Readable.from(bytes), res);
  } catch (error) {
    // The person went away (closed the tab, cancelled the download): nothing to answer.
    if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}
