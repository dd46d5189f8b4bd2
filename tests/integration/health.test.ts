import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type DatabaseHandle } from '../../src/db/client.ts';
import { systemClock } from '../../src/engine/clock.ts';
import { createApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createEngine, databaseProbe } from '../../src/services.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { freePort } from '../helpers/database.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('GET /health', () => {
  it('answers 200 when the database answers', async () => {
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('answers 503 problem+json when the database does not', async () => {
    // A real client pointed at a loopback port where nothing listens.
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const { db, sql } = connect(url, 1);
    const handle: DatabaseHandle = { db, sql, url, description: 'nowhere', close: () => sql.end() };
    const app = createApp({
      db,
      engine: createEngine(handle, { publicUrl: 'http://grants.test' }),
      logger: createLogger('silent'),
      databaseAnswers: databaseProbe(handle, 1000),
      clock: systemClock,
    });
    const res = await request(app).get('/health');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, title: 'Unavailable' });
    await sql.end({ timeout: 1 });
  });
});
