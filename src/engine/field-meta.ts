// The definition owns how its cycle reads: every payload and context field says, in its zod `.meta()`,
// what it is called (and how an enum's values read). The registry refuses a definition where one does
// not, so no page ever falls back to a field's name; the property test checks each context a walk
// reaches has no field its definition does not describe.
import type { z } from 'zod';
import { jsonSchema } from './describe.ts';

type Json = Record<string, any>;

/** The schema of a value where its field may be null or absent (`anyOf: [x, null]`). */
function branches(s: Json): Json[] {
  const options = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  return options ? options.filter((o) => o.type !== 'null') : [s];
}

/** Fields (as paths) without a title, and enums whose values are not all put in words. */
function unlabelled(s: Json, path: string, titled: boolean): string[] {
  const found: string[] = [];
  const title = titled || typeof s.title === 'string';
  for (const branch of branches(s)) {
    const has = title || typeof branch.title === 'string';
    if (path && !has) found.push(`${path} has no title`);
    const options = (s.options ?? branch.options) as Record<string, unknown> | undefined;
    if (Array.isArray(branch.enum) && (s.widget ?? branch.widget) !== 'event') {
      const missing = branch.enum.filter((v: string) => typeof options?.[v] !== 'string');
      if (missing.length) found.push(`${path} does not say in words what ${missing.join(', ')} mean`);
    }
    for (const [key, field] of Object.entries((branch.properties ?? {}) as Record<string, Json>))
      found.push(...unlabelled(field, path ? `${path}.${key}` : key, false));
    if (branch.items && typeof branch.items === 'object')
      found.push(...unlabelled(branch.items as Json, `${path}[]`, true));
  }
  return found;
}

/** What is wrong with the field metadata of a schema: empty when every field has its title. */
export function fieldMetaProblems(schema: z.ZodType): string[] {
  return unlabelled(jsonSchema(schema), '', true);
}

/**
 * Fields (as paths) of a value that its schema does not describe: a context field a definition forgot.
 * Records (numbers by criterion) are described by their values' schema and not walked further.
 */
export function undescribedFields(schema: z.ZodType, value: unknown): string[] {
  return undescribed(jsonSchema(schema), value, '');
}

function undescribed(s: Json, value: unknown, path: string): string[] {
  if (value === null || value === undefined || typeof value !== 'object') return [];
  const options = branches(s);
  if (Array.isArray(value)) {
    const items = options.find((o) => o.items)?.items as Json | undefined;
    return items ? value.flatMap((v, i) => undescribed(items, v, `${path}[${i}]`)) : [];
  }
  const object = options.find((o) => o.properties || o.additionalProperties);
  if (!object) return [`${path || 'the value'} is not described as an object`];
  if (!object.properties) return [];
  return Object.entries(value as Json).flatMap(([key, v]) => {
    const at = path ? `${path}.${key}` : key;
    const field = (object.properties as Record<string, Json>)[key];
    return field ? undescribed(field, v, at) : [at];
  });
}

/** What stands in for free text removed under the retention policy. */
export const REMOVED_TEXT = '(removed under the retention policy)';

/**
 * The value with its free text removed: every string at a field the schema shows as a textarea
 * (what a bid or return says in its own words, which may name people). Everything else stays:
 * amounts, dates, choices and titles.
 */
export function withoutFreeText(schema: z.ZodType, value: unknown): unknown {
  return stripped(jsonSchema(schema), value, false);
}

function stripped(s: Json, value: unknown, freeText: boolean): unknown {
  const options = branches(s);
  const isFreeText = freeText || s.widget === 'textarea' || options.some((o) => o.widget === 'textarea');
  if (typeof value === 'string') return isFreeText && value !== '' ? REMOVED_TEXT : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = options.find((o) => o.items)?.items as Json | undefined;
    return items ? value.map((v) => stripped(items, v, isFreeText)) : value;
  }
  const object = options.find((o) => o.properties);
  if (!object) return value;
  return Object.fromEntries(
    Object.entries(value as Json).map(([key, v]) => {
      const field = (object.properties as Record<string, Json>)[key];
      return [key, field ? stripped(field, v, false) : v];
    }),
  );
}
