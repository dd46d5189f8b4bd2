// Runs the real server and CLI as child processes, the way a person or an operator would.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

export type Env = Record<string, string | undefined>;

/** The parent's environment without the database settings, so each test says what it means. */
export function baseEnv(extra: Env): Env {
  const { DATABASE_URL: _url, DATA_DIR: _dir, EMBEDDED_PG_PORT: _port, ...rest } = process.env;
  // No background worker unless a test asks: on the shared database it would fire other files' timers.
  return { ...rest, LOG_LEVEL: 'info', RUN_WORKER: 'false', ...extra };
}

export interface RunningServer {
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Builds dist/ as `npm start` does (when it is missing or older than the sources); throws with the
 * build's output when it fails.
 */
export function buildOnce(): void {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed:\n${built.stdout}${built.stderr}`);
}

/**
 * What an npm script runs after `node` (package.json: its V8 flags, then dist/<name>.js), so a
 * test or bench starts the compiled service exactly as `npm start` or `npm run worker` does.
 */
export function startArguments(script: 'start' | 'worker' = 'start'): string[] {
  const packageJson = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const command = packageJson.scripts[script] ?? '';
  const [node, ...args] = command.trim().split(/\s+/);
  const entry = script === 'start' ? 'dist/server.js' : 'dist/worker.js';
  if (node !== 'node' || args.at(-1) !== entry)
    throw new Error(`npm run ${script} is expected to run node … ${entry}; it runs ${command}`);
  return args;
}

/** The server from its TypeScript sources, or compiled (as `npm start` runs it). */
const serverArgs = (compiled: boolean) =>
  compiled ? startArguments('start') : ['--import', 'tsx', 'src/server.ts'];

export async function startServer(
  env: Env,
  timeoutMs = 60_000,
  options: { compiled?: boolean } = {},
): Promise<RunningServer> {
  if (options.compiled) buildOnce();
  const child = spawn(process.execPath, serverArgs(options.compiled ?? false), { env, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), timeoutMs);
    const check = () => {
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** Starts a server that is expected to refuse to start: its exit code and output. */
export async function serverRefusal(
  env: Env,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, stdio: 'pipe' });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`${why}:\n${output}`));
    };
    const timer = setTimeout(() => fail('the server neither started nor stopped'), timeoutMs);
    child.stdout.on('data', () => {
      if (output.includes('listening on')) fail('the server started when it should have refused');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export async function runCli(
  args: string[],
  env: Env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

export const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
