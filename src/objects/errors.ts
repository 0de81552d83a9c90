import { TunekitError } from "../errors.js";

/**
 * Stable codes for what can go wrong where bytes live. S3 and local
 * directories raise the same codes, so a job's FailureReason and a script
 * matching on `code` do not depend on which store held the data.
 */
export const ObjectErrorCode = {
  /** The bucket (or the directory standing in for it) does not exist. */
  bucketNotFound: "E_OBJECT_BUCKET_NOT_FOUND",
  /** No object under that key. */
  notFound: "E_OBJECT_NOT_FOUND",
  /** The store refused the credentials or the request (HTTP 403, EACCES). */
  accessDenied: "E_OBJECT_ACCESS_DENIED",
  /** No credentials could be found in the AWS chain. */
  credentials: "E_OBJECT_CREDENTIALS",
  /** The endpoint did not answer: refused, unresolvable or timed out. */
  unreachable: "E_OBJECT_UNREACHABLE",
  /** The bytes received do not match the size or MD5 the store announced. */
  integrity: "E_OBJECT_INTEGRITY",
  /** The object was replaced between listing it and reading it. */
  changed: "E_OBJECT_CHANGED",
  /** Any other error the store returned. */
  failed: "E_OBJECT_STORE",
} as const;
export type ObjectErrorCode = (typeof ObjectErrorCode)[keyof typeof ObjectErrorCode];

/** An error about one object or prefix; the message starts with its URI. */
export class ObjectStoreError extends TunekitError {
  readonly uri: string;

  constructor(code: ObjectErrorCode, uri: string, message: string, cause?: unknown) {
    super(code, `${uri}: ${message}`, { cause });
    this.uri = uri;
  }
}
