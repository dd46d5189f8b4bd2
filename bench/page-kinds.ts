// What the pages benchmark reads from a page: the links a person could follow next, and which kind
// of page an address is (its route, ids taken out), so figures can be given per kind. Pure, so it
// is unit-tested (tests/unit/bench-page-kinds.test.ts).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** An event's name in an address (/cases/:id/events/RECORD_NEEDS_ASSESSMENT). */
const EVENT = /^[A-Z][A-Z0-9_]+$/;
/** Segments after these name one of many things of a kind: a question, a section, a document kind. */
const NAMED_AFTER = new Set(['questions', 'sections', 'files', 'events']);

/** Not pages: files to download, the assets, and what signs a person out or changes something. */
const NOT_A_PAGE = [
  /^\/(assets|stylesheets|javascripts)\//,
  /\.(csv|pdf|json|xml|eml|zip)$/i,
  /^\/documents\//,
  /^\/sign-out/,
  /^\/api\//,
  /^\/metrics$/,
  /^\/health$/,
];

/**
 * The same-site addresses a page links to, as paths with their query (no fragment), each once, in
 * the order they appear; pages that are not pages (downloads, assets, sign-out) are left out.
 */
export function pageLinks(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<a\b[^>]*\shref="([^"]*)"/gi)) {
    const href = decodeEntities(match[1]!);
    if (!href.startsWith('/') || href.startsWith('//')) continue;
    const path = href.split('#', 1)[0]!;
    if (!path || NOT_A_PAGE.some((pattern) => pattern.test(path.split('?', 1)[0]!))) continue;
    found.add(path);
  }
  return [...found];
}

/** The kind of page an address is: its path with ids and names of one-of-many taken out. */
export function pageKind(address: string): string {
  const path = address.split(/[?#]/, 1)[0]!;
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      if (UUID.test(segment)) return ':id';
      if (EVENT.test(segment)) return ':event';
      if (i > 0 && NAMED_AFTER.has(segments[i - 1]!) && segment !== 'new') return ':name';
      return segment;
    })
    .join('/');
}

/** Every id in an address. */
export function idsIn(address: string): string[] {
  return (address.match(UUID_ANYWHERE) ?? []).map((id) => id.toLowerCase());
}

/** Reports: pages that add up a whole year or portfolio, held to 1 s rather than 100 ms. */
export function isReport(kind: string): boolean {
  return /^\/finance\/(reconciliation|board-report)/.test(kind);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#x2F;/gi, '/')
    .replace(/&#x3D;/gi, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}
