import { ValidationError } from "../../errors.js";
import type { Migration } from "../sqlite/migrations.js";
import type { DatabaseSettings } from "./database.js";

export interface PostgresStoreOptions {
  /** The schema that holds tunekit's tables; created when missing. @defaultValue "public" */
  schema?: string;
  /** The most connections one store keeps open. @defaultValue 10 */
  poolSize?: number;
  /**
   * How long a call keeps retrying while the server cannot be reached (a restart, dropped connections) before it
   * fails with E_STORE_UNAVAILABLE. @defaultValue 60000
   */
  maxUnavailableMs?: number;
  /** How long one attempt to connect may take. @defaultValue 5000 */
  connectTimeoutMs?: number;
  /**
   * The server ends a session that stays this long inside a transaction, so a process paused mid-transaction
   * (SIGSTOP, a debugger) cannot hold row locks that every other process waits on. @defaultValue 10000
   */
  idleInTransactionTimeoutMs?: number;
  /** Migrations to apply; the files in migrations/ beside this module unless a test supplies others. */
  migrations?: Migration[];
}

export const POSTGRES_DEFAULTS = {
  schema: "public",
  poolSize: 10,
  maxUnavailableMs: 60_000,
  connectTimeoutMs: 5000,
  idleInTransactionTimeoutMs: 10_000,
} as const;

/** `postgres://` or `postgresql://`: how a store location names a PostgreSQL database rather than a file. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL as it may be shown: without its password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "(not a URL)";
  }
}

function positive(field: keyof PostgresStoreOptions, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen <= 0) {
    throw new ValidationError(field, `must be a positive number, got ${String(value)}`);
  }
  return chosen;
}

/** Checks a store URL and options, and turns them into the pool's settings. */
export function databaseSettings(
  url: string,
  options: PostgresStoreOptions,
): DatabaseSettings & { readonly schema: string } {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !isPostgresUrl(url) || !parsed.hostname) {
    throw new ValidationError(
      "store",
      `must be a URL of the form postgres://user@host:port/database, got ${JSON.stringify(redactedUrl(url))}`,
    );
  }
  const schema = options.schema ?? POSTGRES_DEFAULTS.schema;
  if (!SCHEMA_NAME.test(schema)) {
    throw new ValidationError(
      "schema",
      `must be a lower-case SQL identifier (letters, digits, _), got ${JSON.stringify(schema)}`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(the user's name)";
  const where = `${decodeURIComponent(parsed.hostname)}:${parsed.port || 5432}/${database}${schema === "public" ? "" : ` (schema ${schema})`}`;
  return {
    where,
    schema,
    maxUnavailableMs: positive("maxUnavailableMs", options.maxUnavailableMs, POSTGRES_DEFAULTS.maxUnavailableMs),
    pool: {
      connectionString: url,
      max: positive("poolSize", options.poolSize, POSTGRES_DEFAULTS.poolSize),
      connectionTimeoutMillis: positive(
        "connectTimeoutMs",
        options.connectTimeoutMs,
        POSTGRES_DEFAULTS.connectTimeoutMs,
      ),
      idle_in_transaction_session_timeout: positive(
        "idleInTransactionTimeoutMs",
        options.idleInTransactionTimeoutMs,
        POSTGRES_DEFAULTS.idleInTransactionTimeoutMs,
      ),
      application_name: "tunekit",
      options: `-c search_path=${schema}`,
      keepAlive: true,
    },
  };
}
