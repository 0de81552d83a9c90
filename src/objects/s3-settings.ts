/**
 * How tunekit reaches S3 or an S3-compatible store (MinIO, Ceph, ...).
 * Everything is optional: credentials, region and endpoint come from the
 * standard AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE
 * and ~/.aws/config and ~/.aws/credentials, AWS_REGION, AWS_ENDPOINT_URL_S3
 * or AWS_ENDPOINT_URL); what is set here wins over the chain.
 */
export interface S3Settings {
  /** An S3-compatible endpoint, e.g. http://127.0.0.1:9000 for MinIO. */
  readonly endpoint?: string;
  readonly region?: string;
  /** A profile of ~/.aws/config and ~/.aws/credentials. */
  readonly profile?: string;
  /**
   * Address buckets as http://host/bucket/key rather than http://bucket.host/key.
   * @defaultValue true when an endpoint is set here or in the environment, else false
   */
  readonly forcePathStyle?: boolean;
  /** Fixed credentials, for programs that hold their own; the chain is used otherwise. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** @defaultValue S3_DEFAULTS.connectTimeoutMs */
  readonly connectTimeoutMs?: number;
  /** A request that neither sends nor receives a byte for this long fails. @defaultValue S3_DEFAULTS.idleTimeoutMs */
  readonly idleTimeoutMs?: number;
  /** Tries per request, the first included, for errors the SDK deems retryable. @defaultValue S3_DEFAULTS.maxAttempts */
  readonly maxAttempts?: number;
  /** Keys per ListObjectsV2 page (S3 returns at most 1000). @defaultValue S3_DEFAULTS.listPageSize */
  readonly listPageSize?: number;
  /** Multipart upload part size; files larger than one part go up in parts. @defaultValue S3_DEFAULTS.partSize */
  readonly partSize?: number;
  /** Parts uploaded at once. @defaultValue S3_DEFAULTS.uploadConcurrency */
  readonly uploadConcurrency?: number;
}

export const S3_DEFAULTS = {
  /** Used when neither the settings nor the chain name a region; with followRegionRedirects AWS still finds the bucket. */
  region: "us-east-1",
  connectTimeoutMs: 3_000,
  idleTimeoutMs: 30_000,
  maxAttempts: 3,
  listPageSize: 1000,
  partSize: 16 * 1024 * 1024,
  uploadConcurrency: 4,
} as const;
