// The app as a real child process, compiled and started as `npm start` starts it (`node
// dist/server.js`), so its memory is its own and can be read from /proc while the load runs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { baseEnv, buildOnce, startArguments } from '../tests/helpers/processes.ts';
import { busyTicksFromProcStat, cpuTicksFromStat, rssBytesFromStatus } from './stats.ts';

export interface AppOptions {
  databaseUrl: string;
  port: number;
  /** DATABASE_POOL_SIZE for the app; undefined keeps the app's default. */
  poolSize: number | undefined;
  runWorker: boolean;
  /** A directory to write a V8 CPU profile of the app into (node --cpu-prof), written when it stops. */
  cpuProfileDir: string | undefined;
  /** METRICS_TOKEN for the app: /metrics is served (and can be scraped) only with one. */
  metricsToken?: string;
  /** Demo organisations, people and cases, as `npm start` makes them on the embedded default. */
  seedDemoData?: boolean;
}

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export interface RunningApp {
  pid: number;
  /** Lines the app has written to stdout and stderr (its log), all read and counted. */
  logLines: () => number;
  stop: () => Promise<number | null>;
}

/**
 * Builds dist/ if it is stale, then starts `node dist/server.js` as `npm start` does, with room for
 * node flags (--cpu-prof). Every request is logged (LOG_LEVEL=info, JSON to a pipe this process
 * reads), as in production.
 */
export async function startApp(options: AppOptions, timeoutMs = 60_000): Promise<RunningApp> {
  buildOnce();
  const env = baseEnv({
    DATABASE_URL: options.databaseUrl,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    SEED_DEMO_DATA: String(options.seedDemoData ?? false),
    METRICS_TOKEN: options.metricsToken,
    ...(process.env.BENCH_LOG_LEVEL && { LOG_LEVEL: process.env.BENCH_LOG_LEVEL }),
    RUN_WORKER: String(options.runWorker),
    DATABASE_POOL_SIZE: options.poolSize === undefined ? undefined : String(options.poolSize),
  });
  // Not allowed in NODE_OPTIONS, so given on the command line.
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profile, ...startArguments()], {
    cwd: repositoryRoot,
    env,
    stdio: 'pipe',
  });
  let output = '';
  let lines = 0;
  const count = (chunk: Buffer) => {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  };
  child.stdout.on('data', count);
  child.stderr.on('data', count);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const collect = (chunk: Buffer) => {
    // Keep only the start of the output: enough to say why it failed, without growing forever.
    if (output.length < 20_000) output += chunk;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // Started when it answers /health (whatever its log level lets it say).
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the app exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
    if (await answersHealth(options.port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    pid: child.pid!,
    logLines: () => lines,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function answersHealth(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

/** A process and every process under it (Linux: /proc/<pid>/task/<tid>/children). */
export function processTree(pid: number): number[] {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${found[i]}/task`);
    } catch {
      continue; // gone, or not Linux
    }
    for (const task of tasks) {
      try {
        const children = fs.readFileSync(`/proc/${found[i]}/task/${task}/children`, 'utf8');
        for (const child of children.split(' ').filter(Boolean)) found.push(Number(child));
      } catch {
        // the thread ended while being read
      }
    }
  }
  return found;
}

/** Resident memory of a process and everything it started, added up. */
export function readRss(pid: number): number | undefined {
  let total: number | undefined;
  for (const member of processTree(pid)) {
    try {
      const rss = rssBytesFromStatus(fs.readFileSync(`/proc/${member}/status`, 'utf8'));
      if (rss !== undefined) total = (total ?? 0) + rss;
    } catch {
      // not Linux, or the process has gone
    }
  }
  return total;
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

/** Samples a process tree's resident memory every `everyMs` while running; can pause and resume. */
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
