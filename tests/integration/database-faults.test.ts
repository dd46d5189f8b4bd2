// Database faults as the app answers them (issue 7): a database that cannot be reached is 503
// problem+json with Retry-After, on the API, on /health and on pages; a transaction PostgreSQL rolled
// back for a concurrent one (serialization failure 40001, deadlock 40P01) is 409 "try again". The
// PostgreSQL errors are real ones, raised by the run's server; any other database error stays a 500.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type DatabaseHandle } from '../../src/db/client.ts';
import { systemClock } from '../../src/engine/clock.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { createApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createEngine, databaseProbe } from '../../src/services.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { freePort } from '../helpers/database.ts';

let t: TestApp;
let first: postgres.Sql;
let second: postgres.Sql;
const table = `fault_probe_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  t = await startTestApp();
  first = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  second = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  await first.unsafe(`create table ${table} (id int primary key, n int not null)`);
  await first.unsafe(`insert into ${table} values (1, 0), (2, 0)`);
});
afterAll(async () => {
  await first?.unsafe(`drop table if exists ${table}`);
  await Promise.all([first?.end(), second?.end()]);
  await t?.close();
});

/** What PostgreSQL raises when a repeatable-read transaction updates a row changed since it began. */
async function serializationFailure(): Promise<unknown> {
  const tx = await first.reserve();
  try {
    await tx.unsafe('begin isolation level repeatable read');
    await tx.unsafe(`select n from ${table} where id = 1`);
    await second.unsafe(`update ${table} set n = n + 1 where id = 1`);
    return await tx.unsafe(`update ${table} set n = n + 1 where id = 1`).then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    await tx.unsafe('rollback');
    tx.release();
  }
}

/** What PostgreSQL raises on one of two transactions that each wait for the other's row. */
async function deadlock(): Promise<unknown> {
  const [a, b] = await Promise.all([first.reserve(), second.reserve()]);
  try {
    await Promise.all([a.unsafe('begin'), b.unsafe('begin')]);
    await a.unsafe(`update ${table} set n = n + 1 where id = 1`);
    await b.unsafe(`update ${table} set n = n + 1 where id = 2`);
    const failed = (error: unknown) => error;
    const outcomes = await Promise.all([
      a.unsafe(`update ${table} set n = n + 1 where id = 2`).then(() => undefined, failed),
      b.unsafe(`update ${table} set n = n + 1 where id = 1`).then(() => undefined, failed),
    ]);
    return outcomes.find((outcome) => outcome !== undefined);
  } finally {
    await Promise.all([a.unsafe('rollback'), b.unsafe('rollback')]);
    a.release();
    b.release();
  }
}

/** The app on the run's database, with an engine whose transactions fail with `error`. */
function appFailingWith(error: unknown) {
  const engine = Object.create(t.engine) as Engine;
  engine.transaction = () => Promise.reject(error);
  return createApp({
    db: t.db,
    engine,
    logger: createLogger('silent'),
    databaseAnswers: async () => {},
    clock: systemClock,
  });
}

const sendEvent = (app: ReturnType<typeof createApp>, caseId: string) =>
  request(app).post(`/api/cases/${caseId}/events`).set(t.as('provider@demo.test')).send({
    type: 'SUBMIT',
    title: 'Boxing club',
    summary: 'Weekly sessions',
    amountRequestedPence: 400_000,
  });

describe('a transaction PostgreSQL rolled back for a concurrent one', () => {
  it.each([
    ['a serialization failure', '40001', serializationFailure],
    ['a deadlock', '40P01', deadlock],
  ])('%s (%s) is 409 problem+json, try again', async (_what, sqlState, raise) => {
    const error = await raise();
    expect((error as { code?: string } | undefined)?.code).toBe(sqlState);
    const caseId = await t.openCase('provider@demo.test');

    const res = await sendEvent(appFailingWith(error), caseId);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, title: 'Conflicting change' });
    expect(res.body.detail).toMatch(/try again/i);
    // Drizzle wraps a failed statement's error as its cause: the same answer.
    const wrapped = Object.assign(new Error('Failed query: update ...'), { cause: error });
    expect((await sendEvent(appFailingWith(wrapped), caseId)).status).toBe(409);
  });

  it('while any other database error is still a fault, 500', async () => {
    const error = await first.unsafe(`select * from ${table}_missing`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('42P01');
    const res = await sendEvent(appFailingWith(error), await t.openCase('provider@demo.test'));
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
  });
});

describe('a database that cannot be reached', () => {
  let app: ReturnType<typeof createApp>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    // A real client pointed at a loopback port where nothing listens: ECONNREFUSED.
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const { db, sql } = connect(url, 2);
    handle = { db, sql, url, description: 'nowhere', close: () => sql.end({ timeout: 1 }) };
    app = createApp({
      db,
      engine: createEngine(handle, { publicUrl: 'http://grants.test' }),
      logger: createLogger('silent'),
      databaseAnswers: databaseProbe(handle, 1000),
      clock: systemClock,
    });
  });
  afterAll(() => handle?.close());

  it('is 503 problem+json with Retry-After on the API and on /health, promptly', async () => {
    for (const path of ['/api/cases', '/health']) {
      const started = Date.now();
      const res = await request(app).get(path).set('Authorization', 'Bearer opcc_not-checked');
      expect(res.status, path).toBe(503);
      expect(res.headers['content-type'], path).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after'], path).toMatch(/^\d+$/);
      expect(res.body, path).toMatchObject({ status: 503, title: 'Unavailable' });
      expect(Date.now() - started, path).toBeLessThan(5_000);
    }
  });

  it('is a 503 page with Retry-After for people', async () => {
    const res = await request(app).get('/').set('Cookie', 'opcc_session=whatever');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
  });
});
