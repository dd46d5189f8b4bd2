// For tests that every bad input is refused with a problem+json 4xx naming what was wrong, and
// writes nothing: the problem's shape, raw bodies, and what a refusal must leave alone.
import type { Response } from 'supertest';
import { expect } from 'vitest';
import type { TestApp } from './app.ts';

export const JSON_TYPE = 'application/json';
export type Body = string | object | undefined;
export type Provider = Awaited<ReturnType<TestApp['newProvider']>>;

export function expectProblem(res: Response, status: number, field?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    title: expect.stringMatching(/\S/),
    detail: expect.stringMatching(/\S/),
  });
  if (field !== undefined) {
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  }
}

/** Requests as `own`, a provider in an organisation of the test's own, and what they wrote. */
export function refusals(t: TestApp, own: Provider) {
  /** POSTs a body: objects as JSON; strings raw, with the given content type. */
  function post(path: string, headers: Record<string, string>, body: Body, contentType = JSON_TYPE) {
    const req = t.http.post(path).set(headers);
    if (body === undefined) return req;
    return typeof body === 'string' ? req.set('Content-Type', contentType).send(body) : req.send(body);
  }

  /** Cases of our organisation, whoever opened them: staff refusals are counted too. */
  async function createdByOwn(): Promise<number> {
    const [row] = await t.sql`select count(*)::int as n from cases
      where created_by = ${own.userId} or organisation_id = ${own.organisationId}`;
    return row!.n;
  }

  /** What a refusal must leave alone: the case row, its history, its timers and its money. */
  async function written(id: string) {
    const [row] = await t.sql`select version, state, snapshot, updated_at from cases where id = ${id}`;
    expect(row, `case ${id}`).toBeDefined();
    const [history] = await t.sql`select count(*)::int as n from case_events where case_id = ${id}`;
    const timers = await t.sql`select timer_key, due_at from timers where case_id = ${id} order by timer_key`;
    const [ledger] = await t.sql`select count(*)::int as n from fund_ledger where case_id = ${id}`;
    return { ...row, history: history!.n, timers: [...timers], ledger: ledger!.n };
  }

  /** Idempotency keys our provider has stored: a refusal must store none. */
  async function keysStored(): Promise<number> {
    const [row] = await t.sql`select count(*)::int as n from idempotency_keys where user_id = ${own.userId}`;
    return row!.n;
  }

  /** A new case of our provider's under the file's Youth Fund programme (or another). */
  async function openOwn(title = 'A bid', programmeId = t.youthFund.programmeId): Promise<string> {
    const res = await post('/api/cases', own.auth, { machine: 'youth-fund', input: { programmeId, title } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  return { post, createdByOwn, written, keysStored, openOwn };
}
