import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
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

export function resolveLocation(uri: string, field: string, mappings: readonly S3Mapping[], baseDir: string): string {
  if (uri.startsWith("s3://")) {
    const match = [...mappings]
      .sort((a, b) => b.prefix.length - a.prefix.length)
      .find((m) => uri === m.prefix || uri.startsWith(`${m.prefix}/`));
    if (!match) {
      throw new ValidationError(
        field,
        `${uri} is on S3, which this machine cannot read yet; map it to a local directory with --s3-map ${uri.replace(/\/[^/]*$/, "")}=/local/dir (or s3Map in the config file)`,
        "E_S3_UNMAPPED",
      );
    }
    return resolve(match.dir, `.${uri.slice(match.prefix.length)}`);
  }
  if (uri.startsWith("file://")) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new ValidationError(
      field,
      `unsupported URI scheme in ${uri}: use a local path, file:// or a mapped s3://`,
      "E_REQUEST_INVALID",
    );
  }
  return isAbsolute(uri) ? uri : resolve(baseDir, uri);
}
