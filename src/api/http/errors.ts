import { TunekitError } from "../../errors.js";

/** One mapping from error codes to HTTP statuses, as the CLI has one to exit codes. */
export function httpStatusFor(error: unknown): 400 | 401 | 403 | 404 | 409 | 415 | 500 {
  if (!(error instanceof TunekitError)) return 500;
  if (error.code === "E_UNAUTHORIZED") return 401;
  if (["E_HOST_NOT_ALLOWED", "E_CROSS_ORIGIN", "E_STORE_READ_ONLY"].includes(error.code)) return 403;
  if (error.code === "E_UNSUPPORTED_MEDIA_TYPE") return 415;
  if (error.code === "E_NOT_FOUND" || error.code === "E_NO_LOGS") return 404;
  if (["E_NOT_STOPPABLE", "E_AMBIGUOUS_NAME", "E_RESOURCE_IN_USE"].includes(error.code)) return 409;
  if (error.code.startsWith("E_RANGE_") || ["E_VALIDATION", "E_REQUEST_INVALID", "E_QUERY"].includes(error.code)) {
    return 400;
  }
  return 500;
}

export function errorBody(error: unknown) {
  if (error instanceof TunekitError) {
    return { error: { code: error.code, ...(error.field ? { field: error.field } : {}), message: error.message } };
  }
  return { error: { code: "E_INTERNAL", message: (error as Error).message } };
}
