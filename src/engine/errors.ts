// Errors the engine raises, shaped for RFC 9457 so the HTTP layer only has to serialise them.

import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * An error that names its question, as GOV.UK error summaries do: "Amount requested: enter an amount in
 * pounds…". A message that already names it ("Paid on must include a day") is left as it is.
 */
export function naming(label: string, message: string): string {
  if (message.toLowerCase().includes(label.toLowerCase())) return message;
  // A question keeps its question mark: "How many will take part? Enter a number".
  if (label.endsWith('?')) return `${label} ${message.charAt(0).toUpperCase()}${message.slice(1)}`;
  const first = /^[A-Z][a-z]/.test(message) ? message.charAt(0).toLowerCase() + message.slice(1) : message;
  return `${label}: ${first}`;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export const notFound = (what = 'case') =>
  new ProblemError(404, 'Not found', `There is no ${what} with that id, or you cannot see it.`);

export const forbidden = (detail: string) => new ProblemError(403, 'Not allowed', detail);

export const invalid = (detail: string, errors: FieldError[]) =>
  new ProblemError(422, 'Invalid input', detail, { errors });

export const staleVersion = (expected: number, actual: number) =>
  new ProblemError(
    412,
    'The case has changed',
    `You acted on version ${expected} but the case is now at version ${actual}. Reload it and try again.`,
    { currentVersion: actual },
  );

export const notAccepted = (event: string, state: string, acceptedEvents: string[], youMaySend: string[]) =>
  new ProblemError(
    409,
    'Not possible in this state',
    `${event} is not accepted while the case is ${state}.`,
    {
      state,
      acceptedEvents,
      youMaySend,
    },
  );

/** How long a client should wait before trying again after a 503 (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The database is down or restarting. A change in flight when it went may or may not have been
 * saved, so the client is told to look before repeating one (or to repeat it with its Idempotency-Key).
 */
export const unavailable = () =>
  new ProblemError(
    503,
    'Unavailable',
    'The database is not answering just now. Try again in a few seconds; if you were making a change, ' +
      'check whether it was made (or repeat it with the same Idempotency-Key) before making it again.',
  );

/** PostgreSQL rolled the transaction back for a concurrent one (serialization failure, deadlock). */
export const conflictingChange = () =>
  new ProblemError(
    409,
    'Conflicting change',
    'Another change to the same records was being made at the same moment, so this one was not made. ' +
      'Please try again.',
  );

/** A fault in stored data or a machine: refused, nothing written, and worth an alert. */
export const integrity = (detail: string) => new ProblemError(500, 'Case data fault', detail);

/** Zod issues as field errors, naming each field as the client sent it. */
export function fieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: string[] }[],
  prefix = '',
): FieldError[] {
  return issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({
        field: [base, key].filter(Boolean).join('.'),
        message: 'This field is not allowed here',
      }));
    }
    return [{ field: base || '(body)', message: issue.message }];
  });
}

/** What a schema reads of a body, or a 422 with `detail` naming each field it refuses. */
export function validOr422<S extends z.ZodType>(schema: S, body: unknown, detail: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(detail, fieldErrors(parsed.error.issues));
  return parsed.data;
}
