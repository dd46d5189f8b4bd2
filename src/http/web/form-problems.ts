// Problems with a page form's fields, as the GOV.UK error summary and each field's message show them.
import type { FieldProblem } from '../../../machines/define.ts';

export type { FieldProblem };

/** The error summary's list (each linking to its field) and the message beside each field. */
export const formErrors = (problems: readonly FieldProblem[]) => ({
  errors: problems.map((p) => ({ text: p.message, href: `#${p.field}` })),
  fieldErrors: Object.fromEntries(problems.map((p) => [p.field, { text: p.message }])),
});
