// Property-based fuzzing of the API with fast-check: payloads of the right shape (from a JSON
// Schema), hostile values and mutations of a good payload, exact JSON text (numbers JSON.stringify
// cannot write, own `__proto__` keys), and what a refusal must leave alone in the database.
// FUZZ_RUNS_SCALE multiplies how many runs each property gets (2 = twice as many). To replay a
// failure, give the seed and path fast-check printed: FUZZ_SEED=-1852783169 FUZZ_PATH=6:0:0 and pick
// the test with `vitest run <file> -t '<name>'`.
import fc from 'fast-check';
import type { Response } from 'supertest';
import { expect } from 'vitest';
import type { TestApp } from './app.ts';

const runsScale = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const path = process.env.FUZZ_PATH;

/** fast-check's settings for a property: `base` runs times FUZZ_RUNS_SCALE, and any seed to replay. */
export const settings = (base: number): { numRuns: number; seed?: number; path?: string } => ({
  numRuns: Math.max(1, Math.round(base * runsScale)),
  ...(seed !== undefined && { seed }),
  ...(path !== undefined && { path }),
});

/** Text put into the JSON as it is: numbers JSON.stringify cannot write (1e400, -0), or broken JSON. */
export class RawJson {
  constructor(readonly text: string) {}
  toString() {
    return `RawJson(${this.text})`;
  }
}

/**
 * The exact JSON text of a value. Keys are written as they are, so an own `__proto__` key (made with
 * Object.fromEntries, never by assignment) reaches the server; RawJson is written verbatim.
 */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(String(value));
}

/** An object with exactly these own keys, `__proto__` included (assignment would set the prototype). */
export const objectOf = (entries: Iterable<readonly [string, unknown]>): Record<string, unknown> =>
  Object.fromEntries(entries);

// ---- Values of the right shape, from the JSON Schema the API publishes -------------------------

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

const DAY_MS = 86_400_000;
/** A real calendar date in 2024–2035, as YYYY-MM-DD. */
export const validDate = fc
  .integer({ min: Date.UTC(2024, 0, 1) / DAY_MS, max: Date.UTC(2035, 11, 31) / DAY_MS })
  .map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10));
/** An instant in 2026–2035 with an offset, as the API takes them. */
export const validInstant = fc
  .tuple(
    fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2035, 11, 31) }),
    fc.constantFrom('Z', '+00:00', '+01:00', '-05:30'),
  )
  .map(([at, offset]) => {
    const sign = offset.startsWith('-') ? -1 : 1;
    const minutes = offset === 'Z' ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
    const local = new Date(Math.floor(at / 1000) * 1000 + minutes * 60_000).toISOString().slice(0, 19);
    return `${local}${offset}`;
  });

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';
/** Plain words (no leading or trailing blank), within the schema's length. */
function words(minLength = 0, maxLength = 40): fc.Arbitrary<string> {
  const max = Math.max(1, Math.min(maxLength, 40));
  const min = Math.min(Math.max(minLength, 1), max);
  return fc
    .string({ unit: fc.constantFrom(...letters), minLength: min - 1, maxLength: max - 1 })
    .map((rest) => `A${rest}`.trimEnd());
}

const typeOf = (schema: JsonSchema) => (Array.isArray(schema.type) ? schema.type[0] : schema.type);

/** Characters that are allowed in text but trip up what stores, compares or shows it. */
export const awkwardChars = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  'e\u0301',
  '\r\n',
  '\t',
  '"',
  '\\',
  "'",
  '<',
  '%00',
  '$' + '{x}',
] as const;

/** Text at the edges of what a length rule allows, or with awkward characters inside. */
function edgyText(minLength = 0, maxLength = 200): fc.Arbitrary<string> {
  const max = Math.max(1, Math.min(maxLength, 20_000));
  return fc.oneof(
    fc.constantFrom('x'.repeat(max), 'é'.repeat(max), '😀'.repeat(Math.floor(max / 2)), 'x'.repeat(max + 1)),
    fc.constantFrom(...awkwardChars).map((c) => `A${c}B`),
    fc.constantFrom(...awkwardChars).map((c) => c),
    fc.constantFrom(' A ', '\u00a0A\u00a0', '\nA\n', ' '.repeat(Math.max(minLength, 1))),
  );
}

/**
 * Values the schema allows, kept small (amounts up to £1,000 over the minimum, short text); `edgy`
 * leans to its edges instead: the largest amount, the first and last dates, the longest text, and
 * text with awkward characters in it.
 */
export function validShaped(schema: JsonSchema, edgy = false): fc.Arbitrary<unknown> {
  const leaf = (normal: fc.Arbitrary<unknown>, edges: fc.Arbitrary<unknown>) =>
    edgy ? fc.oneof({ weight: 1, arbitrary: normal }, { weight: 2, arbitrary: edges }) : normal;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return fc.oneof(...union.map((s) => validShaped(s, edgy)));
  switch (typeOf(schema)) {
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum ?? -1) + 1;
      const top = schema.maximum ?? (schema.exclusiveMaximum ?? Number.MAX_SAFE_INTEGER + 1) - 1;
      const max = Math.min(top, min + 100_000);
      const whole = fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
      const edges = [min, top, min + 1, top - 1].filter((n) => n >= min && n <= top);
      if (typeOf(schema) === 'number') edges.push(min + 0.1, top - 0.1, (min + top) / 3);
      return leaf(whole, fc.constantFrom(...edges));
    }
    case 'string':
      if (schema.format === 'date')
        return leaf(
          validDate,
          fc.constantFrom('2000-01-01', '2199-12-31', '2024-02-29', '2000-02-29', '2100-02-28', '2026-03-29'),
        );
      if (schema.format === 'date-time')
        return leaf(
          validInstant,
          fc.constantFrom(
            '2000-01-01T00:00:00Z',
            '2199-12-31T23:59:59Z',
            '1999-12-31T23:59:59-23:59',
            '2199-12-31T23:59:59+23:59',
            '2026-03-29T01:30:00+00:00',
            '2026-10-25T01:30:00+01:00',
            '2026-07-31T17:00:00.123456789Z',
          ),
        );
      if (schema.format === 'uuid')
        return leaf(
          fc.uuid(),
          fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
        );
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return leaf(words(schema.minLength, schema.maxLength), edgyText(schema.minLength, schema.maxLength));
    case 'array': {
      const items = validShaped(schema.items ?? {}, edgy);
      const normal = fc.array(items, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
      const many = fc.array(items, {
        minLength: Math.min(schema.maxItems ?? 40, 40),
        maxLength: Math.min(schema.maxItems ?? 80, 80),
      });
      return leaf(normal, many);
    }
    case 'object': {
      const properties = schema.properties ?? {};
      if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
        const value = validShaped(schema.additionalProperties, edgy);
        const key = edgy
          ? fc.oneof(words(1, 12), fc.constantFrom('constructor', 'toString', 'a.b', ''))
          : words(1, 12);
        return fc.dictionary(key, value, { maxKeys: 3 });
      }
      const shape = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, validShaped(s, edgy)]));
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in shape) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ---- Hostile values --------------------------------------------------------------------------

const nested = (depth: number, inner: unknown): unknown => {
  let value = inner;
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
};

/** Numbers no client library would send: too big, negative, fractional, beyond a double. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    0.5,
    -0.01,
    100.5,
    0.1 + 0.2,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    1e20,
    1e308,
    5e-324,
    -1e308,
  ),
  fc.constantFrom(
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('-0'),
    new RawJson('1E+2'),
    new RawJson('1.0'),
    new RawJson('123456789012345678901234567890'),
    new RawJson('0.00000000000000000000000001'),
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Text that looks like a number, a date, an instant or nothing at all. */
export const hostileText: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '1e3', '0x1F', ' 42 ', '42'),
  fc.constantFrom('-1', '١٢٣', '', ' ', '\t\n', '0', '£10.00', '10,000'),
  fc.constantFrom(
    '2026-02-30',
    '2025-02-29',
    '2025-13-01',
    '2025-00-10',
    '0000-00-00',
    '1999-12-31',
    '2200-01-01',
    '9999-12-31',
    '2026-2-3',
    '20260228',
    '2026-W05-1',
    '31/12/2026',
    '2026-12-31T00:00:00Z',
    '+02026-01-01',
  ),
  fc.constantFrom(
    '2026-07-31T24:00:00Z',
    '2026-07-31T17:00:60Z',
    '2026-07-31T17:00:00+25:00',
    '2026-07-31T17:00:00+23:59',
    '2199-12-31T23:59:59-23:59',
    '1999-12-31T23:59:59Z',
    '2026-07-31T17:00:00',
    '2026-07-31 17:00:00Z',
    '2026-07-31T17:00:00.123456789012Z',
  ),
  fc.constantFrom(
    '\u0000',
    '\ud800',
    'a\u202eb',
    '\u200b',
    '\ufeff',
    '🥊',
    'Ōtautahi',
    'e\u0301',
    '<script>alert(1)</script>',
    "'; drop table cases; --",
    '%00',
    '../../etc/passwd',
    '{{7*7}}',
    '$' + '{x}',
    '__proto__',
    'constructor',
    'toString',
  ),
  fc.oneof(
    fc.integer({ min: 190, max: 6_000 }).map((n) => 'x'.repeat(n)),
    fc.constantFrom(60_000).map((n) => 'é'.repeat(n)),
    fc.integer({ min: 1, max: 300 }).map((n) => ' '.repeat(n)),
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.uuid(),
);

/** Objects and arrays meant to trip up whatever walks them. */
export const hostileStructure: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    objectOf([['__proto__', { polluted: true }]]),
    objectOf([['constructor', { prototype: { polluted: true } }]]),
    objectOf([['prototype', {}]]),
    objectOf([['toString', 'x']]),
    {},
    [],
    [[]],
    [null],
  ),
  fc.integer({ min: 20, max: 40 }).map((depth) => nested(depth, 1)),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.object({ maxDepth: 2, withNullPrototype: true }),
);

/** Any hostile value. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileNumber },
  { weight: 4, arbitrary: hostileText },
  { weight: 2, arbitrary: hostileStructure },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
);

/** Keys that should never be taken as fields, and ones that nearly match real fields. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'type',
    'TYPE',
    '',
    ' ',
    '$where',
    'a.b',
    '0',
    'capPence',
    'programme',
    'context',
    'state',
    'version',
    'organisationId',
  ),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; key: string; value: unknown }
  | { kind: 'deep'; at: number; path: number[]; value: unknown }
  | { kind: 'respell'; at: number; key: string }
  | { kind: 'taint'; at: number; char: string; where: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostile }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('add' as const), key: hostileKey, value: hostile }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      at: fc.nat(),
      path: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      value: hostile,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('respell' as const), at: fc.nat(), key: hostileKey }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('taint' as const),
      at: fc.nat(),
      char: fc.constantFrom(...awkwardChars),
      where: fc.nat(),
    }),
  },
);

/** Text with an awkward character put in at a position; other values unchanged. */
const taint = (value: unknown, char: string, where: number) =>
  typeof value === 'string'
    ? `${value.slice(0, where % (value.length + 1))}${char}${value.slice(where % (value.length + 1))}`
    : value;

/** `value` with the thing at `path` (indexes into keys, modulo) replaced; unchanged if not a container. */
function setDeep(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [index, ...rest] = path as [number, ...number[]];
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const i = index % value.length;
    return value.map((item, j) => (j === i ? setDeep(item, rest, replacement) : item));
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return objectOf([['x', replacement]]);
  const i = index % entries.length;
  return objectOf(entries.map(([k, v], j) => [k, j === i ? setDeep(v, rest, replacement) : v]));
}

function apply(object: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const entries = Object.entries(object);
  if (m.kind === 'add') return objectOf([...entries, [m.key, m.value]]);
  if (entries.length === 0) return objectOf([['x', 'value' in m ? m.value : null]]);
  const i = m.at % entries.length;
  switch (m.kind) {
    case 'set':
      return objectOf(entries.map(([k, v], j) => [k, j === i ? m.value : v]));
    case 'delete':
      return objectOf(entries.filter((_, j) => j !== i));
    case 'deep':
      return objectOf(entries.map(([k, v], j) => [k, j === i ? setDeep(v, m.path, m.value) : v]));
    case 'respell':
      return objectOf(entries.map(([k, v], j) => [j === i ? m.key : k, v]));
    case 'taint':
      return objectOf(entries.map(([k, v], j) => [k, j === i ? taint(v, m.char, m.where) : v]));
  }
}

/** Paths to the leaves (text, numbers, booleans) of a JSON value. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

function setAt(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? setAt(item, rest, leaf) : item));
  return objectOf(
    Object.entries(value as object).map(([k, v]) => [k, k === head ? setAt(v, rest, leaf) : v]),
  );
}

/** The same kind of value at its edges: text at length limits or with awkward characters, big amounts. */
function edgeOf(leaf: unknown): fc.Arbitrary<unknown> {
  if (typeof leaf === 'string')
    return fc.oneof(
      edgyText(1, 200),
      fc.tuple(fc.constantFrom(...awkwardChars), fc.nat()).map(([c, at]) => taint(leaf, c, at)),
    );
  if (typeof leaf === 'number')
    return fc.constantFrom(0, 1, leaf + 1, leaf * 100, leaf + 0.5, 2 ** 31, 1e15, Number.MAX_SAFE_INTEGER);
  if (typeof leaf === 'boolean') return fc.constant(!leaf);
  return hostile;
}

/**
 * A good value with one leaf moved to an edge of its kind and the rest left good, so that whatever
 * is beyond validation (storing, computing, showing) sees it: for bodies no schema describes.
 */
export function edgified(value: unknown): fc.Arbitrary<unknown> {
  const paths = leaves(value);
  if (paths.length === 0) return fc.constant(value);
  return fc.nat().chain((n) => {
    const path = paths[n % paths.length]!;
    const leaf = path.reduce<any>((v, k) => v?.[k], value);
    return edgeOf(leaf).map((edge) => setAt(value, path, edge));
  });
}

/** A good-shaped object with one to three things wrong with it. */
export function mutated(base: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([value, mutations]) =>
      mutations.reduce(
        apply,
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)
          : {},
      ),
    );
}

/** Bodies that are not JSON at all, or not quite. */
export const brokenJson: fc.Arbitrary<RawJson> = fc
  .constantFrom(
    '{',
    '{"type":',
    '{"a":1,}',
    "{'a':1}",
    '[1,]',
    '{"a":1}{"b":2}',
    'NaN',
    'undefined',
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":01}',
    '{"a":"\\x41"}',
    '{"a":"\\u12"}',
    '\ufeff{"a":1}',
    '',
    ' ',
    '"just a string"',
    '42',
    'null',
    'true',
    '{"a":"b"',
    `{"a":${'['.repeat(5000)}`,
  )
  .map((text) => new RawJson(text));

// ---- What a refusal must leave alone ---------------------------------------------------------

/** Every column that refers to a case (history, timers, ledger, outbox, panel rows, child cases...). */
export async function caseReferences(t: TestApp): Promise<{ table: string; column: string }[]> {
  const rows = await t.sql`
    select cl.relname as table, a.attname as column
    from pg_constraint c
    join pg_class cl on cl.oid = c.conrelid
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
    where c.contype = 'f' and c.confrelid = 'cases'::regclass
    order by 1, 2`;
  return rows.map((r) => ({ table: r.table as string, column: r.column as string }));
}

export interface Footprint {
  version: number | null;
  state: string | null;
  /** Whether the rulebook holds a decision on the case for an approver's signature. */
  held: boolean;
  /** The case row as text: snapshot, version, state, updated_at... */
  row: string | null;
  /** Per referring table and column, a digest of every row that refers to the case. */
  rows: Record<string, string>;
}

/** Everything in the database about one case, to compare before and after a request. */
export async function footprint(
  t: TestApp,
  references: { table: string; column: string }[],
  caseId: string,
): Promise<Footprint> {
  const digests = references.map(
    (r, i) =>
      `(select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '')
        from "${r.table}" x where x."${r.column}" = $1) as "d${i}"`,
  );
  const [found] = await t.sql.unsafe(
    `select (select row_to_json(c)::text from cases c where c.id = $1) as row,
            (select version from cases where id = $1) as version,
            (select state from cases where id = $1) as state,
            coalesce((select decision->>'status' = 'awaitingSignature' from cases where id = $1), false) as held
            ${digests.length ? `, ${digests.join(', ')}` : ''}`,
    [caseId],
  );
  const rows = Object.fromEntries(references.map((r, i) => [`${r.table}.${r.column}`, found![`d${i}`]]));
  return { version: found!.version, state: found!.state, held: found!.held, row: found!.row, rows };
}

/** A response that is not a server fault; any refusal is problem+json saying its own status. */
export function expectNoFaultAndProblem(res: Response, what: string) {
  const shown = `${what} → ${res.status} ${res.headers['content-type'] ?? ''} ${res.text?.slice(0, 600)}`;
  expect(res.status, shown).toBeLessThan(500);
  if (res.status >= 300) {
    expect(res.headers['content-type'], shown).toMatch(/^application\/problem\+json/);
    expect(res.body, shown).toMatchObject({
      status: res.status,
      title: expect.stringMatching(/\S/),
      detail: expect.stringMatching(/\S/),
    });
  }
}
