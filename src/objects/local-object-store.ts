import { randomBytes } from "node:crypto";
import { createReadStream, type Stats } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "../errors.js";
import { ObjectErrorCode, ObjectStoreError } from "./errors.js";
import { saveStream } from "./file-streams.js";
import type { DownloadResult, ObjectHead, ObjectStore, ObjectSummary } from "./object-store.js";

/** An `s3://bucket/prefix` whose objects are the files under `dir` (--s3-map, the config's s3Map). */
export interface DirectoryMapping {
  readonly prefix: string;
  readonly dir: string;
}

/**
 * A `file:` URI: `file:///abs/path` (or `file://localhost/abs/path`) is that path; `file://./dir` and
 * `file://../dir` (and `file:dir`), which people write for a relative path though a URI has no such thing,
 * are relative to `baseDir` as plain paths are. Any other host is another machine, which this one cannot read.
 */
function fileLocation(uri: string, baseDir: string): string {
  const slashes = /^file:\/\//i.test(uri);
  const rest = uri.replace(/^file:(\/\/)?/i, "");
  try {
    if (/^\.\.?(\/|$)/.test(rest) || (!slashes && !rest.startsWith("/"))) {
      return resolve(baseDir, decodeURIComponent(rest));
    }
    return fileURLToPath(uri);
  } catch (error) {
    throw new ValidationError(
      "uri",
      `${uri} is not a file URI of this machine (${(error as Error).message}): write file:///absolute/path, file://./relative/path or a plain path`,
      "E_REQUEST_INVALID",
    );
  }
}

/** Files of an upload in progress; never listed, renamed into place when complete. */
const PARTIAL = ".tunekit-partial-";

/**
 * Objects that are files on this machine: mapped `s3://` prefixes, `file://`
 * URIs and plain paths (relative ones against `baseDir`). A key is a path
 * under the directory, so the prefix `.../train` matches `train/a.csv` and
 * `train.csv` alike, as it would in S3.
 */
export class LocalObjectStore implements ObjectStore {
  readonly id = "local";
  private readonly mappings: readonly DirectoryMapping[];

  constructor(
    mappings: readonly DirectoryMapping[] = [],
    private readonly baseDir = process.cwd(),
  ) {
    this.mappings = [...mappings].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The mapping that covers `uri`, the longest prefix first. */
  mappingFor(uri: string): DirectoryMapping | undefined {
    return this.mappings.find((m) => uri === m.prefix || uri.startsWith(`${m.prefix}/`));
  }

  localPath(uri: string): string {
    if (uri.startsWith("s3://")) {
      const mapping = this.mappingFor(uri);
      if (!mapping)
        throw new ObjectStoreError(ObjectErrorCode.bucketNotFound, uri, "no local directory is mapped to it");
      const key = uri.slice(mapping.prefix.length);
      // In S3, "a/../b" is a key of its own, not a way up; as a path it would leave the mapped directory.
      if (key.split("/").some((segment) => segment === "." || segment === "..")) {
        throw new ValidationError(
          "uri",
          `${uri} has a "." or ".." segment under ${mapping.prefix}: an S3 key's segments are names, and such a key has no place inside the directory mapped to ${mapping.prefix}`,
          "E_REQUEST_INVALID",
        );
      }
      return resolve(mapping.dir, `.${key}`);
    }
    if (/^file:/i.test(uri)) return fileLocation(uri, this.baseDir);
    return isAbsolute(uri) ? uri : resolve(this.baseDir, uri);
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    // A prefix that is a mapping's own (`s3://bucket/out` for /data/out) lists that directory: read as a name
    // prefix it would walk the parent and find /data/out.bak, which no mapping puts at s3://bucket/out.bak.
    if (prefix.startsWith("s3://") && this.mappingFor(prefix)?.prefix === prefix) return this.list(`${prefix}/`);
    const root = this.localPath(prefix);
    const folder = prefix.endsWith("/");
    const dir = folder ? root : dirname(root);
    const namePrefix = folder ? "" : basename(root);
    const found: ObjectSummary[] = [];
    const walk = async (path: string, rest: string): Promise<void> => {
      const entries = await readdir(path, { withFileTypes: true }).catch((error) => {
        throw localError(error, prefix);
      });
      for (const entry of entries) {
        if (entry.name.includes(PARTIAL)) continue;
        const top = rest === "" && !folder;
        if (top && !entry.name.startsWith(namePrefix)) continue;
        const name = top ? entry.name.slice(namePrefix.length) : `${rest}${entry.name}`;
        const full = join(path, entry.name);
        const info = await stat(full).catch(() => undefined);
        if (info?.isDirectory()) await walk(full, `${name}/`);
        else if (info?.isFile()) found.push({ uri: prefix + name, size: info.size, etag: etagOf(info) });
      }
    };
    await this.requireRoot(prefix);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return [];
    await walk(dir, "");
    return found.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async head(uri: string): Promise<ObjectHead> {
    const path = this.localPath(uri);
    const info = await stat(path).catch(async (error) => {
      await this.requireRoot(uri);
      throw localError(error, uri);
    });
    if (!info.isFile()) throw new ObjectStoreError(ObjectErrorCode.notFound, uri, `${path} is not a file`);
    return { uri, size: info.size, etag: etagOf(info), keyEncrypted: false };
  }

  async download(
    uri: string,
    file: string,
    options: { etag?: string; signal?: AbortSignal } = {},
  ): Promise<DownloadResult> {
    const head = await this.head(uri);
    if (options.etag !== undefined && head.etag !== options.etag) {
      throw new ObjectStoreError(ObjectErrorCode.changed, uri, `the file changed after it was listed`);
    }
    const saved = await saveStream(createReadStream(this.localPath(uri)), file, options.signal).catch((error) => {
      throw localError(error, uri);
    });
    return { ...head, ...saved };
  }

  async upload(file: string, uri: string, options: { signal?: AbortSignal } = {}): Promise<ObjectSummary> {
    const path = this.localPath(uri);
    const partial = join(dirname(path), `.${basename(path)}${PARTIAL}${randomBytes(6).toString("hex")}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await saveStream(createReadStream(file), partial, options.signal);
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw localError(error, uri);
    }
    const info = await stat(path);
    return { uri, size: info.size, etag: etagOf(info) };
  }

  async delete(uri: string): Promise<void> {
    await rm(this.localPath(uri), { force: true }).catch((error) => {
      throw localError(error, uri);
    });
  }

  close(): void {}

  /**
   * A directory mapped to a whole bucket that is missing is a missing bucket, as S3 would answer. One mapped to a
   * prefix inside a bucket (`s3://bucket/output`) stands for keys that may not exist yet, as a fresh output or
   * checkpoint prefix does not in S3: it is empty until written, and an upload makes it.
   */
  private async requireRoot(uri: string): Promise<void> {
    const mapping = uri.startsWith("s3://") ? this.mappingFor(uri) : undefined;
    if (!mapping || /^s3:\/\/[^/]+\/./.test(mapping.prefix)) return;
    if (!(await stat(mapping.dir).catch(() => undefined))?.isDirectory()) {
      throw new ObjectStoreError(
        ObjectErrorCode.bucketNotFound,
        uri,
        `the directory ${mapping.dir} mapped to ${mapping.prefix} does not exist`,
      );
    }
  }
}

/** Inode, size and modification time: a rewrite in place or a replacement both change it. */
function etagOf(info: Stats): string {
  return `"${info.ino.toString(16)}-${info.size.toString(16)}-${Math.round(info.mtimeMs * 1000).toString(16)}"`;
}

function localError(error: unknown, uri: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const e = error as NodeJS.ErrnoException;
  const said = `${e.code ?? e.name}: ${e.message}`;
  if (e.code === "ENOENT" || e.code === "ENOTDIR") {
    return new ObjectStoreError(ObjectErrorCode.notFound, uri, `no such file (${said})`, error);
  }
  if (e.code === "EACCES" || e.code === "EPERM") {
    return new ObjectStoreError(ObjectErrorCode.accessDenied, uri, `access denied (${said})`, error);
  }
  if (e.name === "AbortError") return new ObjectStoreError(ObjectErrorCode.failed, uri, `aborted (${said})`, error);
  return new ObjectStoreError(ObjectErrorCode.failed, uri, said, error);
}
