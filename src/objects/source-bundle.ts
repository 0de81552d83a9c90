import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { cp, lstat, mkdir, mkdtemp, readdir, readlink, rename, rm, rmdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tar from "tar";
import { TunekitError, ValidationError } from "../errors.js";
import type { DownloadCache } from "./download-cache.js";
import { ObjectErrorCode } from "./errors.js";
import type { ObjectStores } from "./object-stores.js";
import { joinUri } from "./object-uri.js";
import { verifyDownload } from "./verify-download.js";

/** The name the SageMaker SDK gives the source it uploads, kept so scripts and logs look the same. */
const BUNDLE_NAME = "sourcedir.tar.gz";
const FIELD = "HyperParameters.sagemaker_submit_directory";

/**
 * Packs a local source directory into `{baseUri}/{sha256}/sourcedir.tar.gz`,
 * where the sha256 is the directory's content address (see directoryDigest):
 * the same source is stored once, and a worker fetching the URI gets exactly
 * what was packed. The archive itself is reproducible: sorted entries, no
 * owners, a fixed modification time. Returns the bundle's URI, for
 * `sagemaker_submit_directory`.
 */
export async function packSourceBundle(
  dir: string,
  baseUri: string,
  stores: ObjectStores,
): Promise<{ uri: string; sha256: string; uploaded: boolean }> {
  const entries = await walk(dir);
  const sha256 = await directoryDigest(dir, entries);
  const uri = joinUri(baseUri, sha256, BUNDLE_NAME);
  const store = stores.for(uri, "sourceBundleUri");
  const existing = await store.head(uri).catch((error: TunekitError) => {
    if (error.code === ObjectErrorCode.notFound) return undefined;
    throw error;
  });
  if (existing) return { uri, sha256, uploaded: false };
  const scratch = await mkdtemp(join(tmpdir(), "tunekit-bundle-"));
  try {
    const file = join(scratch, BUNDLE_NAME);
    await tar.c(
      { gzip: true, file, cwd: dir, portable: true, mtime: new Date(0), noDirRecurse: true },
      entries.map((e) => e.path),
    );
    await store.upload(file, uri);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { uri, sha256, uploaded: true };
}

/**
 * The content address of a directory: sha256 over its entries in path order,
 * each as its path, its kind, whether it is executable, and the sha256 of its
 * bytes (a symlink: its target). Times, owners and umask do not count.
 */
export async function directoryDigest(dir: string, entries?: readonly SourceEntry[]): Promise<string> {
  const digest = createHash("sha256");
  for (const entry of entries ?? (await walk(dir))) {
    const full = join(dir, entry.path);
    let body = "";
    if (entry.kind === "file") {
      const hash = createHash("sha256");
      for await (const chunk of createReadStream(full)) hash.update(chunk as Buffer);
      body = hash.digest("hex");
    } else if (entry.kind === "link") {
      body = await readlink(full);
    }
    digest.update(`${JSON.stringify([entry.path, entry.kind, entry.executable, body])}\n`);
  }
  return digest.digest("hex");
}

/**
 * Puts the job's source at `dest` (before the job starts): a `.tar.gz`
 * (what the SageMaker SDK uploads, or a packed bundle) is fetched, through
 * the cache when given, checked and unpacked; a local directory is copied.
 * The archive is checked before anything is written: an entry with an
 * absolute path or a ".." segment refuses the whole archive.
 */
export async function fetchSource(
  uri: string,
  dest: string,
  options: { stores: ObjectStores; cache?: DownloadCache },
): Promise<void> {
  const store = options.stores.for(uri, FIELD);
  const local = store.localPath?.(uri);
  if (local !== undefined && (await stat(local).catch(() => undefined))?.isDirectory()) {
    await mkdir(dest, { recursive: true });
    await cp(local, dest, { recursive: true });
    return;
  }
  if (!/\.(tar\.gz|tgz)$/.test(uri)) {
    throw new ValidationError(
      FIELD,
      `${uri} must be a directory here or a .tar.gz (the SageMaker SDK uploads ${BUNDLE_NAME}); an S3 prefix of loose files is not a source`,
      "E_REQUEST_INVALID",
    );
  }
  const scratch = await mkdtemp(join(tmpdir(), "tunekit-source-"));
  try {
    let archive = local;
    if (archive === undefined) {
      const head = await store.head(uri);
      if (options.cache) {
        archive = await options.cache.fetch(store, head);
      } else {
        archive = join(scratch, BUNDLE_NAME);
        verifyDownload(head, await store.download(uri, archive, { etag: head.etag }));
      }
    }
    await checkArchive(archive, uri);
    const staging = `${dest}.partial-${randomBytes(4).toString("hex")}`;
    await mkdir(staging, { recursive: true });
    try {
      await tar.x({ file: archive, cwd: staging, strict: true });
      await rmdir(dest).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      await mkdir(dirname(dest), { recursive: true });
      await rename(staging, dest);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function checkArchive(file: string, uri: string): Promise<void> {
  const unsafe: string[] = [];
  await tar.t({
    file,
    onReadEntry: (entry) => {
      const path = entry.path;
      if (path.startsWith("/") || path.split("/").includes("..")) unsafe.push(path);
    },
  });
  if (unsafe.length > 0) {
    throw new TunekitError(
      "E_SOURCE_ARCHIVE",
      `${FIELD}: ${uri} holds entries that would be written outside the code directory (${unsafe
        .slice(0, 3)
        .map((p) => JSON.stringify(p))
        .join(", ")}); nothing was unpacked`,
      { field: FIELD },
    );
  }
}

interface SourceEntry {
  readonly path: string;
  readonly kind: "dir" | "file" | "link";
  readonly executable: boolean;
}

/** Every entry under `dir`, relative, depth first with names sorted, directories included: the same order on every machine. */
async function walk(dir: string, prefix = ""): Promise<SourceEntry[]> {
  const found: SourceEntry[] = [];
  for (const name of (await readdir(join(dir, prefix))).sort()) {
    const path = prefix ? `${prefix}/${name}` : name;
    const info = await lstat(join(dir, path));
    const kind = info.isDirectory() ? "dir" : info.isSymbolicLink() ? "link" : "file";
    found.push({ path, kind, executable: kind === "file" && (info.mode & 0o100) !== 0 });
    if (kind === "dir") found.push(...(await walk(dir, path)));
  }
  return found;
}
