// The letters a case's events make (an offer letter before "Accept the offer", the grant agreement
// once it is signed), as pages and PDFs read them: the definition's words around the case's own
// terms, each shown as the context's meta says.
import type { MachineDefinition } from '../../../machines/define.ts';
import { stateTakes } from '../../engine/describe.ts';
import { eventSpec } from '../../engine/rulebook.ts';
import type { CaseView } from '../../engine/views.ts';
import { detailRows } from './case-details.ts';

/** A letter's words for this case, whatever its kind. */
export function letterWords(definition: MachineDefinition, type: string, context: unknown) {
  const letter = eventSpec(definition, type)?.letter;
  if (!letter) return undefined;
  return {
    title: letter.title,
    opening: letter.opening(context),
    terms: detailRows(context, definition, letter.terms),
    closing: letter.closing?.(context) ?? undefined,
    schedule: letter.schedule ?? false,
    afterwards: letter.afterwards ?? false,
  };
}

/** The letter someone reads before they agree to it on the event's page; none for a record drawn up after. */
export function letterBefore(definition: MachineDefinition, type: string, context: unknown) {
  return eventSpec(definition, type)?.letter?.afterwards ? undefined : letterWords(definition, type, context);
}

/**
 * The case's letters there are to keep, oldest event first: an offer from the moment it waits to be
 * accepted, a record (an agreement) once its event is done, and any letter whose event is in the history.
 */
export function lettersOfCase(
  definition: MachineDefinition,
  view: Pick<CaseView, 'id' | 'state'>,
  happened: readonly { type: string }[],
) {
  return Object.entries(definition.events).flatMap(([type, spec]) => {
    if (!spec.letter) return [];
    const done = happened.some((entry) => entry.type === type);
    const waiting = !spec.letter.afterwards && stateTakes(definition, view.state, type);
    if (!done && !waiting) return [];
    return [
      {
        type,
        title: spec.letter.title,
        href: `/cases/${encodeURIComponent(view.id)}/events/${encodeURIComponent(type)}/letter.pdf`,
      },
    ];
  });
}
