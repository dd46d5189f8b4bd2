// A page form's answers read back in one step: its rows numbered as they will be read, the person's
// "Add another" (which saves nothing), and every problem at once — what could not be read, then
// what the schema says of the rest — named by the schema's field names.
import type { z } from 'zod';
import { type FieldError, fieldErrors } from '../../engine/errors.ts';
import { compactRows, formToPayload, text } from './form-answers.ts';

export interface FormRead {
  /** What was typed, rows renumbered: to show the form again. */
  values: Record<string, unknown>;
  /** The `rows` field the person asked another row of, if they did; nothing else was read. */
  add?: string;
  payload: Record<string, unknown>;
  errors: FieldError[];
}

export function readForm(schema: z.ZodObject, body: unknown): FormRead {
  const values = compactRows(schema, (body ?? {}) as Record<string, unknown>);
  const add = text(values.add);
  if (add) return { values, add, payload: {}, errors: [] };
  const read = formToPayload(schema, values);
  const unread = new Set(read.errors.map((e) => e.field));
  const checked = schema.safeParse(read.payload);
  const rest = checked.success ? [] : fieldErrors(checked.error.issues).filter((e) => !unread.has(e.field));
  return { values, payload: read.payload, errors: [...read.errors, ...rest] };
}
