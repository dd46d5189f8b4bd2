// A case's history as its page reads it: what happened, with what people wrote on it in their place
// among it (staff's internal notes, messages with the organisation), each at the stage the case was
// at when it was written.

export interface TimelineEntry {
  who: string;
  what: string;
  said: string | undefined;
  stage: string;
  at: Date | string;
  /** A staff note: shown to staff alone, marked as such. */
  note?: boolean;
  /** A message between the office and the organisation, marked as such. */
  message?: boolean;
}

interface Written {
  body: string;
  at: Date;
  authorName: string;
  authorRole: string;
}

export function withWritten(
  timeline: readonly TimelineEntry[],
  written: {
    notes: readonly Written[];
    messages: readonly (Written & { fromOrganisation: boolean })[];
    organisationName: string;
  },
): TimelineEntry[] {
  const time = (at: Date | string) => new Date(at).getTime();
  const stageAt = (at: Date) => timeline.filter((e) => time(e.at) <= time(at)).at(-1)?.stage ?? '';
  const entries = [
    ...timeline,
    ...written.notes.map((note) => ({
      who: `${note.authorName} (${note.authorRole})`,
      what: 'Internal note',
      said: note.body,
      stage: stageAt(note.at),
      at: note.at,
      note: true,
    })),
    ...written.messages.map((message) => ({
      who: `${message.authorName} (${message.authorRole})`,
      what: message.fromOrganisation
        ? `Message from ${written.organisationName}`
        : `Message to ${written.organisationName}`,
      said: message.body,
      stage: stageAt(message.at),
      at: message.at,
      message: true,
    })),
  ];
  // A stable sort: what was written in the same moment as a step comes after it.
  return entries.sort((a, b) => time(a.at) - time(b.at));
}
