// The letter an event agrees to (the offer letter before "Accept the offer"), as its page reads it:
// the definition's words around the case's own terms, each shown as the context's meta says.
import type { MachineDefinition } from '../../../machines/define.ts';
import { eventSpec } from '../../engine/rulebook.ts';
import { detailRows } from './case-details.ts';

export function letterOf(definition: MachineDefinition, type: string, context: unknown) {
  const letter = eventSpec(definition, type)?.letter;
  if (!letter) return undefined;
  return {
    title: letter.title,
    opening: letter.opening(context),
    terms: detailRows(context, definition, letter.terms),
    closing: letter.closing?.(context) ?? undefined,
  };
}
