/** The controller's defaults, apart from the controller itself so `tunekit serve --help` loads nothing heavy. */
export const CONTROLLER_DEFAULTS = {
  /** How often the store is searched for jobs nobody runs. */
  scanMs: 2000,
  /** How long a lease lives unrenewed: a controller that dies is replaced this long after. */
  leaseTtlMs: 30_000,
} as const;
