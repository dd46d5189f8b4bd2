// What a parsed JSON body may hold before anything else sees it. PostgreSQL refuses U+0000 and
// unpaired surrogates in text and jsonb (a 500 if they reach it), and deep nesting overflows the
// stack of anything that recurses over the body (hashing, validation, serialising).
import type { FieldError } from '../engine/errors.ts';
import { badRequest } from './problem.ts';

/** The deepest nesting of objects and arrays a body may have; the body itself is level 1. */
export const MAX_JSON_DEPTH = 32;

type WellFormed = string & { isWellFormed(): boolean };

/** False for text PostgreSQL cannot store: U+0000, or UTF-16 with an unpaired surrogate. */
export function storableText(text: string): boolean {
  return !text.includes('\u0000') && (text as WellFormed).isWellFormed();
}

/** A key as it can be shown in an error: U+0000 and lone surrogates written as \uXXXX escapes. */
function printable(key: string): string {
  let out = '';
  for (const char of key) {
    const code = char.codePointAt(0)!;
    out +=
      code === 0 || (code >= 0xd800 && code <= 0xdfff) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

const fieldOf = (path: readonly string[]) => (path.length ? path.join('.') : '(body)');

/**
 * The first thing wrong with a parsed body, or undefined. Walks iteratively, so no body can
 * overflow the stack here, and stops descending at MAX_JSON_DEPTH.
 */
export function jsonProblem(body: unknown): { detail: string; error: FieldError } | undefined {
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value: body, path: [], depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (!storableText(value)) {
        return {
          detail: 'Text in the body must not contain U+0000 or unpaired surrogates.',
          error: { field: fieldOf(path), message: 'Contains U+0000 or an unpaired surrogate' },
        };
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > MAX_JSON_DEPTH) {
      return {
        detail: `The body must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`,
        error: { field: '(body)', message: `Nested more than ${MAX_JSON_DEPTH} levels deep` },
      };
    }
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : Object.entries(value);
    for (const [key, item] of entries) {
      if (!storableText(key)) {
        return {
          detail: 'Field names in the body must not contain U+0000 or unpaired surrogates.',
          error: {
            field: fieldOf([...path, printable(key)]),
            message: 'The field name contains U+0000 or an unpaired surrogate',
          },
        };
      }
      stack.push({ value: item, path: [...path, key], depth: depth + 1 });
    }
  }
  return undefined;
}

/** Express middleware after express.json: 400 for a body PostgreSQL could not store or too deep. */
export function guardJsonBody(req: { body?: unknown }, _res: unknown, next: () => void): void {
  const problem = jsonProblem(req.body);
  if (problem) throw badRequest(problem.detail, [problem.error]);
  next();
}
