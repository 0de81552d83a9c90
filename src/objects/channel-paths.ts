import { TunekitError } from "../errors.js";

/**
 * The path under a channel (or checkpoint) directory that an object is
 * written to: relative, "/"-separated, with no "", "." or ".." segment, so no
 * key can write outside the directory or onto another object's path.
 */
export function channelPath(relative: string, uri: string, field: string): string {
  const segments = relative.split("/");
  if (relative.startsWith("/") || segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\0"))) {
    throw new TunekitError(
      "E_CHANNEL_KEY",
      `${field}: ${uri} would be written to ${JSON.stringify(relative)}, which is not a plain path inside the directory it is written to (absolute, empty, "." or ".." segments are refused)`,
      { field },
    );
  }
  return relative;
}

/** Refuses two objects at one path, or an object whose path is another's directory (S3 allows both, a file system neither). */
export function checkDistinctPaths(objects: readonly { uri: string; path: string }[], field: string): void {
  const files = new Map<string, string>();
  for (const object of objects) {
    const other = files.get(object.path);
    if (other !== undefined) throw conflict(field, object.uri, other, object.path);
    files.set(object.path, object.uri);
  }
  for (const object of objects) {
    const segments = object.path.split("/");
    for (let n = 1; n < segments.length; n++) {
      const dir = segments.slice(0, n).join("/");
      const other = files.get(dir);
      if (other !== undefined) throw conflict(field, object.uri, other, dir);
    }
  }
}

function conflict(field: string, a: string, b: string, path: string): TunekitError {
  return new TunekitError(
    "E_CHANNEL_KEY",
    `${field}: ${a} and ${b} both need the path ${JSON.stringify(path)} in the channel directory (one as a file, the other as a file or a directory)`,
    { field },
  );
}
