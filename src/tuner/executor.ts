import type { Clock } from "../clock.js";
import type { Hyperparameters } from "../space/index.js";
import type { TrainingJobRecord } from "../store/index.js";

/** One trial to run: the child training job the tuner has decided on. */
export interface TrialLaunch {
  readonly name: string;
  readonly tuningJobName: string;
  readonly trialIndex: number;
  readonly definitionName?: string;
  readonly hyperparameters: Hyperparameters;
  readonly strategyState?: unknown;
  /** The child's CreateTrainingJob request (static and tuned hyperparameters, `_tuning_objective_metric`). */
  readonly request: Record<string, unknown>;
}

/**
 * Where a tuning job's training jobs run: child processes on this machine
 * (local), or nowhere but a virtual clock (simulated). The tuner's control
 * loop is the same for all of them; an executor only starts, stops and
 * reports jobs, and writes their records and metric points to the store.
 */
export interface Executor {
  /** The time the tuner lives in: real for local jobs, virtual for simulated ones. */
  readonly clock: Clock;
  /** Throws a typed error when a child request could not run here; called before anything is created. */
  check(request: Record<string, unknown>): void;
  /**
   * Holds a slot for the next launch; false when the machine has none free
   * (slots are shared with other tuning jobs). A held slot stays held until launched.
   */
  reserve(): boolean;
  /** Starts a trial in the reserved slot; its training-job record is in the store when this returns. */
  launch(trial: TrialLaunch): void;
  /** Runs again a trial whose previous run was lost with the tuner that ran it (same name and hyperparameters). */
  relaunch(job: TrainingJobRecord): void;
  /** Asks a running job to stop; `reason` becomes its StopReason. */
  stop(name: string, reason: string): void;
  /** Jobs that ended since the last call, with their final records. */
  takeEnded(): TrainingJobRecord[];
  /** How many jobs are running. */
  readonly running: number;
  /**
   * Waits until a job ends or a poll interval passes (local), or until the next
   * simulated event (simulated); never past `until` on this executor's clock.
   */
  wait(until: number): Promise<void>;
  close(): Promise<void>;
}
