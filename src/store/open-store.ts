import { StoreError } from "./errors.js";
import { isStoreUrl } from "./location.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { Store } from "./store.js";

/** Opens the store a location names: an SQLite file by its path, PostgreSQL by its URL. */
export async function openStore(location: string): Promise<Store> {
  if (isStoreUrl(location)) {
    throw new StoreError("E_STORE_NOT_FOUND", `PostgreSQL stores are not available in this build: ${location}`, {
      field: "store",
    });
  }
  return new SqliteStore(location);
}
