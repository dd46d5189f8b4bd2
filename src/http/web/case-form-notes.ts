// What a case's forms say beyond their questions: where a bid stands against the panel's quorum (and
// whether the quorum's reason is asked), and whether an approver signs a decision before it takes
// effect, from the programme's delegation threshold, so nobody is surprised to find it held.
import type { MachineDefinition } from '../../../machines/define.ts';
import { poundsText } from '../../domain/reports/figures.ts';
import { eventSpec, heldWhateverTyped } from '../../engine/rulebook.ts';
import type { CaseView } from '../../engine/views.ts';
import type { FormField } from './forms.ts';

export function signingNote(
  definition: MachineDefinition,
  type: string,
  programme: { delegationThresholdPence: bigint } | undefined,
): string | undefined {
  const decision = eventSpec(definition, type)?.decision;
  if (!decision || !programme) return undefined;
  const threshold = programme.delegationThresholdPence;
  return threshold === 0n
    ? 'If it commits any money, an approver signs it before it takes effect: on this programme an approver signs every such decision.'
    : `If it commits money that leaves the case holding more than ${poundsText(threshold)}, the programme’s delegation threshold, an approver signs it before it takes effect.`;
}

/**
 * A form's note with the signing note after it (a quorum note, the machine's guidance, then this).
 * A decision that is held whatever is typed is offered as what it is: sending it to the approver.
 */
export const withSigningNote = <F extends { type: string; note?: string | undefined }>(
  form: F,
  definition: MachineDefinition,
  programme: { delegationThresholdPence: bigint } | undefined,
  view: Pick<CaseView, 'context' | 'decision'>,
): F & { sendsToApprover: boolean } => {
  const threshold = Number(programme?.delegationThresholdPence ?? 0n);
  const held = heldWhateverTyped(eventSpec(definition, form.type), view.context, threshold, view.decision);
  const signing = held
    ? 'An approver signs this decision before it takes effect. Nothing changes until they sign it.'
    : signingNote(definition, form.type, programme);
  const note = signing ? [form.note, signing].filter(Boolean).join(' ') : form.note;
  return { ...form, note, sendsToApprover: held };
};

/**
 * A form that closes the panel's scoring, with where the bid stands against the quorum: its
 * quorumReason (the rulebook's field) is asked only while the quorum is short, and then not optional.
 */
export function withQuorum<F extends { type: string; fields: FormField[]; note?: string | undefined }>(
  form: F,
  definition: MachineDefinition,
  quorum: { met: boolean; note: string } | undefined,
): F {
  if (!quorum || !eventSpec(definition, form.type)?.closesScoring) return form;
  const fields = form.fields
    .filter((field) => !quorum.met || field.params.name !== 'quorumReason')
    .map((field) =>
      field.params.name === 'quorumReason'
        ? {
            ...field,
            params: {
              ...field.params,
              label: {
                ...field.params.label,
                text: String(field.params.label?.text).replace(/ \(optional\)$/, ''),
              },
            },
          }
        : field,
    );
  return { ...form, fields, note: quorum.note };
}
