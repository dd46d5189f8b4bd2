// What a decision's form says before it is sent: whether an approver signs it before it takes effect,
// from the programme's delegation threshold, so nobody is surprised to find their decision held.
import type { MachineDefinition } from '../../../machines/define.ts';
import { poundsText } from '../../domain/reports/figures.ts';
import { eventSpec } from '../../engine/rulebook.ts';

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
    : `If it leaves the case holding more than ${poundsText(threshold)}, the programme’s delegation threshold, an approver signs it before it takes effect.`;
}

/** A form's note with the signing note after it (a quorum note, the machine's guidance, then this). */
export const withSigningNote = <F extends { type: string; note?: string | undefined }>(
  form: F,
  definition: MachineDefinition,
  programme: { delegationThresholdPence: bigint } | undefined,
): F => {
  const signing = signingNote(definition, form.type, programme);
  return signing ? { ...form, note: [form.note, signing].filter(Boolean).join(' ') } : form;
};
