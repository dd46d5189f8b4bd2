// What is written on a case in words of one's own (an internal note, a message): the same limits and
// the same plain errors for both.
import { z } from 'zod';
import type { FieldError } from '../engine/errors.ts';

export const WRITING_MAX_LENGTH = 5000;

/** What is wrong with a note or message as typed, in words for the person typing it. */
export function writingProblems(body: string, what: 'note' | 'message'): FieldError[] {
  if (!body.trim()) return [{ field: 'body', message: `Enter the ${what}` }];
  if (body.length > WRITING_MAX_LENGTH)
    return [
      {
        field: 'body',
        message: `The ${what} must be ${WRITING_MAX_LENGTH.toLocaleString('en-GB')} characters or fewer`,
      },
    ];
  return [];
}

/** What a note or a message is sent as over the API: its words (checked by writingProblems). */
export const writingBody = z.strictObject({
  body: z.string({ error: 'Enter the words of the note or message as text' }),
});
