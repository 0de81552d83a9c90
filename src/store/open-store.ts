import { resolve } from "node:path";
import { ValidationError } from "../errors.js";
import { PostgresStore } from "./postgres/postgres-store.js";
import { isPostgresUrl, type PostgresStoreOptions } from "./postgres/settings.js";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

export interface OpenStoreOptions {
  sqlite?: SqliteStoreOptions;
  postgres?: PostgresStoreOptions;
}

/**
 * The store a location names (`--store`, TUNEKIT_STORE): a PostgreSQL database for a `postgres://` or
 * `postgresql://` URL, connected and migrated; otherwise an SQLite file at that path, made when missing. Any other
 * URL is refused rather than taken for a file name.
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) return PostgresStore.open(location, options.postgres);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1];
  if (scheme !== undefined) {
    throw new ValidationError(
      "store",
      `must be a file path or a postgres:// URL, got a ${scheme}:// URL (${JSON.stringify(location.slice(0, 80))})`,
    );
  }
  return new SqliteStore(resolve(location), options.sqlite);
}
