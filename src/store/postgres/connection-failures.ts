import { StoreError } from "../errors.js";

/**
 * Errors that say the database could not be reached or dropped the session, as opposed to an error in what was
 * asked: a refused or reset socket, a server shutting down, starting up or out of connection slots, a session ended
 * by `pg_terminate_backend`. A statement that met one either never ran or ran in a transaction the server has since
 * rolled back; only a COMMIT whose answer was lost is in doubt (see Database.transaction).
 */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "57P01", // admin_shutdown: the server is stopping, or pg_terminate_backend ended the session
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up, shutting down, in recovery
  "53300", // too_many_connections
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

/** What node-postgres says, without a code, when a socket closes under it or a connection attempt times out. */
const CONNECTION_MESSAGES =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect/i;

/** A transaction the server rolled back on its own and that is worth running again. */
const TRANSIENT_CODES = new Set(["40001", "40P01"]); // serialization_failure, deadlock_detected

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof StoreError) return false;
  const code = codeOf(error);
  if (code !== undefined && CONNECTION_CODES.has(code)) return true;
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

/** Worth running the whole transaction again: nothing of it was committed. */
export function isRetryableTransactionFailure(error: unknown): boolean {
  return isConnectionFailure(error) || TRANSIENT_CODES.has(codeOf(error) ?? "");
}

/** The unique index a duplicate broke (SQLSTATE 23505), if that is what the error is. */
export function uniqueViolation(error: unknown): string | undefined {
  if (codeOf(error) !== "23505") return undefined;
  return (error as { constraint?: string }).constraint ?? "";
}

export function unavailable(where: string, waitedMs: number, cause: unknown): StoreError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreError(
    "E_STORE_UNAVAILABLE",
    `the PostgreSQL store ${where} could not be reached for ${Math.round(waitedMs / 1000)} s (last error: ${reason}); ` +
      "is the server running and accepting connections?",
    { field: "store", cause },
  );
}

/** A COMMIT whose answer was lost and whose outcome could not be learnt before giving up. */
export function commitInDoubt(where: string, marker: string, cause: unknown): StoreError {
  return new StoreError(
    "E_STORE_UNAVAILABLE",
    `the connection to the PostgreSQL store ${where} failed while committing (commit marker ${marker}), and the ` +
      "server could not be asked whether it was applied: read the record back before repeating the change",
    { field: "store", cause },
  );
}
