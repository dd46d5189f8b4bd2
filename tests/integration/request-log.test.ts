// One log line per request, read from the app's own log: its id (sent back as X-Request-Id, or the
// one a proxy gave), who asked, the route's pattern, the status and the time taken; and never a
// secret: no bearer token, cookie, password, CSRF field or secret link's token anywhere in the log.
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/domain/demo-data.ts';
import { createLogger } from '../../src/logger.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { postSignIn } from '../helpers/web.ts';

let t: TestApp;
const lines: Record<string, unknown>[] = [];
const raw: string[] = [];
beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  t = await startTestApp({ logger: createLogger('info', { destination }) });
});
afterAll(() => t.close());

/** The request lines logged for this request id. */
const linesFor = (id: string | undefined) => lines.filter((l) => id !== undefined && l.reqId === id);

describe('the request log', () => {
  it('logs each API request with its id, user, route, status and duration', async () => {
    const res = await t.http.get(`/api/cases/${t.youthFund.roundId}`).set(t.as('officer@demo.test'));
    expect(res.status).toBe(200);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [line, ...more] = linesFor(id);
    expect(more).toEqual([]);
    const [officer] = await t.sql`select id from users where email = 'officer@demo.test'`;
    expect(line).toMatchObject({
      level: 30,
      method: 'GET',
      route: '/api/cases/:id',
      path: `/api/cases/${t.youthFund.roundId}`,
      status: 200,
      userId: officer!.id,
      role: 'officer',
      msg: 'GET /api/cases/:id 200',
    });
    expect(typeof line!.durationMs).toBe('number');
    // Ours alone, apart from pino's own time and level: no headers, no body.
    expect(Object.keys(line!).sort()).toEqual(
      [
        'durationMs',
        'level',
        'method',
        'msg',
        'path',
        'reqId',
        'role',
        'route',
        'status',
        'time',
        'userId',
      ].sort(),
    );
  });

  it('keeps the id a proxy gave, and makes its own for one that is not an id', async () => {
    const given = await t.http.get('/openapi.json').set('X-Request-Id', 'lb-7f3a.42');
    expect(given.headers['x-request-id']).toBe('lb-7f3a.42');
    expect(linesFor('lb-7f3a.42')).toHaveLength(1);
    const odd = await t.http.get('/openapi.json').set('X-Request-Id', 'no spaces <allowed>');
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // A request no route matches says so; an anonymous one has no user.
    const missing = await t.http.get('/api/no-such-thing').set(t.as('officer@demo.test'));
    expect(linesFor(missing.headers['x-request-id'])[0]).toMatchObject({ status: 404 });
    const anonymous = await t.http.get('/api/cases');
    const [refused] = linesFor(anonymous.headers['x-request-id']);
    expect(refused).toMatchObject({ status: 401 });
    expect(refused).not.toHaveProperty('userId');
  });

  it('never writes a token, cookie, password, CSRF field or secret link', async () => {
    const bearer = t.tokens['finance@demo.test'];
    await t.http.get('/api/cases').set('Authorization', `Bearer ${bearer}`).expect(200);
    const agent = request.agent(t.baseUrl);
    const signIn = await postSignIn(
      t.baseUrl,
      { email: 'officer@demo.test', password: DEMO_PASSWORD, next: '/' },
      agent,
    );
    expect(signIn.status).toBe(303);
    // The session cookie's value, as the browser would send it back.
    const cookies = ([] as string[]).concat(signIn.headers['set-cookie'] ?? []);
    const sessionValues = cookies.map((c) => c.split(';')[0]!.split('=')[1]!).filter((v) => v.length > 20);
    expect(sessionValues.length).toBeGreaterThan(0);
    const home = await agent.get('/');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.text)![1]!;
    await agent.post('/sign-out').type('form').send({ _csrf: csrf });
    const link = 'aVerySecretLinkToken_0123456789abcdef';
    const set = await t.http.get(`/set-password/${link}?token=${link}&next=/`);
    const [line] = linesFor(set.headers['x-request-id']);
    expect(line).toMatchObject({
      route: '/set-password/:token',
      path: '/set-password/[redacted]?token=[redacted]&next=/',
    });
    // A person's own name for a line a logger might write, redacted wherever it appears.
    const logger = createLogger('info', {
      destination: new Writable({
        write(chunk: Buffer, _e, done) {
          raw.push(chunk.toString());
          done();
        },
      }),
    });
    logger.info({ password: DEMO_PASSWORD, form: { _csrf: csrf, token: link } }, 'a careless line');
    const everything = raw.join('\n');
    for (const secret of [bearer, DEMO_PASSWORD, csrf, link, ...sessionValues])
      expect(everything).not.toContain(secret!);
    expect(everything).toContain('a careless line');
  });

  it('reads as plain lines for a person at a terminal', async () => {
    const written: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        written.push(chunk.toString());
        done();
      },
    });
    const pretty = createLogger('info', { pretty: true, destination });
    pretty.info(
      {
        reqId: 'r1',
        method: 'GET',
        route: '/cases/:id',
        status: 200,
        durationMs: 12,
        userId: 'u1',
        role: 'officer',
      },
      'GET /cases/:id 200',
    );
    pretty.info({ password: 'hunter2-secret' }, 'started');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = written.join('');
    expect(text).toMatch(/INFO.*GET \/cases\/:id 200 12 ms \(officer u1\)/);
    expect(text).toContain('started');
    expect(text).not.toContain('hunter2-secret');
    expect(() => JSON.parse(written[0]!)).toThrow();
  });
});
