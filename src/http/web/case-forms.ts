// The forms a case page offers: one per event this person may send now, the failed one keeping what
// was typed and its errors, and answers saved to come back to later.

import type { z } from 'zod';
import type { MachineDefinition } from '../../../machines/define.ts';
import { measuresOf } from '../../../machines/measures.ts';
import type { DraftFields } from '../../db/queries/form-drafts.ts';
import { permissionWords } from '../../engine/actor.ts';
import type { FieldError } from '../../engine/errors.ts';
import { eventSpec } from '../../engine/rulebook.ts';
import type { CaseView } from '../../engine/views.ts';
import { fieldSpecs } from './form-fields.ts';
import { buildForm } from './forms.ts';

export const SAVED_MESSAGE = 'Saved. You can come back to this later.';
export const MAX_DRAFT_FIELDS = 50;
export const MAX_DRAFT_FIELD_LENGTH = 10_000;
/** Parts of a form that are not what the person typed. */
const NOT_TYPED = new Set(['_csrf', 'version', '_action']);

/** A form's raw fields as typed, for saving; or the problem that stops them being saved. */
export function draftFields(
  body: Record<string, unknown>,
  schema: z.ZodObject,
): { fields: DraftFields; errors: FieldError[] } {
  const specs = fieldSpecs(schema);
  // A typed answer's question: `amountPence`, or a part of one (`reportDueOn-day`, `scores.need`).
  const labelOf = (name: string) =>
    specs.find((f) => name === f.name || name.startsWith(`${f.name}-`) || name.startsWith(`${f.name}.`))
      ?.label ?? 'This answer';
  const fields: DraftFields = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (NOT_TYPED.has(name)) continue;
    if (typeof value === 'string') fields[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) fields[name] = value;
    else continue;
    const longest = Math.max(0, ...[fields[name]].flat().map((v) => v.length));
    if (longest > MAX_DRAFT_FIELD_LENGTH)
      errors.push({
        field: name,
        message: `${labelOf(name)} must be ${MAX_DRAFT_FIELD_LENGTH.toLocaleString('en-GB')} characters or fewer to save it`,
      });
  }
  if (Object.keys(fields).length > MAX_DRAFT_FIELDS)
    errors.push({
      field: '(body)',
      message: `A form can only be saved with up to ${MAX_DRAFT_FIELDS} answers`,
    });
  return { fields, errors };
}

export interface Failed {
  type: string;
  values: Record<string, unknown>;
  errors: FieldError[];
}
const kebab = (type: string) => type.toLowerCase().replace(/_/g, '-');
/** The id of an action form's heading. */
const actionId = (type: string) => `action-${kebab(type)}`;

/**
 * One form per event this person may send now; the failed one keeps what was typed, and its errors.
 * A form this person saved to come back to shows what they saved (over the case's defaults).
 */
export function actionForms(
  definition: MachineDefinition,
  view: CaseView,
  failed?: Failed,
  drafts: ReadonlyMap<string, DraftFields> = new Map(),
  choices: {
    suppliers?: readonly { id: string; name: string }[];
    officers?: readonly { id: string; name: string }[];
  } = {},
  /** Whose fields to build: all, unless a page shows only some forms (the case page links to them). */
  withFields: (type: string) => boolean = () => true,
) {
  // What a colleague with the permission sends, this person may prepare and save for them.
  const events = [
    ...view.nextEvents.map((e) => ({
      ...e,
      note: eventSpec(definition, e.type)?.guidance?.(view.context) ?? undefined,
      saveOnly: false,
    })),
    ...(view.forColleagues ?? []).map((e) => ({
      type: e.type,
      label: e.label,
      saveOnly: true,
      note: `Only someone your organisation allows to ${permissionWords[e.permission as keyof typeof permissionWords] ?? 'do this'} can send this. You can fill it in and save it: they will find it here.`,
    })),
  ];
  let errors: { text: string; href: string }[] = [];
  const forms = events.map(({ type, label, note, saveOnly }) => {
    const payload = eventSpec(definition, type)!.payload;
    const mine = failed?.type === type ? failed : undefined;
    const irreversible = !!eventSpec(definition, type)?.irreversible;
    const headingId = actionId(type);
    if (!mine && !withFields(type))
      return { type, label, headingId, fields: [], irreversible, note, saveOnly };
    const built = buildForm(payload, {
      context: view.context,
      criteria: definition.criteria?.(view.context),
      measures: measuresOf(definition, view.context),
      ...choices,
      values: mine?.values ?? drafts.get(type),
      errors: mine?.errors,
    });
    if (mine) errors = built.errorList;
    // What cannot be undone is confirmed on a page of its own first.
    return { type, label, headingId, fields: built.fields, irreversible, note, saveOnly };
  });
  return { forms, errors };
}

/**
 * The forms this person saved that cannot be sent yet (conditions typed for after a held allocation
 * is signed), with what they typed: shown so no one wonders where they went.
 */
export function savedForLater(
  definition: MachineDefinition,
  drafts: ReadonlyMap<string, DraftFields> | undefined,
  offered: readonly string[],
) {
  return [...(drafts ?? new Map<string, DraftFields>())]
    .filter(([type]) => !offered.includes(type) && eventSpec(definition, type))
    .map(([type, fields]) => ({
      label: eventSpec(definition, type)!.label,
      answers: fieldSpecs(eventSpec(definition, type)!.payload)
        .map((f) => ({ question: f.label, answer: [fields[f.name] ?? ''].flat().join(', ') }))
        .filter((a) => a.answer.trim() !== ''),
    }));
}

/** How the case page offers an action: a link to its own page, and a word on what kind it is. */
export const actionLink =
  (view: Pick<CaseView, 'id'>, drafts: ReadonlyMap<string, unknown>) =>
  (form: {
    type: string;
    label: string;
    irreversible: boolean;
    saveOnly: boolean;
    sendsToApprover: boolean;
  }) => {
    const kind = form.saveOnly
      ? 'For a colleague to send: you can fill it in and save it for them.'
      : form.sendsToApprover
        ? 'An approver signs it before it takes effect.'
        : form.irreversible
          ? 'This cannot be undone: you are asked to confirm it first.'
          : undefined;
    const saved = drafts.has(form.type) ? 'You saved some answers to this.' : undefined;
    return {
      label: form.label,
      href: `/cases/${encodeURIComponent(view.id)}/events/${form.type}`,
      id: `do-${kebab(form.type)}`,
      hint: [saved, kind].filter(Boolean).join(' ') || undefined,
    };
  };
