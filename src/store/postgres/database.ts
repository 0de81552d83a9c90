import pg from "pg";
import { systemClock } from "../../clock.js";
import { createRng } from "../../random.js";
import { StoreError } from "../errors.js";
import { CommitMarkers } from "./commit-markers.js";
import {
  commitInDoubt,
  isConnectionFailure,
  isRetryableTransactionFailure,
  unavailable,
} from "./connection-failures.js";

/** Runs one statement and resolves to its rows. */
import type { Queryable } from "./queryable.js";

export type { Queryable };

const INT8_OID = 20;
const JSON_OID = 114;

/**
 * Rows come back as SQLite gives them: bigint as a number (times in milliseconds and ids stay far below 2^53, and
 * callers compare them as numbers), JSON as its text, parsed by the same row mappers.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID) return (text: string) => Number(text);
    if (oid === JSON_OID) return (text: string) => text;
    return pg.types.getTypeParser(oid, format as "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};

// A session ended by the server is replaced at once; a server that is down is asked less and less often.
const FIRST_DELAY_MS = 10;
const MAX_DELAY_MS = 2000;
const MAX_PREPARED = 500;
// Seeded by process id, so processes that lost their connections together do not come back in lockstep.
const jitter = createRng(process.pid, "postgres-reconnect");

export interface DatabaseSettings {
  /** Where the store is, for messages: host, port and database, never the password. */
  readonly where: string;
  readonly pool: pg.PoolConfig;
  readonly maxUnavailableMs: number;
}

/** What a write statement needs besides its SQL. */
export interface WriteOptions<R> {
  /**
   * Commit without waiting for the disk: the change is atomic and seen by everyone at once, but a crash of the
   * server or the machine may lose the last fraction of a second of such commits, until a later commit that waits
   * for the disk takes them along. For output (log chunks, metric points) and a job's progress, which SQLite's
   * synchronous = NORMAL treats the same way.
   */
  relaxed?: boolean;
  /** The rows to answer with when the write is known to have committed but its answer was lost (read them back). */
  recover: () => Promise<R[]>;
}

/**
 * A pool of connections to one PostgreSQL database, with tunekit's rules for a server that goes away: a statement
 * or transaction that meets a connection failure is run again, on a fresh connection, with jittered backoff, until
 * `maxUnavailableMs` has passed (then E_STORE_UNAVAILABLE). Nothing is ever applied twice: a statement that failed
 * did not commit, and a transaction whose COMMIT lost its answer is looked up by its commit marker before anything
 * is repeated. A write of one statement is one message (it commits on its own, with its marker); a transaction of
 * several sends its BEGIN with its first statement (the connections pipeline).
 */
export class Database implements Queryable {
  readonly where: string;
  private readonly pool: pg.Pool;
  private readonly maxUnavailableMs: number;
  private readonly markers = new CommitMarkers();
  private readonly statementNames = new Map<string, string>();
  private closed = false;

  constructor(settings: DatabaseSettings) {
    this.where = settings.where;
    this.maxUnavailableMs = settings.maxUnavailableMs;
    this.pool = new pg.Pool({ ...settings.pool, types: TYPES, pipeline: true });
    // A restart or pg_terminate_backend breaks idle connections too; the pool drops them, and the next call opens
    // new ones. Without these listeners such an error would end the process.
    this.pool.on("error", () => {});
    this.pool.on("connect", (client) => client.on("error", () => {}));
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError("E_STORE_CLOSED", `the PostgreSQL store ${this.where} is closed`);
  }

  /**
   * A statement with parameters is prepared once per connection, under a name for its text: the server parses it
   * once and may keep its plan. Texts are few (values always travel as parameters); the cap only guards against a
   * caller that would make endless ones. Without parameters, the text goes as it is (it may hold several statements).
   */
  private statement(sql: string, params: readonly unknown[]): pg.QueryConfig {
    if (params.length === 0) return { text: sql };
    let name = this.statementNames.get(sql);
    if (name === undefined && this.statementNames.size < MAX_PREPARED) {
      name = `tunekit_${this.statementNames.size}`;
      this.statementNames.set(sql, name);
    }
    return { name, text: sql, values: params as unknown[] };
  }

  /** One statement on its own (it commits by itself), run again while the database cannot be reached. */
  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.retrying(isConnectionFailure, async () => (await this.pool.query(this.statement(sql, params))).rows);
  }

  /**
   * One write statement, committed on its own with a commit marker that the same statement inserts (see
   * CommitMarkers.marked): one message, one round trip, nothing held open between them.
   */
  async write<R>(sql: string, params: readonly unknown[], options: WriteOptions<R>): Promise<R[]> {
    return this.retrying(isRetryableTransactionFailure, async () => {
      const marked = this.markers.marked(sql, params, options.relaxed ?? false);
      let rows: R[];
      try {
        rows = (await this.pool.query(this.statement(marked.sql, marked.params))).rows as R[];
      } catch (error) {
        this.markers.abandoned(marked);
        // The statement may have reached the server and committed before the connection failed: ask the marker.
        if (!isConnectionFailure(error) || !(await this.committed(marked.marker, error))) throw error;
        return options.recover();
      }
      this.markers.settle(marked.marker);
      return rows;
    });
  }

  /**
   * Runs `fn` in one transaction on one connection, for changes of several statements. `fn` may run more than once
   * (when the connection fails before COMMIT, the server has rolled everything back), so it must do nothing but its
   * statements. Its StoreErrors roll the transaction back and reach the caller. `exactlyOnce: false` leaves the
   * commit marker out, for a transaction that is harmless to repeat (a migration, which also runs before the
   * markers' table exists).
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: { exactlyOnce?: boolean } = {}): Promise<T> {
    const marked = options.exactlyOnce ?? true;
    return this.retrying(isRetryableTransactionFailure, async () => {
      const client = await this.pool.connect();
      const begun = marked ? this.markers.begin() : undefined;
      // Not awaited: its answer comes back with the first statement's.
      const begin = client.query(begun?.sql ?? "BEGIN");
      let result: T;
      try {
        result = await fn({
          query: async <R>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(this.statement(sql, params))).rows as R[],
        });
        await begin;
      } catch (error) {
        await begin.catch(() => {});
        if (begun) this.markers.abandoned(begun);
        await abandon(client, error);
        throw error;
      }
      try {
        await client.query("COMMIT");
      } catch (error) {
        client.release(error as Error);
        if (!begun) throw error;
        this.markers.abandoned(begun);
        if (isConnectionFailure(error) && (await this.committed(begun.marker, error))) return result;
        throw error;
      }
      client.release();
      if (begun) this.markers.settle(begun.marker);
      return result;
    });
  }

  private async committed(marker: string, cause: unknown): Promise<boolean> {
    try {
      return await this.markers.committed(this, marker);
    } catch (error) {
      if (error instanceof StoreError && error.code === "E_STORE_UNAVAILABLE") {
        throw commitInDoubt(this.where, marker, cause);
      }
      throw error;
    }
  }

  private async retrying<T>(retryable: (error: unknown) => boolean, attempt: () => Promise<T>): Promise<T> {
    const started = systemClock.now();
    for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      this.checkOpen();
      try {
        return await attempt();
      } catch (error) {
        this.checkOpen();
        if (!retryable(error)) throw error;
        const waited = systemClock.now() - started;
        if (waited >= this.maxUnavailableMs) throw unavailable(this.where, waited, error);
        await systemClock.sleep(Math.min(delay * (0.5 + jitter.next()), this.maxUnavailableMs - waited));
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** Ends a transaction that failed: rolled back on a live connection, dropped with a broken one. */
async function abandon(client: pg.PoolClient, error: unknown): Promise<void> {
  if (isConnectionFailure(error)) {
    client.release(error as Error);
    return;
  }
  try {
    await client.query("ROLLBACK");
    client.release();
  } catch (rollbackError) {
    client.release(rollbackError as Error);
  }
}
