export { leaseLost, StoreError, type StoreErrorCode, staleAttempt } from "./errors.js";
export { isStoreUrl, STORE_FILE, storeLocation, tunekitHome } from "./location.js";
export { MemoryStore, type MemoryStoreOptions } from "./memory/memory-store.js";
export { openStore } from "./open-store.js";
export * from "./records.js";
export { CONNECTION_DEFAULTS, type ConnectionOptions } from "./sqlite/connection.js";
export { SqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store.js";
export type { Store } from "./store.js";
