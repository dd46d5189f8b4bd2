// The OpenAPI 3.1 document, generated from the same zod schemas the routes and machines parse with.

import { jsonSchema } from '../engine/describe.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { caseList, caseView, createCaseBody, historyList, problem } from './api/schemas.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: 'Problem details (RFC 9457)',
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );
const caseId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const etagHeader = { ETag: { description: 'The case version, for If-Match', schema: { type: 'string' } } };
const replayedHeader = {
  'Idempotent-Replayed': {
    description:
      'Present, as `true`, when this is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};
const locationHeader = {
  Location: {
    description: 'The new case, `/api/cases/{id}`',
    schema: { type: 'string', format: 'uri-reference' },
  },
};
const namePattern = '^[A-Za-z0-9_.-]{1,100}$';
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Retry-safe POST: the same key and body returns the stored answer',
  schema: { type: 'string', maxLength: 255 },
};

function eventSchemas(registry: MachineRegistry) {
  const schemas: Record<string, unknown> = {};
  for (const definition of registry.list()) {
    // Events only the engine sends (deadlines passing) are not part of the API.
    const sendable = Object.entries(definition.events).filter(([, spec]) =>
      spec.sentBy.some((s) => s !== 'system'),
    );
    for (const [type, spec] of sendable) {
      const payload = jsonSchema(spec.payload) as { properties?: object; required?: string[] };
      schemas[`${definition.id}.${type}`] = {
        type: 'object',
        description: `${definition.title}: ${spec.label}. Sent by: ${spec.sentBy.join(', ')}`,
        properties: { type: { const: type }, ...payload.properties },
        required: ['type', ...(payload.required ?? [])],
        additionalProperties: false,
      };
    }
  }
  return schemas;
}

export function openApiDocument(registry: MachineRegistry) {
  const events = eventSchemas(registry);
  return {
    openapi: '3.1.0',
    info: {
      title: 'OPCC commissioning and grants workflow API',
      version: '1.0.0',
      description:
        'Cases run on versioned state machines; every change is one event, recorded in the history.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/health': {
        get: {
          summary: 'Whether the service and its database answer',
          security: [],
          responses: { '200': { description: 'Healthy' }, ...problems(503) },
        },
      },
      '/api/machines': {
        get: {
          summary: 'The machines cases can run on',
          responses: { '200': { description: 'Machines' }, ...problems(401) },
        },
      },
      '/api/machines/{id}': {
        get: {
          summary: 'One machine: states, events with payload schemas, senders, Mermaid diagram',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The machine' }, ...problems(401, 404) },
        },
      },
      '/api/cases': {
        get: {
          summary: 'Cases you can see, newest first, keyset-paginated',
          parameters: [
            { name: 'machine', in: 'query', schema: { type: 'string', pattern: namePattern } },
            { name: 'state', in: 'query', schema: { type: 'string', pattern: namePattern } },
            {
              name: 'cursor',
              in: 'query',
              description: 'The nextCursor of the previous page, as given (opaque)',
              schema: { type: 'string' },
            },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            },
          ],
          responses: {
            '200': { description: 'A page of cases', content: json(ref('CaseList')) },
            ...problems(400, 401),
          },
        },
        post: {
          summary: 'Open a case on a machine',
          parameters: [idempotencyKey],
          requestBody: { required: true, content: json(ref('CreateCase')) },
          responses: {
            '201': {
              description: 'Created',
              headers: { ...etagHeader, ...locationHeader, ...replayedHeader },
              content: json(ref('Case')),
            },
            ...problems(400, 401, 403, 413, 415, 422),
          },
        },
      },
      '/api/cases/{id}': {
        get: {
          summary: 'One case with the events you may send now',
          parameters: [caseId],
          responses: {
            '200': { description: 'The case', headers: etagHeader, content: json(ref('Case')) },
            ...problems(401, 404),
          },
        },
      },
      '/api/cases/{id}/events': {
        post: {
          summary: 'Send an event to a case',
          parameters: [
            caseId,
            idempotencyKey,
            {
              name: 'If-Match',
              in: 'header',
              required: false,
              description:
                'The ETag you acted on, or several separated by commas: the event is refused (412) unless the ' +
                'case is at one of them. Compared strongly, so a weak ETag (W/"3") never matches.',
              schema: { type: 'string' },
            },
          ],
          requestBody: { required: true, content: json({ oneOf: Object.keys(events).map(ref) }) },
          responses: {
            '200': {
              description: 'The case after the event',
              headers: { ...etagHeader, ...replayedHeader },
              content: json(ref('Case')),
            },
            ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422),
          },
        },
      },
      '/api/cases/{id}/history': {
        get: {
          summary: 'Every accepted event, in order',
          parameters: [caseId],
          responses: {
            '200': { description: 'History', content: json(ref('History')) },
            ...problems(401, 404),
          },
        },
      },
      '/api/tokens/current': {
        delete: {
          summary: 'Revoke the token this request used',
          responses: { '204': { description: 'Revoked' }, ...problems(401) },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        CreateCase: jsonSchema(createCaseBody),
        Case: jsonSchema(caseView),
        CaseList: jsonSchema(caseList),
        History: jsonSchema(historyList),
        Problem: jsonSchema(problem),
        ...events,
      },
    },
  };
}
