import { ObjectErrorCode, ObjectStoreError } from "./errors.js";
import type { DownloadResult, ObjectSummary } from "./object-store.js";

/** An ETag that is the MD5 of the object's bytes: 32 hex digits, no "-<parts>" suffix. */
export function isPlainMd5(etag: string): boolean {
  return /^"?[0-9a-f]{32}"?$/i.test(etag);
}

/**
 * Checks that a download is the object that was listed, whole: the same
 * version (ETag), the announced size, and, where the ETag is a plain MD5 (a
 * single-part upload without a KMS or customer key), the same MD5.
 */
export function verifyDownload(expected: ObjectSummary, got: DownloadResult): void {
  if (got.etag !== "" && expected.etag !== "" && got.etag !== expected.etag) {
    throw new ObjectStoreError(
      ObjectErrorCode.changed,
      expected.uri,
      `the object was replaced after it was listed (ETag ${expected.etag}, now ${got.etag})`,
    );
  }
  if (got.bytes !== expected.size) {
    throw new ObjectStoreError(
      ObjectErrorCode.integrity,
      expected.uri,
      `received ${got.bytes} bytes of an object of ${expected.size} bytes`,
    );
  }
  if (!got.keyEncrypted && isPlainMd5(expected.etag) && got.md5 !== expected.etag.replace(/"/g, "").toLowerCase()) {
    throw new ObjectStoreError(
      ObjectErrorCode.integrity,
      expected.uri,
      `the bytes received have MD5 ${got.md5}, the object's ETag is ${expected.etag}`,
    );
  }
}
