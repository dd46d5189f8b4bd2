// A long list shown a page at a time (finance's payments, the payees' bank details): which page of
// how many, and where it starts. Pure arithmetic, shared by every paged list; the links and words
// people see are the web layer's (src/http/web/paging.ts).

export interface Page {
  /** The page shown, from 1; 1 when there is nothing to show. */
  number: number;
  /** At most this many rows a page. */
  size: number;
  /** How many rows there are in all. */
  total: number;
  /** How many pages they fill; 0 when there are none. */
  pages: number;
  /** How many rows come before this page's first. */
  offset: number;
}

/**
 * The page to show of `total` rows, `size` a page: the one asked for where it exists, otherwise the
 * nearest that does (the first for anything before it, the last for anything past it). `asked` is
 * whatever the caller parsed; NaN counts as the first page.
 */
export function pageOf(asked: number, total: number, size: number): Page {
  if (!Number.isInteger(size) || size < 1) throw new Error(`A page holds at least one row, not ${size}`);
  const pages = Math.ceil(Math.max(0, total) / size);
  const wanted = Number.isNaN(asked) ? 1 : Math.floor(asked);
  const number = Math.max(1, Math.min(wanted, pages));
  return { number, size, total, pages, offset: (number - 1) * size };
}
