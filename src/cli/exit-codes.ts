import { TunekitError } from "../errors.js";

/**
 * Exit codes scripts can rely on. Documented in the README; one mapping from
 * error codes, so every command agrees.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  ambiguous: 4,
  conflict: 5,
  storeUnusable: 6,
  interrupted: 130,
} as const;

const BY_CODE: Record<string, number> = {
  E_VALIDATION: ExitCode.usage,
  E_REQUEST_INVALID: ExitCode.usage,
  E_METRIC_REGEX: ExitCode.usage,
  E_CHANNEL_NOT_FOUND: ExitCode.usage,
  E_SOURCE_NOT_FOUND: ExitCode.usage,
  E_ENTRY_POINT: ExitCode.usage,
  E_PYTHON_NOT_FOUND: ExitCode.usage,
  E_S3_UNMAPPED: ExitCode.usage,
  E_S3_MAP: ExitCode.usage,
  E_UNKNOWN_STRATEGY: ExitCode.usage,
  E_GRID_NON_CATEGORICAL: ExitCode.usage,
  E_NOT_FOUND: ExitCode.notFound,
  E_STORE_NOT_FOUND: ExitCode.notFound,
  E_UNKNOWN_TRIAL: ExitCode.notFound,
  E_NO_LOGS: ExitCode.notFound,
  E_AMBIGUOUS_NAME: ExitCode.ambiguous,
  E_NOT_STOPPABLE: ExitCode.conflict,
  E_NOT_DELETABLE: ExitCode.conflict,
  E_NOT_SUPPORTED_YET: ExitCode.usage,
  E_TRIAL_FINISHED: ExitCode.conflict,
  E_STORE_CONFLICT: ExitCode.conflict,
  E_STORE_ALREADY_EXISTS: ExitCode.conflict,
  E_STUDY_MISMATCH: ExitCode.conflict,
  E_STUDY_ENDED: ExitCode.conflict,
  E_RESOURCE_IN_USE: ExitCode.conflict,
  E_NO_RUN_OPTIONS: ExitCode.notFound,
  E_STORE_CORRUPT: ExitCode.storeUnusable,
  E_STORE_FOREIGN: ExitCode.storeUnusable,
  E_STORE_SCHEMA_TOO_NEW: ExitCode.storeUnusable,
  E_STORE_BUSY: ExitCode.storeUnusable,
  E_STORE_READ_ONLY: ExitCode.storeUnusable,
};

export function exitCodeFor(error: unknown): number {
  if (error instanceof TunekitError) {
    if (error.code.startsWith("E_RANGE_") || error.code.startsWith("E_SPACE_")) return ExitCode.usage;
    return BY_CODE[error.code] ?? ExitCode.failure;
  }
  return ExitCode.failure;
}
