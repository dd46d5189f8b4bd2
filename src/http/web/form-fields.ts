// An event's payload schema as the questions a form asks: each field's kind, label, hint and options,
// read from its `.meta()` (src/engine/describe.ts reads the schema once). Pages build forms from these
// (forms.ts) and read answers back with them (form-answers.ts).
import type { z } from 'zod';
import { schemaOf } from '../../engine/describe.ts';

export type Json = Record<string, any>;
/** How a field is asked: `checks` is an object of booleans, `scores` a record of numbers, `json` the rest. */
export type Kind =
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
  /** One of a list the case or the records give: a supplier on record, a tender the case scored. */
  | 'supplier'
  | 'scored'
  | 'officer'
  /** Figures against the case's outcome measures: one number for each, and each part of a count. */
  | 'measures'
  /** One of a list (`widget: 'choice'`): the field's own options or the page's. */
  | 'choice'
  /** Several of a list: an array of strings with `widget: 'choice'`. */
  | 'choices'
  /** An instant asked as a day: the start of that day in London. */
  | 'startOfDay'
  /** A list of objects, asked as rows of the item's questions (`items`). */
  | 'rows'
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
  /** A choice among whole numbers (returns every 3, 6 or 12 months): read back as a number. */
  integer?: boolean;
  /** A `rows` field's questions, asked once a row, and what one row is called. */
  items?: FieldSpec[];
  itemTitle?: string;
  /** Left empty, the field takes the schema's default. */
  hasDefault?: boolean;
  /** What a new form shows in a typed field with a default (70 for a usual weight), so nothing is hidden. */
  startsAs?: string;
  /**
   * When an optional field is needed after all (`neededWhen: 'the partner does not agree'`, from the
   * schema's meta): its label says so instead of "(optional)".
   */
  neededWhen?: string;
  /** What an error names the question as, where its label alone is not enough ("Criterion 2: Weight"). */
  errorLabel?: string;
}

/** Kinds typed as they are stored, so a default can be shown as it is (money and dates are not). */
const TYPED: readonly Kind[] = ['text', 'textarea', 'integer', 'number'];

/** A question's label as the form asks it: "(optional)" after an optional one, or when it is needed. */
export const askedLabel = (field: FieldSpec): string =>
  !field.optional
    ? field.label
    : field.neededWhen
      ? `${field.label} (if ${field.neededWhen})`
      : `${field.label} (optional)`;

const isBooleanObject = (s: Json) =>
  s.type === 'object' &&
  s.properties &&
  Object.keys(s.properties).length > 0 &&
  Object.values(s.properties as Record<string, Json>).every((p) => p.type === 'boolean');

function kindOf(s: Json): Kind {
  if (s.widget === 'measures') return 'measures';
  if (s.widget === 'choice' && (s.type === 'string' || s.type === 'integer')) return 'choice';
  if (s.type === 'array' && s.items?.type === 'string' && s.widget === 'choice') return 'choices';
  if (s.type === 'array' && s.items?.type === 'object' && s.items.properties) return 'rows';
  if (s.type === 'string' && s.format === 'date-time' && s.widget === 'startOfDay') return 'startOfDay';
  if (s.type === 'string' && ['supplier', 'scored', 'officer'].includes(s.widget)) return s.widget;
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
  return specsOf(schemaOf(schema));
}

/** The fields of an object's JSON Schema, in its order: a payload's, or one row's of a `rows` field. */
function specsOf(json: Json): FieldSpec[] {
  const required = new Set<string>(json.required ?? []);
  // A field nobody reads (`widget: 'hidden'`, an id made for the person) is never asked.
  const asked = Object.entries((json.properties ?? {}) as Record<string, Json>).filter(
    ([, s]) => s.widget !== 'hidden',
  );
  return asked.map(([name, s]) => {
    const kind = kindOf(s);
    const options =
      kind === 'enum'
        ? (s.enum as string[])
        : kind === 'checks'
          ? Object.keys(s.properties)
          : (kind === 'choice' || kind === 'choices') && s.options
            ? Object.keys(s.options)
            : undefined;
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
      // A field with a default is not optional to a person: left empty, it takes the default.
      optional: !required.has(name) && s.default === undefined,
      ...(s.default !== undefined ? { hasDefault: true } : {}),
      ...(TYPED.includes(kind) && (typeof s.default === 'number' || typeof s.default === 'string')
        ? { startsAs: String(s.default) }
        : {}),
      ...(options ? { options } : {}),
      ...(optionText ? { optionText } : {}),
      ...(hint ? { hint } : {}),
      ...(typeof s.neededWhen === 'string' ? { neededWhen: s.neededWhen } : {}),
      ...(range ? { range } : {}),
      ...(kind === 'choice' && s.type === 'integer' ? { integer: true } : {}),
      ...(kind === 'rows'
        ? { items: specsOf(s.items), itemTitle: typeof s.itemTitle === 'string' ? s.itemTitle : 'Item' }
        : {}),
    };
  });
}
