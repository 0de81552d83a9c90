/** The controller's defaults, apart from the controller itself so `tunekit serve --help` loads nothing heavy. */
export const CONTROLLER_DEFAULTS = {
  /** How often the store is searched for jobs nobody runs. */
  scanMs: 2000,
  /** How long a lease lives unrenewed: a controller that dies is replaced this long after. */
  leaseTtlMs: 30_000,
  /**
   * A worker not heard from this long (it was killed, or its machine is gone) is dropped from the fleet's listing.
   * One that comes back reports itself again with its next heartbeat.
   */
  forgetWorkersAfterMs: 3_600_000,
} as const;
