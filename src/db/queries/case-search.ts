// Finding cases as officers look for them: by reference, organisation or title, filtered by programme,
// stage and case officer, a page at a time; and the titles those searches read.
import { and, asc, desc, eq, gt, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { cases, organisations } from '../schema/index.ts';
import { postgresOf } from '../statements.ts';
import { type CaseRow, type CaseScope, scopeCondition } from './cases.ts';

/** Cases made before titles were kept, a batch at a time in seq order. */
export async function casesWithoutTitle(db: Db, afterSeq: number, limit: number): Promise<CaseRow[]> {
  return db
    .select()
    .from(cases)
    .where(and(isNull(cases.title), gt(cases.seq, afterSeq)))
    .orderBy(asc(cases.seq))
    .limit(limit);
}

/**
 * Fills in titles, a batch in one statement, only where none is kept yet: a case moved meanwhile
 * already has its own.
 */
export async function setMissingTitles(
  db: Db,
  titles: readonly { id: string; title: string }[],
): Promise<void> {
  if (!titles.length) return;
  const pg = postgresOf(db);
  await pg`update cases set title = given.title
    from unnest(${titles.map((t) => t.id)}::uuid[], ${titles.map((t) => t.title)}::text[]) as given(id, title)
    where cases.id = given.id and cases.title is null`;
}

export interface CaseSearch {
  scope: CaseScope;
  /** Words typed: part of an organisation's name or of the case's title. */
  text?: string | undefined;
  /** A typed reference, as the cases it can mean: `YF-000013` is the Youth Fund's case 13. */
  reference?: { seq: number; machineIds: readonly string[] } | undefined;
  programmeId?: string | undefined;
  machineId?: string | undefined;
  state?: string | undefined;
  /** A case officer's id, or 'none' for the cases no officer has taken on yet. */
  officer?: string | undefined;
  limit: number;
  offset: number;
  /** Count matches up to this many (COUNT_UP_TO unless given). */
  countUpTo?: number;
}

/** `%`, `_` and `\` typed by a person are themselves in a LIKE pattern, not wildcards. */
const literally = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Matches counted up to this many; past it a search says "more than 10,000". */
export const COUNT_UP_TO = 10_000;

/** One page of the cases found, newest first, with the organisation's name and how many there are. */
export async function findCases(
  db: Db,
  search: CaseSearch,
): Promise<{ rows: (CaseRow & { organisationName: string })[]; total: number; more: boolean }> {
  const conditions: SQL[] = [];
  const scoped = scopeCondition(search.scope, cases);
  if (scoped) conditions.push(scoped);
  if (search.programmeId) conditions.push(eq(cases.programmeId, search.programmeId));
  if (search.machineId) conditions.push(eq(cases.machineId, search.machineId));
  if (search.state) conditions.push(eq(cases.state, search.state));
  if (search.officer === 'none') conditions.push(isNull(cases.officerId));
  else if (search.officer) conditions.push(eq(cases.officerId, search.officer));
  const matches: SQL[] = [];
  if (search.text) {
    const pattern = `%${literally(search.text)}%`;
    matches.push(ilike(cases.title, pattern), ilike(organisations.name, pattern));
  }
  if (search.reference?.machineIds.length)
    matches.push(
      and(eq(cases.seq, search.reference.seq), inArray(cases.machineId, [...search.reference.machineIds]))!,
    );
  if (matches.length) conditions.push(or(...matches)!);
  const where = and(...conditions);
  // The page and the count apart: counting every match with the page (count(*) over ()) made
  // PostgreSQL read every matching case whole, seconds with a million of them. The count stops past
  // COUNT_UP_TO, which is as many as anyone pages through.
  const countUpTo = search.countUpTo ?? COUNT_UP_TO;
  const [rows, counted] = await Promise.all([
    db
      .select({ kase: cases, organisationName: organisations.name })
      .from(cases)
      .innerJoin(organisations, eq(organisations.id, cases.organisationId))
      .where(where)
      .orderBy(desc(cases.seq))
      .limit(search.limit)
      .offset(search.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(
      db
        .select({ one: sql`1` })
        .from(cases)
        .innerJoin(organisations, eq(organisations.id, cases.organisationId))
        .where(where)
        .limit(countUpTo + 1)
        .as('matching'),
    ),
  ]);
  const n = Number(counted[0]?.n ?? 0);
  return {
    rows: rows.map((r) => ({ ...r.kase, organisationName: r.organisationName })),
    total: Math.min(n, countUpTo),
    more: n > countUpTo,
  };
}
