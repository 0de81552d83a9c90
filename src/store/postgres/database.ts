import { randomUUID } from "node:crypto";
import pg from "pg";
import { systemClock } from "../../clock.js";
import { createRng } from "../../random.js";
import { StoreError } from "../errors.js";
import {
  commitInDoubt,
  isConnectionFailure,
  isRetryableTransactionFailure,
  unavailable,
} from "./connection-failures.js";

/** Runs one statement and resolves to its rows. */
export interface Queryable {
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

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
/** How many settled commit markers one transaction deletes, at most. */
const MARKERS_PER_TRANSACTION = 50;
// Seeded by process id, so processes that lost their connections together do not come back in lockstep.
const jitter = createRng(process.pid, "postgres-reconnect");

export interface DatabaseSettings {
  /** Where the store is, for messages: host, port and database, never the password. */
  readonly where: string;
  readonly pool: pg.PoolConfig;
  readonly maxUnavailableMs: number;
}

/**
 * A pool of connections to one PostgreSQL database, with tunekit's rules for a server that goes away: a statement
 * or transaction that meets a connection failure is run again, on a fresh connection, with jittered backoff, until
 * `maxUnavailableMs` has passed (then E_STORE_UNAVAILABLE). Nothing is ever applied twice: a failed statement never
 * committed, and a transaction whose COMMIT lost its answer is looked up by its transaction id before anything is
 * repeated.
 */
export class Database implements Queryable {
  readonly where: string;
  private readonly pool: pg.Pool;
  private readonly maxUnavailableMs: number;
  private closed = false;
  private readonly settledMarkers: string[] = [];

  constructor(settings: DatabaseSettings) {
    this.where = settings.where;
    this.maxUnavailableMs = settings.maxUnavailableMs;
    this.pool = new pg.Pool({ ...settings.pool, types: TYPES });
    // A restart or pg_terminate_backend breaks idle connections too; the pool drops them, and the next call opens
    // new ones. Without these listeners such an error would end the process.
    this.pool.on("error", () => {});
    this.pool.on("connect", (client) => client.on("error", () => {}));
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError("E_STORE_CLOSED", `the PostgreSQL store ${this.where} is closed`);
  }

  /** One statement on its own (it commits by itself), run again while the database cannot be reached. */
  async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.retrying(isConnectionFailure, async () => (await this.pool.query(sql, params as unknown[])).rows);
  }

  /**
   * Runs `fn` in one transaction on one connection. `fn` may run more than once (when the connection fails before
   * COMMIT, the server has rolled everything back), so it must do nothing but its statements. Its StoreErrors roll
   * the transaction back and reach the caller.
   *
   * Each transaction also inserts a commit marker (see migrations/0001_initial.sql): when the answer to its COMMIT
   * is lost, the marker, not a guess, says whether the transaction was applied, so it is never applied twice.
   * `exactlyOnce: false` leaves the marker out, for a transaction that is harmless to repeat (a migration, which
   * also runs before the markers' table exists).
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: { exactlyOnce?: boolean } = {}): Promise<T> {
    const marked = options.exactlyOnce ?? true;
    return this.retrying(isRetryableTransactionFailure, async () => {
      const client = await this.pool.connect();
      const marker = randomUUID();
      // Markers of transactions whose outcome is known are deleted by a later transaction, at no extra round trip.
      const settled = marked ? this.settledMarkers.splice(0, MARKERS_PER_TRANSACTION) : [];
      let result: T;
      try {
        await client.query(marked ? beginMarked(marker, settled) : "BEGIN");
        result = await fn({
          query: async <R>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(sql, params as unknown[])).rows as R[],
        });
      } catch (error) {
        this.settledMarkers.push(...settled);
        await abandon(client, error);
        throw error;
      }
      try {
        await client.query("COMMIT");
      } catch (error) {
        client.release(error as Error);
        this.settledMarkers.push(...settled);
        if (marked && isConnectionFailure(error) && (await this.committed(marker, error))) return result;
        throw error;
      }
      client.release();
      if (marked) this.settledMarkers.push(marker);
      return result;
    });
  }

  /**
   * Whether the transaction that inserted `marker` committed, asked on a new connection by inserting the marker
   * again as a probe. The unique index makes the probe wait while that transaction is still in progress (the server
   * has not yet noticed its client is gone), and then either collide with its committed marker or take the key, so
   * that the transaction, if it was somehow still to commit, now never can.
   */
  private async committed(marker: string, cause: unknown): Promise<boolean> {
    try {
      const [row] = await this.query<{ probe: boolean }>(
        `INSERT INTO commit_markers (id, probe) VALUES ($1, true)
         ON CONFLICT (id) DO UPDATE SET probe = commit_markers.probe RETURNING probe`,
        [marker],
      );
      this.settledMarkers.push(marker);
      return row?.probe === false;
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

/**
 * BEGIN, the transaction's commit marker and the deletion of settled ones, in one message. The markers are UUIDs
 * made here (hexadecimal digits and dashes), so they are written into the SQL as they are.
 */
function beginMarked(marker: string, settled: readonly string[]): string {
  const deletion = settled.length === 0 ? "" : `DELETE FROM commit_markers WHERE id IN ('${settled.join("', '")}'); `;
  return `BEGIN; ${deletion}INSERT INTO commit_markers (id) VALUES ('${marker}')`;
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
