// The OpenAPI document covers the API: every route the server answers under /api (and /health) is
// an operation of the document, and every operation of the document is a route the server answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { routesOf } from '../helpers/routes.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const operationsOf = (doc: { paths: Record<string, Record<string, unknown>> }) =>
  Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();

describe('the OpenAPI document', () => {
  it('describes every API route the server answers, and no route it does not', async () => {
    const doc = (await t.http.get('/openapi.json')).body;
    const routes = routesOf(t.app).filter((r) => / \/(api\/|health$)/.test(r));
    // The walk finds routes at all: a few the API has always had.
    expect(routes).toEqual(expect.arrayContaining(['GET /api/cases/{id}', 'POST /api/cases', 'GET /health']));
    const documented = operationsOf(doc);
    expect(
      routes.filter((r) => !documented.includes(r)),
      'routes the document lacks',
    ).toEqual([]);
    expect(
      documented.filter((o) => !routes.includes(o)),
      'operations no route answers',
    ).toEqual([]);
  });
});
