// A page's multipart form, read once (src/http/multipart.ts): its CSRF token — the field sent before the
// file — and its other fields checked before the file is read, then the file stored by the domain.
// Whatever a person can mend (a detail, no file chosen, a refused file, the scanner down) comes back as
// what they typed and the errors to show; a missing or wrong token is the usual "form has expired".
import type { Request, Response } from 'express';
import { type FieldError, invalid, ProblemError } from '../../engine/errors.ts';
import { type MultipartFile, readMultipart } from '../multipart.ts';
import { formExpired, sameToken } from './session.ts';

export type PageUpload<T> =
  | { ok: true; stored: T; fields: Record<string, string> }
  | { ok: false; fields: Record<string, string>; status: number; errors: FieldError[] };

/** The statuses of refusals a page shows beside its form rather than as an error page. */
const MENDABLE = [400, 413, 415, 422, 503];

export async function readPageUpload<T>(
  req: Request,
  res: Response,
  handlers: {
    /** What is wrong with the fields typed, checked before the file is read. */
    problems?: (fields: Record<string, string>) => FieldError[];
    onFile: (file: MultipartFile, fields: Record<string, string>) => Promise<T>;
  },
): Promise<PageUpload<T>> {
  let typed: Record<string, string> = {};
  const tokenOk = (fields: Record<string, string>) =>
    sameToken(fields._csrf ?? '', String(res.locals.csrfToken ?? ''));
  try {
    const { fields, stored, received } = await readMultipart(req, {
      beforeFile: (fields) => {
        typed = fields;
        if (!tokenOk(fields)) throw formExpired();
        const found = handlers.problems?.(fields) ?? [];
        if (found.length) throw invalid('The form is not complete.', found);
      },
      onFile: handlers.onFile,
    });
    typed = fields;
    if (!tokenOk(fields)) throw formExpired();
    if (received) return { ok: true, stored: stored as T, fields };
    const found = handlers.problems?.(fields) ?? [];
    return {
      ok: false,
      fields,
      status: 422,
      errors: [...found, { field: 'file', message: 'Select a file' }],
    };
  } catch (error) {
    if (!(error instanceof ProblemError) || !MENDABLE.includes(error.status)) throw error;
    const errors = (error.extensions.errors as FieldError[] | undefined) ?? [
      { field: 'file', message: error.detail },
    ];
    return { ok: false, fields: typed, status: error.status, errors };
  }
}
