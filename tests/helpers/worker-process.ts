// Runs `npm run worker` (src/worker.ts) as a real child process, the way an operator would.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Env } from './processes.ts';

export interface RunningWorker {
  process: ChildProcess;
  output: () => string;
  /** Totals from the worker's 'background work' log lines so far. */
  work: () => { fired: number; discarded: number; sent: number };
  /** Sends `signal` and resolves with how the process ended. */
  kill: (signal: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startWorker(env: Env, timeoutMs = 60_000): Promise<RunningWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  // 'close', not 'exit': by then all of the output has been read, so work() counts every line.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), timeoutMs);
    const check = () => {
      if (output.includes('worker running')) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code ?? signal}) before it was running:\n${output}`));
    });
  });
  return {
    process: child,
    output: () => output,
    work: () => {
      const totals = { fired: 0, discarded: 0, sent: 0 };
      for (const line of output.split('\n')) {
        if (!line.includes('"background work"')) continue;
        const { timers, mail } = JSON.parse(line) as {
          timers: { fired: number; discarded: number };
          mail: { sent: number };
        };
        totals.fired += timers.fired;
        totals.discarded += timers.discarded;
        totals.sent += mail.sent;
      }
      return totals;
    },
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
