// The OpenAPI 3.1 document, generated from the same zod schemas the routes and machines parse with.

import { jsonSchema } from '../engine/describe.ts';
import type { MachineRegistry } from '../engine/registry.ts';
import { rulebookEvents } from '../engine/rulebook.ts';
import { crimeDisorderPublicationBody, threeSixtyGivingPackage } from './api/export-schemas.ts';
import { boardReportBody, reconciliationReport } from './api/report-schemas.ts';
import { caseList, caseView, createCaseBody, historyList, problem } from './api/schemas.ts';
import { applicationPaths } from './openapi-applications.ts';
import { json, problems, ref } from './openapi-parts.ts';
import { setupPaths } from './openapi-setup.ts';

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
    for (const [type, spec] of [...sendable, ...Object.entries(rulebookEvents)]) {
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
      ...openDataPaths(),
      ...reportPaths(),
      ...setupPaths(),
      ...applicationPaths(),
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
        Reconciliation: jsonSchema(reconciliationReport),
        BoardReport: jsonSchema(boardReportBody),
        ThreeSixtyGivingPackage: jsonSchema(threeSixtyGivingPackage),
        CrimeDisorderPublication: jsonSchema(crimeDisorderPublicationBody),
        ...events,
      },
    },
  };
}

/** The open data exports (officer, finance, approver and admin). */
function openDataPaths() {
  const csv = (description: string) => ({
    description,
    headers: {
      'Content-Disposition': { description: 'attachment; filename="…csv"', schema: { type: 'string' } },
    },
    content: { 'text/csv': { schema: { type: 'string' } } },
  });
  const grantFilters = [
    {
      name: 'financialYear',
      in: 'query',
      description: 'Only grants from funds of this financial year',
      schema: { type: 'string', pattern: '^2[01]\\d{2}-\\d{2}$', examples: ['2026-27'] },
    },
    {
      name: 'fund',
      in: 'query',
      description: 'Only grants from this fund',
      schema: { type: 'string', format: 'uuid' },
    },
  ];
  const month = {
    name: 'month',
    in: 'query',
    required: true,
    description: 'The London calendar month the grants were made in (their conditions accepted)',
    schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', examples: ['2026-11'] },
  };
  const grants =
    'Awarded grants: cases that committed money and still hold some, or were paid. Amounts in pounds.';
  return {
    '/api/exports/360giving.json': {
      get: {
        summary: 'Awarded grants as a 360Giving Data Standard package',
        description: grants,
        parameters: grantFilters,
        responses: {
          '200': { description: 'The package', content: json(ref('ThreeSixtyGivingPackage')) },
          ...problems(400, 401, 403, 422),
        },
      },
    },
    '/api/exports/360giving.csv': {
      get: {
        summary: "Awarded grants as 360Giving CSV (the standard's column titles)",
        description: `${grants} Text a spreadsheet would run as a formula starts with a single quote.`,
        parameters: grantFilters,
        responses: { '200': csv('One row per grant'), ...problems(400, 401, 403, 422) },
      },
    },
    '/api/exports/crime-and-disorder-grants.json': {
      get: {
        summary:
          'The crime and disorder reduction grants made in a month: recipient, amount, purpose, conditions, reasons',
        parameters: [month],
        responses: {
          '200': { description: 'The month’s grants', content: json(ref('CrimeDisorderPublication')) },
          ...problems(400, 401, 403),
        },
      },
    },
    '/api/exports/crime-and-disorder-grants.csv': {
      get: {
        summary: 'The crime and disorder reduction grants made in a month, as CSV',
        parameters: [month],
        responses: { '200': csv('One row per grant'), ...problems(400, 401, 403) },
      },
    },
  };
}

/** The finance reports (finance, officer, approver and admin): JSON, or CSV with one row per line. */
function reportPaths() {
  const csv = {
    description:
      "CSV (RFC 4180), amounts in integer pence; text a spreadsheet would run as a formula starts with '",
    headers: {
      'Content-Disposition': { description: 'attachment; filename="…csv"', schema: { type: 'string' } },
    },
    content: { 'text/csv': { schema: { type: 'string' } } },
  };
  const format = {
    name: 'format',
    in: 'query',
    description: 'csv: the same report as CSV',
    schema: { type: 'string', enum: ['json', 'csv'], default: 'json' },
  };
  const reconciliationParameters = [
    {
      name: 'financialYear',
      in: 'query',
      description: 'Only funds of this financial year',
      schema: { type: 'string', pattern: '^2[01]\\d{2}-\\d{2}$', examples: ['2026-27'] },
    },
    { name: 'fund', in: 'query', description: 'Only this fund', schema: { type: 'string', format: 'uuid' } },
  ];
  const quarter = {
    name: 'quarter',
    in: 'query',
    description:
      'A financial quarter (Q1 April–June … Q4 January–March, London time); default: the current one',
    schema: { type: 'string', pattern: '^2[01]\\d{2}-\\d{2}-Q[1-4]$', examples: ['2026-27-Q3'] },
  };
  const reconciliation =
    'Every figure summed from the fund ledger in integer pence: per fund, ring-fenced stream, unfenced rest, ' +
    'partner and Police and Crime Plan theme, the total, and checks stating the invariants and whether they hold.';
  const board =
    'Spend against budget by Police and Crime Plan theme as at the end of the quarter, awards made in it, ' +
    'monitoring returns due in it (on time, late, not yet in) and the outcomes they report.';
  return {
    '/api/reports/reconciliation': {
      get: {
        summary: 'Reconciliation to the penny',
        description: reconciliation,
        parameters: [...reconciliationParameters, format],
        responses: {
          '200': {
            description: 'The reconciliation',
            content: { ...json(ref('Reconciliation')), ...csv.content },
          },
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    '/api/reports/reconciliation.csv': {
      get: {
        summary:
          'Reconciliation to the penny, as CSV: one row per line (level fund, stream, unfenced, contributor, theme, total)',
        parameters: reconciliationParameters,
        responses: { '200': csv, ...problems(400, 401, 403, 404, 422) },
      },
    },
    '/api/reports/board': {
      get: {
        summary: 'The quarterly board report',
        description: board,
        parameters: [quarter, format],
        responses: {
          '200': {
            description: 'The board report',
            content: { ...json(ref('BoardReport')), ...csv.content },
          },
          ...problems(400, 401, 403),
        },
      },
    },
    '/api/reports/board.csv': {
      get: {
        summary:
          'The quarterly board report as CSV: one row per figure (quarter, section, lineId, line, measure, value)',
        parameters: [quarter],
        responses: { '200': csv, ...problems(400, 401, 403) },
      },
    },
  };
}
