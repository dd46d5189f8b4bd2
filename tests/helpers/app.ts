// Builds the real app on the run's database, listening on loopback, with a token per demo user.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { inject } from 'vitest';
import { londonDate, londonInstant } from '../../machines/calendar.ts';
import type { MachineDefinition } from '../../machines/define.ts';
import type { OidcSettings } from '../../src/config.ts';
import { connect, type DatabaseHandle } from '../../src/db/client.ts';
import { demoUsers } from '../../src/domain/demo-data.ts';
import { seedProfileDocuments } from '../../src/domain/demo-profile.ts';
import type { DocumentSettings } from '../../src/domain/documents/upload.ts';
import { issueToken } from '../../src/domain/people.ts';
import type { Clock } from '../../src/engine/clock.ts';
import { createApp } from '../../src/http/app.ts';
import { answerClientErrors } from '../../src/http/client-errors.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { createEngine, databaseProbe } from '../../src/services.ts';
import { fullMember } from './members.ts';
import { NEXT_FIVE_YEARS, openProgramme, type ProgrammeOptions } from './programmes.ts';
import { movableClock } from './web.ts';

export type DemoEmail = (typeof demoUsers)[number]['email'];

export const TEST_PUBLIC_URL = 'http://grants.test';

export async function startTestApp(
  options: {
    clock?: Clock;
    poolSize?: number;
    /** Default: the run's database. */
    databaseUrl?: string;
    /** The cycles the engine runs (default: every machine in machines/index.ts). */
    definitions?: readonly MachineDefinition[];
    /** Failed sign-ins allowed from one source address (the app's default otherwise is 100). */
    signInAttemptsPerAddress?: number;
    /** Read the source address from X-Forwarded-For, as behind a proxy. */
    trustProxy?: boolean;
    /** How long API tokens are remembered (the app's default otherwise is 5 seconds). */
    tokenCacheSeconds?: number;
    /**
     * Finance, approver and admin give a code after their password, as in the service. Off unless
     * asked: files sign in as the same demo people at once, and each code is accepted only once.
     */
    secondFactor?: boolean;
    /** The identity provider staff sign in through, and whether staff may still use passwords. */
    oidc?: OidcSettings;
    staffPasswordSignIn?: boolean;
    /** The port to serve on (an identity provider must know where to send people back); any free one otherwise. */
    port?: number;
    /** The largest upload and the virus scanner (default 20 MB, unscanned). */
    documents?: DocumentSettings;
    /** Where the app logs (a file that reads its log lines); faults only, to the console, otherwise. */
    logger?: Logger;
    /** Serve /metrics to whoever brings this token, counting the engine's transitions. */
    metricsToken?: string;
  } = {},
) {
  const url = options.databaseUrl ?? inject('databaseUrl');
  // The system's time unless the file brings a clock of its own; movable, for rules that read today.
  const clock = options.clock ?? movableClock();
  const { db, sql } = connect(url, options.poolSize ?? 25);
  const handle: DatabaseHandle = { db, sql, url, description: 'test', close: () => sql.end() };
  const metrics = options.metricsToken
    ? createMetrics({ db, clock, poolSize: options.poolSize ?? 25 })
    : null;
  const engine = createEngine(handle, {
    clock,
    publicUrl: TEST_PUBLIC_URL,
    definitions: options.definitions,
    ...(metrics && { observe: metrics.observeTransition }),
  });
  const app = createApp({
    ...(options.documents ? { documents: options.documents } : {}),
    ...(metrics && { metrics: { metrics, token: options.metricsToken ?? null } }),
    db,
    engine,
    // Faults (500s) print with their stack; nothing else is logged.
    logger: options.logger ?? createLogger('error'),
    databaseAnswers: databaseProbe(handle),
    clock,
    // Every test file signs in from 127.0.0.1 into one database, on clocks of their own: the limit per
    // source address is the sign-in tests' to set, not something the others should trip over.
    signInAttemptsPerAddress: options.signInAttemptsPerAddress ?? 1_000_000,
    publicUrl: TEST_PUBLIC_URL,
    trustProxy: options.trustProxy ?? false,
    ...(options.tokenCacheSeconds !== undefined && { tokenCacheSeconds: options.tokenCacheSeconds }),
    ...(!options.secondFactor && { secondFactorRoles: [] }),
    oidc: options.oidc ?? null,
    ...(options.staffPasswordSignIn !== undefined && { staffPasswordSignIn: options.staffPasswordSignIn }),
  });
  await app.locals.ready;
  const server = app.listen(options.port ?? 0, '127.0.0.1');
  answerClientErrors(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const tokens = {} as Record<DemoEmail, string>;
  for (const user of demoUsers) tokens[user.email] = await issueToken(db, user.email);
  const http = request(server);
  // Each test file gets a Youth Fund programme of its own, with its own fund and an open round.
  // Its budget line runs five later years: files that move the clock years on award and pay from it.
  const youthFund = await openProgramme(db, engine, { otherYears: NEXT_FIVE_YEARS });
  return {
    youthFund,
    /** Another programme of this file's own (a fund, and an open round unless `open: false`). */
    programme: (programmeOptions: ProgrammeOptions = {}) => openProgramme(db, engine, programmeOptions),
    db,
    sql,
    engine,
    /** The express app itself: its routes are read to check the OpenAPI document covers them. */
    app,
    http,
    tokens,
    publicUrl: TEST_PUBLIC_URL,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /**
     * A provider user in an organisation of its own, so that counts and lists of its cases are
     * this test's alone while other files share the database.
     */
    newProvider: async (label: string) => {
      const tag = randomUUID();
      const [org] = await sql`insert into organisations (name, kind)
        values (${`${label} ${tag}`}, 'provider') returning id`;
      const email = `${label.toLowerCase().replace(/\W+/g, '-')}-${tag}@demo.test`;
      const [user] = await sql`insert into users (email, name, role, organisation_id)
        values (${email}, ${label}, 'provider', ${org!.id}) returning id`;
      await fullMember(sql, email);
      // In-date documents on its profile, as due diligence asks of a real organisation.
      await seedProfileDocuments(db, org!.id as string, {
        at: new Date(),
        today: londonDate(clock.now()),
        organisationName: label,
      });
      const token = await issueToken(db, email);
      return {
        userId: user!.id as string,
        organisationId: org!.id as string,
        email,
        auth: { Authorization: `Bearer ${token}` },
      };
    },
    /** Opens a Youth Fund case as a demo provider (or staff, for an organisation) and returns its id. */
    openCase: async (email: DemoEmail, title = 'Youth project', organisationId?: string): Promise<string> => {
      const res = await http
        .post('/api/cases')
        .set({ Authorization: `Bearer ${tokens[email]}` })
        .send({
          machine: 'youth-fund',
          organisationId,
          input: { programmeId: youthFund.programmeId, title },
        });
      if (res.status !== 201)
        throw new Error(`Could not open a case: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },
    /**
     * A demo user declares no conflict of interest in a case, as the rulebook asks of whoever
     * decides or signs (and of panel members before they score).
     */
    declare: async (email: DemoEmail, caseId: string) => {
      const res = await http
        .put(`/api/cases/${caseId}/declaration`)
        .set({ Authorization: `Bearer ${tokens[email]}` })
        .send({ conflicted: false });
      if (res.status !== 200)
        throw new Error(`${email} could not declare on ${caseId}: ${res.status} ${JSON.stringify(res.body)}`);
    },
    /** Today's London date on the app's clock: the latest day a payment can be recorded as paid. */
    today: () => londonDate(clock.now()),
    /**
     * Runs `work` with the app's clock at noon (London) on `date`, then puts it back: for what may be
     * done only from a day (a monitoring return, from the last day of its period). Needs the default
     * clock, or a movable one (tests/helpers/web.ts).
     */
    onDay: async <T>(date: string, work: () => Promise<T>): Promise<T> => {
      if (!('offsetMs' in clock)) throw new Error('onDay needs a movable clock');
      const movable = clock as ReturnType<typeof movableClock>;
      const before = movable.offsetMs;
      movable.offsetMs = londonInstant(date, '12:00').getTime() - Date.now();
      try {
        return await work();
      } finally {
        movable.offsetMs = before;
      }
    },
    /** The Authorization header for a demo user. */
    as: (email: DemoEmail) => ({ Authorization: `Bearer ${tokens[email]}` }),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await sql.end();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;
