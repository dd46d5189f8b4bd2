// Walks GET /api/cases page by page, following nextCursor to the end.
import { expect } from 'vitest';
import type { TestApp } from './app.ts';

/** Every page of a list query as the user with these headers sees it. */
export async function pagesOf(t: TestApp, headers: Record<string, string>, query: string): Promise<any[][]> {
  const pages: any[][] = [];
  for (let cursor: string | null = null; pages.length < 500; ) {
    const res: { status: number; body: any } = await t.http
      .get(`/api/cases?${query}${cursor ? `&cursor=${cursor}` : ''}`)
      .set(headers);
    expect(res.status).toBe(200);
    pages.push(res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return pages;
  }
  throw new Error('too many pages');
}

/** The ids of every case a list query finds, newest first. */
export const idsOf = async (t: TestApp, headers: Record<string, string>, query: string) =>
  (await pagesOf(t, headers, query)).flat().map((c) => c.id as string);
