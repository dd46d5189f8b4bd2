// A \`measures\` field as questions: under a heading of the field's own, a figure for each of the case's
// outcome measures, and for a count broken down, its total and each part (forms.ts asks the rest).
import type { MeasureSpec } from '../../../machines/define.ts';
import { measureAsks } from '../../../machines/measures.ts';
import { text } from './form-answers.ts';
import type { FieldSpec, Json } from './form-fields.ts';
import type { FormField } from './forms.ts';

/** What a field's questions are built with: what was typed, ids, errors, and where they go. */
export interface FieldContext {
  values?: Record<string, unknown> | undefined;
  idOf: (name: string) => string;
  errorFor: (
    name: string,
    anchor: (field: string) => string,
    label: string,
    exact?: boolean,
  ) => { text: string } | undefined;
  add: (name: string, anchor: string, macro: FormField['macro'], params: Json) => void;
}

/** Adds the questions of a `measures` field for these measures. */
export function measureFields(field: FieldSpec, measures: readonly MeasureSpec[], c: FieldContext): void {
  // Under a heading of the field's own, a figure for each measure; a count broken down is a group
  // of its total and its parts. Nothing at all when the case has no measures.
  if (!measures.length) return;
  const { values, idOf, errorFor, add } = c;
  const { name } = field;
  const input = (key: string, question: string, named: string, hintText: string, percent = false) => ({
    name: key,
    anchor: idOf(key),
    macro: 'input' as const,
    params: {
      id: idOf(key),
      name: key,
      label: { text: question, classes: 'govuk-label--s' },
      hint: { text: hintText },
      value: values ? text(values[key]) : '',
      inputmode: percent ? 'decimal' : 'numeric',
      spellcheck: false,
      classes: 'govuk-input--width-5',
      ...(percent ? { suffix: { text: '%' } } : {}),
      // A measure's own errors (and a zod error on its value); each part's land on that part.
      errorMessage:
        errorFor(`${key}.value`, () => idOf(key), named) ?? errorFor(key, () => idOf(key), named, true),
    },
  });
  add(name, idOf(`${name}.${measures[0]!.id}`), 'heading', { text: field.label, hint: field.hint });
  for (const m of measures) {
    const key = `${name}.${m.id}`;
    const target =
      m.target === null ? '' : ` The programme's target is ${m.target}${m.unit === 'percent' ? '%' : ''}.`;
    const asked = `Enter ${measureAsks(m)}.${target}`;
    if (!m.breakdowns.length) {
      const only = input(key, m.name, m.name, asked, m.unit === 'percent');
      add(only.name, only.anchor, only.macro, only.params);
      continue;
    }
    // Built in the page's order, so the error summary lists them in it.
    const total = input(key, 'In total', m.name, `${asked} Its parts below add up to it.`);
    const parts = m.breakdowns.map((part) =>
      input(`${key}.${part}`, part, `${m.name}, ${part}`, 'A whole number, 0 or more.'),
    );
    add(key, idOf(key), 'fieldset', {
      legend: { text: m.name, classes: 'govuk-fieldset__legend--s' },
      fields: [total, ...parts],
    });
  }
}
