// A list a page at a time, as GOV.UK's pagination component shows it, and the page a query asks for.

/**
 * The page a query string asks for: a whole number, or 1 when it asks for none or for something
 * that is not a page (a word, 0, a fraction, the parameter twice). A number past the last page is
 * kept: the list says which page it shows, and the route sends people there.
 */
export function pageAsked(value: unknown): { page: number; valid: boolean } {
  if (value === undefined) return { page: 1, valid: true };
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1)
    return { page: 1, valid: false };
  return { page: Number(value), valid: true };
}

/**
 * The `govukPagination` macro's parameters: previous, next, and the pages near this one, the first and
 * the last, with ellipses between; none for a list of one page.
 */
export function pagination(at: number, pages: number, href: (page: number) => string) {
  if (pages <= 1) return undefined;
  const near = [...new Set([1, at - 1, at, at + 1, pages])].filter((n) => n >= 1 && n <= pages);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  for (const [i, n] of near.entries()) {
    if (i > 0 && n - near[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === at });
  }
  return {
    items,
    previous: at > 1 ? { href: href(at - 1) } : undefined,
    next: at < pages ? { href: href(at + 1) } : undefined,
  };
}
