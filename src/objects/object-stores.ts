import { ValidationError } from "../errors.js";
import { type DirectoryMapping, LocalObjectStore } from "./local-object-store.js";
import type { ObjectStore } from "./object-store.js";
import { S3ObjectStore } from "./s3-object-store.js";
import type { S3Settings } from "./s3-settings.js";

export interface ObjectStoresOptions {
  /** `s3://` prefixes served from local directories (--s3-map): they never reach S3. */
  readonly s3Map?: readonly DirectoryMapping[];
  /** Relative paths are relative to this (a request file's directory). */
  readonly baseDir?: string;
  readonly s3?: S3Settings;
}

/**
 * Picks the store for a URI: an `s3://` URI that a mapping covers is read
 * from its directory, any other `s3://` URI from S3 (one client, made on
 * first use), `file://` URIs and paths from the local file system.
 */
export class ObjectStores {
  private readonly local: LocalObjectStore;
  private s3: S3ObjectStore | undefined;

  constructor(private readonly options: ObjectStoresOptions = {}) {
    this.local = new LocalObjectStore(options.s3Map ?? [], options.baseDir ?? process.cwd());
  }

  for(uri: string, field = "uri"): ObjectStore {
    if (uri.startsWith("s3://")) {
      if (this.local.mappingFor(uri)) return this.local;
      this.s3 ??= new S3ObjectStore(this.options.s3);
      return this.s3;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith("file://")) {
      throw new ValidationError(
        field,
        `unsupported URI scheme in ${uri}: use s3://, file:// or a local path`,
        "E_REQUEST_INVALID",
      );
    }
    return this.local;
  }

  close(): void {
    this.s3?.close();
    this.s3 = undefined;
  }
}
