import { loadConfig } from './config.ts';
import { clamdScanner } from './domain/documents/scanner.ts';
import { s3Store } from './domain/documents/store.ts';
import { createApp } from './http/app.ts';
import { answerClientErrors } from './http/client-errors.ts';
import { createLogger } from './logger.ts';
import { startServices } from './services.ts';

const config = loadConfig();
// Readable lines for a person at a terminal; JSON lines for whatever collects them.
const logger = createLogger(config.logLevel, { pretty: process.stdout.isTTY === true });
const services = await startServices(config, logger);
const background = config.runWorker ? services.startBackground() : undefined;
const app = createApp({
  db: services.database.db,
  engine: services.engine,
  logger,
  databaseAnswers: services.databaseAnswers,
  metrics: { metrics: services.metrics, token: config.metricsToken },
  clock: services.clock,
  sessionHours: config.sessionHours,
  publicUrl: config.publicUrl,
  contactEmail: config.contactEmail,
  signInAttemptsPerAddress: config.signInAttemptsPerAddress,
  tokenCacheSeconds: config.tokenCacheSeconds,
  trustProxy: config.trustProxy,
  openData: config.openData,
  oidc: config.oidc,
  staffPasswordSignIn: config.staffPasswordSignIn,
  retention: config.retention,
  documents: {
    maxBytes: config.uploads.maxBytes,
    scanner: config.uploads.clamavAddress ? clamdScanner(config.uploads.clamavAddress) : null,
    ...(config.uploads.s3 ? { store: await s3Store(config.uploads.s3) } : {}),
  },
});
await app.locals.ready;
const server = app.listen(config.port, config.host, () => {
  logger.info(`listening on http://localhost:${config.port}`);
});
answerClientErrors(server);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: stopping`);
  server.close();
  await background?.stop();
  services.transport.close();
  await services.database.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
