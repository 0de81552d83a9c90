import { dirname } from "node:path";
import { defaultJobSettings, type JobSettings, parseS3Mapping } from "../jobs/index.js";
import type { SandboxMode } from "../jobs/sandbox.js";
import { SqliteStore, type Store } from "../store/index.js";
import { storeLocation } from "../store/location.js";

/** Where the SDK keeps its jobs and how it runs them: the programmatic counterpart of the CLI's options. */
export interface SessionOptions {
  /** An open store; else the SQLite store at `storePath` (default: $TUNEKIT_HOME/tunekit.db, else ~/.tunekit). */
  readonly store?: Store;
  readonly storePath?: string;
  /** `s3://prefix` → local directory, as `--s3-map` takes them. */
  readonly s3Map?: Record<string, string>;
  readonly python?: string;
  readonly sandbox?: SandboxMode;
  /** Jobs this machine runs at once, across tuning jobs. */
  readonly slots?: number;
  /** Relative paths (source_dir, inputs) resolve against this; default the working directory. */
  readonly baseDir?: string;
}

/** The store and job settings of an SDK object; it closes the store only if it opened it. */
export class Session {
  readonly store: Store;
  readonly settings: JobSettings;
  readonly storePath: string;
  private readonly owned: boolean;

  constructor(options: SessionOptions = {}) {
    this.storePath = storeLocation(options.storePath);
    this.owned = options.store === undefined;
    this.store = options.store ?? new SqliteStore(this.storePath);
    this.settings = defaultJobSettings(dirname(this.storePath), {
      baseDir: options.baseDir ?? process.cwd(),
      s3Map: Object.entries(options.s3Map ?? {}).map(([prefix, dir]) => parseS3Mapping(`${prefix}=${dir}`, "s3Map")),
      ...(options.python ? { python: options.python } : {}),
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      ...(options.slots ? { slots: options.slots } : {}),
    });
  }

  close(): void {
    if (this.owned) this.store.close();
  }
}
