// Lists shown a page at a time: the page number asked for in the address, the address of the page
// actually shown when that differs, the GOV.UK pagination component's links (previous, next, the
// first, the last and the pages either side of this one), and the line above the list that says
// which rows these are ("Showing 51 to 100 of 1,234 payments"). Which page that is, is the domain's
// arithmetic (src/domain/paging.ts).
import type { Request } from 'express';
import type { Page } from '../../domain/paging.ts';
import { wholeNumberText } from './views.ts';

/**
 * The page asked for in `?page=`: a whole number from 1. Anything else (none, "abc", "0", "1.5", the
 * parameter twice) asks for the first page; a number past the last is kept, and the list shows its last.
 */
export function pageAskedFor(query: Request['query']): number {
  const text = query.page;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) return 1;
  return Math.max(1, Number(text));
}

/** A list's address for page `n`: the list's own address for the first page, `?page=n` for the rest. */
export function pageAddress(path: string, n: number, fragment = ''): string {
  return `${n > 1 ? `${path}?page=${n}` : path}${fragment ? `#${fragment}` : ''}`;
}

/**
 * The address of the page shown when the address asked for another (a page number that is not one,
 * or one past the last page, from an old bookmark): the route redirects there, so the address says
 * what the page shows. Undefined when the address already does.
 */
export function addressOfPageShown(
  query: Request['query'],
  page: Page,
  href: (n: number) => string,
): string | undefined {
  if (query.page === undefined || query.page === String(page.number)) return undefined;
  return href(page.number);
}

type PaginationItem = { number: number; href: string; current: boolean } | { ellipsis: true };

/**
 * The GOV.UK pagination component's parameters for a list of `pages` pages at page `number`:
 * previous and next, and the first, the last, this page and the pages either side of it, with an
 * ellipsis for each gap. Undefined when the list fits on one page (the component is not shown).
 */
export function paginationOf(
  page: Pick<Page, 'number' | 'pages'>,
  href: (n: number) => string,
  landmarkLabel?: string,
) {
  if (page.pages <= 1) return undefined;
  const at = page.number;
  const near = [...new Set([1, at - 1, at, at + 1, page.pages])].filter((n) => n >= 1 && n <= page.pages);
  const items: PaginationItem[] = [];
  for (const [i, n] of near.entries()) {
    if (i > 0 && n - near[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === at });
  }
  return {
    items,
    previous: at > 1 ? { href: href(at - 1) } : undefined,
    next: at < page.pages ? { href: href(at + 1) } : undefined,
    ...(landmarkLabel && { landmarkLabel }),
  };
}

/**
 * Which rows the page shows, in words: "Showing 51 to 100 of 1,234 payments"; "Showing all 12
 * payments" when they fit on one page, "Showing 1 payment" for one; empty when there are none.
 */
export function showingText(page: Page, one: string, many: string): string {
  if (page.total <= 0) return '';
  if (page.total === 1) return `Showing 1 ${one}`;
  const total = wholeNumberText(page.total);
  if (page.pages === 1) return `Showing all ${total} ${many}`;
  const first = wholeNumberText(page.offset + 1);
  const last = wholeNumberText(Math.min(page.offset + page.size, page.total));
  return `Showing ${first} to ${last} of ${total} ${many}`;
}

/** A page of a list as its template takes it: the line saying which rows, and the pagination. */
export function pageView(
  page: Page,
  href: (n: number) => string,
  nouns: { one: string; many: string; landmarkLabel?: string },
) {
  return {
    page,
    showing: showingText(page, nouns.one, nouns.many),
    pagination: paginationOf(page, href, nouns.landmarkLabel),
  };
}
