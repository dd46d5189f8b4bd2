import type { Response } from 'express';

/** Sends a file to save: `text/csv` or JSON, named so a browser saves it under that name. */
export function sendDownload(res: Response, filename: string, type: 'csv' | 'json', body: string): void {
  res
    .type(type === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .attachment(filename)
    .send(body);
}
