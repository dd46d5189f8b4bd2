// The declaration of interest form, read the same way on a panel member's bid page and the case page:
// what was typed, the body for the domain (src/domain/panel.ts), and errors in the page's words.
import type { Db } from '../../db/client.ts';
import { conflicted } from '../../domain/panel-rules.ts';
import type { Actor } from '../../engine/actor.ts';
import { type FieldError, ProblemError } from '../../engine/errors.ts';
import { isUuid } from '../../engine/ids.ts';

export interface DeclarationValues {
  conflicted: string;
  reason: string;
}

export type PageError = { href: string; text: string };

/** A form field as typed: the text, or '' when it was not sent (or sent more than once). */
export const fieldOf = (body: Record<string, unknown>, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string) : '';

/**
 * Whether a refused declaration was the same conflict sent twice (a second click): the case has already
 * gone from the panel member's view, so the 404 means it was done, and they go back to the panel's list.
 */
export async function conflictAlreadyDeclared(
  db: Db,
  actor: Actor,
  caseId: string,
  declaration: { conflicted: boolean },
  error: unknown,
): Promise<boolean> {
  return (
    actor.role === 'panel' &&
    declaration.conflicted &&
    !!actor.userId &&
    error instanceof ProblemError &&
    error.status === 404 &&
    isUuid(caseId) &&
    (await conflicted(db, caseId, actor.userId))
  );
}

/** The form as typed, and the body to declare, or the error when neither answer was chosen. */
export function readDeclaration(body: Record<string, unknown>): {
  values: DeclarationValues;
  declaration?: { conflicted: boolean; reason?: string };
  errors: PageError[];
} {
  const values = { conflicted: fieldOf(body, 'conflicted'), reason: fieldOf(body, 'reason') };
  if (values.conflicted !== 'yes' && values.conflicted !== 'no')
    return {
      values,
      errors: [{ href: '#conflicted', text: 'Select yes if you have a conflict of interest in this case' }],
    };
  const conflicted = values.conflicted === 'yes';
  const reason = values.reason.trim();
  return {
    values,
    declaration: conflicted ? { conflicted, ...(reason ? { reason } : {}) } : { conflicted },
    errors: [],
  };
}

/** The domain's refusals of a declaration, as links to the field. */
export function declarationErrors(errors: readonly FieldError[]): PageError[] {
  return errors.map((e) => ({
    href: e.field === 'reason' ? '#declaration-reason' : '#conflicted',
    text: e.field === 'reason' ? 'Enter why you have a conflict of interest' : e.message,
  }));
}

/** What the partial (views/partials/declaration.njk) needs. */
export function declarationView(
  action: string,
  question: string,
  values: DeclarationValues,
  errors: readonly PageError[],
) {
  const errorFor = (href: string) => errors.find((e) => e.href === href)?.text;
  return {
    action,
    question,
    values,
    errors: { conflicted: errorFor('#conflicted'), reason: errorFor('#declaration-reason') },
  };
}
