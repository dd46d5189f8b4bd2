// Request shapes of the API, shared by the routes (to parse) and the OpenAPI document (to describe).
import { z } from 'zod';

export const createCaseBody = z.strictObject({
  machine: z.string().min(1).max(100).describe('Machine id, e.g. youth-fund'),
  organisationId: z
    .uuid()
    .optional()
    .describe('The owning organisation; staff must give it, providers may omit it'),
  input: z.record(z.string(), z.unknown()).optional().describe("The machine's creation input"),
});

export const caseListQuery = z.strictObject({
  machine: z.string().max(100).optional(),
  state: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, { error: 'Use the nextCursor of a previous page' })
    .optional(),
});

export const eventBody = z.looseObject({
  type: z.string().min(1).max(100).describe('The event, e.g. SUBMIT; the payload fields sit beside it'),
});

// Response shapes, for the OpenAPI document.
const nextEvent = z.object({ type: z.string(), label: z.string() });
export const caseSummary = z.object({
  id: z.uuid(),
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
});
export const caseList = z.object({ items: z.array(caseSummary), nextCursor: z.string().nullable() });
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
