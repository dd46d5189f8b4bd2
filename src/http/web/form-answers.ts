// The way back from a GOV.UK form: a urlencoded body to an event's payload, and what could not be
// read, named by the payload's field names so the engine's 422 errors land on the same inputs.
import type { z } from 'zod';
import { endOfLondonDay, londonDate, londonInstant } from '../../../machines/calendar.ts';
import type { FieldError } from '../../engine/errors.ts';
import { type FieldSpec, fieldSpecs, type Kind } from './form-fields.ts';

export const POUNDS_ERROR = 'Enter an amount in pounds and pence, like 4500.00';

/** "£4,500.10" → 450010; integer arithmetic on the digits, never floats. Undefined if not money. */
export function parsePounds(text: string): number | undefined {
  const cleaned = text.replace(/\s+/g, '').replace(/^£/, '').replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match || (match[1] === '' && match[2] === undefined)) return undefined;
  const pence = BigInt(match[1] || '0') * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return pence <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pence) : undefined;
}

export const DATE_PARTS = ['day', 'month', 'year'] as const;

type DateParts = Record<(typeof DATE_PARTS)[number], string>;

/** Day, month and year to "YYYY-MM-DD", or an error naming the first part that is wrong. */
function parseDate(label: string, parts: DateParts): { date: string } | { error: string } {
  const missing = DATE_PARTS.find((p) => parts[p] === '');
  if (missing) return { error: `${label} must include a ${missing}` };
  const limits = { day: [1, 31], month: [1, 12], year: [1000, 9999] } as const;
  for (const part of DATE_PARTS) {
    const n = /^\d{1,4}$/.test(parts[part]) ? Number(parts[part]) : Number.NaN;
    if (!(n >= limits[part][0] && n <= limits[part][1]))
      return {
        error: part === 'year' ? `${label}: the year must have 4 numbers` : `${label}: enter a real ${part}`,
      };
  }
  const [y, m, d] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  if (new Date(Date.UTC(y, m - 1, d)).getUTCMonth() !== m - 1)
    return { error: `${label} must be a real date` };
  return { date: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/** What a required field left empty says, where the machine's own words would not fit a form. */
const EMPTY: Partial<Record<Kind, string>> = {
  money: POUNDS_ERROR,
  integer: 'Enter a whole number',
  number: 'Enter a number',
  boolean: 'Select yes or no',
  enum: 'Select an option',
  supplier: 'Choose the organisation',
  scored: 'Choose one',
  officer: 'Choose the officer',
};

export const text = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : '';
export const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];

/**
 * The payload a urlencoded form means, and what could not be read. Empty optional fields are left
 * out; empty required text is sent as '' so the machine's own rule names the problem.
 */
export function formToPayload(
  schema: z.ZodObject,
  body: Record<string, unknown>,
): { payload: Record<string, unknown>; errors: FieldError[] } {
  return readFields(fieldSpecs(schema), body);
}

/** Whether nothing was typed in any of these answers (a blank row of a list). */
export const blank = (body: Record<string, unknown>) =>
  Object.values(body).every((v) => list(v).every((x) => x.trim() === ''));

/**
 * The rows of a `rows` field as typed, in order, less those left blank: each row's answers by its
 * questions' names. Rows are renumbered by `compactRows` first, so errors name the rows as shown.
 */
function typedRows(name: string, body: Record<string, unknown>): Record<string, unknown>[] {
  const rows = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith(`${name}.`)) continue;
    const match = /^(\d+)\.(.+)$/.exec(key.slice(name.length + 1));
    if (!match) continue;
    const row = rows.get(Number(match[1])) ?? {};
    row[match[2]!] = value;
    rows.set(Number(match[1]), row);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) => row)
    .filter((row) => !blank(row));
}

/**
 * The body with each `rows` field's rows numbered from 0 as they will be read (blank ones dropped),
 * so the form shown again, and the errors that name rows by number, match what was typed.
 */
export function compactRows(schema: z.ZodObject, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const field of fieldSpecs(schema)) {
    if (field.kind !== 'rows') continue;
    for (const key of Object.keys(out)) if (key.startsWith(`${field.name}.`)) delete out[key];
    typedRows(field.name, body).forEach((row, index) => {
      for (const [question, value] of Object.entries(row)) out[`${field.name}.${index}.${question}`] = value;
    });
  }
  return out;
}

function readFields(
  specs: readonly FieldSpec[],
  body: Record<string, unknown>,
): { payload: Record<string, unknown>; errors: FieldError[] } {
  const payload: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  for (const field of specs) {
    const { name, kind, label } = field;
    const raw = text(body[name]).trim();
    if (kind === 'rows') {
      const rows = typedRows(name, body).map((row, index) => {
        const read = readFields(field.items ?? [], row);
        for (const e of read.errors) fail(`${name}.${index}.${e.field}`, e.message);
        return read.payload;
      });
      if (rows.length || !(field.optional || field.hasDefault)) payload[name] = rows;
    } else if (kind === 'choices') {
      payload[name] = list(body[name]).filter((v) => v.trim() !== '');
    } else if (kind === 'choice') {
      // Nothing chosen is left for the schema's own words ("Choose the fund"); a choice goes as chosen.
      if (raw === '') continue;
      if (field.integer) {
        if (/^\d+$/.test(raw)) payload[name] = Number(raw);
        else fail(name, 'Select an option');
      } else payload[name] = raw;
    } else if (kind === 'checks') {
      const chosen = new Set(list(body[name]));
      payload[name] = Object.fromEntries(field.options!.map((key) => [key, chosen.has(key)]));
    } else if (kind === 'date' || kind === 'endOfDay' || kind === 'startOfDay') {
      const parts = Object.fromEntries(
        DATE_PARTS.map((p) => [p, text(body[`${name}-${p}`]).trim()]),
      ) as DateParts;
      if (DATE_PARTS.every((p) => parts[p] === '')) {
        if (!field.optional && !field.hasDefault) fail(name, 'Enter a date');
        continue;
      }
      const parsed = parseDate(label, parts);
      if (!('date' in parsed)) fail(name, parsed.error);
      else
        payload[name] =
          kind === 'date'
            ? parsed.date
            : (kind === 'endOfDay' ? endOfLondonDay(parsed.date) : londonInstant(parsed.date)).toISOString();
    } else if (kind === 'scores' && Object.keys(body).some((key) => key.startsWith(`${name}.`))) {
      const scores: Record<string, number> = {};
      for (const [key, value] of Object.entries(body)) {
        if (!key.startsWith(`${name}.`)) continue;
        const entry = text(value).trim();
        if (entry === '') continue;
        if (/^-?\d+$/.test(entry)) scores[key.slice(name.length + 1)] = Number(entry);
        else fail(key, 'Enter a whole number');
      }
      payload[name] = scores;
    } else if (kind === 'measures') {
      const figures = measureAnswers(name, body, fail);
      if (Object.keys(figures).length) payload[name] = figures;
    } else if (raw === '') {
      if (field.optional || field.hasDefault) continue;
      if (kind === 'text' || kind === 'textarea') payload[name] = '';
      else fail(name, EMPTY[kind] ?? `Enter ${label.toLowerCase()}`);
    } else if (['text', 'textarea', 'supplier', 'scored', 'officer'].includes(kind)) {
      // A choice is sent as chosen: the engine or the machine says when it is not one on offer.
      payload[name] = kind === 'text' || kind === 'textarea' ? text(body[name]) : raw;
    } else if (kind === 'money') {
      const pence = parsePounds(raw);
      if (pence === undefined) fail(name, POUNDS_ERROR);
      else payload[name] = pence;
    } else if (kind === 'integer' || kind === 'number') {
      // Thousands may be written with commas, as people write them ("1,200"), and a share with its "%".
      const digits = raw.replace(/,/g, '').replace(/\s*%$/, '');
      const ok = kind === 'integer' ? /^-?\d+$/.test(digits) : /^-?(\d+\.?\d*|\.\d+)$/.test(digits);
      if (ok) payload[name] = Number(digits);
      else fail(name, kind === 'integer' ? 'Enter a whole number' : 'Enter a number');
    } else if (kind === 'boolean') {
      if (raw === 'yes' || raw === 'no') payload[name] = raw === 'yes';
      else fail(name, 'Select yes or no');
    } else if (kind === 'enum') {
      if (field.options!.includes(raw)) payload[name] = raw;
      else fail(name, 'Select an option');
    } else {
      try {
        payload[name] = JSON.parse(raw);
      } catch {
        fail(name, 'Enter valid JSON');
      }
    }
  }
  return { payload, errors };
}

/** "1,200" or "82.5%" as a number; undefined if it is not one. */
function numberIn(entry: string): number | undefined {
  const cleaned = entry.replace(/,/g, '').replace(/%$/, '').trim();
  return /^-?(\d+\.?\d*|\.\d+)$/.test(cleaned) ? Number(cleaned) : undefined;
}

/**
 * Figures by measure from inputs named `<field>.<measure>` and `<field>.<measure>.<part>`. A measure
 * left empty is left out (the machine names it); parts without their measure's figure go with it.
 */
function measureAnswers(
  name: string,
  body: Record<string, unknown>,
  fail: (field: string, message: string) => void,
): Record<string, { value: number; breakdown?: Record<string, number> }> {
  const values = new Map<string, number>();
  const parts = new Map<string, Record<string, number>>();
  for (const [key, raw] of Object.entries(body)) {
    if (!key.startsWith(`${name}.`)) continue;
    const entry = text(raw).trim();
    if (entry === '') continue;
    const rest = key.slice(name.length + 1);
    const dot = rest.indexOf('.');
    const n = numberIn(entry);
    if (n === undefined) {
      fail(key, dot < 0 ? 'Enter a number' : 'Enter a whole number');
      continue;
    }
    if (dot < 0) values.set(rest, n);
    else {
      const measure = rest.slice(0, dot);
      parts.set(measure, { ...parts.get(measure), [rest.slice(dot + 1)]: n });
    }
  }
  return Object.fromEntries(
    [...values].map(([measure, value]) => {
      const breakdown = parts.get(measure);
      return [measure, breakdown ? { value, breakdown } : { value }];
    }),
  );
}

/** Pence as a form shows them for editing: 250000 → "2500.00". */
export function poundsForInput(pence: number | bigint): string {
  const p = BigInt(pence);
  return `${p / 100n}.${String(p % 100n).padStart(2, '0')}`;
}

/** One row's answers of a `rows` field, by its questions' names: `rows.2.amount` → `amount`. */
export function rowAnswers(
  name: string,
  row: number,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const prefix = `${name}.${row}.`;
  return Object.fromEntries(
    Object.entries(body)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/** "2027-03-27" as the date input's parts, named as the form names them. */
function dateParts(name: string, date: string): Record<string, string> {
  const [year, month, day] = date.split('-');
  return {
    [`${name}-day`]: String(Number(day)),
    [`${name}-month`]: String(Number(month)),
    [`${name}-year`]: year!,
  };
}

/**
 * The form's values for a payload already on record, to change it: the way back of formToPayload
 * (dates as their parts, a deadline as the day it ends, money in pounds). Top-level fields only.
 */
export function payloadToForm(
  schema: z.ZodObject,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fieldSpecs(schema)) {
    const value = payload[field.name];
    if (value === null || value === undefined) continue;
    if (field.kind === 'date' && typeof value === 'string')
      Object.assign(values, dateParts(field.name, value));
    else if ((field.kind === 'endOfDay' || field.kind === 'startOfDay') && typeof value === 'string') {
      // A deadline is the end of its day: the instant itself is the next day's midnight.
      const at = new Date(Date.parse(value) - (field.kind === 'endOfDay' ? 1 : 0));
      Object.assign(values, dateParts(field.name, londonDate(at)));
    } else if (field.kind === 'money' && typeof value === 'number')
      values[field.name] = poundsForInput(value);
    else if (field.kind === 'boolean' && typeof value === 'boolean')
      values[field.name] = value ? 'yes' : 'no';
    else if (field.kind === 'choices' && Array.isArray(value)) values[field.name] = value.map(String);
    else if (typeof value === 'number' || typeof value === 'string') values[field.name] = String(value);
  }
  return values;
}
