// A case's history as its page reads it: what happened, with the staff's internal notes in their
// place among it, each at the stage the case was at when it was written.

export interface TimelineEntry {
  who: string;
  what: string;
  said: string | undefined;
  stage: string;
  at: Date | string;
  /** A staff note: shown to staff alone, marked as such. */
  note?: boolean;
}

export function withNotes(
  timeline: readonly TimelineEntry[],
  notes: readonly { body: string; at: Date; authorName: string; authorRole: string }[],
): TimelineEntry[] {
  const time = (at: Date | string) => new Date(at).getTime();
  const entries = [...timeline];
  for (const note of notes) {
    const before = timeline.filter((e) => time(e.at) <= time(note.at)).at(-1);
    entries.push({
      who: `${note.authorName} (${note.authorRole})`,
      what: 'Internal note',
      said: note.body,
      stage: before?.stage ?? '',
      at: note.at,
      note: true,
    });
  }
  // A stable sort: a note written in the same moment as a step comes after it.
  return entries.sort((a, b) => time(a.at) - time(b.at));
}
