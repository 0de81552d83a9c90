import { ValidationError } from "../errors.js";

/** An S3 location: a bucket and a key (or key prefix), as `s3://bucket/key` names it. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

const S3_URI = /^s3:\/\/([^/]+)(?:\/(.*))?$/s;

export function isS3Uri(uri: string): boolean {
  return uri.startsWith("s3://");
}

export function parseS3Uri(uri: string, field = "uri"): S3Location {
  const match = S3_URI.exec(uri);
  if (!match?.[1]) {
    throw new ValidationError(field, `must look like s3://bucket/key, got ${JSON.stringify(uri)}`, "E_REQUEST_INVALID");
  }
  return { bucket: match[1], key: match[2] ?? "" };
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** `base` (trailing slashes dropped) and `parts`, joined by single slashes: a location under a "folder". */
export function joinUri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ""), ...parts].join("/");
}
