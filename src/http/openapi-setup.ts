// The OpenAPI document's operations beyond cases and reports: the Plan, funds, programmes (with their
// limits and panels), organisations and bank details, panel declarations and scores, payments, the
// outbox and closing a quarter. Request bodies are the JSON Schemas of the zod schemas the routes and
// domain parse with; a test holds the document to the routes the server answers.
import type { z } from 'zod';
import { newBankDetails, rejection } from '../domain/bank-details.ts';
import { writingBody } from '../domain/case-writing.ts';
import { newProgramme } from '../domain/catalogue.ts';
import { budgetConfirmation, newFund } from '../domain/funds.ts';
import { newOrganisation } from '../domain/organisations.ts';
import { declarationBody } from '../domain/panel.ts';
import { limitsChange } from '../domain/programme-limits.ts';
import { assignmentBody } from '../domain/programme-panel.ts';
import { criteriaChange, detailsChange, targetsChange } from '../domain/programme-settings.ts';
import { closeQuarterBody } from '../domain/reports/closed-quarters.ts';
import { jsonSchema } from '../engine/describe.ts';
import { json, problems } from './openapi-parts.ts';

const body = (schema: z.ZodType) => ({ required: true, content: json(jsonSchema(schema)) });
const uuidParam = (name: string, description?: string) => ({
  name,
  in: 'path',
  required: true,
  ...(description ? { description } : {}),
  schema: { type: 'string', format: 'uuid' },
});
const id = uuidParam('id');
const ok = (description: string) => ({ '200': { description, content: json({ type: 'object' }) } });
const created = (description: string, where: string) => ({
  '201': {
    description,
    headers: { Location: { description: where, schema: { type: 'string', format: 'uri-reference' } } },
    content: json({ type: 'object' }),
  },
});
const csvDownload = (description: string) => ({
  '200': {
    description,
    headers: {
      'Content-Disposition': { description: 'attachment; filename="…csv"', schema: { type: 'string' } },
    },
    content: { 'text/csv': { schema: { type: 'string' } } },
  },
});

/** The Plan, funds and programmes (src/http/api/catalogue.ts). */
function cataloguePaths() {
  return {
    '/api/plan': {
      get: {
        summary: 'The Police and Crime Plan: its themes in order, each with its outcomes',
        responses: { ...ok('The Plan'), ...problems(401) },
      },
    },
    '/api/funds': {
      get: {
        summary: 'Every fund with its position to the penny (staff)',
        responses: { ...ok('Funds, each with streams, partners and position'), ...problems(401, 403) },
      },
      post: {
        summary:
          'Set up a fund: year, source, budget, ring-fenced streams and partners’ shares (finance, admin)',
        requestBody: body(newFund),
        responses: {
          ...created('The fund and its position', 'The fund’s position, /api/funds/{id}/position'),
          ...problems(400, 401, 403, 413, 415, 422),
        },
      },
    },
    '/api/funds/{id}/position': {
      get: {
        summary:
          'A fund’s position: budget, committed, released and remaining, by stream and partner (staff)',
        parameters: [id],
        responses: { ...ok('The position'), ...problems(401, 404) },
      },
    },
    '/api/funds/{id}/confirm': {
      post: {
        summary: 'Confirm an indicative (planning) budget, at its figure or a new one (finance)',
        parameters: [id],
        requestBody: body(budgetConfirmation),
        responses: { ...ok('The fund’s position'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    '/api/funds/{id}/ledger': {
      get: {
        summary: 'The fund’s ledger, newest first: every commitment, release and payment (staff)',
        parameters: [id],
        responses: { ...ok('Ledger rows'), ...problems(401, 404) },
      },
    },
    '/api/programmes': {
      get: {
        summary: 'Every programme; providers read them as funding calls, without the limits',
        responses: { ...ok('Programmes'), ...problems(401) },
      },
      post: {
        summary:
          'Set up a programme (officers, admins). Its limits are set only by an approver or admin: an officer who names one is refused (403)',
        requestBody: body(newProgramme),
        responses: {
          ...created('The programme', 'The programme, /api/programmes/{id}'),
          ...problems(400, 401, 403, 413, 415, 422),
        },
      },
    },
    '/api/programmes/{id}': {
      get: {
        summary: 'One programme',
        parameters: [id],
        responses: { ...ok('The programme'), ...problems(401, 404) },
      },
    },
    '/api/programmes/{id}/limits': {
      get: {
        summary:
          'The programme’s limits (delegation threshold, largest award, panel quorum) and every setting of them, with who and why (staff)',
        parameters: [id],
        responses: { ...ok('The limits and their log'), ...problems(401, 404) },
      },
      put: {
        summary: 'Change the programme’s limits, with a reason (approvers, admins); the change is logged',
        parameters: [id],
        requestBody: body(limitsChange),
        responses: {
          ...ok('The limits and their log'),
          ...problems(400, 401, 403, 404, 409, 413, 415, 422),
        },
      },
    },
    '/api/programmes/{id}/criteria': {
      put: {
        summary:
          'Change the scoring criteria (officers, admins), until the first bid or grant is started on the programme (then 409)',
        parameters: [id],
        requestBody: body(criteriaChange),
        responses: { ...ok('The programme'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    '/api/programmes/{id}/details': {
      put: {
        summary:
          'Change the programme’s name, summary and dates, all of them (a field left out is cleared); once its round is opened, the opening and closing times stay (officers, admins)',
        parameters: [id],
        requestBody: body(detailsChange),
        responses: { ...ok('The programme'), ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    '/api/programmes/{id}/measures': {
      put: {
        summary:
          'Set the targets of the programme’s monitoring measures, by measure id; null for none (officers, admins)',
        parameters: [id],
        requestBody: body(targetsChange),
        responses: { ...ok('The programme'), ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    '/api/programmes/{id}/panel': {
      get: {
        summary: 'Who sits on the programme’s panel, and its quorum (staff)',
        parameters: [id],
        responses: { ...ok('The panel'), ...problems(401, 403, 404) },
      },
      post: {
        summary: 'Seat a panel member on the programme (officers)',
        parameters: [id],
        requestBody: body(assignmentBody),
        responses: {
          ...ok('Already on the panel: the panel'),
          '201': { description: 'Seated: the panel', content: json({ type: 'object' }) },
          ...problems(400, 401, 403, 404, 413, 415, 422),
        },
      },
    },
    '/api/programmes/{id}/panel/{userId}': {
      delete: {
        summary: 'Take a member off the programme’s panel (officers)',
        parameters: [id, uuidParam('userId', 'The panel member’s user id')],
        responses: { ...ok('The panel'), ...problems(401, 403, 404) },
      },
    },
  };
}

/** Organisations and their bank details (src/http/api/organisations.ts). */
function organisationPaths() {
  const decision = {
    name: 'decision',
    in: 'path',
    required: true,
    description: 'confirm (the second finance user re-keys the sort code and account number) or reject',
    schema: { type: 'string', enum: ['confirm', 'reject'] },
  };
  return {
    '/api/organisations': {
      get: {
        summary: 'Organisations: staff see every one, a provider its own',
        responses: { ...ok('Organisations'), ...problems(401) },
      },
      post: {
        summary: 'Add an organisation (officers, admins)',
        requestBody: body(newOrganisation),
        responses: {
          ...created('The organisation', 'The organisation, /api/organisations/{id}'),
          ...problems(400, 401, 403, 413, 415, 422),
        },
      },
    },
    '/api/organisations/{id}/bank-details': {
      get: {
        summary: 'Where the organisation is paid, masked, and any change waiting for a second finance user',
        parameters: [id],
        responses: { ...ok('The bank details'), ...problems(401, 403, 404) },
      },
      post: {
        summary: 'Enter new bank details: they wait for a second finance user to confirm them',
        parameters: [id],
        requestBody: body(newBankDetails),
        responses: {
          ...created('The bank details', 'The bank details, /api/organisations/{id}/bank-details'),
          ...problems(400, 401, 403, 404, 409, 413, 415, 422),
        },
      },
    },
    '/api/organisations/{id}/bank-details/{decision}': {
      post: {
        summary: 'Confirm or reject bank details waiting for a second finance user',
        parameters: [id, decision],
        requestBody: {
          required: true,
          content: json({
            oneOf: [
              jsonSchema(newBankDetails.pick({ sortCode: true, accountNumber: true })),
              jsonSchema(rejection),
            ],
          }),
        },
        responses: { ...ok('The bank details'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
  };
}

/** Panel declarations and scores on a case (src/http/api/panel.ts), and the case's money by year. */
function casePaths() {
  const declaration = {
    summary:
      'Declare whether you have a conflict of interest in the case (staff); a conflict removes your scores',
    parameters: [id],
    requestBody: body(declarationBody),
    responses: { ...ok('Your declaration'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
  };
  return {
    '/api/cases/{id}/declaration': { put: declaration },
    '/api/cases/{id}/panel/declaration': {
      put: { ...declaration, summary: `${declaration.summary} (older path)` },
    },
    '/api/cases/{id}/panel/scores': {
      get: {
        summary: 'Panel scores: a member’s own, or every member’s side by side for officers and approvers',
        parameters: [id],
        responses: { ...ok('The scores'), ...problems(401, 403, 404) },
      },
      put: {
        summary:
          'Score a bid against each of its programme’s criteria, 0 to 5, with a comment (panel members)',
        parameters: [id],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            properties: {
              scores: {
                type: 'object',
                description:
                  'A whole number from 0 to 5 for each of the programme’s criteria, by criterion id',
                additionalProperties: { type: 'integer', minimum: 0, maximum: 5 },
              },
              comment: { type: 'string', maxLength: 2000 },
            },
            required: ['scores'],
            additionalProperties: false,
          }),
        },
        responses: { ...ok('Your scores'), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    '/api/cases/{id}/notes': {
      get: {
        summary: 'The case’s internal notes, oldest first (staff only; never the organisation or the panel)',
        parameters: [id],
        responses: { ...ok('The notes'), ...problems(401, 403, 404) },
      },
      post: {
        summary: 'Add an internal note to the case (staff): never edited; a correction is another note',
        parameters: [id],
        requestBody: body(writingBody),
        responses: {
          201: { description: 'The case’s notes, the new one last' },
          ...problems(400, 401, 403, 404, 413, 415, 422),
        },
      },
    },
    '/api/cases/{id}/messages': {
      get: {
        summary:
          'Messages between the office and the organisation the case is for, oldest first (staff and the organisation)',
        parameters: [id],
        responses: { ...ok('The messages'), ...problems(401, 403, 404) },
      },
      post: {
        summary:
          'Send a message on the case: whoever it is for is emailed that it is there. With an Idempotency-Key, a retry sends it once',
        parameters: [id],
        requestBody: body(writingBody),
        responses: {
          201: { description: 'The case’s messages, the new one last' },
          ...problems(400, 401, 403, 404, 413, 415, 422),
        },
      },
    },
    '/api/cases/{id}/money': {
      get: {
        summary: 'An award’s money by financial year: committed, paid and returned (staff)',
        parameters: [id],
        responses: { ...ok('The money by year'), ...problems(401, 403, 404) },
      },
    },
  };
}

/** Payments, the outbox and closing a quarter. */
function financePaths() {
  return {
    '/api/payments/run': {
      get: {
        summary: 'The payment run: approved payments with their payees’ confirmed bank details (finance)',
        responses: { ...ok('The payment run'), ...problems(401, 403) },
      },
    },
    '/api/payments/run.csv': {
      get: {
        summary: 'The payment run as CSV, as a finance system imports it (finance)',
        responses: { ...csvDownload('One row per payment'), ...problems(401, 403) },
      },
    },
    '/api/payments/import': {
      post: {
        summary:
          'Import paid transactions from the finance system, as CSV: each marks its payment paid (finance)',
        requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
        responses: { ...ok('What was matched, and what was not'), ...problems(400, 401, 403, 413, 415) },
      },
    },
    '/api/admin/outbox': {
      get: {
        summary: 'Email waiting, sent or failed (admins)',
        parameters: [
          {
            name: 'status',
            in: 'query',
            schema: { type: 'string', enum: ['pending', 'sent', 'failed'] },
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
        ],
        responses: { ...ok('Messages'), ...problems(400, 401, 403) },
      },
    },
    '/api/admin/outbox/{id}/retry': {
      post: {
        summary: 'Send a failed email again (admins)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        responses: { ...ok('The message, waiting to be sent'), ...problems(401, 403, 404) },
      },
    },
    '/api/reports/board/close': {
      post: {
        summary:
          'Close a quarter once its board report is presented: its figures are kept as they were (finance)',
        requestBody: body(closeQuarterBody),
        responses: {
          '201': { description: 'The closed quarter', content: json({ type: 'object' }) },
          ...problems(400, 401, 403, 409, 413, 415, 422),
        },
      },
    },
  };
}

/** Every operation this module describes, by path. */
export function setupPaths() {
  return { ...cataloguePaths(), ...organisationPaths(), ...casePaths(), ...financePaths() };
}
