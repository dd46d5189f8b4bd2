// `npm run worker`: the timer and email loop on its own, for running beside app processes started
// with RUN_WORKER=false. Any number of workers can run against one database.
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startServices } from './services.ts';

const config = loadConfig();
// Readable lines for a person at a terminal; JSON lines for whatever collects them.
const logger = createLogger(config.logLevel, { pretty: process.stdout.isTTY === true });
const services = await startServices({ ...config, seedDemoData: false }, logger);
const background = services.startBackground();
logger.info('worker running');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: stopping`);
  await background.stop();
  services.transport.close();
  await services.database.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
