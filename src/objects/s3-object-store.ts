import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ObjectErrorCode, ObjectStoreError } from "./errors.js";
import { expectedEtags, saveStream } from "./file-streams.js";
import type {
  DownloadOptions,
  DownloadResult,
  ObjectHead,
  ObjectStore,
  ObjectSummary,
  UploadOptions,
} from "./object-store.js";
import { formatS3Uri, parseS3Uri } from "./object-uri.js";
import { configuredEndpoint, createS3Client } from "./s3-client.js";
import { s3Error } from "./s3-errors.js";
import { S3_DEFAULTS, type S3Settings } from "./s3-settings.js";

/** Objects in S3 or any S3-compatible store, through the AWS SDK. */
export class S3ObjectStore implements ObjectStore {
  readonly id: string;
  private readonly client: S3Client;
  private readonly settings: S3Settings;

  constructor(settings: S3Settings = {}) {
    this.settings = settings;
    this.client = createS3Client(settings);
    this.id = `s3:${configuredEndpoint(settings) ?? "aws"}`;
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    const { bucket, key } = parseS3Uri(prefix);
    const found: ObjectSummary[] = [];
    let token: string | undefined;
    do {
      const page = await guard(prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: key,
            ContinuationToken: token,
            MaxKeys: this.settings.listPageSize ?? S3_DEFAULTS.listPageSize,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || object.Key.endsWith("/")) continue;
        found.push({ uri: prefix + object.Key.slice(key.length), size: object.Size ?? 0, etag: object.ETag ?? "" });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async head(uri: string): Promise<ObjectHead> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        uri,
        size: head.ContentLength ?? 0,
        etag: head.ETag ?? "",
        keyEncrypted: isKeyEncrypted(head.ServerSideEncryption, head.SSECustomerAlgorithm),
      };
    } catch (error) {
      const mapped = s3Error(error, uri);
      if (mapped.code === ObjectErrorCode.notFound) await this.requireBucket(bucket, uri);
      throw mapped;
    }
  }

  async download(uri: string, file: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    const { bucket, key } = parseS3Uri(uri);
    const object = await guard(uri, () =>
      this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: options.etag }),
        options.signal ? { abortSignal: options.signal } : {},
      ),
    );
    // Not every S3-compatible server honours If-Match; the ETag of what arrived is checked too.
    if (options.etag !== undefined && object.ETag !== undefined && object.ETag !== options.etag) {
      (object.Body as Readable | undefined)?.destroy();
      throw new ObjectStoreError(
        ObjectErrorCode.changed,
        uri,
        `the object was replaced after it was listed (ETag ${options.etag}, now ${object.ETag})`,
      );
    }
    try {
      const saved = await saveStream(object.Body as Readable, file, options.signal);
      return {
        uri,
        size: object.ContentLength ?? saved.bytes,
        etag: object.ETag ?? "",
        keyEncrypted: isKeyEncrypted(object.ServerSideEncryption, object.SSECustomerAlgorithm),
        ...saved,
      };
    } catch (error) {
      throw s3Error(error, uri);
    }
  }

  async upload(file: string, uri: string, options: UploadOptions = {}): Promise<ObjectSummary> {
    const { bucket, key } = parseS3Uri(uri);
    if (options.signal?.aborted)
      throw s3Error(Object.assign(new Error("Upload aborted."), { name: "AbortError" }), uri);
    const { size } = await stat(file);
    const partSize = this.settings.partSize ?? S3_DEFAULTS.partSize;
    const upload = new Upload({
      client: this.client,
      partSize,
      queueSize: this.settings.uploadConcurrency ?? S3_DEFAULTS.uploadConcurrency,
      // On failure lib-storage aborts the multipart upload, so its parts are not kept (and billed).
      leavePartsOnError: false,
      params: {
        Bucket: bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: size,
        ...(options.kmsKeyId === undefined ? {} : { ServerSideEncryption: "aws:kms", SSEKMSKeyId: options.kmsKeyId }),
      },
    });
    const abort = () => void upload.abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    let etag: string;
    try {
      etag = (await upload.done()).ETag ?? "";
    } catch (error) {
      throw s3Error(error, uri);
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
    if (options.kmsKeyId === undefined) await this.checkUploaded(file, uri, etag, partSize);
    return { uri, size, etag };
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await guard(uri, () => this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  close(): void {
    this.client.destroy();
  }

  /** Raises E_OBJECT_BUCKET_NOT_FOUND when the bucket is missing: a bodiless 404 does not say which. */
  private async requireBucket(bucket: string, uri: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      const mapped = s3Error(error, formatS3Uri({ bucket, key: "" }));
      if (mapped.code === ObjectErrorCode.notFound) {
        throw new ObjectStoreError(
          ObjectErrorCode.bucketNotFound,
          uri,
          `the bucket ${bucket} does not exist (NoSuchBucket)`,
        );
      }
    }
  }

  /**
   * Compares the stored object's ETag with the file's MD5 (or its multipart
   * form): without request checksums (see s3-client.ts) this is what shows an
   * upload arrived whole. A mismatched object is removed, never reported.
   */
  private async checkUploaded(file: string, uri: string, etag: string, partSize: number): Promise<void> {
    const bare = etag.replace(/"/g, "");
    if (!/^[0-9a-f]{32}(-\d+)?$/.test(bare)) return;
    const expected = await expectedEtags(file, partSize);
    if (bare === expected.whole || bare === expected.multipart) return;
    await this.delete(uri);
    throw new ObjectStoreError(
      ObjectErrorCode.integrity,
      uri,
      `the store's ETag ${etag} does not match the file (MD5 ${expected.whole}, in parts ${expected.multipart}); the object was removed`,
    );
  }
}

async function guard<T>(uri: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw s3Error(error, uri);
  }
}

function isKeyEncrypted(serverSide: string | undefined, customerAlgorithm: string | undefined): boolean {
  return customerAlgorithm !== undefined || serverSide?.startsWith("aws:kms") === true;
}
