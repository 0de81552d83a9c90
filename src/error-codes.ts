import { TunekitError } from "./errors.js";

/**
 * The one registry of error codes. Each code has one category, and the
 * category alone decides how every transport reports it: the CLI's exit
 * code, the HTTP status of tunekit's API, and the exception a SageMaker
 * client sees. A code missing here is an internal error (a test keeps the
 * registry complete).
 */
export type ErrorCategory =
  | "invalid"
  | "not-found"
  | "ambiguous"
  | "conflict"
  | "in-use"
  | "limit"
  | "unauthorized"
  | "forbidden"
  | "read-only"
  | "unsupported-media"
  | "unavailable"
  | "store-unusable"
  | "internal";

export interface CategoryReport {
  /** The CLI's exit code (see the README's table). */
  readonly exit: number;
  /** The HTTP status of tunekit's own API. */
  readonly http: 400 | 401 | 403 | 404 | 409 | 415 | 429 | 500 | 503;
  /** The exception name SageMaker's JSON protocol answers with. */
  readonly aws: string;
}

export const CATEGORIES: Record<ErrorCategory, CategoryReport> = {
  invalid: { exit: 2, http: 400, aws: "ValidationException" },
  "not-found": { exit: 3, http: 404, aws: "ResourceNotFound" },
  ambiguous: { exit: 4, http: 409, aws: "ValidationException" },
  conflict: { exit: 5, http: 409, aws: "ConflictException" },
  "in-use": { exit: 5, http: 409, aws: "ResourceInUse" },
  limit: { exit: 5, http: 429, aws: "ResourceLimitExceeded" },
  unauthorized: { exit: 2, http: 401, aws: "UnrecognizedClientException" },
  forbidden: { exit: 2, http: 403, aws: "AccessDeniedException" },
  "read-only": { exit: 6, http: 403, aws: "AccessDeniedException" },
  "unsupported-media": { exit: 2, http: 415, aws: "SerializationException" },
  unavailable: { exit: 6, http: 503, aws: "ServiceUnavailable" },
  "store-unusable": { exit: 6, http: 503, aws: "InternalFailure" },
  internal: { exit: 1, http: 500, aws: "InternalFailure" },
};

export const ERROR_CODES: Readonly<Record<string, ErrorCategory>> = {
  // Bad input: a request, an option, a query, a range.
  E_VALIDATION: "invalid",
  E_USAGE: "invalid",
  E_REQUEST_INVALID: "invalid",
  E_QUERY: "invalid",
  E_METRIC_REGEX: "invalid",
  E_CHANNEL_NOT_FOUND: "invalid",
  E_SOURCE_NOT_FOUND: "invalid",
  E_ENTRY_POINT: "invalid",
  E_PYTHON_NOT_FOUND: "invalid",
  E_S3_UNMAPPED: "invalid",
  E_S3_MAP: "invalid",
  E_UNKNOWN_STRATEGY: "invalid",
  E_GRID_NON_CATEGORICAL: "invalid",
  E_VALUE_OUT_OF_RANGE: "invalid",
  E_DEPENDENCIES: "invalid",
  E_NOT_SUPPORTED_YET: "invalid",
  E_CHANNEL_KEY: "invalid",
  E_CHANNEL_EMPTY: "invalid",
  E_MANIFEST_INVALID: "invalid",
  E_SOURCE_ARCHIVE: "invalid",
  // Names that name nothing.
  E_NOT_FOUND: "not-found",
  E_STORE_NOT_FOUND: "not-found",
  E_UNKNOWN_TRIAL: "not-found",
  E_NO_LOGS: "not-found",
  E_NO_RUN_OPTIONS: "not-found",
  E_NO_TUNING_JOB: "not-found",
  E_NO_TRAINING_JOB: "not-found",
  E_NO_ESTIMATOR: "not-found",
  E_NO_BEST: "not-found",
  // Where bytes live (src/objects): a job fails with these in its FailureReason; a command that reads an object
  // itself exits with the category's code.
  E_OBJECT_BUCKET_NOT_FOUND: "not-found",
  E_OBJECT_NOT_FOUND: "not-found",
  E_OBJECT_ACCESS_DENIED: "forbidden",
  E_OBJECT_CREDENTIALS: "unauthorized",
  E_OBJECT_UNREACHABLE: "unavailable",
  E_OBJECT_INTEGRITY: "unavailable",
  E_OBJECT_CHANGED: "conflict",
  E_OBJECT_STORE: "unavailable",
  E_AMBIGUOUS_NAME: "ambiguous",
  // The request is fine but the state is wrong for it.
  E_NOT_STOPPABLE: "conflict",
  E_NOT_DELETABLE: "conflict",
  E_TRIAL_FINISHED: "conflict",
  E_STORE_CONFLICT: "conflict",
  E_STUDY_MISMATCH: "conflict",
  E_STUDY_ENDED: "conflict",
  E_SEARCH_EXHAUSTED: "conflict",
  E_LEASE_LOST: "conflict",
  E_STALE_ATTEMPT: "conflict",
  E_STORE_ALREADY_EXISTS: "in-use",
  E_RESOURCE_IN_USE: "in-use",
  E_UNAUTHORIZED: "unauthorized",
  E_HOST_NOT_ALLOWED: "forbidden",
  E_CROSS_ORIGIN: "forbidden",
  E_UNSUPPORTED_MEDIA_TYPE: "unsupported-media",
  E_STORE_READ_ONLY: "read-only",
  // Something tunekit needs is not there or not usable.
  E_STORE_CORRUPT: "store-unusable",
  E_STORE_FOREIGN: "store-unusable",
  E_STORE_SCHEMA_TOO_NEW: "store-unusable",
  E_STORE_BUSY: "store-unusable",
  E_STORE_CLOSED: "store-unusable",
  E_STORE_UNAVAILABLE: "unavailable",
  E_SERVER_UNREACHABLE: "unavailable",
  E_SERVER: "internal",
  E_SUGGEST: "internal",
  E_INTERNAL: "internal",
};

/** Families of codes that share a category, by prefix: the search space's rules are all bad input. */
const PREFIXES: readonly [string, ErrorCategory][] = [
  ["E_RANGE_", "invalid"],
  ["E_SPACE_", "invalid"],
];

export function categoryOf(error: unknown): ErrorCategory {
  if (!(error instanceof TunekitError)) return "internal";
  return ERROR_CODES[error.code] ?? PREFIXES.find(([prefix]) => error.code.startsWith(prefix))?.[1] ?? "internal";
}

/** How every transport reports an error: exit code, HTTP status, SageMaker exception. */
export function reportOf(error: unknown): CategoryReport {
  return CATEGORIES[categoryOf(error)];
}
