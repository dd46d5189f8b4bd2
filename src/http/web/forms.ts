// GOV.UK forms built from an event's payload schema, and the way back: a urlencoded body to a payload.
// Field errors use the payload's field names, so the engine's 422 errors land on the right inputs.
// Limitation: anything this layer cannot show as questions (arrays, nested objects other than a set
// of yes/no checks, records without the case's criteria) is a textarea taking JSON.
import type { z } from 'zod';
import { endOfLondonDay } from '../../../machines/calendar.ts';
import { jsonSchema } from '../../engine/describe.ts';
import type { FieldError } from '../../engine/errors.ts';

type Json = Record<string, any>;
/** How a field is asked: `checks` is an object of booleans, `scores` a record of numbers, `json` the rest. */
type Kind =
  | 'text'
  | 'textarea'
  | 'money'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'date'
  /** An instant (a deadline), asked as a day: the end of that day in London. */
  | 'endOfDay'
  | Composite;
type Composite = 'checks' | 'scores' | 'json';

export interface FieldSpec {
  name: string;
  kind: Kind;
  label: string;
  hint?: string;
  optional: boolean;
  /** Enum values, or the keys of a set of checks. */
  options?: string[];
  /** What each option says to a person, from the schema's `options` (or each check's `title`). */
  optionText?: Record<string, string>;
  /** The least and most a record's numbers may be, where the schema says. */
  range?: [number, number];
}

/** A GOV.UK component and its macro's parameters. */
export interface FormField {
  name: string;
  /** The id of its first input: where the error summary links. */
  anchor: string;
  macro: 'input' | 'textarea' | 'radios' | 'checkboxes' | 'date';
  params: Json;
}

export const POUNDS_ERROR = 'Enter an amount in pounds and pence, like 4500.00';
const schemas = new WeakMap<z.ZodObject, Json>();

const isBooleanObject = (s: Json) =>
  s.type === 'object' &&
  s.properties &&
  Object.keys(s.properties).length > 0 &&
  Object.values(s.properties as Record<string, Json>).every((p) => p.type === 'boolean');

function kindOf(s: Json): Kind {
  if (s.type === 'string' && Array.isArray(s.enum)) return 'enum';
  if (s.type === 'string' && s.format === 'date') return 'date';
  if (s.type === 'string' && s.format === 'date-time') return 'endOfDay';
  if (s.type === 'string')
    return s.widget === 'textarea' || (s.maxLength ?? Infinity) > 200 ? 'textarea' : 'text';
  if (s.type === 'integer' && s.widget === 'money') return 'money';
  if (s.type === 'integer') return 'integer';
  if (s.type === 'number') return 'number';
  if (s.type === 'boolean') return 'boolean';
  if (isBooleanObject(s)) return 'checks';
  const values = s.additionalProperties as Json | undefined;
  if (s.type === 'object' && !s.properties && values && ['integer', 'number'].includes(values.type))
    return 'scores';
  return 'json';
}

/** The fields of an event's payload, in the schema's order. */
export function fieldSpecs(schema: z.ZodObject): FieldSpec[] {
  const json = schemas.get(schema) ?? jsonSchema(schema);
  schemas.set(schema, json);
  const required = new Set<string>(json.required ?? []);
  return Object.entries((json.properties ?? {}) as Record<string, Json>).map(([name, s]) => {
    const kind = kindOf(s);
    const options =
      kind === 'enum' ? (s.enum as string[]) : kind === 'checks' ? Object.keys(s.properties) : undefined;
    const optionText =
      kind === 'checks'
        ? Object.fromEntries(
            Object.entries(s.properties as Record<string, Json>).map(([key, p]) => [key, p.title ?? key]),
          )
        : (s.options as Record<string, string> | undefined);
    const hint = typeof s.hint === 'string' ? s.hint : undefined;
    const each = s.additionalProperties as Json | undefined;
    const range =
      kind === 'scores' && typeof each?.minimum === 'number' && typeof each?.maximum === 'number'
        ? ([each.minimum, each.maximum] as [number, number])
        : undefined;
    return {
      name,
      kind,
      // The registry refuses a payload field without a title; the name is never shown otherwise.
      label: typeof s.title === 'string' ? s.title : name,
      optional: !required.has(name),
      ...(options ? { options } : {}),
      ...(optionText ? { optionText } : {}),
      ...(hint ? { hint } : {}),
      ...(range ? { range } : {}),
    };
  });
}

// ---- From a form to a payload ----------------------------------------------------------------

/** "£4,500.10" → 450010; integer arithmetic on the digits, never floats. Undefined if not money. */
export function parsePounds(text: string): number | undefined {
  const cleaned = text.replace(/\s+/g, '').replace(/^£/, '').replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match || (match[1] === '' && match[2] === undefined)) return undefined;
  const pence = BigInt(match[1] || '0') * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return pence <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pence) : undefined;
}

const DATE_PARTS = ['day', 'month', 'year'] as const;

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
  boolean: 'Select yes or no',
  enum: 'Select an option',
};

const text = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : '';
const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];

/**
 * The payload a urlencoded form means, and what could not be read. Empty optional fields are left
 * out; empty required text is sent as '' so the machine's own rule names the problem.
 */
export function formToPayload(
  schema: z.ZodObject,
  body: Record<string, unknown>,
): { payload: Record<string, unknown>; errors: FieldError[] } {
  const payload: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  for (const field of fieldSpecs(schema)) {
    const { name, kind, label } = field;
    const raw = text(body[name]).trim();
    if (kind === 'checks') {
      const chosen = new Set(list(body[name]));
      payload[name] = Object.fromEntries(field.options!.map((key) => [key, chosen.has(key)]));
    } else if (kind === 'date' || kind === 'endOfDay') {
      const parts = Object.fromEntries(
        DATE_PARTS.map((p) => [p, text(body[`${name}-${p}`]).trim()]),
      ) as DateParts;
      if (DATE_PARTS.every((p) => parts[p] === '')) {
        if (!field.optional) fail(name, 'Enter a date');
        continue;
      }
      const parsed = parseDate(label, parts);
      if (!('date' in parsed)) fail(name, parsed.error);
      else payload[name] = kind === 'date' ? parsed.date : endOfLondonDay(parsed.date).toISOString();
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
    } else if (raw === '') {
      if (field.optional) continue;
      if (kind === 'text' || kind === 'textarea') payload[name] = '';
      else fail(name, EMPTY[kind] ?? `Enter ${label.toLowerCase()}`);
    } else if (kind === 'text' || kind === 'textarea') {
      payload[name] = text(body[name]);
    } else if (kind === 'money') {
      const pence = parsePounds(raw);
      if (pence === undefined) fail(name, POUNDS_ERROR);
      else payload[name] = pence;
    } else if (kind === 'integer' || kind === 'number') {
      const ok = kind === 'integer' ? /^-?\d+$/.test(raw) : /^-?(\d+\.?\d*|\.\d+)$/.test(raw);
      if (ok) payload[name] = Number(raw);
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

// ---- From a schema to GOV.UK components -----------------------------------------------------

/**
 * An error that names its question, as GOV.UK error summaries do: "Amount requested: enter an amount in
 * pounds…". A message that already names it ("Paid on must include a day") is left as it is.
 */
export function naming(label: string, message: string): string {
  if (message.toLowerCase().includes(label.toLowerCase())) return message;
  const first = /^[A-Z][a-z]/.test(message) ? message.charAt(0).toLowerCase() + message.slice(1) : message;
  return `${label}: ${first}`;
}

/** Sentences joined as sentences: a full stop between them unless one is there already. */
export function sentences(...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p && p.trim() !== '')
    .map((p) => p.trim())
    .reduce((text, part) => (text ? `${text}${/[.?!:]$/.test(text) ? '' : '.'} ${part}` : part), '');
}

export const htmlId = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '-');

export interface BuildOptions {
  /** Prefixes every id (to keep ids unique when two forms on a page share a field name). */
  idPrefix?: string;
  /** What the person typed (the urlencoded body), to show again. */
  values?: Record<string, unknown>;
  /** Errors by payload field name (nested ones like `checks.insurance` land on their group). */
  errors?: FieldError[];
  /** The case's context: text fields start from its values. */
  context?: unknown;
  /** The criteria a `scores` field is asked against, one number each (the definition's `criteria`). */
  criteria?: readonly { id: string; label: string }[];
}

/** The GOV.UK components for an event's payload, and the error summary's links into them. */
export function buildForm(schema: z.ZodObject, options: BuildOptions = {}) {
  const values = options.values;
  const ctx = (options.context ?? {}) as Record<string, unknown>;
  const errors = options.errors ?? [];
  const fields: FormField[] = [];
  const errorList: { text: string; href: string }[] = [];
  const claimed = new Set<FieldError>();
  const errorFor = (name: string, anchor: (field: string) => string, label: string) => {
    const mine = errors.filter((e) => e.field === name || e.field.startsWith(`${name}.`));
    const messages: string[] = [];
    for (const e of mine) {
      claimed.add(e);
      const message = naming(label, e.message);
      // One line per message: four failed checks saying the same thing are said once.
      if (messages.includes(message)) continue;
      messages.push(message);
      errorList.push({ text: message, href: `#${anchor(e.field)}` });
    }
    return messages.length ? { text: messages.join('. ') } : undefined;
  };
  const idOf = (name: string) => `${options.idPrefix ?? ''}${htmlId(name)}`;

  const add = (name: string, anchor: string, macro: FormField['macro'], params: Json) =>
    fields.push({ name, anchor, macro, params });

  for (const field of fieldSpecs(schema)) {
    const { name, kind } = field;
    const id = idOf(name);
    const label = `${field.label}${field.optional ? ' (optional)' : ''}`;
    const hint = field.hint ? { text: field.hint } : undefined;
    // A new form starts short text from the case (a draft's title); nothing else is guessed.
    const start = kind === 'text' && typeof ctx[name] === 'string' ? (ctx[name] as string) : '';
    const typed = values ? text(values[name]) : start;
    const labelled = { id, name, label: { text: label, classes: 'govuk-label--s' }, hint, value: typed };
    const grouped = {
      name,
      idPrefix: id,
      fieldset: { legend: { text: label, classes: 'govuk-fieldset__legend--s' } },
      hint,
    };
    const criteria = kind === 'scores' ? (options.criteria ?? []) : [];
    const [low, high] = field.range ?? [];
    if (kind === 'scores' && criteria.length) {
      for (const criterion of criteria) {
        const key = `${name}.${criterion.id}`;
        add(key, idOf(key), 'input', {
          ...labelled,
          id: idOf(key),
          name: key,
          label: { text: `${field.label}: ${criterion.label}`, classes: 'govuk-label--s' },
          hint: { text: field.range ? `A whole number from ${low} to ${high}` : 'A number' },
          value: values ? text(values[key]) : '',
          inputmode: 'numeric',
          spellcheck: false,
          classes: 'govuk-input--width-2',
          errorMessage: errorFor(key, () => idOf(key), criterion.label),
        });
      }
    } else if (kind === 'date' || kind === 'endOfDay') {
      const errorMessage = errorFor(name, () => `${id}-day`, field.label);
      const width = (part: string) => `govuk-input--width-${part === 'year' ? 4 : 2}`;
      add(name, `${id}-day`, 'date', {
        ...grouped,
        id,
        namePrefix: name,
        hint: {
          text: sentences(
            field.hint,
            kind === 'endOfDay' ? 'Until the end of this day, UK time.' : undefined,
            'For example, 27 3 2027',
          ),
        },
        errorMessage,
        items: DATE_PARTS.map((part) => ({
          name: part,
          value: values ? text(values[`${name}-${part}`]) : '',
          classes: `${width(part)}${errorMessage ? ' govuk-input--error' : ''}`,
        })),
      });
    } else if (kind === 'boolean' || kind === 'enum') {
      const yesNo = kind === 'boolean';
      add(name, id, 'radios', {
        ...grouped,
        classes: yesNo ? 'govuk-radios--inline' : undefined,
        errorMessage: errorFor(name, () => id, field.label),
        items: (yesNo ? ['yes', 'no'] : field.options!).map((value) => ({
          value,
          text: yesNo ? (value === 'yes' ? 'Yes' : 'No') : (field.optionText?.[value] ?? value),
          checked: typed === value,
        })),
      });
    } else if (kind === 'checks') {
      const chosen = new Set(values ? list(values[name]) : []);
      const itemId = (key: string) => `${id}-${htmlId(key)}`;
      const first = itemId(field.options![0]!);
      add(name, first, 'checkboxes', {
        ...grouped,
        hint: hint ?? { text: 'Select all that apply' },
        errorMessage: errorFor(
          name,
          (f) => (f.startsWith(`${name}.`) ? itemId(f.slice(name.length + 1)) : first),
          field.label,
        ),
        items: field.options!.map((key) => ({
          id: itemId(key),
          value: key,
          text: field.optionText?.[key] ?? key,
          checked: chosen.has(key),
        })),
      });
    } else if (kind === 'textarea' || kind === 'json' || kind === 'scores') {
      const asJson = kind !== 'textarea';
      const jsonHint = { text: 'This form cannot show this field as separate questions: enter it as JSON.' };
      add(name, id, 'textarea', {
        ...labelled,
        ...(asJson
          ? { label: { text: `${label} (as JSON)`, classes: 'govuk-label--s' }, hint: jsonHint }
          : {}),
        rows: asJson ? 4 : 5,
        spellcheck: !asJson,
        errorMessage: errorFor(name, () => id, field.label),
      });
    } else {
      const money = kind === 'money';
      const numeric = money || kind === 'integer' || kind === 'number';
      add(name, id, 'input', {
        ...labelled,
        // Money is typed in pounds: the field's own hint first, then how to write the amount.
        ...(money
          ? {
              prefix: { text: '£' },
              hint: {
                text: field.hint
                  ? sentences(field.hint, 'Enter it in pounds, for example 4500.00')
                  : 'in pounds, for example 4500.00',
              },
            }
          : {}),
        ...(numeric ? { inputmode: money ? 'decimal' : 'numeric', spellcheck: false } : {}),
        classes: numeric ? 'govuk-input--width-10' : undefined,
        errorMessage: errorFor(name, () => id, field.label),
      });
    }
  }
  // Errors naming no field of this form (the whole body, say) still show, linked to the first field.
  const firstHref = `#${fields[0]?.anchor ?? 'main-content'}`;
  for (const e of errors) if (!claimed.has(e)) errorList.push({ text: e.message, href: firstHref });
  return { fields, errorList };
}
