import { ValidationError } from "../../errors.js";
import type { QueueTarget } from "../../jobs/settings.js";
import type { Fence, LeaseKind } from "../../store/index.js";

/** The BullMQ queue training jobs are dispatched on, unless told otherwise. */
export const DEFAULT_QUEUE_NAME = "tunekit-training-jobs";

/**
 * What a queued job carries: which attempt of which training job to run, and under which lease. Everything else
 * (the request, the run options) is read from the store, which stays the truth: a queued job is only a request
 * to run what the store says.
 */
export interface QueuedJob {
  readonly name: string;
  readonly attempt: number;
  /** What every write of the job is fenced by: its tuning job's lease for a trial, its controller's lease else. */
  readonly fence?: Fence;
  readonly resumeReason?: string;
  /** The content address of its packed source in the store, when its source was a directory on the controller. */
  readonly sourceBundle?: string;
  /** The job's run options as the controller runs it (RunOptions), so the worker need not read them. */
  readonly runOptions?: Record<string, unknown>;
}

/**
 * The lease the worker running a job holds while it runs (it records the process and keeps a second worker out):
 * a trial's own training-job lease, its tuning job's being the fence; for a standalone job, whose training-job
 * lease is its controller's (the fence), the run's.
 */
export function runLeaseKind(data: Pick<QueuedJob, "fence">): LeaseKind {
  return data.fence?.kind === "training-job" ? "training-run" : "training-job";
}

/**
 * A job's BullMQ id: its name and attempt, so dispatching the same attempt twice adds it once (BullMQ ignores an
 * add whose id exists) and a further attempt is a new job. BullMQ refuses ':' in custom ids; names never hold '@'.
 */
export function queueJobId(name: string, attempt: number): string {
  return `${name}@${attempt}`;
}

/**
 * The queue: its Redis, its name, and how long a worker's lock on a job lives unrenewed (a worker that dies,
 * SIGKILL or a lost machine, is noticed this long after, and its job runs again elsewhere; BullMQ renews the lock
 * every half of it).
 */
export type QueueSettings = QueueTarget;

export const QUEUE_DEFAULTS = { lockMs: 30_000 } as const;

/** Checks a --queue URL, naming the field. */
export function queueSettings(url: string, options: { name?: string; lockMs?: number } = {}): QueueSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError("queue", `must be a redis:// URL such as redis://127.0.0.1:6379, got ${url}`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new ValidationError("queue", `must be a redis:// or rediss:// URL, got ${url}`);
  }
  return { url, name: options.name ?? DEFAULT_QUEUE_NAME, lockMs: options.lockMs ?? QUEUE_DEFAULTS.lockMs };
}

/**
 * BullMQ's connection options for a URL. `maxRetriesPerRequest: null` makes a command wait through a Redis restart
 * instead of failing (BullMQ requires it of workers); ioredis reconnects on its own.
 */
export function redisConnection(url: string) {
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true };
}
