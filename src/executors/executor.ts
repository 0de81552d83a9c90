import type { Clock } from "../clock.js";
import type { Fence, MetricPoint, TrainingJobRecord } from "../store/index.js";

/**
 * What an executor reports about the jobs it runs, in the order it happened.
 * Metric points arrive once each (the executor keeps the cursor), so the
 * tuner never re-reads a running job's whole series to find what is new.
 */
export type ExecutorEvent =
  | { readonly type: "started"; readonly job: string; readonly attempt: number; readonly at: number }
  | {
      readonly type: "metrics";
      readonly job: string;
      readonly attempt: number;
      readonly points: readonly MetricPoint[];
    }
  /** The job ended (Completed, Failed or Stopped): its final record. */
  | { readonly type: "ended"; readonly job: string; readonly record: TrainingJobRecord }
  /**
   * The executor can no longer run the job: another process took it over (its lease was lost). Nothing more
   * will be reported of it; the store says what became of it.
   */
  | { readonly type: "lost"; readonly job: string; readonly reason: string };

export interface LaunchOptions {
  /** Why this attempt is a further one (said in the job's log). */
  readonly resumeReason?: string;
  /**
   * The lease the job's writes are made under: a tuning job's, for its trials, so that once another controller
   * takes the tuning job over, nothing the old one started can write another line. A standalone job's own lease
   * by default.
   */
  readonly fence?: Fence;
}

/**
 * Where training jobs run: child processes on this machine (local), or
 * nowhere but a virtual clock (simulated). The tuner's control loop is the
 * same for all of them, and the tuner alone creates a job's record: an
 * executor starts, stops and reports jobs whose records exist.
 */
export interface Executor {
  /** The time the tuner lives in: real for real jobs, virtual for simulated ones. */
  readonly clock: Clock;
  /** How many jobs this executor can run at once (Infinity when it sets no bound of its own). */
  readonly capacity: number;
  /** How many jobs it is running now. */
  readonly running: number;
  /** Throws a typed error when a job's request could not run here; called before anything is created. */
  check(request: Record<string, unknown>): void;
  /**
   * Holds room for the next launch; false when there is none now (room may be shared with other tuning jobs
   * and other processes). Held room stays held until a launch uses it.
   */
  reserve(): boolean;
  /** Starts attempt `record.retryAttempt` of a job whose record is in the store. */
  launch(record: TrainingJobRecord, options?: LaunchOptions): Promise<void>;
  /** Asks a running job to stop; `reason` becomes its StopReason. Asking twice is asking once. */
  stop(name: string, reason: string): Promise<void>;
  /** The events since the last call; when there are none, waits until one comes or `until` on the clock. */
  next(until: number): Promise<ExecutorEvent[]>;
  /** Waits for the jobs it runs to end (stop them first to end them soon), and gives back held room. */
  close(): Promise<void>;
}
