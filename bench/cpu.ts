// CPU time spent by each party to a workload — the app, this load generator, the database's
// backends — so a figure per transition can be given. Steadier than tx/s on a shared machine: time
// spent waiting for a core is not counted.
import type postgres from 'postgres';
import { readCpuMs, readMachineBusyMs } from './app-process.ts';

/** CPU milliseconds used so far, per process (pid or any stable name). */
export type CpuReading = () => Promise<Map<string, number> | undefined>;

export const ownProcess: CpuReading = async () => {
  const used = process.cpuUsage();
  return new Map([['self', (used.user + used.system) / 1000]]);
};

export const childProcess =
  (pid: number): CpuReading =>
  async () => {
    const ms = readCpuMs(pid);
    return ms === undefined ? undefined : new Map([[String(pid), ms]]);
  };

/** Every process on the machine together: what is left after the parties is someone else's work. */
export const wholeMachine: CpuReading = async () => {
  const ms = readMachineBusyMs();
  return ms === undefined ? undefined : new Map([['machine', ms]]);
};

/**
 * The backends serving this database, read from /proc: only when the server runs on this machine
 * (a loopback address), since a pid means nothing elsewhere.
 */
export function databaseBackends(sql: postgres.Sql, url: string): CpuReading {
  const host = new URL(url).hostname;
  const local = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host);
  return async () => {
    if (!local) return undefined;
    const rows = await sql`select pid from pg_stat_activity where datname = current_database()`;
    const readings = new Map<string, number>();
    for (const { pid } of rows) {
      const ms = readCpuMs(Number(pid));
      if (ms !== undefined) readings.set(String(pid), ms);
    }
    return readings;
  };
}

/**
 * CPU used between two readings, process by process: one that started in between counts from
 * zero; one that ended in between is lost (its last figure cannot be read).
 */
export function cpuUsedMs(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [process, ms] of after) total += ms - (before.get(process) ?? 0);
  return total;
}

/** Adds up, per workload and per party, the CPU used while the workload ran. */
export class CpuAccount<Party extends string> {
  private readonly totals = new Map<string, number>();
  private readonly elapsed = new Map<string, number>();

  constructor(private readonly parties: Record<Party, CpuReading>) {}

  async during<T>(workload: string, work: () => Promise<T>): Promise<T> {
    const before = await this.read();
    const began = performance.now();
    const result = await work();
    this.elapsed.set(workload, (this.elapsed.get(workload) ?? 0) + performance.now() - began);
    const after = await this.read();
    for (const party of Object.keys(this.parties) as Party[]) {
      const key = `${workload}/${party}`;
      const was = before.get(party);
      const now = after.get(party);
      const used = was && now ? cpuUsedMs(was, now) : Number.NaN;
      this.totals.set(key, (this.totals.get(key) ?? 0) + used);
    }
    return result;
  }

  /** Milliseconds per transition for each party; null where it could not be read. */
  perTransition(workload: string, transitions: number): Record<Party, number | null> {
    const figures = {} as Record<Party, number | null>;
    for (const party of Object.keys(this.parties) as Party[]) {
      const total = this.totals.get(`${workload}/${party}`);
      figures[party] =
        total === undefined || Number.isNaN(total) || transitions === 0
          ? null
          : Math.round((total / transitions) * 1000) / 1000;
    }
    return figures;
  }

  /** CPU used by a party while a workload ran, as a number of cores kept busy on average. */
  cores(workload: string, party: Party): number | null {
    const total = this.totals.get(`${workload}/${party}`);
    const elapsed = this.elapsed.get(workload);
    if (total === undefined || Number.isNaN(total) || !elapsed) return null;
    return Math.round((total / elapsed) * 100) / 100;
  }

  private async read(): Promise<Map<Party, Map<string, number>>> {
    const readings = new Map<Party, Map<string, number>>();
    for (const party of Object.keys(this.parties) as Party[]) {
      const reading = await this.parties[party]();
      if (reading) readings.set(party, reading);
    }
    return readings;
  }
}
