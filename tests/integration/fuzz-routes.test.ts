// Property-based fuzzing (fast-check) of every API route: the routes the OpenAPI document at
// GET /openapi.json describes, and the ones it lacks that src/http/app.ts and src/http/api/*.ts
// register. Path parameters, query strings, the headers that matter (Authorization, If-Match,
// Idempotency-Key, Content-Type) and bodies (any JSON, broken JSON, raw bytes, wrong content types,
// bodies over the limit, deep nesting), with a finance, officer, provider, admin, panel and approver
// token in turn. Never a 5xx; anything but a 2xx is problem+json; a refused request to a case changes
// nothing about it.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/domain/people.ts';
import { startTestApp } from '../helpers/app.ts';
import {
  brokenJson,
  caseReferences,
  edgified,
  expectNoFaultAndProblem,
  footprint,
  hostile,
  hostileKey,
  hostileText,
  type JsonSchema,
  jsonText,
  mutated,
  RawJson,
  settings,
  validShaped,
} from '../helpers/fuzz.ts';
import { createOwnDatabase } from '../helpers/own-database.ts';
import { refusals } from '../helpers/refusals.ts';

/** Runs per route for each role's token. */
const RUNS_PER_ROUTE_AND_ROLE = 20;
/** Generous, for a busy machine: a fault fails at once anyway. */
const TIMEOUT_MS = 120_000;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];
interface Route {
  method: Method;
  /** OpenAPI style: /api/cases/{id}/events */
  path: string;
  /** Its handler reads the body as text (express.text), as a CSV import does. */
  takesText?: boolean;
}

// The app is started while the file is collected, so the routes come from the document it serves.
// On a database of its own: the fuzzer changes what it may (a fund's budget, a programme's limits),
// which other files' reports must not see.
const ownDatabase = await createOwnDatabase('fuzz_routes');
const t = await startTestApp({ databaseUrl: ownDatabase.url });
afterAll(async () => {
  await t.close();
  await ownDatabase.drop();
});

const served = await t.http.get('/openapi.json');
const documented: Route[] = Object.entries(served.body.paths as Record<string, object>).flatMap(
  ([routePath, operations]) =>
    Object.keys(operations)
      .filter((m): m is Method => (METHODS as readonly string[]).includes(m))
      .map((method) => ({ method, path: routePath })),
);

/** The API routes the source registers: `api.use('/prefix', xRouter(...))` and each router's own. */
function implementedRoutes(): Route[] {
  const httpDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/http');
  const app = fs.readFileSync(path.join(httpDir, 'app.ts'), 'utf8');
  const routers = new Map<string, Route[]>();
  for (const file of fs.readdirSync(path.join(httpDir, 'api'))) {
    const source = fs.readFileSync(path.join(httpDir, 'api', file), 'utf8');
    const name = /export function (\w+Router)\(/.exec(source)?.[1];
    if (!name) continue;
    // router.get('/x', …) and router.get(['/x', '/x.csv'], …), the path on the next line or not.
    const own = [...source.matchAll(/router\.(get|post|put|patch|delete)\(\s*(\[[^\]]*\]|'[^']*')/g)];
    routers.set(
      name,
      own.flatMap((m, i) => {
        const handler = source.slice(m.index, own[i + 1]?.index);
        const takesText = /express\.text\(/.test(handler);
        return [...m[2]!.matchAll(/'([^']*)'/g)].map((p) => ({
          method: m[1] as Method,
          path: p[1]!,
          takesText,
        }));
      }),
    );
  }
  const found: Route[] = [];
  for (const m of app.matchAll(/api\.use\(\s*(?:'([^']*)',\s*)?(\w+Router)\(/g)) {
    for (const route of routers.get(m[2]!) ?? []) {
      found.push({ ...route, path: `/api${m[1] ?? ''}${route.path === '/' ? '' : route.path}` });
    }
  }
  for (const m of app.matchAll(/api\.(get|post|put|patch|delete)\(\s*(\[[^\]]*\]|'[^']*')/g)) {
    for (const p of m[2]!.matchAll(/'([^']*)'/g)) found.push({ method: m[1] as Method, path: `/api${p[1]}` });
  }
  return found.map((r) => ({ ...r, path: r.path.replace(/:(\w+)/g, '{$1}') }));
}
const implemented = implementedRoutes();
const key = (r: Route) => `${r.method.toUpperCase()} ${r.path}`;
/** Routes whose handlers read text (express.text), such as a CSV import: sent text/csv by default. */
const csvRoutes = new Set(implemented.filter((route) => route.takesText).map(key));
const routes = [...new Map([...documented, ...implemented].map((r) => [key(r), r])).values()];

// ---- Real things for path parameters to name, so fuzzing reaches past the first check ----------

const own = await t.newProvider('Fuzz Routes Trust');
const r = refusals(t, own);
const draft = await r.openOwn('Fuzz draft');
const panelReview = await r.openOwn('Fuzz panel review');
for (const [auth, event] of [
  [own.auth, { type: 'SUBMIT', title: 'Boxing', summary: 'Weekly sessions', amountRequestedPence: 1_000 }],
  [t.as('officer@demo.test'), { type: 'CONFIRM_ELIGIBLE' }],
] as const) {
  const res = await t.http.post(`/api/cases/${panelReview}/events`).set(auth).send(event);
  if (res.status !== 200) throw new Error(`Could not move the panel case on: ${JSON.stringify(res.body)}`);
}
const watched = [draft, panelReview];
const references = await caseReferences(t);
// Email about this file's own cases only: retrying other tests' messages would change what they see.
const outboxIds = (await t.sql`select id from outbox where case_id in ${t.sql(watched)} order by id`).map(
  (row) => String(row.id),
);
const machineIds = (await t.http.get('/api/machines').set(t.as('officer@demo.test'))).body.items.map(
  (m: { id: string }) => m.id,
);
const realIds = [
  draft,
  panelReview,
  t.youthFund.programmeId,
  t.youthFund.fundId,
  ...outboxIds,
  ...machineIds,
  randomUUID(),
];

const roles = {
  finance: t.tokens['finance@demo.test'],
  officer: t.tokens['officer@demo.test'],
  provider: own.auth.Authorization.replace(/^Bearer /, ''),
  admin: t.tokens['admin@demo.test'],
  panel: t.tokens['panel@demo.test'],
  approver: t.tokens['approver@demo.test'],
};

/** A body each route would take, to mutate from; routes not named here start from {}. */
const tag = randomUUID().slice(0, 8);
const goodBodies: Record<string, unknown> = {
  'POST /api/cases': {
    machine: 'youth-fund',
    input: { programmeId: t.youthFund.programmeId, title: 'Fuzz' },
  },
  'POST /api/cases/{id}/events': {
    type: 'SUBMIT',
    title: 'Fuzz',
    summary: 'Fuzz',
    amountRequestedPence: 1_000,
  },
  'PUT /api/cases/{id}/panel/declaration': { conflicted: false },
  'PUT /api/cases/{id}/panel/scores': { scores: { need: 3, value: 4 }, comment: 'Fine' },
  'POST /api/organisations': { name: `Fuzz organisation ${tag}`, kind: 'provider', charityNumber: '1234567' },
  'POST /api/funds': {
    name: `Fuzz fund ${tag}`,
    source: 'Fuzz',
    financialYear: '2026-27',
    budgetPence: 1_000,
  },
  'POST /api/programmes': {
    name: `Fuzz programme ${tag}`,
    cycle: 'youth-fund',
    fundId: t.youthFund.fundId,
    themeId: 'offenders',
    outcomeIds: ['O2'],
  },
};

// ---- Arbitraries -----------------------------------------------------------------------------

/** encodeURIComponent, except that text it cannot encode (a lone surrogate) goes as its UTF-8 bytes would. */
const encode = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
};
const asText = (value: unknown) =>
  typeof value === 'string' ? value : value instanceof RawJson ? value.text : jsonText(value);

const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...realIds) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map(encode) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encode) },
  // Cut short so the request head stays under Node's 16 kB limit, past which the 431 comes from client-errors.ts.
  { weight: 2, arbitrary: hostile.map((v) => encode(asText(v).slice(0, 600))) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%2F',
      'a%2Fb',
      '..',
      '%2E%2E',
      '%00',
      '%',
      '%E0%A4%A',
      '%ED%A0%80',
      '%C0%AF',
      '%FF',
      '0',
      '-1',
      '1e400',
      '99999999999999999999',
      '2147483648',
      '9223372036854775808',
      '9007199254740991',
      '1.5',
      '%20',
      '__proto__',
      'constructor',
      'toString',
      `${randomUUID()}x`,
      randomUUID().toUpperCase(),
      `{${randomUUID()}}`,
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 300, max: 3_000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);

const commonQueryNames = [
  'limit',
  'cursor',
  'machine',
  'state',
  'programme',
  'version',
  'status',
  'fund',
  'financialYear',
  'format',
  'quarter',
  'month',
  'from',
  'to',
];
const queryValue = fc.oneof(
  fc.constantFrom('1', '0', '-1', '100', '101', '500', '501', '1.5', '1e3', 'abc', '', 'c1.MQ', 'c1.OTk5'),
  fc.constantFrom('pending', 'sent', 'failed', 'youth-fund', 'draft', 'true', 'null', '99999999999999999999'),
  fc.constantFrom(
    'json',
    'csv',
    'xml',
    '2026-27',
    '2026-28',
    '2199-00',
    '2026-27-Q3',
    '2026-27-Q5',
    '2026-13',
  ),
  fc.string({ maxLength: 30 }),
  fc.integer({ min: 100, max: 1_500 }).map((n) => 'a'.repeat(n)),
  fc.uuid(),
  fc.integer().map(String),
  hostile.map((v) => asText(v).slice(0, 150)),
);

/** The query parameters the document gives a route, each with values of its schema's shape. */
function documentedQuery(route: Route): [string, fc.Arbitrary<string>][] {
  const operation = served.body.paths[route.path]?.[route.method] as
    | { parameters?: { name: string; in: string; schema?: JsonSchema }[] }
    | undefined;
  return (operation?.parameters ?? [])
    .filter((p) => p.in === 'query')
    .map((p) => [
      p.name,
      validShaped(p.schema ?? {}, true).map((v) => (typeof v === 'string' ? v : jsonText(v))),
    ]);
}

function queries(route: Route): fc.Arbitrary<string> {
  const documented = documentedQuery(route);
  const pair = fc.oneof(
    ...documented.map(([name, values]) => ({
      weight: 3,
      arbitrary: fc.tuple(fc.constant(name), fc.oneof(values, queryValue)),
    })),
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...commonQueryNames), queryValue) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'a[b]', 'limit[]', 'toString', ''),
          fc.string({ maxLength: 10 }),
        ),
        queryValue,
      ),
    },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    {
      weight: 6,
      arbitrary: fc
        .array(pair, { minLength: 1, maxLength: 5 })
        .map((pairs) => `?${pairs.map(([k, v]) => `${encode(k)}=${encode(v.slice(0, 200))}`).join('&')}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('?%', '?a=%E0', '?&&&', '?=x', '?a', '?limit=%00', '?state=%ED%A0%80'),
    },
  );
}

/** Header text Node will send: visible ASCII, space and Latin-1. */
const headerText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 60,
});
const ifMatch = fc.oneof(
  fc.constantFrom('*', '"1"', 'W/"1"', '"1", "2"', '"0"', '"999999999"', '"9999999999"', '"-1"', '""'),
  fc.constantFrom('W/', ',', ', ,', '"1",', '"a"', 'abc', '"1" "2"', '"2", W/"3", "4"', ' '),
  headerText,
);
const idempotencyKey = fc.oneof(
  fc.uuid(),
  headerText,
  fc.constantFrom('a'.repeat(255), 'a'.repeat(256), ' ', 'é', 'has spaces'),
);
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=UTF-8',
    'application/json; charset=koi8-r',
    'application/json; charset=utf-16',
    'application/json; charset="utf-8"',
    'application/problem+json',
    'application/merge-patch+json',
    'application/vnd.api+json',
    'text/plain',
    'text/csv',
    'text/csv; charset=utf-8',
    'text/json',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonx',
    'application/json;',
    'application/*',
    '*/*',
    '',
  ),
  headerText,
);
const authorisation = (token: string) =>
  fc.oneof(
    { weight: 14, arbitrary: fc.constant(`Bearer ${token}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        `bearer ${token}`,
        `Bearer  ${token}`,
        `Bearer ${token}x`,
        `Bearer ${token.slice(0, -1)}`,
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        '',
        `Token ${token}`,
        `Bearer ${'a'.repeat(4_000)}`,
        `Bearer ${token}, Bearer ${token}`,
      ),
    },
    { weight: 1, arbitrary: headerText },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

const contentEncoding = fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip', '');

type Body =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array; gzipped?: boolean };
const text = (value: unknown): Body => ({ kind: 'text', text: jsonText(value) });
/** Text with the look of a CSV file (for routes that take one), rows and cells of anything. */
const csvCell = fc.oneof(
  fc.string({ maxLength: 20 }),
  hostileText.map((v) => String(v).slice(0, 200)),
);
const csvLike: fc.Arbitrary<Body> = fc
  .tuple(fc.array(fc.array(csvCell, { maxLength: 6 }), { maxLength: 8 }), fc.constantFrom('\n', '\r\n'))
  .map(([rows, newline]) => ({ kind: 'text', text: rows.map((cells) => cells.join(',')).join(newline) }));
/** The schema with every $ref into the document's components written out (to a few levels deep). */
function resolved(schema: unknown, depth = 0): JsonSchema {
  if (depth > 8 || schema === null || typeof schema !== 'object') return (schema ?? {}) as JsonSchema;
  if (Array.isArray(schema)) return schema.map((s) => resolved(s, depth + 1)) as unknown as JsonSchema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref)
    return resolved(served.body.components.schemas[ref.replace('#/components/schemas/', '')], depth + 1);
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [k, k === 'enum' || k === 'const' ? v : resolved(v, depth + 1)]),
  ) as JsonSchema;
}

/** The media type a route's body is sent as: the document's, or text/csv where the source takes CSV. */
function mediaType(route: Route): string {
  const content = served.body.paths[route.path]?.[route.method]?.requestBody?.content as object | undefined;
  if (content) return Object.keys(content)[0] ?? 'application/json';
  return csvRoutes.has(key(route)) ? 'text/csv' : 'application/json';
}

/** The JSON body the document describes for a route, if it describes one. */
function documentedBody(route: Route): JsonSchema | undefined {
  const schema =
    served.body.paths[route.path]?.[route.method]?.requestBody?.content?.['application/json']?.schema;
  return schema ? resolved(schema) : undefined;
}

function bodies(good: unknown, schema: JsonSchema | undefined, type: string): fc.Arbitrary<Body> {
  return fc.oneof(
    ...(type.startsWith('text/') ? [{ weight: 12, arbitrary: csvLike }] : []),
    { weight: 4, arbitrary: mutated(fc.constant(good)).map(text) },
    { weight: 2, arbitrary: fc.constant(text(good)) },
    { weight: 6, arbitrary: edgified(good).map(text) },
    ...(schema ? [{ weight: 3, arbitrary: validShaped(schema, true).map(text) }] : []),
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(text) },
    { weight: 2, arbitrary: hostile.map(text) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(hostileKey, hostile), { maxLength: 4 })
        .map((e) => text(Object.fromEntries(e))),
    },
    { weight: 2, arbitrary: brokenJson.map((b): Body => ({ kind: 'text', text: b.text })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Body => ({ kind: 'bytes', bytes })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 90_000, max: 160_000 })
        .map(
          (n): Body => ({ kind: 'text', text: JSON.stringify({ ...(good as object), pad: 'x'.repeat(n) }) }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(30, 33, 40, 5_000)
        .map((depth): Body => ({ kind: 'text', text: '['.repeat(depth) + ']'.repeat(depth) })),
    },
    { weight: 1, arbitrary: csvLike },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constant(good), mutated(fc.constant(good)))
        .map((value): Body => ({ kind: 'bytes', bytes: gzipSync(jsonText(value)), gzipped: true })),
    },
    { weight: 2, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  );
}

interface Request {
  method: Method;
  segments: string[];
  query: string;
  authorization: string | undefined;
  ifMatch: string | null;
  idempotencyKey: string | null;
  contentType: string | null;
  contentEncoding: string | null;
  body: Body;
  /** What the route takes, sent unless contentType says otherwise. */
  mediaType: string;
}

/** The value `percent` times in a hundred, else null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, percent: number) =>
  fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(null) }, { weight: percent, arbitrary });

function requests(route: Route, token: string): fc.Arbitrary<Request> {
  const params = route.path.match(/\{\w+\}/g) ?? [];
  const good = goodBodies[key(route)] ?? {};
  return fc.record({
    // Mostly the route's own method; sometimes another, which the API refuses.
    method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, fc.constantFrom(...METHODS)),
    segments: fc.tuple(...params.map(() => pathSegment)),
    query: queries(route),
    authorization: authorisation(token),
    // Mostly the headers a client would send, so the body gets looked at; sometimes not.
    ifMatch: sometimes(ifMatch, 25),
    idempotencyKey: sometimes(idempotencyKey, 25),
    contentType: sometimes(contentType, 15),
    contentEncoding: sometimes(contentEncoding, 5),
    body: bodies(good, documentedBody(route), mediaType(route)),
    mediaType: fc.constant(mediaType(route)),
  });
}

/** A path segment that is a row number other than this file's own (ids of outbox rows are numbers). */
function namesAnotherRow(segment: string): boolean {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {}
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 && !realIds.includes(segment);
}

const urlOf = (route: Route, segments: string[]) => {
  let i = 0;
  return route.path.replace(/\{\w+\}/g, () => segments[i++]!);
};

function send(url: string, req: Request) {
  const call = t.http[req.method](url);
  const headers: Record<string, string> = {};
  if (req.authorization !== undefined) headers.Authorization = req.authorization;
  if (req.ifMatch !== null) headers['If-Match'] = req.ifMatch;
  if (req.idempotencyKey !== null) headers['Idempotency-Key'] = req.idempotencyKey;
  const gzipped = req.body.kind === 'bytes' && req.body.gzipped;
  if (req.contentEncoding !== null || gzipped) headers['Content-Encoding'] = req.contentEncoding ?? 'gzip';
  call.set(headers);
  if (req.body.kind === 'none') {
    if (req.contentType !== null) call.set('Content-Type', req.contentType);
    return call;
  }
  call.set('Content-Type', req.contentType ?? req.mediaType);
  return call.send(req.body.kind === 'text' ? req.body.text : Buffer.from(req.body.bytes));
}

const describeRequest = (url: string, req: Request) =>
  `${req.method.toUpperCase()} ${url.slice(0, 300)} ${JSON.stringify({
    ...req,
    segments: undefined,
    body: req.body.kind === 'text' ? req.body.text.slice(0, 300) : req.body.kind,
  })}`;

describe('the routes fuzzed', () => {
  it('include every route the OpenAPI document describes, and each /api one is implemented', () => {
    expect(served.status).toBe(200);
    expect(documented.length).toBeGreaterThan(5);
    const registered = new Set(implemented.map(key));
    const missing = documented.filter(
      (route) => route.path.startsWith('/api') && !registered.has(key(route)),
    );
    expect(missing.map(key)).toEqual([]);
    expect(implemented.length).toBeGreaterThan(5);
  });
});

describe.each(routes.map((route) => [key(route), route] as const))('%s', (_name, route) => {
  it.each(Object.keys(roles) as (keyof typeof roles)[])(
    'as %s: never a 5xx, every refusal problem+json, a refused request changes no case',
    async (role) => {
      const revokes = key(route) === 'DELETE /api/tokens/current';
      await fc.assert(
        fc.asyncProperty(requests(route, roles[role]), async (req) => {
          // A change by a number id not ours (an outbox row) could be another test's row: not that.
          fc.pre(req.method === 'get' || !req.segments.some(namesAnotherRow));
          // Revoking the token a request used would lock the role out: use one of its own.
          const email = role === 'provider' ? own.email : `${role}@demo.test`;
          const token = revokes ? await issueToken(t.db, email) : roles[role];
          const authorization = req.authorization?.replaceAll(roles[role], token);
          const url = `${urlOf(route, req.segments)}${req.query}`;
          const touched = watched.filter((id) => url.includes(id));
          const before = await Promise.all(touched.map((id) => footprint(t, references, id)));
          const res = await send(url, { ...req, authorization });
          const what = describeRequest(url, req);
          expectNoFaultAndProblem(res, what);
          if (res.status >= 300) {
            const after = await Promise.all(touched.map((id) => footprint(t, references, id)));
            expect(after, `a refused request changed a case: ${what}`).toEqual(before);
          }
          if (revokes && res.status === 204) {
            expect((await t.http.get('/api/cases').set({ Authorization: `Bearer ${token}` })).status).toBe(
              401,
            );
          }
        }),
        settings(RUNS_PER_ROUTE_AND_ROLE),
      );
    },
    TIMEOUT_MS,
  );
});
