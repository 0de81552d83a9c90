import { resolve } from "node:path";
import { ValidationError } from "../errors.js";

/**
 * Where a request's URIs live on this machine. Real requests point at S3;
 * a mapping `s3://bucket/prefix=/local/dir` (from --s3-map or the config
 * file) lets an unchanged request run here: the longest matching prefix
 * wins. `file://` URIs and plain paths are used as they are (relative paths
 * against the request file's directory).
 */
export interface S3Mapping {
  readonly prefix: string;
  readonly dir: string;
}

export function parseS3Mapping(text: string, field = "--s3-map"): S3Mapping {
  const eq = text.indexOf("=");
  const prefix = eq < 0 ? "" : text.slice(0, eq);
  const dir = eq < 0 ? "" : text.slice(eq + 1);
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(prefix) || dir === "") {
    throw new ValidationError(
      field,
      `must look like s3://bucket/prefix=/local/dir, got ${JSON.stringify(text)}`,
      "E_S3_MAP",
    );
  }
  return { prefix: prefix.replace(/\/+$/, ""), dir: resolve(dir) };
}
