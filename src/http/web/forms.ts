// GOV.UK forms built from an event's payload schema (form-fields.ts); form-answers.ts reads them back.
// Field errors use the payload's field names, so the engine's 422 errors land on the right inputs.
// Limitation: anything this layer cannot show as questions (arrays, nested objects other than a set
// of yes/no checks, records without the case's criteria) is a textarea taking JSON.

import type { z } from 'zod';
import type { MeasureSpec } from '../../../machines/define.ts';
import { type FieldError, naming } from '../../engine/errors.ts';
import { DATE_PARTS, list, text } from './form-answers.ts';
import { askedLabel, type FieldSpec, fieldSpecs, type Json } from './form-fields.ts';
import { measureFields } from './form-measures.ts';

/** A GOV.UK component and its macro's parameters. */
export interface FormField {
  name: string;
  /** The id of its first input: where the error summary links. */
  anchor: string;
  /**
   * A GOV.UK component, or `heading` (a group's heading, hint and error), `fieldset` (questions in
   * `params.fields`) or `addRow` (the button that asks for another row of a list).
   */
  macro:
    | 'input'
    | 'textarea'
    | 'radios'
    | 'checkboxes'
    | 'date'
    | 'select'
    | 'heading'
    | 'fieldset'
    | 'addRow';
  params: Json;
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
  /** Prefixes every id (to keep ids unique when the form shares its page with others). */
  idPrefix?: string;
  /** What the person typed (the urlencoded body), to show again. */
  values?: Record<string, unknown>;
  /** Errors by payload field name (nested ones like `checks.insurance` land on their group). */
  errors?: FieldError[];
  /** The case's context: text fields start from its values. */
  context?: unknown;
  /**
   * The criteria a `scores` field is asked against, one number each, and a `scored` field chooses
   * among (the definition's `criteria`).
   */
  criteria?: readonly { id: string; label: string }[];
  /** The organisations a `supplier` field chooses among: the suppliers on record. */
  suppliers?: readonly { id: string; name: string }[];
  /** The people an `officer` field chooses among: the commissioning officers. */
  officers?: readonly { id: string; name: string }[];
  /** The outcome measures a `measures` field asks a figure for (the case's own, copied from its programme). */
  measures?: readonly MeasureSpec[];
  /** The choices of `choice` fields whose options the page gives (the funds on record), by field name. */
  choices?: Readonly<Record<string, readonly { value: string; text: string; hint?: string }[]>>;
  /** A `rows` field the person asked another row of. */
  addRow?: string;
  /** `rows` fields with exactly these rows, each titled (an organisation each): none added, none dropped. */
  fixedRows?: Readonly<Record<string, readonly string[]>>;
}

/** The kinds asked as a choice among a list: radios, a drop-down, or (`choices`) checkboxes. */
const CHOOSING: readonly string[] = ['choice', 'choices', 'supplier', 'scored', 'officer'];

/** Up to this many choices are radios; more are a drop-down list. */
const MOST_RADIOS = 8;

/** The GOV.UK components for an event's payload, and the error summary's links into them. */
export function buildForm(schema: z.ZodObject, options: BuildOptions = {}) {
  const values = options.values;
  const ctx = (options.context ?? {}) as Record<string, unknown>;
  const errors = options.errors ?? [];
  const fields: FormField[] = [];
  const errorList: { text: string; href: string }[] = [];
  const claimed = new Set<FieldError>();
  /** A field's errors: its own and its parts' (`checks.insurance`), or, `exact`, only its own. */
  const errorFor = (name: string, anchor: (field: string) => string, label: string, exact = false) => {
    const mine = errors.filter(
      (e) => !claimed.has(e) && (e.field === name || (!exact && e.field.startsWith(`${name}.`))),
    );
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

  let into = fields;
  const add = (name: string, anchor: string, macro: FormField['macro'], params: Json) =>
    into.push({ name, anchor, macro, params });

  const one = (field: FieldSpec) => {
    const { name, kind } = field;
    const named = field.errorLabel ?? field.label;
    const id = idOf(name);
    const label = askedLabel(field);
    const hint = field.hint ? { text: field.hint } : undefined;
    // A new form starts short text from the case (a draft's title), or a field from the default it
    // takes when left empty; nothing else is guessed.
    const start =
      kind === 'text' && typeof ctx[name] === 'string' ? (ctx[name] as string) : (field.startsAs ?? '');
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
    if (kind === 'measures') {
      measureFields(field, options.measures ?? [], { values, idOf, errorFor, add });
    } else if (kind === 'scores' && criteria.length) {
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
    } else if (kind === 'rows') {
      rows(field);
    } else if (CHOOSING.includes(kind)) {
      // The choices: what the case gives (its criteria, the suppliers and officers on record), or the
      // page (a row's question by the list's name: `streams.services` for each row's), or the field.
      const people = (list?: readonly { id: string; name: string }[]) =>
        (list ?? []).map((o) => ({ value: o.id, text: o.name }));
      const given =
        kind === 'scored'
          ? (options.criteria ?? []).map((c) => ({ value: c.id, text: c.label }))
          : kind === 'supplier'
            ? people(options.suppliers)
            : kind === 'officer'
              ? people(options.officers)
              : (options.choices?.[name] ?? options.choices?.[name.replace(/\.\d+\./g, '.')]);
      const choices: readonly { value: string; text: string; hint?: string }[] =
        given ?? (field.options ?? []).map((value) => ({ value, text: field.optionText?.[value] ?? value }));
      const chosen = new Set(values ? list(values[name]) : []);
      const errorMessage = errorFor(name, () => id, named);
      if (kind === 'choices')
        add(name, id, 'checkboxes', {
          ...grouped,
          hint: hint ?? { text: 'Select all that apply' },
          errorMessage,
          items: choices.map((c) => ({
            ...c,
            hint: c.hint ? { text: c.hint } : undefined,
            checked: chosen.has(c.value),
          })),
        });
      else if (choices.length > MOST_RADIOS)
        add(name, id, 'select', {
          id,
          name,
          label: { text: label, classes: 'govuk-label--s' },
          hint,
          errorMessage,
          items: [
            { value: '', text: field.optional ? 'None' : 'Choose one' },
            ...choices.map((c) => ({ value: c.value, text: c.text, selected: chosen.has(c.value) })),
          ],
        });
      else
        add(name, id, 'radios', {
          ...grouped,
          errorMessage,
          items: [
            ...choices.map((c) => ({
              ...c,
              hint: c.hint ? { text: c.hint } : undefined,
              checked: chosen.has(c.value),
            })),
            // An optional choice can be left unmade, as it was.
            ...(field.optional && choices.length ? [{ value: '', text: 'None', checked: false }] : []),
          ],
        });
    } else if (kind === 'date' || kind === 'endOfDay' || kind === 'startOfDay') {
      const errorMessage = errorFor(name, () => `${id}-day`, named);
      const width = (part: string) => `govuk-input--width-${part === 'year' ? 4 : 2}`;
      add(name, `${id}-day`, 'date', {
        ...grouped,
        id,
        namePrefix: name,
        hint: {
          text: sentences(
            field.hint,
            kind === 'endOfDay' ? 'Until the end of this day, UK time.' : undefined,
            kind === 'startOfDay' ? 'From the start of this day, UK time.' : undefined,
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
        errorMessage: errorFor(name, () => id, named),
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
        errorMessage: errorFor(name, () => id, named),
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
        errorMessage: errorFor(name, () => id, named),
      });
    }
  };
  /**
   * A list of objects as rows: a heading (with the list's own errors), then each row's questions in
   * a fieldset ("Criterion 1"), named `<field>.<row>.<question>`; as many rows as were typed, one when
   * none were, and one more when the person asked for another.
   */
  function rows(field: FieldSpec) {
    const { name } = field;
    const typedRows = Object.keys(values ?? {})
      .filter((key) => key.startsWith(`${name}.`))
      .map((key) => /^(\d+)\./.exec(key.slice(name.length + 1)))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => Number(m[1]) + 1);
    const fixed = options.fixedRows?.[name];
    const count = fixed ? fixed.length : Math.max(1, ...typedRows) + (options.addRow === name ? 1 : 0);
    const firstAnchor = idOf(`${name}.0.${field.items?.[0]?.name ?? ''}`);
    const groupError = errorFor(name, () => firstAnchor, field.label, true);
    add(name, firstAnchor, 'heading', {
      text: askedLabel(field),
      hint: field.hint,
      error: groupError?.text,
    });
    const outer = into;
    for (let row = 0; row < count; row++) {
      const inner: FormField[] = [];
      into = inner;
      const title = fixed?.[row] ?? `${field.itemTitle ?? 'Item'} ${row + 1}`;
      for (const item of field.items ?? [])
        one({ ...item, name: `${name}.${row}.${item.name}`, errorLabel: `${title}: ${item.label}` });
      into = outer;
      add(`${name}.${row}`, inner[0]?.anchor ?? firstAnchor, 'fieldset', {
        // A fixed row is someone's (an organisation's): its name heads it.
        legend: { text: title, classes: fixed ? 'govuk-fieldset__legend--m' : 'govuk-fieldset__legend--s' },
        fields: inner,
      });
    }
    if (fixed) return;
    add(`${name}.add`, idOf(`${name}-add`), 'addRow', {
      id: idOf(`${name}-add`),
      name,
      // The page comes back at the new row, not at its top.
      target: idOf(`${name}.${count}.${field.items?.[0]?.name ?? ''}`),
      text: `Add another ${(field.itemTitle ?? 'item').toLowerCase()}`,
    });
  }

  for (const field of fieldSpecs(schema)) one(field);
  // Errors naming no field of this form (the whole body, say) still show, linked to the first field.
  const firstHref = `#${fields[0]?.anchor ?? 'main-content'}`;
  for (const e of errors) if (!claimed.has(e)) errorList.push({ text: e.message, href: firstHref });
  return { fields, errorList };
}
