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

const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 2000;
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
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.retrying(isRetryableTransactionFailure, async () => {
      const client = await this.pool.connect();
      let xid: string;
      let result: T;
      try {
        const begun = (await client.query("BEGIN; SELECT pg_current_xact_id()::text AS xid")) as unknown as {
          rows: { xid: string }[];
        }[];
        xid = begun[1]?.rows[0]?.xid as string;
        result = await fn({
          query: async <R>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(sql, params as unknown[])).rows as R[],
        });
      } catch (error) {
        await abandon(client, error);
        throw error;
      }
      try {
        await client.query("COMMIT");
      } catch (error) {
        client.release(error as Error);
        if (isConnectionFailure(error) && (await this.outcome(xid, error)) === "committed") return result;
        throw error;
      }
      client.release();
      return result;
    });
  }

  /** Whether a transaction whose COMMIT lost its answer was applied, asked of the server on a new connection. */
  private async outcome(xid: string, cause: unknown): Promise<"committed" | "aborted"> {
    const deadline = systemClock.now() + this.maxUnavailableMs;
    for (;;) {
      let status: string | null | undefined;
      try {
        const rows = await this.query<{ status: string | null }>("SELECT pg_xact_status($1::xid8) AS status", [xid]);
        status = rows[0]?.status;
      } catch (error) {
        if (error instanceof StoreError && error.code === "E_STORE_UNAVAILABLE") {
          throw commitInDoubt(this.where, xid, cause);
        }
        throw error;
      }
      if (status === "committed" || status === "aborted") return status;
      // "in progress": the server has not yet noticed that the session is gone; it soon will.
      if (status !== "in progress" || systemClock.now() >= deadline) throw commitInDoubt(this.where, xid, cause);
      await systemClock.sleep(FIRST_DELAY_MS);
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
