/**
 * What training jobs need from the place their bytes live. Every location is
 * a URI string (`s3://bucket/key`, `file:///dir/file` or a path), and a
 * store answers in the same spelling it was asked in, so code above it never
 * cares whether an object is in S3 or in a directory standing in for it.
 * One contract suite (object-store.contract.ts) runs against every store.
 */
export interface ObjectStore {
  /**
   * Names this store in cache keys: the same id, URI and ETag mean the same
   * bytes. S3 stores include their endpoint.
   */
  readonly id: string;
  /**
   * Every object whose URI starts with `prefix` (a raw key prefix, as S3
   * matches them), sorted by URI. Each URI is `prefix` followed by the rest
   * of the object's name. Folder markers (keys ending in "/") are left out.
   */
  list(prefix: string): Promise<ObjectSummary[]>;
  head(uri: string): Promise<ObjectHead>;
  /**
   * Writes the object's bytes to `file` (created or truncated) and reports
   * what was received; the caller verifies it (verify-download.ts).
   * With `etag`, the read fails with E_OBJECT_CHANGED if the object is no longer that version.
   */
  download(uri: string, file: string, options?: DownloadOptions): Promise<DownloadResult>;
  /**
   * Stores `file` at `uri`. The object appears only once it is complete (a
   * single put, a completed multipart upload, a rename): a failed or aborted
   * upload leaves nothing at `uri` that was not there before.
   */
  upload(file: string, uri: string, options?: UploadOptions): Promise<ObjectSummary>;
  /** Removes the object; removing a missing object succeeds, as in S3. */
  delete(uri: string): Promise<void>;
  /** Where the object already lies on this machine, for stores that are directories: no download, no cache. */
  localPath?(uri: string): string;
  /** Releases connections; the store is not used afterwards. */
  close(): void;
}

export interface ObjectSummary {
  readonly uri: string;
  readonly size: number;
  /** Changes whenever the object is replaced. S3's own ETag, quotes included. */
  readonly etag: string;
}

export interface ObjectHead extends ObjectSummary {
  /** Encrypted with a KMS or customer key: S3's ETag is then not the MD5 of the bytes. */
  readonly keyEncrypted: boolean;
}

export interface DownloadResult extends ObjectHead {
  /** Bytes written to the file. */
  readonly bytes: number;
  /** MD5 of the bytes written, lowercase hex. */
  readonly md5: string;
}

export interface DownloadOptions {
  readonly etag?: string;
  readonly signal?: AbortSignal;
}

export interface UploadOptions {
  /** Server-side encryption with this KMS key (OutputDataConfig.KmsKeyId); ignored by directory stores. */
  readonly kmsKeyId?: string;
  readonly signal?: AbortSignal;
}
