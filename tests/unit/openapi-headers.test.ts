// The OpenAPI document describes the response headers clients rely on, and is still valid with them.
import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { machineDefinitions } from '../../machines/index.ts';
import { MachineRegistry } from '../../src/engine/registry.ts';
import { openApiDocument } from '../../src/http/openapi.ts';

const doc = openApiDocument(new MachineRegistry(machineDefinitions)) as any;

describe('OpenAPI response headers', () => {
  it('documents Location, ETag and Idempotent-Replayed on 201 from POST /api/cases', () => {
    const headers = doc.paths['/api/cases'].post.responses['201'].headers;
    expect(Object.keys(headers).sort()).toEqual(['ETag', 'Idempotent-Replayed', 'Location']);
    expect(headers.Location.description).toMatch(/\/api\/cases\/\{id\}/);
  });

  it('documents ETag and Idempotent-Replayed on 200 from POST /api/cases/{id}/events', () => {
    const headers = doc.paths['/api/cases/{id}/events'].post.responses['200'].headers;
    expect(Object.keys(headers).sort()).toEqual(['ETag', 'Idempotent-Replayed']);
    expect(headers['Idempotent-Replayed'].schema).toEqual({ type: 'string', enum: ['true'] });
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(doc));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });
});
