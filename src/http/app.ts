import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Role } from '../../machines/define.ts';
import type { OidcSettings } from '../config.ts';
import type { Database } from '../db/client.ts';
import { connectionFaultCode, isConcurrencyConflict } from '../db/errors.ts';
import { followAccountChanges } from '../db/queries/account-changes.ts';
import { DEFAULT_UPLOAD_MAX_BYTES, type DocumentSettings } from '../domain/documents/upload.ts';
import { type OpenDataSettings, openDataSettings } from '../domain/open-data/settings.ts';
import { revokeBearerToken } from '../domain/people.ts';
import { DEFAULT_RETENTION, type RetentionSettings } from '../domain/retention.ts';
import { SECOND_FACTOR_ROLES } from '../domain/second-factor.ts';
import { DEFAULT_ATTEMPTS_PER_ADDRESS } from '../domain/sessions.ts';
import { StaffIdentity } from '../domain/staff-identity.ts';
import { DEFAULT_TOKEN_CACHE_SECONDS, TokenCache } from '../domain/token-cache.ts';
import type { Clock } from '../engine/clock.ts';
import type { Engine } from '../engine/engine.ts';
import { conflictingChange, ProblemError, RETRY_AFTER_SECONDS, unavailable } from '../engine/errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { govukDir, webPublicDir } from '../paths.ts';
import { applicationsRouter, applicationUploadsRouter } from './api/applications.ts';
import { caseWritingRouter } from './api/case-writing.ts';
import { casesRouter } from './api/cases.ts';
import { catalogueRouter } from './api/catalogue.ts';
import { documentsRouter } from './api/documents.ts';
import { exportsRouter } from './api/exports.ts';
import { machinesRouter } from './api/machines.ts';
import { organisationsRouter } from './api/organisations.ts';
import { outboxRouter } from './api/outbox.ts';
import { panelRouter } from './api/panel.ts';
import { paymentsRouter } from './api/payments.ts';
import { reportsRouter } from './api/reports.ts';
import { authenticate } from './authenticate.ts';
import { guardJsonBody } from './json-guard.ts';
import { metricsRoute, timeRequests } from './metrics-route.ts';
import { openApiDocument } from './openapi.ts';
import { sendProblem } from './problem.ts';
import { loggablePath, requestLog } from './request-log.ts';
import { aboutPagesRouter } from './web/about-pages.ts';
import { accountPagesRouter } from './web/account-pages.ts';
import { bankDetailsPagesRouter } from './web/bank-details-pages.ts';
import { bidPagesRouter } from './web/bid-pages.ts';
import { caseActionRouter } from './web/case-action-pages.ts';
import { caseDocumentPagesRouter } from './web/case-document-pages.ts';
import { caseRouter } from './web/case-page.ts';
import { caseSearchRouter } from './web/case-search-pages.ts';
import { caseWritingPagesRouter } from './web/case-writing-pages.ts';
import { documentPagesRouter } from './web/document-pages.ts';
import { emailPagesRouter } from './web/email-pages.ts';
import { guardFormBody } from './web/form-guard.ts';
import { fundPagesRouter } from './web/fund-pages.ts';
import { fundingPagesRouter } from './web/funding-pages.ts';
import { letterPagesRouter } from './web/letter-pages.ts';
import { openTogetherPagesRouter } from './web/open-together-pages.ts';
import { organisationAddPagesRouter } from './web/organisation-add-pages.ts';
import { organisationAdminPagesRouter } from './web/organisation-admin-pages.ts';
import { organisationPagesRouter } from './web/organisation-pages.ts';
import { pagesRouter } from './web/pages.ts';
import { paymentPagesRouter } from './web/payment-pages.ts';
import { personalDataPagesRouter } from './web/personal-data-pages.ts';
import { profileDocumentPagesRouter } from './web/profile-document-pages.ts';
import { programmeFormPagesRouter } from './web/programme-form-pages.ts';
import { programmeLimitsPagesRouter } from './web/programme-limits-pages.ts';
import { programmePagesRouter } from './web/programme-pages.ts';
import { programmeSetupPagesRouter } from './web/programme-setup-pages.ts';
import { providerRouter } from './web/provider-pages.ts';
import { publicationPagesRouter } from './web/publication-pages.ts';
import { registerPagesRouter } from './web/register-pages.ts';
import { reportPagesRouter } from './web/report-pages.ts';
import { rolePagesRouter } from './web/role-pages.ts';
import { secondFactorPagesRouter } from './web/second-factor-pages.ts';
import { securityHeaders } from './web/security.ts';
import { checkCsrf, loadSession } from './web/session.ts';
import { staffPagesRouter } from './web/staff-pages.ts';
import { staffSignInPagesRouter } from './web/staff-sign-in-pages.ts';
import { configureViews } from './web/views.ts';

export interface AppDeps {
  db: Database;
  engine: Engine;
  logger: Logger;
  /** Resolves when the database answers; rejects or times out when it does not. */
  databaseAnswers: () => Promise<void>;
  clock: Clock;
  /** How long a web sign-in lasts (SESSION_HOURS). */
  sessionHours?: number;
  /** Where people write to the Office about the service: the accessibility statement and privacy notice say so. */
  contactEmail?: string;
  /** Where people reach the service: links in email (PUBLIC_URL). */
  publicUrl?: string;
  /** Failed sign-ins allowed from one source address in 15 minutes (SIGN_IN_ATTEMPTS_PER_ADDRESS). */
  signInAttemptsPerAddress?: number;
  /** Trust X-Forwarded-Proto from a TLS-terminating proxy (TRUST_PROXY). */
  trustProxy?: boolean;
  /** Who publishes the open data (OPEN_DATA_*); the defaults when not given. */
  openData?: OpenDataSettings;
  /** How long a bearer token's owner is remembered (API_TOKEN_CACHE_SECONDS). */
  tokenCacheSeconds?: number;
  /**
   * The roles that give a code after their password: SECOND_FACTOR_ROLES (finance, approver, admin)
   * unless given. Not a setting: only tests that are not about signing in leave it out.
   */
  secondFactorRoles?: readonly Role[];
  /** The Office's identity provider for staff sign-in (OIDC_*), if any. */
  oidc?: OidcSettings | null;
  /** Whether staff may sign in with a password (STAFF_PASSWORD_SIGN_IN); true unless given. */
  staffPasswordSignIn?: boolean;
  /** How long personal data is kept (RETAIN_*). */
  retention?: RetentionSettings;
  /** The largest upload and the virus scanner (UPLOAD_MAX_BYTES, CLAMAV_ADDRESS); 20 MB, unscanned unless given. */
  documents?: DocumentSettings;
  /** The process's metrics; served at /metrics to whoever brings `token` (METRICS_TOKEN), else not at all. */
  metrics?: { metrics: Metrics; token: string | null };
}

const BODY_LIMIT = '100kb';

export function createApp(deps: AppDeps) {
  const app = express();
  // Where links in email point (PUBLIC_URL); a local address when none is given.
  const publicUrl = deps.publicUrl ?? 'http://localhost:3000';
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? false);
  // Every request gets an id and, once answered, a line in the log (request-log.ts).
  app.use(requestLog(deps.logger));
  if (deps.metrics) {
    app.use(timeRequests(deps.metrics.metrics));
    const { token } = deps.metrics;
    if (token) app.get('/metrics', metricsRoute(deps.metrics.metrics, token));
  }
  // Sums of pence are bigint end to end; JSON has no integer past 2^53, so they go out as strings of
  // whole pence ("123456789012345678"). Amounts on a single case are numbers, bounded by its schema.
  app.set('json replacer', (_key: string, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );

  app.get('/health', async (_req, res) => {
    try {
      await deps.databaseAnswers();
      res.json({ status: 'ok', database: 'up' });
    } catch {
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      sendProblem(res, new ProblemError(503, 'Unavailable', 'The database is not answering.'), '/health');
    }
  });

  const openApi = openApiDocument(deps.engine.registry);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  const api = express.Router();
  const tokens = new TokenCache((deps.tokenCacheSeconds ?? DEFAULT_TOKEN_CACHE_SECONDS) * 1000);
  // Serve once every change to an account, in any process, makes this one forget its tokens. With
  // the database down it tries again every few seconds; until then tokens live the cache time.
  const forget = (userId: string) => tokens.forgetUser(userId);
  const follow = (): Promise<void> =>
    followAccountChanges(deps.db, forget).catch((error: unknown) => {
      // Closed on purpose (the process is stopping): nothing more to hear.
      if ((error as { code?: string }).code === 'CONNECTION_ENDED') return;
      deps.logger.warn({ err: error }, 'cannot hear of account changes yet; trying again in 5 s');
      setTimeout(follow, 5000).unref();
    });
  app.locals.ready = follow();
  // Who is asking comes first: an anonymous request is 401 whatever its body, which is never read.
  api.use(authenticate(deps.db, tokens));
  const documents = deps.documents ?? { maxBytes: DEFAULT_UPLOAD_MAX_BYTES, scanner: null };
  // The routes that take a file rather than JSON: finance's paid transactions, as CSV, and uploads.
  api.use('/payments', paymentsRouter(deps.db, deps.engine));
  api.use(applicationUploadsRouter(deps.db, deps.engine, documents));
  api.use(documentsRouter(deps.db, deps.engine, documents, deps.clock));
  api.use((req, _res, next) => {
    // A body must say it is JSON; anything else is refused before it is read. An empty body is
    // fine here (a retry needs none); handlers that need one answer 422.
    const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      throw new ProblemError(415, 'Unsupported media type', 'Send the body as application/json.');
    }
    next();
  });
  api.use(
    express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }),
  );
  // Text PostgreSQL cannot store (U+0000, lone surrogates) and deep nesting are refused here, once.
  api.use(guardJsonBody);
  api.use('/machines', machinesRouter(deps.engine.registry));
  api.use('/cases', casesRouter(deps.engine, deps.db));
  api.use('/cases', panelRouter(deps.db, deps.engine));
  api.use('/cases', caseWritingRouter(deps.db, deps.engine, publicUrl));
  api.use('/admin/outbox', outboxRouter(deps.db, deps.clock));
  api.use('/organisations', organisationsRouter(deps.db));
  api.use(catalogueRouter(deps.db, deps.engine, deps.clock));
  api.use(applicationsRouter(deps.db, deps.engine, deps.clock));
  api.use('/reports', reportsRouter(deps.db, deps.clock));
  const exportDeps = {
    db: deps.db,
    registry: deps.engine.registry,
    openData: deps.openData ?? openDataSettings(),
  };
  api.use('/exports', exportsRouter(exportDeps));
  api.delete('/tokens/current', async (_req, res) => {
    await revokeBearerToken(deps.db, res.locals.token as string, tokens);
    res.status(204).end();
  });
  app.use('/api', api);

  // The web service for people: GOV.UK pages, sessions, CSRF, a strict CSP.
  configureViews(app);
  app.use('/assets', express.static(path.join(govukDir, 'govuk/assets'), { maxAge: '1d' }));
  app.get('/stylesheets/govuk-frontend.min.css', (_req, res) =>
    res.sendFile(path.join(govukDir, 'govuk/govuk-frontend.min.css')),
  );
  app.get('/javascripts/govuk-frontend.min.js', (_req, res) =>
    res.sendFile(path.join(govukDir, 'govuk/govuk-frontend.min.js')),
  );
  app.get('/javascripts/init.js', (_req, res) => res.sendFile(path.join(webPublicDir, 'init.js')));
  app.get('/stylesheets/app.css', (_req, res) => res.sendFile(path.join(webPublicDir, 'app.css')));
  app.use(securityHeaders());
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 200 }));
  app.use(loadSession(deps.db, deps.clock));
  app.use(checkCsrf);
  // Text PostgreSQL cannot store is refused here, once, for every page form (as the API's guard does).
  app.use(guardFormBody);
  app.use(
    aboutPagesRouter({
      contactEmail: deps.contactEmail ?? 'commissioning@opcc.example',
      sessionHours: deps.sessionHours ?? 8,
      retention: deps.retention ?? DEFAULT_RETENTION,
    }),
  );
  app.use(
    registerPagesRouter({
      db: deps.db,
      clock: deps.clock,
      publicUrl,
    }),
  );
  app.use(
    accountPagesRouter({
      db: deps.db,
      clock: deps.clock,
      publicUrl,
    }),
  );
  app.use(
    organisationPagesRouter({
      db: deps.db,
      clock: deps.clock,
      publicUrl,
    }),
  );
  // Before the programme pages, so /programmes/new is not read as a programme's id.
  app.use(programmeSetupPagesRouter({ db: deps.db, engine: deps.engine, clock: deps.clock }));
  app.use(programmePagesRouter({ db: deps.db, engine: deps.engine }));
  app.use(programmeFormPagesRouter({ db: deps.db, engine: deps.engine, clock: deps.clock }));
  app.use(programmeLimitsPagesRouter({ db: deps.db, clock: deps.clock }));
  app.use(openTogetherPagesRouter({ db: deps.db, engine: deps.engine, clock: deps.clock }));
  app.use(organisationAddPagesRouter({ db: deps.db }));
  app.use(
    pagesRouter({
      db: deps.db,
      engine: deps.engine,
      clock: deps.clock,
      sessionHours: deps.sessionHours ?? 8,
      signInLimits: { perAddress: deps.signInAttemptsPerAddress ?? DEFAULT_ATTEMPTS_PER_ADDRESS },
      secondFactorRoles: deps.secondFactorRoles ?? SECOND_FACTOR_ROLES,
      staffIdentity: !!deps.oidc,
      staffPasswords: deps.staffPasswordSignIn ?? true,
    }),
  );
  if (deps.oidc)
    app.use(
      staffSignInPagesRouter({
        db: deps.db,
        clock: deps.clock,
        sessionHours: deps.sessionHours ?? 8,
        identity: new StaffIdentity(deps.oidc),
        logger: deps.logger,
      }),
    );
  app.use(secondFactorPagesRouter({ db: deps.db, clock: deps.clock, sessionHours: deps.sessionHours ?? 8 }));
  app.use(bidPagesRouter({ db: deps.db, engine: deps.engine, documents }));
  app.use(documentPagesRouter({ db: deps.db, engine: deps.engine, documents }));
  app.use(caseDocumentPagesRouter({ db: deps.db, engine: deps.engine, clock: deps.clock, documents }));
  app.use(profileDocumentPagesRouter({ db: deps.db, clock: deps.clock, documents }));
  app.use(caseSearchRouter({ db: deps.db, engine: deps.engine }));
  app.use(
    caseWritingPagesRouter({
      db: deps.db,
      engine: deps.engine,
      publicUrl,
    }),
  );
  app.use(letterPagesRouter({ db: deps.db, engine: deps.engine }));
  app.use(caseRouter({ db: deps.db, engine: deps.engine }));
  app.use(caseActionRouter({ db: deps.db, engine: deps.engine }));
  app.use(rolePagesRouter({ db: deps.db, engine: deps.engine }));
  app.use(fundPagesRouter({ db: deps.db, engine: deps.engine }));
  app.use(bankDetailsPagesRouter({ db: deps.db }));
  app.use(fundingPagesRouter({ db: deps.db, engine: deps.engine }));
  app.use(emailPagesRouter({ db: deps.db, clock: deps.clock }));
  app.use(organisationAdminPagesRouter({ db: deps.db, clock: deps.clock }));
  app.use(
    personalDataPagesRouter({
      db: deps.db,
      engine: deps.engine,
      clock: deps.clock,
      retention: deps.retention ?? DEFAULT_RETENTION,
    }),
  );
  app.use(
    staffPagesRouter({
      db: deps.db,
      clock: deps.clock,
      publicUrl,
    }),
  );
  app.use(providerRouter({ db: deps.db, engine: deps.engine }));
  app.use(reportPagesRouter({ db: deps.db, clock: deps.clock }));
  app.use(paymentPagesRouter({ db: deps.db, engine: deps.engine }));
  app.use(publicationPagesRouter({ ...exportDeps, clock: deps.clock }));

  app.use((req, _res, next) => {
    next(new ProblemError(404, 'Not found', `Nothing is at ${req.method} ${req.path}.`));
  });
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * Any error as a problem: ours as they are, body-parser's as 4xx, a database that is down as 503,
 * a transaction PostgreSQL rolled back for a concurrent one as 409, anything else a 500.
 */
function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (connectionFaultCode(error) !== undefined) return unavailable();
  if (isConcurrencyConflict(error)) return conflictingChange();
  const bodyError = error as { type?: string; status?: number; message?: string };
  if (bodyError.type === 'entity.too.large') {
    return new ProblemError(413, 'Body too large', `The body must be at most ${BODY_LIMIT}.`);
  }
  if (bodyError.type === 'entity.parse.failed') {
    return new ProblemError(
      400,
      'Malformed JSON',
      'The body is not valid JSON (or not a JSON object or array).',
      {
        errors: [{ field: '(body)', message: bodyError.message ?? 'Malformed JSON' }],
      },
    );
  }
  if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return new ProblemError(bodyError.status, 'Bad request', bodyError.message ?? 'Bad request');
  }
  return new ProblemError(500, 'Something went wrong', 'The request failed; nothing was changed.');
}

const isApi = (req: Request) =>
  req.path.startsWith('/api') || req.path === '/health' || req.path === '/openapi.json';

/** API errors are problem+json; page errors are GOV.UK pages. Only real faults are logged as errors. */
function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(error);
    if (problem.status === 503) {
      // The database is away: worth a warning, not a stack trace per request.
      logger.warn({ path: loggablePath(req), code: connectionFaultCode(error) }, 'database unavailable');
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    } else if (problem.status >= 500) logger.error({ err: error, path: loggablePath(req) }, problem.detail);
    if (isApi(req)) return sendProblem(res, problem, req.originalUrl);
    res.status(problem.status).render('error.njk', {
      title: problem.status === 404 ? 'Page not found' : problem.title,
      message: problem.status === 404 ? 'If you typed the web address, check it is correct.' : problem.detail,
    });
  };
}
