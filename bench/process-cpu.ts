// CPU time spent by named processes, read from /proc (Linux): what a benchmark's processes cost the machine, apart
// from whatever else a shared machine runs meanwhile (which a wall-clock comparison cannot tell apart).
import { readFileSync } from "node:fs";
import { Client } from "pg";

const TICK_MS = 10; // the kernel's clock tick (USER_HZ, 100 per second on Linux)

/**
 * User and system CPU time of a process, with that of the children it has waited for (the training jobs a worker
 * ran, once reaped), in milliseconds; 0 for a process that is gone.
 */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // Fields after the command name (which may hold spaces, so it is skipped by its closing parenthesis).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime, stime, cutime, cstime are fields 14-17 of the line, 12-15 after the name and state.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks * TICK_MS;
}

/** The pids of the PostgreSQL server processes serving one database. */
export async function postgresBackends(url: string, database: string): Promise<number[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [database],
    );
    return result.rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** Redis's own CPU time (user and system), in milliseconds, from INFO cpu. */
export function redisCpuMs(info: string): number {
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return (field("used_cpu_user") + field("used_cpu_sys")) * 1000;
}
