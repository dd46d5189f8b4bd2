// A long list a page at a time: which page is shown of how many (src/domain/paging.ts), and the page
// number read from the address, the GOV.UK pagination links and the "Showing …" line
// (src/http/web/paging.ts), as finance's payments and payees' bank details use them.
import { describe, expect, it } from 'vitest';
import { pageOf } from '../../src/domain/paging.ts';
import {
  addressOfPageShown,
  pageAddress,
  pageAskedFor,
  paginationOf,
  showingText,
} from '../../src/http/web/paging.ts';

describe('pageOf', () => {
  it('shows the page asked for where there is one, starting after the pages before it', () => {
    expect(pageOf(2, 120, 50)).toEqual({ number: 2, size: 50, total: 120, pages: 3, offset: 50 });
    expect(pageOf(3, 120, 50)).toMatchObject({ number: 3, offset: 100 });
    expect(pageOf(1, 50, 50)).toMatchObject({ number: 1, pages: 1, offset: 0 });
  });

  it('shows the last page for one past it, and the first for anything before it or not a number', () => {
    expect(pageOf(4, 120, 50)).toMatchObject({ number: 3, offset: 100 });
    expect(pageOf(Number.POSITIVE_INFINITY, 120, 50)).toMatchObject({ number: 3 });
    for (const asked of [0, -5, Number.NaN, Number.NEGATIVE_INFINITY])
      expect(pageOf(asked, 120, 50)).toMatchObject({ number: 1, offset: 0 });
    expect(pageOf(2.7, 120, 50)).toMatchObject({ number: 2 });
  });

  it('is the first page, of none, when there is nothing to list', () => {
    expect(pageOf(5, 0, 50)).toEqual({ number: 1, size: 50, total: 0, pages: 0, offset: 0 });
  });

  it('refuses a page that holds no rows', () => {
    expect(() => pageOf(1, 10, 0)).toThrow(/at least one row/);
  });
});

describe('pageAskedFor', () => {
  it('reads a whole number from 1; anything else asks for the first page', () => {
    expect(pageAskedFor({ page: '7' })).toBe(7);
    expect(pageAskedFor({ page: '0007' })).toBe(7);
    expect(pageAskedFor({ page: '99999999999999999999999' })).toBe(1e23);
    for (const page of [undefined, '', 'abc', '0', '-2', '1.5', ' 2', '2e3', ['2', '3'], { x: '1' }])
      expect(pageAskedFor({ page } as never), JSON.stringify(page)).toBe(1);
  });
});

describe('addressOfPageShown', () => {
  const href = (n: number) => pageAddress('/finance/payments', n, 'waiting');
  const page = (number: number) => pageOf(number, 120, 50);

  it('is nothing when the address names the page shown, or names none and shows the first', () => {
    expect(addressOfPageShown({}, page(1), href)).toBeUndefined();
    expect(addressOfPageShown({ page: '1' }, page(1), href)).toBeUndefined();
    expect(addressOfPageShown({ page: '3' }, page(3), href)).toBeUndefined();
  });

  it('is the address of the page shown when the address asked for another', () => {
    expect(addressOfPageShown({ page: 'abc' }, page(1), href)).toBe('/finance/payments#waiting');
    expect(addressOfPageShown({ page: '9' }, page(9), href)).toBe('/finance/payments?page=3#waiting');
    expect(addressOfPageShown({ page: '03' }, page(3), href)).toBe('/finance/payments?page=3#waiting');
  });
});

describe('paginationOf', () => {
  const href = (n: number) => pageAddress('/list', n);

  it('is not shown for a list on one page', () => {
    expect(paginationOf({ number: 1, pages: 1 }, href)).toBeUndefined();
    expect(paginationOf({ number: 1, pages: 0 }, href)).toBeUndefined();
  });

  it('links previous, next, the first, the last and the pages either side, with an ellipsis for each gap', () => {
    expect(paginationOf({ number: 5, pages: 9 }, href, 'Pages of payments')).toEqual({
      items: [
        { number: 1, href: '/list', current: false },
        { ellipsis: true },
        { number: 4, href: '/list?page=4', current: false },
        { number: 5, href: '/list?page=5', current: true },
        { number: 6, href: '/list?page=6', current: false },
        { ellipsis: true },
        { number: 9, href: '/list?page=9', current: false },
      ],
      previous: { href: '/list?page=4' },
      next: { href: '/list?page=6' },
      landmarkLabel: 'Pages of payments',
    });
  });

  it('has no previous on the first page, no next on the last, and no ellipsis where no page is missed', () => {
    const first = paginationOf({ number: 1, pages: 3 }, href)!;
    expect(first.previous).toBeUndefined();
    expect(first.items.map((i) => ('number' in i ? i.number : '…'))).toEqual([1, 2, 3]);
    const last = paginationOf({ number: 3, pages: 3 }, href)!;
    expect(last.next).toBeUndefined();
    expect(
      paginationOf({ number: 4, pages: 4 }, href)!.items.map((i) => ('number' in i ? i.number : '…')),
    ).toEqual([1, '…', 3, 4]);
  });
});

describe('showingText', () => {
  it('says which rows the page shows, of how many, with thousands separated', () => {
    expect(showingText(pageOf(1, 1234, 50), 'payment', 'payments')).toBe('Showing 1 to 50 of 1,234 payments');
    expect(showingText(pageOf(25, 1234, 50), 'payment', 'payments')).toBe(
      'Showing 1,201 to 1,234 of 1,234 payments',
    );
    expect(showingText(pageOf(1, 12, 50), 'payment', 'payments')).toBe('Showing all 12 payments');
    expect(showingText(pageOf(1, 1, 50), 'payee', 'payees')).toBe('Showing 1 payee');
    expect(showingText(pageOf(1, 0, 50), 'payee', 'payees')).toBe('');
  });
});
