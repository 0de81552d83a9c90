import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { type Clock, systemClock } from "../clock.js";

/**
 * A job's processes: spawned as the leader of a new process group, so that
 * stopping signals the whole group (the script and anything it started),
 * and recorded with the leader's start time, so that a later tunekit can
 * tell the group is still the job's and not a reused pid.
 */
export interface SpawnedJob {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly pgid: number;
  /** The kernel's start time of the leader (clock ticks since boot), or null off Linux. */
  readonly startTime: number | null;
}

/** The fields of /proc/<pid>/stat after the command name (field 3 first), or undefined once the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces: count from its closing parenthesis.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

export function processStartTime(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[19]) : null; // field 22
}

export function spawnGroup(argv: readonly string[], options: { cwd: string; env: Record<string, string> }): SpawnedJob {
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid ?? -1;
  return { child, pid, pgid: pid, startTime: pid > 0 ? processStartTime(pid) : null };
}

/** Signals every process of the group; false when none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signals every process of the group but its leader. When the leader is
 * bubblewrap, a SIGTERM to it would end the job at once (its children die
 * with it), so the job's own processes get the SIGTERM and their grace
 * period, and bwrap exits when they do.
 */
export function signalGroupMembers(pgid: number, signal: NodeJS.Signals): number {
  let signalled = 0;
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === pgid) continue;
    if (Number(statFields(pid)?.[2]) !== pgid) continue; // field 5: the process group
    try {
      process.kill(pid, signal);
      signalled++;
    } catch {
      // The process ended meanwhile.
    }
  }
  return signalled;
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends a group left behind by a tunekit that died: only if its leader is
 * still the process that was recorded (same pid and start time), SIGTERM,
 * then SIGKILL after `graceMs`. Returns whether anything was signalled.
 */
export async function endOrphanGroup(
  pgid: number,
  startTime: number | null,
  graceMs: number,
  clock: Clock = systemClock,
): Promise<boolean> {
  if (!groupAlive(pgid)) return false;
  const current = processStartTime(pgid);
  if (startTime !== null && current !== null && current !== startTime) return false; // pid reused
  if (startTime !== null && current === null) return false; // leader gone, group survivors cannot be verified
  signalGroup(pgid, "SIGTERM");
  const deadline = clock.now() + graceMs;
  while (groupAlive(pgid) && clock.now() < deadline) await clock.sleep(50);
  if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
  return true;
}
