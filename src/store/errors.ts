import { TunekitError } from "../errors.js";

export type StoreErrorCode =
  | "E_STORE_NOT_FOUND"
  | "E_STORE_ALREADY_EXISTS"
  | "E_STORE_CONFLICT"
  | "E_STORE_CORRUPT"
  | "E_STORE_FOREIGN"
  | "E_STORE_SCHEMA_TOO_NEW"
  | "E_STORE_BUSY"
  | "E_STORE_CLOSED"
  | "E_STORE_READ_ONLY";

export class StoreError extends TunekitError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

export function notFound(kind: string, name: string): StoreError {
  return new StoreError("E_STORE_NOT_FOUND", `no ${kind} named "${name}"`, { field: "name" });
}

export function alreadyExists(kind: string, name: string): StoreError {
  return new StoreError(
    "E_STORE_ALREADY_EXISTS",
    `a ${kind} named "${name}" already exists (names are case-insensitive)`,
    {
      field: "name",
    },
  );
}

export function trialIndexConflict(tuningJob: string, expected: number, got: number): StoreError {
  return new StoreError(
    "E_STORE_CONFLICT",
    `trial index ${got} of tuning job "${tuningJob}" is taken or skipped: the next index is ${expected}`,
    { field: "trialIndex" },
  );
}
