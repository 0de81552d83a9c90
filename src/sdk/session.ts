import { defaultJobSettings, type JobSettings, parseS3Mapping } from "../jobs/index.js";
import type { SandboxMode } from "../jobs/sandbox.js";
import { openStore, type Store, storeLocation, tunekitHome } from "../store/index.js";
import { ServerClient } from "../transports/http/client.js";

/** Where the SDK keeps its jobs and how it runs them: the programmatic counterpart of the CLI's options. */
export interface SessionOptions {
  /** An open store; else the store at `storePath`. */
  readonly store?: Store;
  /** An SQLite file or a postgres:// URL (default: $TUNEKIT_STORE, else $TUNEKIT_HOME/tunekit.db, else ~/.tunekit). */
  readonly storePath?: string;
  /**
   * A `tunekit serve` URL: jobs are submitted to its controller and run there, and everything the SDK reads
   * comes from its API. Default $TUNEKIT_SERVER; without one, jobs run in this process.
   */
  readonly server?: string;
  /** The server's token (default $TUNEKIT_TOKEN). */
  readonly token?: string;
  /** `s3://prefix` → local directory, as `--s3-map` takes them. */
  readonly s3Map?: Record<string, string>;
  readonly python?: string;
  readonly sandbox?: SandboxMode;
  /** At most this many jobs at once on this machine, across tuning jobs (default: no bound without GPUs). */
  readonly slots?: number;
  /** Relative paths (source_dir, inputs) resolve against this; default the working directory. */
  readonly baseDir?: string;
}

/** The store (or server) and job settings of an SDK object; it closes the store only if it opened it. */
export class Session {
  readonly settings: JobSettings;
  /** Set when jobs run on a tunekit server. */
  readonly client: ServerClient | undefined;
  private readonly location: string;
  private opened: Promise<Store> | undefined;
  private readonly owned: boolean;

  constructor(options: SessionOptions = {}) {
    this.location = storeLocation(options.storePath);
    this.owned = options.store === undefined;
    if (options.store) this.opened = Promise.resolve(options.store);
    const server = options.server ?? process.env.TUNEKIT_SERVER;
    this.client = server ? new ServerClient(server, options.token ?? process.env.TUNEKIT_TOKEN) : undefined;
    this.settings = defaultJobSettings(tunekitHome(this.location), {
      baseDir: options.baseDir ?? process.cwd(),
      s3Map: Object.entries(options.s3Map ?? {}).map(([prefix, dir]) => parseS3Mapping(`${prefix}=${dir}`, "s3Map")),
      ...(options.python ? { python: options.python } : {}),
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      ...(options.slots ? { slots: options.slots } : {}),
    });
  }

  /** The store, opened on first use. */
  store(): Promise<Store> {
    this.opened ??= openStore(this.location);
    return this.opened;
  }

  async close(): Promise<void> {
    if (this.owned && this.opened) await (await this.opened).close();
  }
}
