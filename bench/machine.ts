// What the figures were measured on, so results from different machines are not compared blindly.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type postgres from 'postgres';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  postgres: string;
  commit: string | undefined;
  /** Whether the code measured differs from that commit (uncommitted changes to src/, machines/, ...). */
  uncommittedChanges: boolean | undefined;
}

export async function describeMachine(sql: postgres.Sql): Promise<MachineInfo> {
  const cpus = os.cpus();
  const [row] = await sql`select current_setting('server_version') as version`;
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: String(row?.version),
    commit: currentCommit(),
    uncommittedChanges: uncommittedChanges(),
  };
}

/** The commit measured; BENCH_COMMIT names it when the bench runs in an exported tree without .git. */
function currentCommit(): string | undefined {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return undefined;
  }
}

/** Read-only (plumbing; the index is not refreshed or written). Undefined outside a git checkout. */
function uncommittedChanges(): boolean | undefined {
  if (process.env.BENCH_COMMIT) return undefined;
  try {
    execFileSync('git', ['diff-index', '--quiet', 'HEAD', '--', 'src', 'machines', 'migrations', 'bench'], {
      stdio: 'pipe',
    });
    return false;
  } catch (error) {
    return (error as { status?: number }).status === 1 ? true : undefined;
  }
}
