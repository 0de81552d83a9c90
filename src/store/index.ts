export { StoreError, type StoreErrorCode } from "./errors.js";
export { MemoryStore } from "./memory/memory-store.js";
export { type OpenStoreOptions, openStore } from "./open-store.js";
export { PostgresStore } from "./postgres/postgres-store.js";
export { POSTGRES_DEFAULTS, type PostgresStoreOptions } from "./postgres/settings.js";
export * from "./records.js";
export { CONNECTION_DEFAULTS, type ConnectionOptions } from "./sqlite/connection.js";
export { SqliteStore } from "./sqlite/sqlite-store.js";
export type { Store } from "./store.js";
