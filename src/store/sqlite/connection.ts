import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { systemClock } from "../../clock.js";
import { retrySync } from "../../retry.js";
import { StoreError } from "../errors.js";
import { loadMigrations, type Migration } from "./migrations.js";

/** Marks a database file as tunekit's (PRAGMA application_id): "TUNE". */
export const APPLICATION_ID = 0x54554e45;
const SQLITE_HEADER = "SQLite format 3\u0000";

export interface ConnectionOptions {
  /** How long SQLite itself waits on a lock before reporting busy. @defaultValue 5000 */
  busyTimeoutMs?: number;
  /** How long tunekit keeps retrying a busy write before giving up with E_STORE_BUSY. @defaultValue 60000 */
  maxBusyWaitMs?: number;
  /** Migrations to apply; the files beside this module unless a test supplies others. */
  migrations?: Migration[];
}

export const CONNECTION_DEFAULTS = { busyTimeoutMs: 5000, maxBusyWaitMs: 60_000 } as const;

const BUSY_CODES = new Set(["SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY", "SQLITE_LOCKED"]);
const READ_ONLY_CODES = new Set(["SQLITE_READONLY", "SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY_DBMOVED"]);
const CORRUPT_CODES = new Set(["SQLITE_NOTADB", "SQLITE_CORRUPT"]);

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function corrupt(path: string, cause?: unknown): StoreError {
  return new StoreError(
    "E_STORE_CORRUPT",
    `the store file ${path} is not a readable SQLite database (corrupt, truncated or another kind of file)`,
    { field: "storage", cause },
  );
}

/** Rejects a non-empty file that is not SQLite before SQLite gets a chance to write to it. */
function checkHeader(path: string): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  const fd = openSync(path, "r");
  try {
    const header = Buffer.alloc(16);
    const read = readSync(fd, header, 0, 16, 0);
    if (read < 16 || header.toString("latin1") !== SQLITE_HEADER) throw corrupt(path);
  } finally {
    closeSync(fd);
  }
}

/**
 * Why this process cannot write the store at `path`, or undefined when it can. SQLite in WAL mode writes
 * two files beside the store (-wal, -shm), so the directory must be writable as well as the file.
 */
function readOnlyReason(path: string): string | undefined {
  for (const target of existsSync(path) ? [path, dirname(path)] : [dirname(path)]) {
    if (!existsSync(target)) continue;
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === "EROFS" ? `${target} is on a read-only file system` : `${target} is not writable by this user`;
    }
  }
  return undefined;
}

/**
 * A read-only connection. SQLite reads a WAL database read-only only where it can use (or make) the -wal and
 * -shm files beside it; on a read-only mount after a clean close there are none, so the file is read into
 * memory instead, as of its last checkpoint, marked as a rollback-journal database (header bytes 18 and 19),
 * which needs neither file.
 */
function openReadOnly(path: string, timeout: number): Database.Database {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true, timeout });
    try {
      db.prepare("SELECT count(*) FROM sqlite_master").get();
      return db;
    } catch (error) {
      db.close();
      if (sqliteCode(error) !== "SQLITE_CANTOPEN") throw error;
    }
    const image = readFileSync(path);
    if (image[18] === 2 && image[19] === 2) image.fill(1, 18, 20);
    return new Database(image, { readonly: true });
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw corrupt(path, error);
  }
}

/**
 * One better-sqlite3 connection in WAL mode, with tunekit's rules for sharing
 * a file between processes: every write is a short BEGIN IMMEDIATE
 * transaction; a busy database is retried with backoff, and only after
 * `maxBusyWaitMs` does the caller see a typed E_STORE_BUSY, never SQLite's
 * "database is locked".
 */
export class Connection {
  readonly db: Database.Database;
  /** Why the store cannot be written (a read-only mount, a file not ours to write); undefined when it can. */
  readonly readOnly: string | undefined;
  private readonly maxBusyWaitMs: number;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly path: string,
    options: ConnectionOptions = {},
  ) {
    this.maxBusyWaitMs = options.maxBusyWaitMs ?? CONNECTION_DEFAULTS.maxBusyWaitMs;
    const timeout = options.busyTimeoutMs ?? CONNECTION_DEFAULTS.busyTimeoutMs;
    this.readOnly = path === ":memory:" ? undefined : readOnlyReason(path);
    if (this.readOnly !== undefined) {
      if (!existsSync(path)) {
        throw new StoreError(
          "E_STORE_READ_ONLY",
          `there is no store at ${path}, and none can be made: ${this.readOnly}`,
          {
            field: "storage",
          },
        );
      }
      checkHeader(path);
      this.db = openReadOnly(path, timeout);
      try {
        this.checkSchema(options.migrations ?? loadMigrations());
      } catch (error) {
        this.db.close();
        throw error;
      }
      return;
    }
    if (path !== ":memory:") {
      mkdirSync(dirname(path), { recursive: true });
      checkHeader(path);
    }
    try {
      this.db = new Database(path, { timeout });
    } catch (error) {
      throw new StoreError("E_STORE_CORRUPT", `cannot open the store file ${path}: ${(error as Error).message}`, {
        field: "storage",
        cause: error,
      });
    }
    try {
      this.retrying(() => this.db.pragma("journal_mode = WAL"));
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("foreign_keys = ON");
      this.migrate(options.migrations ?? loadMigrations());
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs fn inside BEGIN IMMEDIATE ... COMMIT, retrying while another process holds the lock. */
  write<T>(fn: () => T): T {
    if (this.readOnly !== undefined) throw this.readOnlyError();
    return this.retrying(() => this.db.transaction(fn).immediate());
  }

  private readOnlyError(cause?: unknown): StoreError {
    return new StoreError(
      "E_STORE_READ_ONLY",
      `the store ${this.path} is read-only (${this.readOnly ?? "SQLite refused to write it"}): this command writes to it; commands that only read it (list, describe, jobs, logs, metrics, analytics, report, serve) work`,
      { field: "storage", cause },
    );
  }

  read<T>(fn: () => T): T {
    return this.retrying(fn);
  }

  retrying<T>(fn: () => T): T {
    const surfaceCorruption = () => {
      try {
        return fn();
      } catch (error) {
        const code = sqliteCode(error);
        if (code !== undefined && CORRUPT_CODES.has(code)) throw corrupt(this.path, error);
        if (code !== undefined && READ_ONLY_CODES.has(code)) throw this.readOnlyError(error);
        throw error;
      }
    };
    return retrySync(surfaceCorruption, {
      maxWaitMs: this.maxBusyWaitMs,
      maxDelayMs: 100,
      retryable: (error) => BUSY_CODES.has(sqliteCode(error) ?? ""),
      giveUp: (error) =>
        new StoreError(
          "E_STORE_BUSY",
          `the store ${this.path} stayed locked by another process for ${this.maxBusyWaitMs} ms; ` +
            "is a process stuck holding a write transaction?",
          { cause: error },
        ),
    });
  }

  /** A read-only store must already be tunekit's, at this tunekit's schema: it cannot be migrated. */
  private checkSchema(migrations: Migration[]): void {
    const applicationId = this.retrying(() => this.db.pragma("application_id", { simple: true }) as number);
    const hasLedger = this.db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get() as { n: number };
    if (applicationId !== APPLICATION_ID || hasLedger.n === 0) {
      throw new StoreError("E_STORE_FOREIGN", `the file ${this.path} is not a tunekit store`, { field: "storage" });
    }
    const row = this.db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > migrations.length) throw this.tooNew(current, migrations.length);
    if (current < migrations.length) {
      throw new StoreError(
        "E_STORE_READ_ONLY",
        `the store ${this.path} has schema version ${current} and this tunekit reads version ${migrations.length}; it must be upgraded once where it can be written (${this.readOnly})`,
        { field: "storage" },
      );
    }
  }

  private tooNew(current: number, latest: number): StoreError {
    return new StoreError(
      "E_STORE_SCHEMA_TOO_NEW",
      `the store ${this.path} has schema version ${current}, but this tunekit knows versions up to ${latest}: upgrade tunekit to open it`,
      { field: "storage" },
    );
  }

  private migrate(migrations: Migration[]): void {
    this.write(() => {
      const applicationId = this.db.pragma("application_id", { simple: true }) as number;
      const tables = this.db
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .get() as { n: number };
      if (applicationId !== APPLICATION_ID && tables.n > 0) {
        throw new StoreError(
          "E_STORE_FOREIGN",
          `the file ${this.path} is an SQLite database of another program, not a tunekit store`,
          { field: "storage" },
        );
      }
      this.db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
      );
      const row = this.db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number | null };
      const current = row.v ?? 0;
      const latest = migrations.length;
      if (current > latest) throw this.tooNew(current, latest);
      for (const migration of migrations.slice(current)) {
        this.db.exec(migration.sql);
        this.db
          .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
          .run(migration.version, migration.name, systemClock.now());
      }
      if (applicationId !== APPLICATION_ID) this.db.pragma(`application_id = ${APPLICATION_ID}`);
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
