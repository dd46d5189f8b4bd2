// Find a case: staff search by reference, organisation or title, and filter by programme, kind of
// case, stage and case officer; results a page at a time. A GET form, so a search can be bookmarked.
import { type Request, type Response, Router } from 'express';
import type { Db } from '../../db/client.ts';
import { officerNames, type SearchChoices, searchChoices } from '../../domain/case-search.ts';
import type { Engine } from '../../engine/engine.ts';
import { pagination } from './pagination.ts';
import { onlyFor, requireSignIn, webActor } from './session.ts';

export const CASES_PER_PAGE = 25;
const MAX_SEARCH = 200;

interface Filters {
  q: string;
  programme: string;
  cycle: string;
  stage: string;
  officer: string;
  page: number;
}

const one = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** The filters as asked for in the query string, and what is wrong with any of them. */
export function readFilters(query: Request['query'], choices: SearchChoices) {
  const filters: Filters = {
    q: one(query.q),
    programme: one(query.programme),
    cycle: one(query.cycle),
    stage: one(query.stage),
    officer: one(query.officer),
    page: 1,
  };
  const errors: { text: string; href: string }[] = [];
  if (filters.q.length > MAX_SEARCH)
    errors.push({ href: '#q', text: `Search for ${MAX_SEARCH} characters or fewer` });
  if (filters.programme && !choices.programmes.some((p) => p.id === filters.programme))
    errors.push({ href: '#programme', text: 'Choose a programme from the list' });
  const cycle = choices.cycles.find((c) => c.id === filters.cycle);
  if (filters.cycle && !cycle) errors.push({ href: '#cycle', text: 'Choose a kind of case from the list' });
  if (filters.stage && !filters.cycle)
    errors.push({ href: '#cycle', text: 'Choose a kind of case before choosing its stage' });
  else if (filters.stage && cycle && !cycle.stages.some((s) => s.id === filters.stage))
    errors.push({ href: '#stage', text: `Choose a stage of a ${cycle.title} from the list` });
  if (
    filters.officer &&
    filters.officer !== 'none' &&
    !choices.officers.some((o) => o.id === filters.officer)
  )
    errors.push({ href: '#officer', text: 'Choose a case officer from the list' });
  const page = one(query.page);
  if (page && !/^[1-9]\d{0,5}$/.test(page))
    errors.push({ href: '#results', text: 'The page number must be a whole number, 1 or more' });
  else if (page) filters.page = Number(page);
  return { filters, errors };
}

/** The search's own address with these filters, for its pages and links. */
function searchHref(filters: Filters, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'programme', 'cycle', 'stage', 'officer'] as const)
    if (filters[key]) params.set(key, filters[key]);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/cases?${query}` : '/cases';
}

/** GOV.UK pagination over the search's pages, each keeping its filters. */
const searchPages = (filters: Filters, pages: number) =>
  pagination(filters.page, pages, (page) => searchHref(filters, page));

export function caseSearchRouter(deps: { db: Db; engine: Engine }): Router {
  const router = Router();
  const staff = onlyFor(['officer', 'approver', 'finance', 'admin'], 'the Commissioner’s staff');

  router.get('/cases', requireSignIn, staff, async (req: Request, res: Response) => {
    const choices = await searchChoices(deps.db, deps.engine.registry);
    const { filters, errors } = readFilters(req.query, choices);
    const errorOf = Object.fromEntries(errors.map((e) => [e.href.slice(1), { text: e.text }]));
    const view = { title: 'Find a case', filters, choices, errors, errorOf };
    if (errors.length) return res.status(400).render('case-search.njk', view);
    const found = await deps.engine.search(webActor(res), {
      text: filters.q,
      programmeId: filters.programme || undefined,
      machine: filters.cycle || undefined,
      state: filters.stage || undefined,
      officer: filters.officer || undefined,
      limit: CASES_PER_PAGE,
      offset: (filters.page - 1) * CASES_PER_PAGE,
    });
    const pages = Math.ceil(found.total / CASES_PER_PAGE);
    // Past the last page (a bookmark from when there were more): the last page there is.
    if (filters.page > 1 && found.items.length === 0 && pages > 0)
      return res.redirect(303, searchHref(filters, pages));
    const names = await officerNames(
      deps.db,
      found.items.map((c) => c.officerId),
    );
    res.render('case-search.njk', {
      ...view,
      searched: Object.entries(filters).some(([key, value]) => key !== 'page' && value),
      total: found.total,
      more: found.more,
      first: found.total ? (filters.page - 1) * CASES_PER_PAGE + 1 : 0,
      last: (filters.page - 1) * CASES_PER_PAGE + found.items.length,
      results: found.items.map((c) => ({
        ...c,
        officerName: (c.officerId && names.get(c.officerId)) || 'Not yet taken on',
      })),
      pagination: searchPages(filters, pages),
      stages: choices.cycles.find((c) => c.id === filters.cycle)?.stages ?? [],
    });
  });

  return router;
}
