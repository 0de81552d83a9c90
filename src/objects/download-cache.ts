import { createHash, randomBytes } from "node:crypto";
import { chmod, copyFile, link, mkdir, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isAlive, tryLock, waitUnlocked } from "./file-lock.js";
import type { ObjectStore, ObjectSummary } from "./object-store.js";
import { verifyDownload } from "./verify-download.js";

/**
 * Every entry's modification time. A job that writes through its hard link
 * into an entry changes it, so the entry is known to be spoiled and fetched again.
 */
const SEALED = new Date(Date.UTC(2000, 0, 1));

/**
 * Objects downloaded once per machine and shared by every job that reads
 * them. An entry is keyed by store, URI and ETag, so a replaced object is a
 * new entry. A download goes to a temporary file, is verified (size, and MD5
 * where the ETag is one), sealed read-only and renamed into place: a
 * half-finished download is never an entry. Processes wanting the same
 * object wait for one download through a lock file next to the entry.
 * Nothing is evicted: delete the directory when no job is starting.
 */
export class DownloadCache {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(readonly dir: string) {}

  /** The entry's path for this object version (present or not). */
  entryPath(store: ObjectStore, object: ObjectSummary): string {
    const key = createHash("sha256").update(`${store.id}\n${object.uri}\n${object.etag}`).digest("hex");
    return join(this.dir, key.slice(0, 2), key);
  }

  /** The path of a verified, read-only copy of the object, downloading it unless this machine has it. */
  fetch(store: ObjectStore, object: ObjectSummary, signal?: AbortSignal): Promise<string> {
    const entry = this.entryPath(store, object);
    let pending = this.inFlight.get(entry);
    if (!pending) {
      pending = this.fetchEntry(entry, store, object, signal).finally(() => this.inFlight.delete(entry));
      this.inFlight.set(entry, pending);
    }
    return pending;
  }

  /**
   * Puts the entry at `dest` read-only: a hard link (no copy, no space) where
   * the cache and `dest` share a file system, else a copy.
   */
  async shareInto(entry: string, dest: string): Promise<void> {
    await mkdir(dirname(dest), { recursive: true });
    try {
      await link(entry, dest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK" && code !== "ENOTSUP") throw error;
      await copyFile(entry, dest);
      await chmod(dest, 0o444);
    }
  }

  private async fetchEntry(entry: string, store: ObjectStore, object: ObjectSummary, signal?: AbortSignal) {
    await mkdir(dirname(entry), { recursive: true });
    const lockPath = `${entry}.lock`;
    for (;;) {
      if (await isSound(entry, object)) return entry;
      const lock = await tryLock(lockPath);
      if (!lock) {
        await waitUnlocked(lockPath);
        continue;
      }
      try {
        if (await isSound(entry, object)) return entry;
        await removeAbandonedPartials(entry);
        await rm(entry, { force: true });
        await this.download(entry, store, object, signal);
        return entry;
      } finally {
        await lock.release();
      }
    }
  }

  private async download(entry: string, store: ObjectStore, object: ObjectSummary, signal?: AbortSignal) {
    const partial = `${entry}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      verifyDownload(object, await store.download(object.uri, partial, { etag: object.etag, signal }));
      await chmod(partial, 0o444);
      await utimes(partial, SEALED, SEALED);
      await rename(partial, entry);
    } finally {
      await rm(partial, { force: true });
    }
  }
}

/** Temporary files of downloads whose process died (killed mid-download): nobody will finish them. */
async function removeAbandonedPartials(entry: string): Promise<void> {
  const stem = `${basename(entry)}.partial-`;
  for (const name of await readdir(dirname(entry))) {
    const pid = Number(name.startsWith(stem) ? name.slice(stem.length).split("-")[0] : Number.NaN);
    if (Number.isInteger(pid) && !isAlive(pid)) await rm(join(dirname(entry), name), { force: true });
  }
}

async function isSound(entry: string, object: ObjectSummary): Promise<boolean> {
  const info = await stat(entry).catch(() => undefined);
  return info !== undefined && info.size === object.size && info.mtimeMs === SEALED.getTime();
}
