import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "../errors.js";

/**
 * Where a request's URIs live on this machine. Real requests point at S3;
 * a mapping `s3://bucket/prefix=/local/dir` (from --s3-map or the config
 * file) lets an unchanged request run here: the longest matching prefix
 * wins. `file://` URIs and plain paths are used as they are (relative paths,
 * `file://./dir` too, against the request file's directory).
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
    const key = uri.slice(match.prefix.length);
    // In S3, "a/../b" is a key of its own, not a way up; as a path it would leave the mapped directory.
    if (key.split("/").some((segment) => segment === "." || segment === "..")) {
      throw new ValidationError(
        field,
        `${uri} has a "." or ".." segment under ${match.prefix}: an S3 key's segments are names, and such a key has no place inside the directory mapped to ${match.prefix}`,
        "E_REQUEST_INVALID",
      );
    }
    return resolve(match.dir, `.${key}`);
  }
  if (/^file:/i.test(uri)) return fileLocation(uri, field, baseDir);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new ValidationError(
      field,
      `unsupported URI scheme in ${uri}: use a local path, file:// or a mapped s3://`,
      "E_REQUEST_INVALID",
    );
  }
  return isAbsolute(uri) ? uri : resolve(baseDir, uri);
}

/**
 * A `file:` URI: `file:///abs/path` (or `file://localhost/abs/path`) is that path; `file://./dir` and
 * `file://../dir` (and `file:dir`), which people write for a relative path though a URI has no such thing,
 * are relative to `baseDir` as plain paths are. Any other host is another machine, which this one cannot read.
 */
function fileLocation(uri: string, field: string, baseDir: string): string {
  const slashes = /^file:\/\//i.test(uri);
  const rest = uri.replace(/^file:(\/\/)?/i, "");
  try {
    if (/^\.\.?(\/|$)/.test(rest) || (!slashes && !rest.startsWith("/"))) {
      return resolve(baseDir, decodeURIComponent(rest));
    }
    return fileURLToPath(uri);
  } catch (error) {
    throw new ValidationError(
      field,
      `${uri} is not a file URI of this machine (${(error as Error).message}): write file:///absolute/path, file://./relative/path or a plain path`,
      "E_REQUEST_INVALID",
    );
  }
}
