import { ObjectErrorCode, ObjectStoreError } from "./errors.js";

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "TimeoutError",
  "RequestTimeout",
]);

const DENIED = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "AllAccessDisabled",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "Forbidden",
]);

/**
 * Turns an SDK error into an ObjectStoreError with a stable code, naming the
 * URI and what S3 said (its error code and message), for a FailureReason a
 * user can act on. HEAD responses have no body, so a 404 there arrives as
 * "NotFound"; callers that must tell a missing bucket from a missing key ask
 * HeadBucket (see S3ObjectStore.head).
 */
export function s3Error(error: unknown, uri: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const e = (error ?? {}) as SdkError;
  const name = e.Code ?? e.name ?? e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const said = `${name}${status === undefined ? "" : ` (HTTP ${status})`}: ${e.message || "no message"}`;
  if (name === "AbortError") return new ObjectStoreError(ObjectErrorCode.failed, uri, `aborted (${said})`, error);
  if (name === "NoSuchBucket") {
    return new ObjectStoreError(ObjectErrorCode.bucketNotFound, uri, `the bucket does not exist (${said})`, error);
  }
  if (name === "NoSuchKey" || name === "NotFound" || status === 404) {
    return new ObjectStoreError(ObjectErrorCode.notFound, uri, `no such object (${said})`, error);
  }
  if (DENIED.has(name) || status === 403) {
    return new ObjectStoreError(ObjectErrorCode.accessDenied, uri, `access denied (${said})`, error);
  }
  if (name === "CredentialsProviderError") {
    return new ObjectStoreError(
      ObjectErrorCode.credentials,
      uri,
      `no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (${said})`,
      error,
    );
  }
  if (name === "PreconditionFailed" || status === 412) {
    return new ObjectStoreError(ObjectErrorCode.changed, uri, `the object changed while being read (${said})`, error);
  }
  if (UNREACHABLE.has(name) || (status === undefined && e.code !== undefined && UNREACHABLE.has(e.code))) {
    return new ObjectStoreError(ObjectErrorCode.unreachable, uri, `the S3 endpoint did not answer (${said})`, error);
  }
  return new ObjectStoreError(ObjectErrorCode.failed, uri, said, error);
}
