import { reportOf } from "../../error-codes.js";
import { TunekitError } from "../../errors.js";

/** The HTTP status of an error, from its code's category in the one registry. */
export function httpStatusFor(error: unknown) {
  return reportOf(error).http;
}

export function errorBody(error: unknown) {
  if (error instanceof TunekitError) {
    return { error: { code: error.code, ...(error.field ? { field: error.field } : {}), message: error.message } };
  }
  return { error: { code: "E_INTERNAL", message: (error as Error).message } };
}
