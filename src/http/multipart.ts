// One file and a few fields from a multipart/form-data request, read as a stream (busboy): the fields
// that come before the file (a page's CSRF token among them) are known when the file starts, and the
// file goes straight to the domain's store, never whole into memory.
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { ProblemError } from '../engine/errors.ts';

export interface MultipartFile {
  field: string;
  name: string;
  stream: Readable;
}

/**
 * Reads the request's fields and its one file, handing the file to `onFile` with the fields read so
 * far; a file field left empty (no file chosen) is skipped. `beforeFile` may refuse (a CSRF token that
 * does not match): then the file is read and thrown away and the refusal is the answer.
 */
export function readMultipart<T>(
  req: Request,
  handlers: {
    beforeFile?: (fields: Record<string, string>) => void;
    onFile: (file: MultipartFile, fields: Record<string, string>) => Promise<T>;
  },
): Promise<{ fields: Record<string, string>; stored?: T; received: boolean }> {
  if (!req.is('multipart/form-data'))
    throw new ProblemError(415, 'Unsupported media type', 'Send the file as multipart/form-data.');
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let stored: T | undefined;
    let received = false;
    let work: Promise<void> = Promise.resolve();
    let failed: unknown;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 50, fieldSize: 100_000, parts: 60 },
      });
    } catch {
      throw new ProblemError(
        400,
        'Bad request',
        'The form could not be read: it is not multipart/form-data.',
      );
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      if (failed || received || !info.filename) {
        stream.resume();
        return;
      }
      try {
        handlers.beforeFile?.(fields);
      } catch (error) {
        failed = error;
        stream.resume();
        return;
      }
      work = handlers
        .onFile({ field, name: info.filename, stream }, { ...fields })
        .then((result) => {
          stored = result;
          received = true;
        })
        .catch((error: unknown) => {
          failed = error;
          stream.resume();
        });
    });
    parser.on('error', (error) => {
      failed ??= new ProblemError(
        400,
        'Bad request',
        `The form could not be read: ${(error as Error).message}.`,
      );
      req.unpipe(parser);
      req.resume();
      work.finally(() => reject(failed));
    });
    parser.on('close', () => {
      work.then(() => (failed ? reject(failed) : resolve({ fields, stored, received })));
    });
    req.pipe(parser);
  });
}
