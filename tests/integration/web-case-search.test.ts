// Find a case: staff search by reference, organisation or title, filter by programme, kind of case,
// stage and case officer, a page at a time; a filter typed wrong is said plainly; titles kept for
// cases made before the column are filled in at start-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_UP_TO, findCases } from '../../src/db/queries/case-search.ts';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { fillCaseTitles } from '../../src/engine/case-titles.ts';
import { CASES_PER_PAGE } from '../../src/http/web/case-search-pages.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bids } from '../helpers/bids.ts';
import { errorSummaryOf, providerWithPassword, signedIn } from '../helpers/web.ts';

let t: TestApp;
let provider: Awaited<ReturnType<typeof providerWithPassword>>;
let b: ReturnType<typeof bids>;
let officer: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  t = await startTestApp();
  provider = await providerWithPassword(t, 'Search Lantern Trust');
  b = bids(t, provider);
  officer = await signedIn(t.baseUrl, 'officer@demo.test', DEMO_PASSWORD);
});
afterAll(() => t.close());

/** The references the results table lists, in order. */
const found = (html: string) =>
  [...html.matchAll(/class="govuk-link app-reference" href="\/cases\/[^"]+">([A-Z]+-\d{6})</g)].map(
    (m) => m[1],
  );
const referenceOf = async (id: string) =>
  (await t.http.get(`/api/cases/${id}`).set(t.as('officer@demo.test'))).body.reference as string;
const search = (query: string) => officer.get(`/cases?${query}`);

describe('finding a case', () => {
  it('by reference, organisation or a word of its title, only among what the person may see', async () => {
    const { programmeId } = await t.programme();
    const kites = await b.open(programmeId, 'Kite flying, 50% of Lanternside weekends');
    const boxing = await b.open(programmeId, 'Lanternside boxing club');
    const [kitesRef, boxingRef] = [await referenceOf(kites), await referenceOf(boxing)];

    const byOrganisation = await search('q=lantern+trust');
    expect(byOrganisation.status).toBe(200);
    expect(found(byOrganisation.text)).toEqual([boxingRef, kitesRef]);
    expect(byOrganisation.text).toContain('2 cases found');
    // Other tests' cases share the database: words of these titles alone.
    expect(found((await search('q=LANTERNSIDE+BOXING')).text)).toEqual([boxingRef]);
    // A reference as written, in lower case, or without its noughts.
    expect(found((await search(`q=${kitesRef}`)).text)).toEqual([kitesRef]);
    expect(found((await search(`q=${kitesRef.toLowerCase()}`)).text)).toEqual([kitesRef]);
    const number = Number(kitesRef.split('-')[1]);
    expect(found((await search(`q=YF${number}`)).text)).toEqual([kitesRef]);
    // What is typed is looked for as it is: % is not a wildcard.
    expect(found((await search('q=50%25+of+lanternside')).text)).toEqual([kitesRef]);
    expect(found((await search('q=5%25%25+of+lanternside')).text)).toEqual([]);
    const none = await search('q=no+such+case+anywhere');
    expect(none.text).toContain('No cases found');
    expect(none.text).toContain('Check the reference or the spelling, or clear some of the filters.');

    // The case officer's column names the officer, or says no one has taken it on.
    const row = /<tr class="govuk-table__row">\s*<td[^>]*>\s*<a[^>]*>YF-\d{6}<\/a>[\s\S]*?<\/tr>/.exec(
      byOrganisation.text,
    )?.[0];
    expect(row).toContain('Lanternside boxing club');
    expect(row).toContain('Not yet taken on');

    // Providers find their cases on "Your awards"; the panel on its own page.
    const own = await signedIn(t.baseUrl, provider.email, provider.password);
    expect((await own.get('/cases?q=lantern')).status).toBe(403);
    const panel = await signedIn(t.baseUrl, 'panel@demo.test', DEMO_PASSWORD);
    expect((await panel.get('/cases')).status).toBe(403);
  });

  it('filters by programme, kind of case, stage and case officer', async () => {
    const { programmeId } = await t.programme();
    const drafted = await b.open(programmeId, 'Drafted');
    const withPanel = await b.inPanelReview(programmeId);
    const [draftRef, panelRef] = [await referenceOf(drafted), await referenceOf(withPanel)];
    const inProgramme = `programme=${programmeId}`;
    expect(found((await search(`${inProgramme}&cycle=youth-fund`)).text)).toEqual([panelRef, draftRef]);
    const stages = await search(`${inProgramme}&cycle=youth-fund`);
    // Its stages are offered once the kind of case is chosen.
    expect(stages.text).toMatch(/<select class="govuk-select" id="stage" name="stage">/);
    expect(stages.text).toContain('<option value="panelReview">With the panel</option>');
    expect(found((await search(`${inProgramme}&cycle=youth-fund&stage=draft`)).text)).toEqual([draftRef]);
    // The officer who found the bid eligible took it on; no officer has touched the draft.
    expect(found((await search(`${inProgramme}&cycle=youth-fund&officer=none`)).text)).toEqual([draftRef]);
    const [olivia] = await t.sql`select id from users where email = 'officer@demo.test'`;
    const olivias = `${inProgramme}&cycle=youth-fund&officer=${olivia!.id}`;
    expect(found((await search(olivias)).text)).toEqual([panelRef]);
    // The round itself is a case of the programme's too, of another kind.
    const rounds = await search(`${inProgramme}&cycle=commissioning-round`);
    expect(found(rounds.text)).toHaveLength(1);
    expect(found(rounds.text)[0]).toMatch(/^RND-/);
  });

  it('says plainly what is wrong with a filter, and finds nothing until it is put right', async () => {
    const cases = [
      ['stage=draft', '#cycle', 'Choose a kind of case before choosing its stage'],
      ['cycle=youth-fund&stage=nowhere', '#stage', 'Choose a stage of a Youth Fund grant from the list'],
      ['cycle=bicycles', '#cycle', 'Choose a kind of case from the list'],
      ['programme=not-a-programme', '#programme', 'Choose a programme from the list'],
      ['officer=someone', '#officer', 'Choose a case officer from the list'],
      ['page=0', '#results', 'The page number must be a whole number, 1 or more'],
      [`q=${'x'.repeat(201)}`, '#q', 'Search for 200 characters or fewer'],
    ] as const;
    for (const [query, href, text] of cases) {
      const res = await search(query);
      expect(res.status, query).toBe(400);
      expect(errorSummaryOf(res.text), query).toEqual([{ href, text }]);
      expect(found(res.text), query).toEqual([]);
    }
  });

  it('a page at a time, newest first, each page linked; past the last page, the last page', async () => {
    const { programmeId } = await t.programme();
    const ids: string[] = [];
    for (let i = 0; i < CASES_PER_PAGE + 2; i += 1) ids.push(await b.open(programmeId, `Paged bid ${i}`));
    const references = await Promise.all(ids.reverse().map(referenceOf));
    const query = `programme=${programmeId}&cycle=youth-fund`;
    const first = await search(query);
    expect(found(first.text)).toEqual(references.slice(0, CASES_PER_PAGE));
    expect(first.text).toContain(`Showing 1 to ${CASES_PER_PAGE} of ${CASES_PER_PAGE + 2}, newest first.`);
    expect(first.text).toContain(`href="/cases?programme=${programmeId}&amp;cycle=youth-fund&amp;page=2"`);
    const second = await search(`${query}&page=2`);
    expect(found(second.text)).toEqual(references.slice(CASES_PER_PAGE));
    expect(second.text).toContain('govuk-pagination__prev');
    const beyond = await search(`${query}&page=9`);
    expect(beyond.status).toBe(303);
    expect(beyond.headers.location).toBe(`/cases?programme=${programmeId}&cycle=youth-fund&page=2`);
  });

  it('counts matches only up to a limit, and says there are more; the page itself is whole', async () => {
    const { programmeId } = await t.programme();
    for (let i = 0; i < 7; i += 1) await b.open(programmeId, `Counted bid ${i}`);
    const pageOfFive = (offset: number, countUpTo: number) =>
      findCases(t.db, {
        scope: { kind: 'all' },
        programmeId,
        machineId: 'youth-fund',
        limit: 5,
        offset,
        countUpTo,
      });
    const capped = await pageOfFive(0, 3);
    expect(capped).toMatchObject({ total: 3, more: true });
    expect(capped.rows).toHaveLength(5);
    const exact = await pageOfFive(5, 7);
    expect(exact).toMatchObject({ total: 7, more: false });
    expect(exact.rows).toHaveLength(2);
    expect(COUNT_UP_TO).toBe(10_000);
  });

  it('finds by title a case made before titles were kept, once the service has filled them in', async () => {
    const { programmeId } = await t.programme();
    const id = await b.open(programmeId, 'Rowing on the Ouse');
    const other = await b.open(programmeId, 'Sculling on the Cam');
    await t.sql`update cases set title = null where id in (${id}, ${other})`;
    expect(found((await search('q=rowing+on+the+ouse')).text)).toEqual([]);
    // A batch's titles are written in one statement; both cases are in it.
    expect(await fillCaseTitles(t.db, t.engine.registry)).toBeGreaterThanOrEqual(2);
    expect(found((await search('q=rowing+on+the+ouse')).text)).toEqual([await referenceOf(id)]);
    const rows = await t.sql`select id, title from cases where id in (${id}, ${other}) order by title desc`;
    expect(rows.map((r) => [r.id, r.title])).toEqual([
      [other, 'Sculling on the Cam'],
      [id, 'Rowing on the Ouse'],
    ]);
  });
});
