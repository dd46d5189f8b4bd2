// A new password typed twice in a form: the set-password, account and invitation pages share the check.
import { text } from './form-answers.ts';

/** What is wrong with a new password as typed twice in a form, before its own rules are read. */
export function newPasswordTyped(
  body: unknown,
): { field: 'password' | 'confirm'; message: string } | undefined {
  const form = (body ?? {}) as Record<string, unknown>;
  if (!text(form.password)) return { field: 'password', message: 'Enter a new password' };
  if (text(form.confirm) !== text(form.password))
    return { field: 'confirm', message: 'The passwords do not match: type the same password twice' };
  return undefined;
}
