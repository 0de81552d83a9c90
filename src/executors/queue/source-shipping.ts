import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JobSettings } from "../../jobs/index.js";
import { objectStoresFor } from "../../jobs/prepare.js";
import { fetchSource, ObjectStores, packSourceBundle } from "../../objects/index.js";
import type { Store } from "../../store/index.js";

const SUBMIT_DIRECTORY = "sagemaker_submit_directory";

/** The submit directory a raw request names (hyperparameters hold JSON-encoded strings, as the SDK writes them). */
export function submitDirectoryOf(request: Record<string, unknown>): string | undefined {
  const hyperparameters = request.HyperParameters as Record<string, unknown> | undefined;
  const raw = hyperparameters?.[SUBMIT_DIRECTORY];
  if (typeof raw !== "string") return undefined;
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** The request with its submit directory replaced by `uri` (the bundle as a file on the worker). */
export function withSubmitDirectory(request: Record<string, unknown>, uri: string): Record<string, unknown> {
  const hyperparameters = { ...(request.HyperParameters as Record<string, unknown>) };
  hyperparameters[SUBMIT_DIRECTORY] = JSON.stringify(uri);
  return { ...request, HyperParameters: hyperparameters };
}

/**
 * Puts a job's code where every worker can fetch it: a source directory (or .tar.gz) that is a file on the
 * controller's machine is packed once as the SageMaker SDK packs sourcedir.tar.gz, content-addressed, and kept in
 * the store. Sources on S3 are left for the worker to fetch itself. Remembers what it packed, so a tuning job's
 * trials pack their common directory once.
 */
export class SourceShipper {
  private readonly packed = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly settings: JobSettings,
  ) {}

  /** The bundle's content address, or undefined when the source is not a file here. */
  ship(request: Record<string, unknown>): Promise<string | undefined> {
    const source = submitDirectoryOf(request);
    if (source === undefined) return Promise.resolve(undefined);
    let known = this.packed.get(source);
    if (!known) {
      known = this.pack(source);
      this.packed.set(source, known);
      known.catch(() => this.packed.delete(source));
    }
    return known;
  }

  private async pack(source: string): Promise<string | undefined> {
    const stores = objectStoresFor(this.settings);
    try {
      let path: string | undefined;
      try {
        path = stores.for(source, "HyperParameters.sagemaker_submit_directory").localPath?.(source);
      } catch {
        return undefined;
      }
      if (path === undefined || !existsSync(path)) return undefined;
      let file: string;
      let sha256: string;
      if (statSync(path).isDirectory()) {
        const scratch = join(this.settings.home, "bundles");
        const bundle = await packSourceBundle(path, `file://${scratch}`, stores);
        sha256 = bundle.sha256;
        file = join(scratch, sha256, "sourcedir.tar.gz");
      } else {
        file = path;
        sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
      }
      await this.store.putSourceBundle(sha256, readFileSync(file));
      return sha256;
    } finally {
      stores.close();
    }
  }
}

/**
 * A packed source on this worker's disk, fetched from the store and unpacked (checked as any source archive is)
 * once per content address: each job then copies the directory, as a local source directory is copied.
 */
export async function bundleOnWorker(store: Store, sha256: string, cacheDir: string): Promise<string> {
  const dir = join(cacheDir, "bundles", sha256);
  const source = join(dir, "source");
  if (existsSync(source)) return source;
  const bytes = await store.getSourceBundle(sha256);
  if (!bytes) throw new Error(`the source bundle ${sha256} is not in the store`);
  mkdirSync(dir, { recursive: true });
  // Written aside and renamed, so two jobs fetching it at once never read half a file or half a directory.
  const unique = `${process.pid}.${Math.random().toString(36).slice(2)}`;
  const file = join(dir, `${unique}.sourcedir.tar.gz`);
  writeFileSync(file, bytes);
  const stores = new ObjectStores();
  try {
    const staging = join(dir, `source.${unique}`);
    await fetchSource(file, staging, { stores });
    try {
      renameSync(staging, source);
    } catch (error) {
      // Another job unpacked it first: its copy is the same bytes.
      if (!existsSync(source)) throw error;
      rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    stores.close();
    rmSync(file, { force: true });
  }
  return source;
}
