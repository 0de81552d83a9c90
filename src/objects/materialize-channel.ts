import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, mkdir, rename, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ChannelObject, ChannelPlan } from "./channel-plan.js";
import type { DownloadCache } from "./download-cache.js";
import { mapLimit } from "./map-limit.js";
import type { ObjectStores } from "./object-stores.js";
import { verifyDownload } from "./verify-download.js";

export interface MaterializeOptions {
  readonly stores: ObjectStores;
  /** Shares objects this machine already has; without it every object is downloaded for this channel alone. */
  readonly cache?: DownloadCache;
  /** Objects fetched at once. @defaultValue 4 */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/**
 * Puts a resolved channel's objects at their paths under `dest` (before the
 * job starts). Objects in local directories are copied; remote ones come
 * from the cache (hard links) or are downloaded and verified. Everything is
 * assembled beside `dest` and renamed into place at the end, so a failed or
 * interrupted materialisation never leaves a partial channel at `dest`.
 * `dest` must be absent or an empty directory.
 */
export async function materializeChannel(
  plan: ChannelPlan,
  dest: string,
  options: MaterializeOptions,
): Promise<{ files: number; bytes: number }> {
  const staging = `${dest}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
  await mkdir(staging, { recursive: true });
  try {
    await mapLimit(plan.objects, options.concurrency ?? 4, (object) =>
      place(object, join(staging, object.path), options),
    );
    await rmdir(dest).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    await mkdir(dirname(dest), { recursive: true });
    await rename(staging, dest);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { files: plan.objects.length, bytes: plan.bytes };
}

async function place(object: ChannelObject, target: string, options: MaterializeOptions): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const store = options.stores.for(object.uri);
  const local = store.localPath?.(object.uri);
  if (local !== undefined) {
    await copyFile(local, target, constants.COPYFILE_FICLONE).catch(async (error) => {
      await store.head(object.uri);
      throw error;
    });
    return;
  }
  if (options.cache) {
    await options.cache.shareInto(await options.cache.fetch(store, object, options.signal), target);
    return;
  }
  verifyDownload(object, await store.download(object.uri, target, { etag: object.etag, signal: options.signal }));
}
