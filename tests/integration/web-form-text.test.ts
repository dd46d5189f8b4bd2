// Every page form refuses text PostgreSQL cannot store (U+0000, a lone surrogate) with the GOV.UK
// error summary and saves nothing: found by walking the pages each role can reach, as a person would,
// and posting every form on them with such text in each field it asks.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { type DemoEmail, startTestApp, type TestApp } from '../helpers/app.ts';
import { errorSummaryOf, signedIn } from '../helpers/web.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  // Work for every role to find: a provider's draft bid, and one submitted to the officer.
  const provider = t.as('provider@demo.test');
  for (const title of ['Draft for the form test', 'Submitted for the form test']) {
    const res = await t.http
      .post('/api/cases')
      .set(provider)
      .send({ machine: 'youth-fund', input: { programmeId: t.youthFund.programmeId, title } });
    expect(res.status).toBe(201);
    if (title.startsWith('Submitted'))
      await t.http
        .post(`/api/cases/${res.body.id}/events`)
        .set(provider)
        .send({ type: 'SUBMIT', title, summary: 'Sessions', amountRequestedPence: 100_000 });
  }
});
afterAll(() => t?.close());

type Agent = ReturnType<typeof request.agent>;
interface Form {
  page: string;
  action: string;
  fields: Record<string, string>;
}

const decode = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<');
const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** The POST forms of a page: hidden fields keep their values, every other field gets `text`. */
function formsOf(page: string, html: string, text: string): Form[] {
  // A file upload is read by its route, which refuses a file holding U+0000 (payment-import.test.ts).
  const forms = [...html.matchAll(/<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/g)];
  return forms
    .filter((m) => !/multipart\/form-data/.test(m[0].slice(0, 300)))
    .map((m) => {
      const fields: Record<string, string> = {};
      for (const [tag] of m[1]!.matchAll(/<(input|textarea|select)\b[^>]*>/g)) {
        const name = attr(tag, 'name');
        if (!name) continue;
        const hidden = attr(tag, 'type') === 'hidden';
        fields[decode(name)] = hidden ? decode(attr(tag, 'value') ?? '') : text;
      }
      return { page, action: decode(attr(m[0], 'action') ?? page), fields };
    });
}

/** The pages a person can reach from the home page by following links, each kind of page once. */
async function walk(agent: Agent, start: string[], most = 80): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const kinds = new Set<string>();
  const queue = [...start];
  while (queue.length && seen.size < most) {
    const path = queue.shift()!;
    // One page of each kind: a case page stands for every case in the same state.
    const kind = path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
    if (seen.has(path) || (kinds.has(kind) && !path.startsWith('/cases/'))) continue;
    kinds.add(kind);
    const res = await agent.get(path);
    if (res.status !== 200 || !/^text\/html/.test(res.headers['content-type'] ?? '')) continue;
    seen.set(path, res.text);
    for (const [, href] of res.text.matchAll(/<a\b[^>]*href="(\/[^"#]*)"/g)) {
      const next = decode(href!);
      if (/^\/(api|assets|javascripts|stylesheets)\b|\.csv|sign-out|download/.test(next)) continue;
      if (!seen.has(next)) queue.push(next);
    }
  }
  return seen;
}

// A browser cannot send a lone surrogate in a form (it sends U+FFFD); U+0000 it sends as typed.
const UNSTORABLE = ['a\u0000b'];
// Every role has forms to try: at least its own account's.
const roles: DemoEmail[] = [
  'provider@demo.test',
  'officer@demo.test',
  'panel@demo.test',
  'finance@demo.test',
  'approver@demo.test',
  'admin@demo.test',
];

describe('text PostgreSQL cannot store, in every page form', () => {
  it.each(roles)(
    'is refused with the error summary, saving nothing, on every form %s reaches',
    async (email) => {
      const agent = await signedIn(t.baseUrl, email, DEMO_PASSWORD);
      // The forms open to anyone are tried signed in too (they carry the session's CSRF token then).
      const pages = await walk(agent, [
        '/',
        '/my-work',
        '/funding',
        '/programmes',
        '/finance',
        '/register',
        '/forgot-password',
      ]);
      const versions = async () =>
        (await t.sql`select id, version from cases where organisation_id is not null order by id`).map(
          (r) => `${r.id}@${r.version}`,
        );
      const before = await versions();
      let posted = 0;
      for (const [page, html] of pages)
        for (const text of UNSTORABLE)
          for (const form of formsOf(page, html, text)) {
            // Signing out has nothing to type; every other form with a field to type is tried.
            if (!Object.entries(form.fields).some(([name]) => !name.startsWith('_') && name !== 'version'))
              continue;
            const res = await agent.post(form.action).type('form').send(form.fields);
            posted += 1;
            expect(res.status, `${form.action} from ${page}`).toBe(400);
            expect(errorSummaryOf(res.text)[0]?.text, form.action).toMatch(/cannot be saved/);
            expect(res.text).toContain('Go back to the form');
          }
      expect(posted, `forms found by ${email}`).toBeGreaterThan(0);
      expect(await versions()).toEqual(before);
    },
  );

  it('is refused on the sign-in form too, before anyone is signed in', async () => {
    const agent = request.agent(t.baseUrl);
    const page = await agent.get('/sign-in');
    const [form] = formsOf('/sign-in', page.text, 'a\u0000b@example.test');
    const res = await agent.post('/sign-in').type('form').send(form!.fields);
    expect(res.status).toBe(400);
    expect(errorSummaryOf(res.text)[0]?.text).toMatch(/cannot be saved/);
  });
});
