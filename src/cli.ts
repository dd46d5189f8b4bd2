// Administrative commands: `npm run cli -- <command> [args]`. Works against DATABASE_URL or the
// embedded default, whether or not the app is running: unlike the app and the worker, the CLI
// joins an embedded server another process runs (it is done long before that process stops).
import { loadConfig } from './config.ts';
import { DEMO_TOTP_SECRET } from './domain/demo-data.ts';
import { createFirstAdmin, LINK_HOURS } from './domain/password-links.ts';
import { issueToken, revokeAllTokens } from './domain/people.ts';
import { totpCode } from './domain/totp.ts';
import { createLogger } from './logger.ts';
import { type Services, startServices } from './services.ts';

const commands: Record<
  string,
  {
    usage: string;
    run: (args: string[], services: Services) => Promise<string>;
  }
> = {
  'user:token': {
    usage: 'user:token <email>   print a new API token for the user (last line of output)',
    run: async ([email], { database }) => issueToken(database.db, requireArg(email, 'email')),
  },
  'admin:create': {
    usage:
      "admin:create <email> [name]   a real deployment's first admin: print a link, good for 24 hours, to set their password",
    run: async ([email, ...name], { database, clock }) => {
      const token = await createFirstAdmin(
        database.db,
        { email: requireArg(email, 'email'), name: name.join(' ') || requireArg(email, 'email') },
        clock.now(),
      );
      // The link on the last line, for scripts; it works once.
      return `Admin ${email} created. Send them this link to set their password (it works once, for ${LINK_HOURS.set} hours):\n${config.publicUrl}/set-password/${token}`;
    },
  },
  'demo:code': {
    usage: 'demo:code   print the code of the moment for the demo finance, approver and admin accounts',
    run: async () => totpCode(DEMO_TOTP_SECRET, new Date()),
  },
  'user:revoke-tokens': {
    usage: 'user:revoke-tokens <email>   revoke every API token the user has',
    run: async ([email], { database }) =>
      `revoked ${await revokeAllTokens(database.db, requireArg(email, 'email'))} token(s)`,
  },
};

function requireArg(value: string | undefined, name: string): string {
  if (!value) throw new Error(`Missing <${name}>`);
  return value;
}

function usage(): string {
  return `Commands:\n${Object.values(commands)
    .map((c) => `  ${c.usage}`)
    .join('\n')}`;
}

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(name ? `Unknown command "${name}".\n${usage()}` : usage());
  process.exit(2);
}
const config = loadConfig();
const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
const services = await startServices(config, logger, { joinRunning: true });
try {
  console.log(await command.run(args, services));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  services.transport.close();
  await services.database.close();
}
