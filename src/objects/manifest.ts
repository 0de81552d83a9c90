import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TunekitError } from "../errors.js";
import type { ObjectStores } from "./object-stores.js";

/** A ManifestFile channel's list: the prefix, and the suffixes appended to it to name each object. */
export interface Manifest {
  readonly prefix: string;
  readonly suffixes: readonly string[];
}

/**
 * Reads a SageMaker manifest: a JSON array whose first element is
 * `{"prefix": "s3://bucket/some/prefix/"}` and whose others are the suffixes
 * (relative paths) appended to it. Every object is in the prefix's bucket.
 */
export async function readManifest(stores: ObjectStores, uri: string, field: string): Promise<Manifest> {
  const text = await readObjectText(stores, uri, field);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(field, uri, `is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed) || parsed.length < 2) {
    throw invalid(field, uri, 'must be a JSON array: a {"prefix": ...} object, then one or more relative paths');
  }
  const [head, ...rest] = parsed as unknown[];
  const prefix = (head as { prefix?: unknown } | null)?.prefix;
  if (typeof prefix !== "string" || prefix === "") {
    throw invalid(
      field,
      uri,
      `its first element must be {"prefix": "s3://bucket/prefix/"}, got ${JSON.stringify(head)}`,
    );
  }
  rest.forEach((suffix, i) => {
    if (typeof suffix !== "string" || suffix === "") {
      throw invalid(field, uri, `element ${i + 1} must be a non-empty relative path, got ${JSON.stringify(suffix)}`);
    }
  });
  return { prefix, suffixes: [...new Set(rest as string[])] };
}

async function readObjectText(stores: ObjectStores, uri: string, field: string): Promise<string> {
  const store = stores.for(uri, field);
  const local = store.localPath?.(uri);
  if (local !== undefined) {
    await store.head(uri);
    return readFile(local, "utf8");
  }
  const dir = await mkdtemp(join(tmpdir(), "tunekit-manifest-"));
  try {
    await store.download(uri, join(dir, "manifest"));
    return await readFile(join(dir, "manifest"), "utf8");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function invalid(field: string, uri: string, rule: string): TunekitError {
  return new TunekitError("E_MANIFEST_INVALID", `${field}: the manifest ${uri} ${rule}`, { field });
}
