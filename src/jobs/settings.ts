import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { S3Settings } from "../objects/index.js";
import type { JobResources } from "./environment.js";
import type { S3Mapping } from "./s3-map.js";
import type { SandboxMode } from "./sandbox.js";

/** How training jobs run on this machine: everything that is not part of the SageMaker request. */
export interface JobSettings {
  /** tunekit's home on this machine (see tunekitHome): jobs, caches and slot locks live under it. */
  readonly home: string;
  /** Where job directories are created (one per job). */
  readonly jobsDir: string;
  /** Caches of virtual environments and node_modules shared by jobs. */
  readonly cacheDir: string;
  /** Relative paths in the request are relative to this (the request file's directory). */
  readonly baseDir: string;
  readonly s3Map: readonly S3Mapping[];
  /** How S3 is reached beyond the standard AWS chain (an endpoint such as MinIO's, a profile, timeouts). */
  readonly s3?: S3Settings;
  /** The interpreter for Python entry points. */
  readonly python: string;
  /** The most of a job's output kept in its log file. */
  readonly logCapBytes: number;
  readonly sandbox: SandboxMode;
  /** Between SIGTERM and SIGKILL when a job is stopped (SageMaker waits 120 s). */
  readonly stopGraceMs: number;
  readonly resources: JobResources;
  /**
   * Jobs this machine runs at once, shared by every tuning job using the same home; undefined sets no bound
   * (a request's MaxParallelTrainingJobs is what runs). With GPUs, one slot per GPU by default.
   */
  readonly slots: number | undefined;
  /** How long a job's lease lives unrenewed: after it, another process may take the job over. */
  readonly leaseTtlMs: number;
  /** Where a tuning job's training jobs run: on this machine (undefined), or on workers taking them from this queue. */
  readonly queue?: QueueTarget;
}

/** A BullMQ queue on Redis that `tunekit worker` processes take training jobs from. */
export interface QueueTarget {
  /** redis:// or rediss:// URL. */
  readonly url: string;
  readonly name: string;
  /** How long a worker's lock on a job lives unrenewed: a dead worker's job runs again this long after. */
  readonly lockMs: number;
}

export const JOB_DEFAULTS = {
  python: "python3",
  logCapBytes: 64 * 1024 * 1024,
  sandbox: "auto" as SandboxMode,
  stopGraceMs: 120_000,
  leaseTtlMs: 30_000,
};

/** Settings for tunekit's home `home`: jobs and caches live under it. */
export function defaultJobSettings(home: string, overrides: Partial<JobSettings> = {}): JobSettings {
  return {
    home,
    jobsDir: join(home, "jobs"),
    cacheDir: join(home, "cache"),
    baseDir: process.cwd(),
    s3Map: [],
    python: process.env.TUNEKIT_PYTHON ?? JOB_DEFAULTS.python,
    logCapBytes: JOB_DEFAULTS.logCapBytes,
    sandbox: JOB_DEFAULTS.sandbox,
    stopGraceMs: JOB_DEFAULTS.stopGraceMs,
    resources: { cpus: availableParallelism(), gpus: [] },
    slots: undefined,
    leaseTtlMs: JOB_DEFAULTS.leaseTtlMs,
    ...overrides,
  };
}
