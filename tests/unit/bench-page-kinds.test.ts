import { describe, expect, it } from 'vitest';
import { idsIn, isReport, pageKind, pageLinks } from '../../bench/page-kinds.ts';

const ID = '0b7c6a8e-1f2d-4c3b-9a8e-7d6c5b4a3f21';

describe('pageLinks', () => {
  it('keeps same-site pages once each, in order, without fragments', () => {
    const html = `<a href="/cases/${ID}">Case</a> <a class="x" href="/cases?state=live&amp;page=2">Next</a>
      <a href="/cases/${ID}#history">Again</a> <a href="https://www.gov.uk/">GOV.UK</a>
      <a href="//evil.example/">x</a> <a href="#main">Skip</a>`;
    expect(pageLinks(html)).toEqual([`/cases/${ID}`, '/cases?state=live&page=2']);
  });

  it('leaves out downloads, assets, sign-out and the API', () => {
    const html = [
      '/finance/reconciliation.csv?year=2026-27',
      `/cases/${ID}/events/OFFER/letter.pdf`,
      `/documents/${ID}`,
      '/assets/images/favicon.ico',
      '/sign-out',
      '/api/cases',
      '/finance/reconciliation?year=2026-27',
    ]
      .map((href) => `<a href="${href}">x</a>`)
      .join('');
    expect(pageLinks(html)).toEqual(['/finance/reconciliation?year=2026-27']);
  });
});

describe('pageKind', () => {
  it('takes ids, event names and one-of-many names out of the path, and the query off', () => {
    expect(pageKind(`/cases/${ID}`)).toBe('/cases/:id');
    expect(pageKind(`/cases/${ID}/events/RECORD_NEEDS_ASSESSMENT?from=home`)).toBe(
      '/cases/:id/events/:event',
    );
    expect(pageKind(`/programmes/${ID}/form/questions/needs`)).toBe('/programmes/:id/form/questions/:name');
    expect(pageKind(`/cases/${ID}/documents/new`)).toBe('/cases/:id/documents/new');
    expect(pageKind('/finance/board-report?year=2026-27')).toBe('/finance/board-report');
    expect(pageKind('/')).toBe('/');
  });
});

describe('idsIn and isReport', () => {
  it('finds every id, in lower case', () => {
    expect(idsIn(`/cases/${ID.toUpperCase()}/x?programme=${ID}`)).toEqual([ID, ID]);
    expect(idsIn('/finance')).toEqual([]);
  });

  it('names the year and portfolio reports', () => {
    expect(isReport('/finance/reconciliation')).toBe(true);
    expect(isReport('/finance/board-report')).toBe(true);
    expect(isReport('/finance/payments')).toBe(false);
  });
});
