// A closed loop of N clients, each sending its next operation as soon as the last one answered:
// a warm-up whose results are thrown away, then a measured window of fixed length.

export interface LoadOptions {
  clients: number;
  warmupMs: number;
  measureMs: number;
  /** One operation of one client; it throws (or rejects) when the operation failed. */
  operation: (client: number, iteration: number) => Promise<void>;
  /** Checked between operations: true stops every client early (Ctrl-C). */
  stopped?: () => boolean;
}

export interface LoadResult {
  /** Operations that completed inside the measured window. */
  completed: number;
  /** Every operation that succeeded, warm-up included (to check against the database). */
  succeeded: number;
  /** Failed operations at any time; the first one's message is kept. */
  failed: number;
  firstError: string | undefined;
  measuredMs: number;
  /** One per completed operation in the window, from its start to its answer. */
  latenciesMs: number[];
}

/** After this many failures the run stops: something is wrong, and spinning would hide it. */
const MAX_FAILURES = 100;

export async function closedLoop(options: LoadOptions): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const measureTo = measureFrom + options.measureMs;
  const result: LoadResult = {
    completed: 0,
    succeeded: 0,
    failed: 0,
    firstError: undefined,
    measuredMs: options.measureMs,
    latenciesMs: [],
  };
  const running = () => performance.now() < measureTo && result.failed < MAX_FAILURES && !options.stopped?.();

  const client = async (index: number) => {
    for (let iteration = 0; running(); iteration++) {
      const began = performance.now();
      try {
        await options.operation(index, iteration);
      } catch (error) {
        result.failed++;
        result.firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      const ended = performance.now();
      result.succeeded++;
      if (ended >= measureFrom && ended <= measureTo) {
        result.completed++;
        result.latenciesMs.push(ended - began);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
  // Stopped early: the window was shorter than asked.
  result.measuredMs = Math.max(0, Math.min(performance.now(), measureTo) - measureFrom);
  return result;
}

/**
 * The cases a client works on: every `clients`-th one from its own index, so no two clients ever
 * wait for one another's row lock — the benchmark measures work, not contention.
 */
export function caseFor<T>(cases: readonly T[], clients: number, client: number, iteration: number): T {
  const own = Math.ceil((cases.length - client) / clients);
  return cases[client + (iteration % own) * clients]!;
}

/** Several runs of one workload as one: counts and measured time add up, latencies pool. */
export function mergeLoads(runs: readonly LoadResult[]): LoadResult {
  return {
    completed: runs.reduce((a, r) => a + r.completed, 0),
    succeeded: runs.reduce((a, r) => a + r.succeeded, 0),
    failed: runs.reduce((a, r) => a + r.failed, 0),
    firstError: runs.find((r) => r.firstError !== undefined)?.firstError,
    measuredMs: runs.reduce((a, r) => a + r.measuredMs, 0),
    latenciesMs: runs.flatMap((r) => r.latenciesMs),
  };
}
