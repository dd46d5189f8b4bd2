// The arithmetic behind `npm run bench`'s figures: percentiles, rates, the ratio, the targets, and how
// the load is spread and pooled. Timings themselves are measured by the benchmark, never asserted here.
import { describe, expect, it } from 'vitest';
import { cpuUsedMs } from '../../bench/cpu.ts';
import { caseFor, type LoadResult, mergeLoads } from '../../bench/load.ts';
import { formatJson } from '../../bench/report.ts';
import {
  busyTicksFromProcStat,
  cpuTicksFromStat,
  judge,
  MB,
  percentile,
  perSecond,
  positive,
  roundTo,
  rssBytesFromStatus,
  summariseLatencies,
  throughputRatio,
} from '../../bench/stats.ts';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('is the value at or below which p% of the values lie', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0.5)).toBe(1);
  });

  it('is always an observed value, rounding the rank up', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
    expect(percentile([10, 20, 30, 40], 99)).toBe(40);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no values and a p outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 0)).toThrow();
    expect(() => percentile([1], 101)).toThrow();
    expect(() => percentile([1], Number.NaN)).toThrow();
  });
});

describe('summariseLatencies', () => {
  it('sorts numerically (not as text) before taking percentiles', () => {
    const shuffled = [...oneToHundred].reverse().map((v) => v * 1.5);
    const summary = summariseLatencies(shuffled);
    expect(summary).toEqual({ count: 100, meanMs: 75.75, p50Ms: 75, p95Ms: 142.5, p99Ms: 148.5, maxMs: 150 });
    // 9 < 10 < 100 only when compared as numbers
    expect(summariseLatencies([100, 9, 10]).p50Ms).toBe(10);
  });

  it('leaves its input as it was', () => {
    const input = [3, 1, 2];
    summariseLatencies(input);
    expect(input).toEqual([3, 1, 2]);
  });

  it('refuses an empty run', () => {
    expect(() => summariseLatencies([])).toThrow();
  });
});

describe('rates and the ratio', () => {
  it('counts per second over the measured time', () => {
    expect(perSecond(5000, 20_000)).toBe(250);
    expect(perSecond(1, 4)).toBe(250);
    expect(() => perSecond(1, 0)).toThrow();
  });

  it('divides engine by baseline', () => {
    expect(throughputRatio(600, 1200)).toBe(0.5);
    expect(throughputRatio(300, 1200)).toBe(0.25);
    expect(() => throughputRatio(300, 0)).toThrow();
  });

  it('rounds to the digits asked', () => {
    expect(roundTo(0.12345, 3)).toBe(0.123);
    expect(roundTo(12.36, 1)).toBe(12.4);
  });
});

describe('rssBytesFromStatus', () => {
  it('reads VmRSS in kB from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1234 kB\nVmRSS:\t  204800 kB\nRssAnon:\t 100 kB\n';
    expect(rssBytesFromStatus(status)).toBe(200 * MB);
    expect(rssBytesFromStatus('Name:\tnode\n')).toBeUndefined();
  });
});

describe('judge', () => {
  it('passes each target strictly as stated, and fails what was not measured', () => {
    const verdicts = judge({ ratio: 0.5, engineP99Ms: 25, idleRssBytes: 120 * MB, peakRssBytes: 199 * MB });
    expect(verdicts.map((v) => v.pass)).toEqual([true, false, false, true]);
    expect(verdicts.map((v) => v.actual)).toEqual(['0.50', '25.0 ms', '120.0 MB', '199.0 MB']);
    const unmeasured = judge({
      ratio: 0.49,
      engineP99Ms: 24.9,
      idleRssBytes: 119 * MB,
      peakRssBytes: undefined,
    });
    expect(unmeasured.map((v) => v.pass)).toEqual([false, true, true, false]);
  });
});

describe('the load', () => {
  it('gives each client its own cases, every one of them, in turn', () => {
    const cases = Array.from({ length: 10 }, (_, i) => i);
    const seen = (client: number) => Array.from({ length: 8 }, (_, n) => caseFor(cases, 4, client, n));
    expect(seen(0)).toEqual([0, 4, 8, 0, 4, 8, 0, 4]);
    expect(seen(1)).toEqual([1, 5, 9, 1, 5, 9, 1, 5]);
    expect(seen(3)).toEqual([3, 7, 3, 7, 3, 7, 3, 7]);
  });

  it('pools turns: counts and time add up, latencies join', () => {
    const turn = (completed: number, ms: number, latencies: number[], error?: string): LoadResult => ({
      completed,
      succeeded: completed + 1,
      failed: error ? 1 : 0,
      firstError: error,
      measuredMs: ms,
      latenciesMs: latencies,
    });
    const merged = mergeLoads([turn(2, 1000, [1, 2]), turn(1, 500, [3], 'boom')]);
    expect(merged).toEqual({
      completed: 3,
      succeeded: 5,
      failed: 1,
      firstError: 'boom',
      measuredMs: 1500,
      latenciesMs: [1, 2, 3],
    });
    expect(perSecond(merged.completed, merged.measuredMs)).toBe(2);
  });
});

describe('cpuTicksFromStat', () => {
  it('adds utime and stime, counting fields after the command name', () => {
    const stat = '4242 (node (worker) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 56 0 0 20 0 11 0 97532';
    expect(cpuTicksFromStat(stat)).toBe(1290);
    expect(cpuTicksFromStat('garbage')).toBeUndefined();
  });
});

describe('formatJson', () => {
  it('lays results out as Biome does, so they pass the lint as written', () => {
    const results = { turns: { engine: [246.5, 117] }, none: [], targets: [{ pass: true, actual: null }] };
    expect(formatJson(results)).toBe(
      [
        '{',
        '  "turns": {',
        '    "engine": [246.5, 117]',
        '  },',
        '  "none": [],',
        '  "targets": [',
        '    {',
        '      "pass": true,',
        '      "actual": null',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
    expect(JSON.parse(formatJson(results))).toEqual(results);
  });

  it('fills a long array of numbers across lines within the line width', () => {
    const text = formatJson({ many: Array.from({ length: 40 }, (_, i) => 1000 + i) });
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(110);
    expect(text.split('\n')[1]).toBe('  "many": [');
    expect(JSON.parse(text).many).toHaveLength(40);
  });
});

describe('cpuUsedMs', () => {
  it("adds each process's own difference; one that started in between counts from zero", () => {
    const before = new Map([
      ['101', 500],
      ['102', 40],
      ['103', 7], // ended before the second reading: its last figure is lost
    ]);
    const after = new Map([
      ['101', 650],
      ['102', 40],
      ['104', 25],
    ]);
    expect(cpuUsedMs(before, after)).toBe(150 + 0 + 25);
  });
});

describe('busyTicksFromProcStat', () => {
  it('counts every CPU state but idle and iowait from the first line of /proc/stat', () => {
    const stat = 'cpu  100 5 50 9000 30 1 2 3 40 0\ncpu0 50 2 25 4500 15 0 1 1 20 0\nintr 1 2 3\n';
    expect(busyTicksFromProcStat(stat)).toBe(100 + 5 + 50 + 1 + 2 + 3);
    expect(busyTicksFromProcStat('intr 1 2 3\n')).toBeUndefined();
  });
});

describe('positive', () => {
  it('takes a positive number, 0 only when asked, and names the flag when it refuses', () => {
    expect(positive('seconds', '20')).toBe(20);
    expect(positive('warmup', '0', true)).toBe(0);
    expect(() => positive('warmup', '0')).toThrow('--warmup must be a positive number, got 0');
    expect(() => positive('cases', '-1', true)).toThrow('--cases must be a non-negative number, got -1');
    expect(() => positive('cases', 'many')).toThrow('--cases must be a positive number, got many');
    expect(() => positive('cases', undefined)).toThrow('got undefined');
  });
});
