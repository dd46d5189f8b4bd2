// The arithmetic behind the benchmark's figures, pure so it can be unit-tested (tests/unit/bench-stats.test.ts).

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * The nearest-rank percentile of values sorted ascending: the smallest value with at least p% of
 * the values at or below it. Always an observed value, never an interpolation.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1]!;
}

export function summariseLatencies(latenciesMs: ArrayLike<number>): LatencySummary {
  if (latenciesMs.length === 0) throw new Error('no latencies to summarise');
  const sorted = Float64Array.from(latenciesMs).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    meanMs: total / sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1]!,
  };
}

export function perSecond(count: number, elapsedMs: number): number {
  if (!(elapsedMs > 0)) throw new Error(`elapsed time must be positive, got ${elapsedMs}`);
  return (count * 1000) / elapsedMs;
}

/** engine / baseline throughput: 1 means the engine costs nothing over the bare database work. */
export function throughputRatio(engine: number, baseline: number): number {
  if (!(baseline > 0)) throw new Error(`baseline throughput must be positive, got ${baseline}`);
  return engine / baseline;
}

/** A number given on the command line (`--name value`): positive, or with `orZero` also 0; else it throws. */
export function positive(name: string, value: string | undefined, orZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !orZero))
    throw new Error(`--${name} must be a ${orZero ? 'non-negative' : 'positive'} number, got ${value}`);
  return n;
}

export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** VmRSS of a /proc/<pid>/status text, in bytes; undefined when the line is missing. */
export function rssBytesFromStatus(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * User plus system CPU time of a /proc/<pid>/stat line, in clock ticks (fields 14 and 15). The
 * command name (field 2) may hold spaces and parentheses, so fields are counted after its last ')'.
 */
export function cpuTicksFromStat(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** Busy time of all CPUs from /proc/stat's first line, in clock ticks: everything but idle and iowait. */
export function busyTicksFromProcStat(stat: string): number | undefined {
  const line = /^cpu\s+(.*)$/m.exec(stat)?.[1];
  if (!line) return undefined;
  const ticks = line.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal [guest guest_nice, already counted in user and nice]
  const [user, nice, system, _idle, _iowait, irq = 0, softirq = 0, steal = 0] = ticks;
  if (![user, nice, system].every((t) => Number.isFinite(t))) return undefined;
  return user! + nice! + system! + irq + softirq + steal;
}

export const MB = 1024 * 1024;

export interface Targets {
  minRatio: number;
  maxP99Ms: number;
  /** The app's whole process tree at rest, started and not yet loaded. */
  maxIdleRssBytes: number;
  maxRssBytes: number;
}

export const defaultTargets: Targets = {
  minRatio: 0.5,
  maxP99Ms: 25,
  maxIdleRssBytes: 120 * MB,
  maxRssBytes: 200 * MB,
};

export interface Verdict {
  target: string;
  actual: string;
  pass: boolean;
}

/** PASS/FAIL for each target; a figure that could not be measured fails its target. */
export function judge(
  figures: {
    ratio: number;
    engineP99Ms: number;
    idleRssBytes: number | undefined;
    peakRssBytes: number | undefined;
  },
  targets: Targets = defaultTargets,
): Verdict[] {
  const memory = (name: string, bytes: number | undefined, limit: number): Verdict => ({
    target: `app RSS ${name} < ${limit / MB} MB`,
    actual: bytes === undefined ? 'not measured' : `${(bytes / MB).toFixed(1)} MB`,
    pass: bytes !== undefined && bytes < limit,
  });
  return [
    {
      target: `engine/baseline >= ${targets.minRatio}`,
      actual: figures.ratio.toFixed(2),
      pass: figures.ratio >= targets.minRatio,
    },
    {
      target: `engine p99 < ${targets.maxP99Ms} ms`,
      actual: `${figures.engineP99Ms.toFixed(1)} ms`,
      pass: figures.engineP99Ms < targets.maxP99Ms,
    },
    memory('idle', figures.idleRssBytes, targets.maxIdleRssBytes),
    memory('peak', figures.peakRssBytes, targets.maxRssBytes),
  ];
}
