import { open, readFile, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { type Clock, systemClock } from "../clock.js";

export interface FileLockOptions {
  readonly clock?: Clock;
  /** How often a waiter looks again. @defaultValue 50 */
  readonly pollMs?: number;
}

export interface HeldLock {
  release(): Promise<void>;
}

interface Owner {
  readonly pid: number;
  readonly host: string;
}

/**
 * A lock shared by every process on this machine: a file created with
 * O_EXCL, holding its owner's pid. A lock whose owner process is gone (killed
 * mid-download) is broken by the next taker. Returns undefined when a live
 * process holds it. Locks are per machine: one written by another host (a
 * cache directory on a shared file system) is never broken.
 */
export async function tryLock(path: string): Promise<HeldLock | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (await isAbandoned(path)) {
      await unlink(path).catch(() => undefined);
      return tryLock(path);
    }
    return undefined;
  }
  const owner: Owner = { pid: process.pid, host: hostname() };
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return { release: () => unlink(path).catch(() => undefined) };
}

/** Resolves once `path` is no longer held by a live process (released, or its owner gone). */
export async function waitUnlocked(path: string, options: FileLockOptions = {}): Promise<void> {
  const clock = options.clock ?? systemClock;
  while (!(await isAbandoned(path))) await clock.sleep(options.pollMs ?? 50);
}

/**
 * True when the lock is gone or its owner process is. A lock whose owner is
 * not written yet is being taken, unless it stayed empty for seconds (its
 * taker died in between). Two takers may both break one abandoned lock and
 * both go on: callers must stay correct then (the cache's downloads still
 * land by rename), the lock only saves repeated work.
 */
async function isAbandoned(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return true;
  // Empty or half-written while its taker writes it: read as "no owner yet", like a lock that is missing.
  const owner = await readFile(path, "utf8").then(parseOwner, () => undefined);
  if (!owner) return systemClock.now() - info.mtimeMs > EMPTY_LOCK_MS;
  return owner.host === hostname() && !isAlive(owner.pid);
}

const EMPTY_LOCK_MS = 10_000;

function parseOwner(text: string): Owner | undefined {
  try {
    return JSON.parse(text) as Owner;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs on this machine. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
