// The results: printed for a person, and written as small JSON files under bench/results/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineInfo } from './machine.ts';
import type { Verdict } from './stats.ts';

export const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

export interface RunFigures {
  transitions: number;
  failed: number;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; mean: number; max: number };
  /**
   * CPU time per transition, warm-up included: of the app process (engine only), of this process
   * generating the load (HTTP client, or the baseline's postgres.js client) and of the database's
   * backends. Null where it could not be read (not Linux, or a database on another machine).
   * Steadier than tx/s on a busy machine, since time spent waiting for a core is not counted.
   */
  cpuMsPerTransition: { app?: number | null; loadGenerator: number | null; database: number | null };
}

export interface Results {
  benchmark: 'throughput';
  startedAt: string;
  machine: MachineInfo;
  database: string;
  /**
   * Cores kept busy on average while each workload ran: by its own processes (app, load generator,
   * database backends) and by everything else on the machine. Others' work makes the figures low.
   */
  busyCores: Record<'engine' | 'baseline', { ours: number; others: number | null }>;
  options: Record<string, unknown>;
  workload: { machine: string; event: string; cases: number; snapshotBytes: number; payloadBytes: number };
  engine: RunFigures;
  baseline: RunFigures;
  /** tx/s of each turn, in the order they ran (baseline and engine alternate). */
  turns: { engine: number[]; baseline: number[] };
  /** engine.perSecond / baseline.perSecond */
  ratio: number;
  appRss: { idleMB: number | null; peakMB: number | null; meanMB: number | null; samples: number };
  history: { expectedRows: number; foundRows: number; ok: boolean };
  /** The app's request log (lines it wrote) and /metrics scrapes while the run went on. */
  observed: {
    logLines: number;
    metricsScrapes: {
      scrapes: number;
      failures: number;
      lastBytes: number;
      firstError?: string | undefined;
      peakMB: Record<string, number>;
    };
  };
  targets: Verdict[];
}

function runLine(name: string, run: RunFigures): string {
  const l = run.latencyMs;
  return (
    `${name.padEnd(9)} ${run.perSecond.toFixed(1).padStart(8)} tx/s   ` +
    `p50 ${l.p50.toFixed(2)} ms  p95 ${l.p95.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  max ${l.max.toFixed(1)} ms` +
    `   (${run.transitions} in ${run.seconds} s, ${run.failed} failed)`
  );
}

export function printReport(results: Results, log: (line: string) => void): void {
  const m = results.machine;
  log('');
  log(
    `machine   ${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB; ` +
      `node ${m.node}; PostgreSQL ${m.postgres}`,
  );
  const { engine: e, baseline: b } = results.busyCores;
  const crowded = Math.max(e.others ?? 0, b.others ?? 0) > 0.25;
  log(
    `cores     busy with this run: ${e.ours} (engine), ${b.ours} (baseline); with other work: ` +
      `${e.others ?? '?'} (engine), ${b.others ?? '?'} (baseline)` +
      (crowded ? ' — the machine was shared, figures are low' : ''),
  );
  log(runLine('engine', results.engine));
  log(runLine('baseline', results.baseline));
  log(`engine/baseline  ${results.ratio.toFixed(3)}`);
  const engineCpu = results.engine.cpuMsPerTransition;
  const baselineCpu = results.baseline.cpuMsPerTransition;
  const ms = (value: number | null | undefined) => (value == null ? '?' : `${value} ms`);
  log(
    `CPU/tx    engine: app ${ms(engineCpu.app)}, database ${ms(engineCpu.database)}, ` +
      `HTTP client ${ms(engineCpu.loadGenerator)}; baseline: database ${ms(baselineCpu.database)}, ` +
      `postgres.js client ${ms(baselineCpu.loadGenerator)}`,
  );
  const rss = results.appRss;
  log(`app RSS   idle ${rss.idleMB} MB, peak ${rss.peakMB} MB, mean ${rss.meanMB} MB under load`);
  const { logLines, metricsScrapes } = results.observed;
  log(
    `observed  ${logLines} request-log lines written; /metrics scraped ${metricsScrapes.scrapes} times` +
      (metricsScrapes.failures ? `, ${metricsScrapes.failures} failed (${metricsScrapes.firstError})` : ''),
  );
  log(`heap      peaks seen by /metrics (MB): ${JSON.stringify(metricsScrapes.peakMB)}`);
  log(
    `history   ${results.history.foundRows} rows for ${results.history.expectedRows} acknowledged transitions`,
  );
  log('targets');
  for (const verdict of results.targets) {
    log(`  ${verdict.pass ? 'PASS' : 'FAIL'}  ${verdict.target.padEnd(22)} ${verdict.actual}`);
  }
}

/** Writes the run as throughput-<timestamp>.json and throughput-latest.json; returns their paths. */
export function writeResults(results: Results, startedAt: Date): string[] {
  return writeResultsFiles('throughput', results, startedAt);
}

/** Writes a benchmark's results as <name>-<timestamp>.json and <name>-latest.json; returns their paths. */
export function writeResultsFiles(name: string, results: unknown, startedAt: Date): string[] {
  fs.mkdirSync(resultsDir, { recursive: true });
  // Colons are not allowed in file names everywhere: 2026-05-01T10-20-30Z.
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const text = `${formatJson(results)}\n`;
  return [`${name}-${stamp}.json`, `${name}-latest.json`].map((fileName) => {
    const file = path.join(resultsDir, fileName);
    // Whole or not at all: a reader never sees half a file (*.tmp is ignored by git).
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
    return path.relative(process.cwd(), file);
  });
}

/** Biome's line width (biome.json), which the results files must keep to pass `npm run lint`. */
const LINE_WIDTH = 110;

/**
 * JSON laid out as Biome formats it, so results files pass `npm run lint` as written: objects one
 * key a line; arrays without objects on one line when they fit, and arrays of numbers that do not
 * fit filled across lines.
 */
export function formatJson(value: unknown, indent = '', prefixLength = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    // Arrays without objects go on one line when they fit, as Biome puts them.
    const flat = inline(value);
    if (flat !== undefined && prefixLength + flat.length + 1 <= LINE_WIDTH) return flat;
    if (value.every((item) => typeof item === 'number')) {
      const lines: string[] = [];
      for (const item of value.map((n) => JSON.stringify(n))) {
        const last = lines.at(-1);
        if (last !== undefined && `${last} ${item},`.length <= LINE_WIDTH)
          lines[lines.length - 1] = `${last} ${item},`;
        else lines.push(`${inner}${item},`);
      }
      lines[lines.length - 1] = lines.at(-1)!.slice(0, -1);
      return `[\n${lines.join('\n')}\n${indent}]`;
    }
    return `[\n${value.map((item) => inner + formatJson(item, inner, inner.length)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, v]) => {
    const head = `${inner}${JSON.stringify(key)}: `;
    return head + formatJson(v, inner, head.length);
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** An array of primitives and arrays on one line; undefined when it holds an object. */
function inline(value: unknown): string | undefined {
  if (!Array.isArray(value))
    return value !== null && typeof value === 'object' ? undefined : JSON.stringify(value);
  const items = value.map(inline);
  return items.every((item) => item !== undefined) ? `[${items.join(', ')}]` : undefined;
}
