import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { channelPath } from "./channel-paths.js";
import { md5File } from "./file-streams.js";
import { mapLimit } from "./map-limit.js";
import type { ObjectStore, ObjectSummary } from "./object-store.js";
import type { ObjectStores } from "./object-stores.js";
import { joinUri } from "./object-uri.js";
import { isPlainMd5, verifyDownload } from "./verify-download.js";

export interface CheckpointSyncOptions {
  readonly stores: ObjectStores;
  /** CheckpointConfig.S3Uri: a "folder"; each file is stored at its path under it. */
  readonly uri: string;
  /** The job's checkpoint directory (CheckpointConfig.LocalPath inside the job). */
  readonly dir: string;
  /** OutputDataConfig.KmsKeyId, for the uploaded checkpoints. */
  readonly kmsKeyId?: string;
  /** Files moved at once. @defaultValue 4 */
  readonly concurrency?: number;
}

const FIELD = "CheckpointConfig.S3Uri";
const PARTIAL = ".tunekit-partial-";

/**
 * Keeps a job's checkpoint directory and CheckpointConfig.S3Uri in step, as
 * SageMaker does: restore() before an attempt starts (so a retried job
 * resumes), push() while it runs and once after it ends. A push uploads only
 * files that changed since they were last pushed or restored; files deleted
 * locally stay in the store.
 */
export class CheckpointSync {
  private readonly synced = new Map<string, string>();
  private pushing: Promise<{ uploaded: number; unchanged: number }> | undefined;

  constructor(private readonly options: CheckpointSyncOptions) {}

  /** Downloads the stored checkpoints into the directory; files already there with the same bytes are kept. */
  async restore(): Promise<{ downloaded: number; kept: number }> {
    const prefix = joinUri(this.options.uri, "");
    const stores = this.options.stores;
    const objects = await stores.for(prefix, FIELD).list(prefix);
    let downloaded = 0;
    await mapLimit(objects, this.options.concurrency ?? 4, async (object) => {
      const relative = channelPath(object.uri.slice(prefix.length), object.uri, FIELD);
      const local = join(this.options.dir, relative);
      if (!(await sameBytes(local, object, stores.for(object.uri, FIELD)))) {
        await mkdir(dirname(local), { recursive: true });
        const partial = `${local}${PARTIAL}${randomBytes(4).toString("hex")}`;
        try {
          verifyDownload(
            object,
            await stores.for(object.uri, FIELD).download(object.uri, partial, { etag: object.etag }),
          );
          await rename(partial, local);
        } finally {
          await rm(partial, { force: true });
        }
        downloaded++;
      }
      this.synced.set(relative, await fingerprint(local));
    });
    return { downloaded, kept: objects.length - downloaded };
  }

  /** Uploads the files that changed since the last push or restore. A push asked for while one runs joins it. */
  push(): Promise<{ uploaded: number; unchanged: number }> {
    this.pushing ??= this.pushChanged().finally(() => {
      this.pushing = undefined;
    });
    return this.pushing;
  }

  private async pushChanged(): Promise<{ uploaded: number; unchanged: number }> {
    const files = await listFiles(this.options.dir);
    let uploaded = 0;
    await mapLimit(files, this.options.concurrency ?? 4, async (relative) => {
      const local = join(this.options.dir, relative);
      const before = await fingerprint(local);
      if (this.synced.get(relative) === before) return;
      const uri = joinUri(this.options.uri, relative);
      await this.options.stores.for(uri, FIELD).upload(local, uri, { kmsKeyId: this.options.kmsKeyId });
      // Recorded as it was before the upload: a file rewritten meanwhile is pushed again next time.
      this.synced.set(relative, before);
      uploaded++;
    });
    return { uploaded, unchanged: files.length - uploaded };
  }
}

/** Size, modification time and inode: what changes when a script writes or replaces a checkpoint. */
async function fingerprint(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.size}:${info.mtimeMs}:${info.ino}`;
}

/** Whether the local file already holds the object's bytes: by its MD5 ETag, or by hashing both when both are files here. */
async function sameBytes(local: string, object: ObjectSummary, store: ObjectStore): Promise<boolean> {
  const info = await stat(local).catch(() => undefined);
  if (!info?.isFile() || info.size !== object.size) return false;
  if (isPlainMd5(object.etag)) return (await md5File(local)) === object.etag.replace(/"/g, "").toLowerCase();
  const stored = store.localPath?.(object.uri);
  return stored !== undefined && (await md5File(local)) === (await md5File(stored));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  return entries
    .filter((e) => e.isFile() && !e.name.includes(PARTIAL))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}
