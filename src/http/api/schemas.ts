// Request shapes of the API, shared by the routes (to parse) and the OpenAPI document (to describe).
import { z } from 'zod';

export const createCaseBody = z.strictObject({
  machine: z.string().min(1).max(100).describe('Machine id, e.g. youth-fund'),
  organisationId: z
    .uuid()
    .optional()
    .describe('The owning organisation; staff must give it, providers may omit it'),
  input: z.record(z.string(), z.unknown()).optional().describe("The machine's creation input"),
  eligibility: z
    .record(z.string().regex(/^e[1-9][0-9]{0,3}$/), z.enum(['yes', 'no']))
    .optional()
    .describe(
      "For a bid: the answer to each of the programme's eligibility questions (GET /api/programmes/{id}/form), by id. An answer that makes the organisation ineligible is refused with the question's explanation",
    ),
});

/** Machine ids and state names as they can occur: also keeps text PostgreSQL refuses out of queries. */
const name = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, {
  error: 'Use 1 to 100 letters, digits, dots, dashes or underscores',
});

const CURSOR = /^c1\.([A-Za-z0-9_-]{1,24})$/;

/** A page cursor: opaque to clients (`c1.` and base64url), so its form can change without breaking them. */
export function encodeCursor(seq: number): string {
  return `c1.${Buffer.from(String(seq)).toString('base64url')}`;
}

/** The position a cursor from encodeCursor stands for; undefined for anything else. */
export function decodeCursor(cursor: string): number | undefined {
  const encoded = CURSOR.exec(cursor)?.[1];
  if (encoded === undefined) return undefined;
  const text = Buffer.from(encoded, 'base64url').toString('latin1');
  if (!/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const seq = Number(text);
  // Only the exact encoding we give out: no padding, no stray bits, no other spelling.
  return Number.isSafeInteger(seq) && encodeCursor(seq) === cursor ? seq : undefined;
}

export const caseListQuery = z.strictObject({
  machine: name.optional(),
  programme: z.uuid({ error: 'Enter the id of a programme' }).optional(),
  award: z.uuid({ error: 'Enter the id of an award case' }).optional(),
  state: name.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .transform((cursor, ctx) => {
      const seq = decodeCursor(cursor);
      if (seq === undefined) {
        ctx.issues.push({ code: 'custom', message: 'Use the nextCursor of a previous page', input: cursor });
        return z.NEVER;
      }
      return seq;
    })
    .optional(),
});

export const eventBody = z.looseObject({
  type: z.string().min(1).max(100).describe('The event, e.g. SUBMIT; the payload fields sit beside it'),
});

// Response shapes, for the OpenAPI document.
const nextEvent = z.object({ type: z.string(), label: z.string() });
export const caseSummary = z.object({
  id: z.uuid(),
  reference: z.string().describe('For people, e.g. YF-000042'),
  title: z.string().describe("What people call the case: the bid's title"),
  amountPence: z.int().nullable().describe('The money the case is about now, as the caller may see it'),
  machine: z.string(),
  machineVersion: z.int(),
  state: z.string(),
  stateLabel: z.string(),
  version: z.int(),
  organisationId: z.uuid(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const caseView = caseSummary.extend({
  context: z.record(z.string(), z.unknown()),
  nextEvents: z.array(nextEvent).describe('Only the events this caller may send now'),
  forColleagues: z
    .array(nextEvent.extend({ permission: z.string() }))
    .describe(
      "For the owning organisation's people: what it may send now that needs a permission this caller lacks (ownerPermission); they may prepare it in the pages. Empty for staff",
    ),
  notYet: z
    .array(nextEvent.extend({ reason: z.string() }))
    .describe(
      'What this caller could send in the case\'s state but must wait for, each with the reason ("the contract starts on 1 April 2027"); sending one now is refused with 409',
    ),
  decision: z
    .looseObject({
      status: z.enum(['awaitingSignature', 'sentBack']),
      event: z.string(),
      amountPence: z.int(),
      decidedBy: z.uuid().nullable(),
    })
    .nullable()
    .describe(
      "The rulebook's hold: a decision awaiting an approver's signature (SIGN_DECISION or SEND_BACK_DECISION), or the last one sent back. Always null for providers",
    ),
});
export const caseList = z.object({
  items: z.array(caseSummary),
  nextCursor: z
    .string()
    .nullable()
    .describe('Opaque: pass it back as cursor for the next page; null on the last'),
});
export const historyList = z.object({
  items: z.array(
    z.object({
      version: z.int(),
      type: z.string(),
      payload: z.unknown(),
      fromState: z.string().nullable(),
      toState: z.string(),
      actor: z.object({ id: z.uuid().nullable(), role: z.string() }),
      effects: z.array(z.object({ type: z.string(), params: z.unknown() })),
      at: z.iso.datetime(),
    }),
  ),
});
export const problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  instance: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  acceptedEvents: z.array(z.string()).optional(),
});
