import { StoreError } from "../errors.js";
import type { Migration } from "../sqlite/migrations.js";
import type { Database } from "./database.js";

/** The advisory lock that lets one process at a time migrate a database: "TUNE", as SQLite's application_id. */
const MIGRATION_LOCK = 0x54554e45;
/** The ledger: which migrations have been applied. Its name marks a schema as tunekit's. */
const LEDGER = "tunekit_schema_migrations";

/**
 * Brings the store's schema up to the latest migration in one transaction, under an advisory lock, so processes
 * that start together migrate once and the others wait and find it done. Refuses a schema that holds another
 * program's tables (E_STORE_FOREIGN) or that a newer tunekit migrated (E_STORE_SCHEMA_TOO_NEW), changing nothing.
 */
export async function migrate(db: Database, migrations: readonly Migration[], schema: string): Promise<void> {
  // Repeating this after a lost COMMIT finds the migrations in the ledger and does nothing: no commit marker needed.
  await db.transaction(
    async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      const [current] = await tx.query<{ schema: string | null }>("SELECT current_schema() AS schema");
      // The name was checked to be a plain identifier (see databaseSettings), so it needs no quoting.
      if (!current?.schema) await tx.query(`CREATE SCHEMA ${schema}`);
      const [found] = await tx.query<{ ledger: number; relations: number }>(
        `SELECT count(*) FILTER (WHERE c.relname = $1) AS ledger, count(*) AS relations
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')`,
        [LEDGER],
      );
      if (!found?.ledger && found?.relations) {
        throw new StoreError(
          "E_STORE_FOREIGN",
          `the PostgreSQL store ${db.where} holds another program's tables, not a tunekit store: ` +
            "give tunekit an empty database (createdb) or a schema of its own",
          { field: "store" },
        );
      }
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${LEDGER} (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`,
      );
      const [row] = await tx.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${LEDGER}`);
      const version = row?.version ?? 0;
      if (version > migrations.length) {
        throw new StoreError(
          "E_STORE_SCHEMA_TOO_NEW",
          `the PostgreSQL store ${db.where} has schema version ${version}, but this tunekit knows versions up to ` +
            `${migrations.length}: upgrade tunekit to open it`,
          { field: "store" },
        );
      }
      for (const migration of migrations.slice(version)) {
        await tx.query(migration.sql);
        await tx.query(
          `INSERT INTO ${LEDGER} (version, name, applied_at)
           VALUES ($1, $2, floor(extract(epoch FROM clock_timestamp()) * 1000))`,
          [migration.version, migration.name],
        );
      }
    },
    { exactlyOnce: false },
  );
}
