// The OpenAPI document's application forms: a programme's form and a bid's answers (src/http/api/applications.ts).
import { z } from 'zod';
import { profileDocumentKinds } from '../../machines/define.ts';
import { applicationFormDocument } from '../domain/application-form.ts';
import { jsonSchema } from '../engine/describe.ts';
import { json, problems } from './openapi-parts.ts';

const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const ok = (description: string) => ({ '200': { description, content: json({ type: 'object' }) } });
const answersBody = z.strictObject({
  answers: z
    .record(z.string(), z.unknown())
    .describe(
      'Answers by question id: text, a number, pence for money, YYYY-MM-DD for a date, true or false, a choice, or a list of choices; null clears an answer',
    ),
});

/** A multipart upload: these fields first (all required), then the file in `file`. */
const upload = (fields: Record<string, Record<string, unknown>>) => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: { ...fields, file: { type: 'string', format: 'binary' } },
        required: [...Object.keys(fields), 'file'],
      },
    },
  },
});

export function applicationPaths() {
  return {
    '/api/programmes/{id}/form': {
      get: {
        summary:
          'The programme’s application form as it stands: its sections and questions, and its eligibility questions',
        parameters: [id],
        responses: { ...ok('The form, its version and the kinds of question'), ...problems(401, 404) },
      },
      put: {
        summary:
          'Change the application form (officers, admins). The cycle’s own questions may be reworded, not removed. Once a bid has started on the latest version, a change makes a new version for bids started after it',
        parameters: [id],
        requestBody: { required: true, content: json(jsonSchema(applicationFormDocument)) },
        responses: { ...ok('The form as saved'), ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    '/api/cases/{id}/application': {
      get: {
        summary: 'A bid’s application: its form version, eligibility answers and answers so far',
        parameters: [id],
        responses: { ...ok('The application'), ...problems(401, 404) },
      },
    },
    '/api/cases/{id}/application/answers': {
      put: {
        summary:
          'Save some of the bid’s answers (anyone of its organisation, until it is sent). Each is checked against its question; 422 names the question',
        parameters: [id],
        requestBody: { required: true, content: json(jsonSchema(answersBody)) },
        responses: { ...ok('The application'), ...problems(400, 401, 404, 409, 413, 415, 422) },
      },
    },
    '/api/cases/{id}/application/files/{question}': {
      post: {
        summary:
          'Upload the file answering one of the bid’s file questions (anyone of its organisation, until it is sent): multipart/form-data with the file in the field `file`. Its type is judged by its content (PDF, Word, Excel, OpenDocument, PNG, JPEG, CSV or text); it is scanned for viruses where ClamAV is configured; a refused file stores nothing',
        parameters: [
          id,
          {
            name: 'question',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^q[1-9][0-9]{0,3}$' },
          },
        ],
        requestBody: upload({}),
        responses: {
          ...ok('The application, the file its answer'),
          ...problems(400, 401, 404, 409, 413, 415, 422, 503),
        },
      },
    },
    '/api/organisations/{id}/documents': {
      get: {
        summary:
          'The documents on an organisation’s profile — governing document, latest accounts, safeguarding policy, insurance certificate — the latest of each with the date it runs out and whether it is in date (staff, and the organisation’s people)',
        parameters: [id],
        responses: { ...ok('One item for each kind of document'), ...problems(401, 404) },
      },
      post: {
        summary:
          'Add a document to the profile (the organisation’s people, officers, admins): multipart/form-data with `kind` and `expiresOn` (YYYY-MM-DD, today or later) before the file in `file`. Checked as every upload is; a refused one stores nothing',
        parameters: [id],
        requestBody: upload({
          kind: { type: 'string', enum: Object.keys(profileDocumentKinds) },
          expiresOn: { type: 'string', format: 'date' },
        }),
        responses: {
          '201': { description: 'The profile’s documents', content: json({ type: 'object' }) },
          ...problems(400, 401, 403, 404, 413, 415, 422, 503),
        },
      },
    },
    '/api/cases/{id}/documents': {
      get: {
        summary:
          'The documents kept on a case (the signed agreement, evidence), oldest first, with what each is and who added it',
        parameters: [id],
        responses: { ...ok('The documents'), ...problems(401, 404) },
      },
      post: {
        summary:
          'Add a document to a case (staff, and the organisation it is for): multipart/form-data with `description` before the file in `file`. Checked as every upload is; a refused one stores nothing',
        parameters: [id],
        requestBody: upload({ description: { type: 'string', maxLength: 200 } }),
        responses: {
          '201': { description: 'The case’s documents', content: json({ type: 'object' }) },
          ...problems(400, 401, 403, 404, 413, 415, 422, 503),
        },
      },
    },
    '/api/documents/{id}': {
      get: {
        summary:
          'A stored file, to those who may see its case (or, for an organisation’s own, staff and its people): Content-Disposition attachment, X-Content-Type-Options nosniff',
        parameters: [id],
        responses: {
          '200': {
            description: 'The file’s bytes, of the type its content showed',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          ...problems(401, 404),
        },
      },
    },
    '/api/cases/{id}/application/send': {
      post: {
        summary:
          'Send the bid with its saved answers (those who may submit bids). 422 names each question still to answer',
        parameters: [
          id,
          {
            name: 'If-Match',
            in: 'header',
            required: false,
            schema: { type: 'string' },
            description: 'The case’s ETag',
          },
        ],
        responses: { ...ok('The case'), ...problems(401, 403, 404, 409, 412, 422) },
      },
    },
  };
}
