// The programme page's form that opens a case of a staff-run cycle (src/domain/open-case.ts): the
// cycle's creation questions, less the programme, and whom the case is for; and its answers read back,
// every question's problem at once.
import type { MachineDefinition } from '../../../machines/define.ts';
import { openingQuestions } from '../../domain/open-case.ts';
import { type FieldError, fieldErrors } from '../../engine/errors.ts';
import { formToPayload } from './form-answers.ts';
import { buildForm } from './forms.ts';

type Owner = { id: string; name: string };
const OWNER = 'organisationId';

/** The form, with what was typed and its errors when it was refused. */
export function openingForm(
  cycle: MachineDefinition,
  owners: readonly Owner[],
  typed?: { values: Record<string, unknown>; errors: FieldError[] },
) {
  const built = buildForm(openingQuestions(cycle), {
    idPrefix: 'open-',
    values: typed?.values,
    errors: typed?.errors.filter((e) => e.field !== OWNER),
  });
  const ownerError = typed?.errors.find((e) => e.field === OWNER)?.message;
  const chosen = typeof typed?.values[OWNER] === 'string' ? typed.values[OWNER] : '';
  return {
    title: cycle.title,
    fields: built.fields,
    // One possible owner (the Commissioner's office, for a procurement) is chosen without asking.
    owners: owners.map((o) => ({ value: o.id, text: o.name, checked: o.id === chosen })),
    ownerError,
    errorList: [
      ...(ownerError ? [{ text: `Organisation: ${ownerError}`, href: '#open-organisationId' }] : []),
      ...built.errorList,
    ],
  };
}

/** The answers as the creation input and owner, and every problem: what could not be read, then the rules. */
export function readOpening(
  cycle: MachineDefinition,
  owners: readonly Owner[],
  body: Record<string, unknown>,
) {
  const questions = openingQuestions(cycle);
  const read = formToPayload(questions, body);
  const checked = questions.safeParse(read.payload);
  const unread = new Set(read.errors.map((e) => e.field));
  const organisationId =
    owners.length === 1 ? owners[0]!.id : typeof body[OWNER] === 'string' ? (body[OWNER] as string) : '';
  const unowned = owners.some((o) => o.id === organisationId)
    ? []
    : [{ field: OWNER, message: 'Choose the organisation the case is for' }];
  const errors: FieldError[] = [
    ...unowned,
    ...read.errors,
    ...(checked.success ? [] : fieldErrors(checked.error.issues).filter((e) => !unread.has(e.field))),
  ];
  return { payload: read.payload, organisationId, errors };
}
