// The app as a real child process (src/server.ts, as `npm start` runs it), so its memory is its
// own and can be read from /proc while the load runs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { baseEnv } from '../tests/helpers/processes.ts';
import { busyTicksFromProcStat, cpuTicksFromStat, rssBytesFromStatus } from './stats.ts';

export interface AppOptions {
  databaseUrl: string;
  port: number;
  /** DATABASE_POOL_SIZE for the app; undefined keeps the app's default. */
  poolSize: number | undefined;
  runWorker: boolean;
  /** A directory to write a V8 CPU profile of the app into (node --cpu-prof), written when it stops. */
  cpuProfileDir: string | undefined;
}

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export interface RunningApp {
  pid: number;
  stop: () => Promise<number | null>;
}

/** Starts src/server.ts as tests/helpers/processes.ts does, with room for node flags (--cpu-prof). */
export async function startApp(options: AppOptions, timeoutMs = 60_000): Promise<RunningApp> {
  const env = baseEnv({
    DATABASE_URL: options.databaseUrl,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    SEED_DEMO_DATA: 'false',
    RUN_WORKER: String(options.runWorker),
    DATABASE_POOL_SIZE: options.poolSize === undefined ? undefined : String(options.poolSize),
  });
  // Not allowed in NODE_OPTIONS, so given on the command line.
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/server.ts'], {
    cwd: repositoryRoot,
    env,
    stdio: 'pipe',
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${output}`)), timeoutMs);
    const collect = (chunk: Buffer) => {
      // Keep only the start of the output: enough to say why it failed, without growing forever.
      if (output.length < 20_000) output += chunk;
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited with ${code}:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export function readRss(pid: number): number | undefined {
  try {
    return rssBytesFromStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined; // not Linux, or the process has gone
  }
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 a second on every mainstream build). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function readCpuMs(pid: number): number | undefined {
  try {
    const ticks = cpuTicksFromStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return ticks === undefined ? undefined : (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU time all processes on this machine have used so far (every core), in milliseconds. */
export function readMachineBusyMs(): number | undefined {
  try {
    const ticks = busyTicksFromProcStat(fs.readFileSync('/proc/stat', 'utf8'));
    return ticks === undefined ? undefined : (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Samples a process's resident memory every `everyMs` while running; can pause and resume. */
export class RssSampler {
  private readonly samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.sample();
    this.timer ??= setInterval(() => this.sample(), this.everyMs);
  }

  pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  summary(): { samples: number; peakBytes: number | undefined; meanBytes: number | undefined } {
    if (!this.samples.length) return { samples: 0, peakBytes: undefined, meanBytes: undefined };
    const total = this.samples.reduce((a, b) => a + b, 0);
    return {
      samples: this.samples.length,
      peakBytes: Math.max(...this.samples),
      meanBytes: Math.round(total / this.samples.length),
    };
  }

  private sample(): void {
    const rss = readRss(this.pid);
    if (rss !== undefined) this.samples.push(rss);
  }
}
