import type { Hyperparameters } from "../space/index.js";

/** SageMaker's status sets, used as they are so Describe responses need no translation. */
export const TUNING_JOB_STATUSES = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"] as const;
export type TuningJobStatus = (typeof TUNING_JOB_STATUSES)[number];
export const TRAINING_JOB_STATUSES = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"] as const;
export type TrainingJobStatus = (typeof TRAINING_JOB_STATUSES)[number];
export type ObjectiveStatus = "Pending" | "Succeeded" | "Failed";

/** A tuning job ("tuning-job": from a CreateHyperParameterTuningJob request) or an ask/tell study ("study"). */
export type TuningJobKind = "tuning-job" | "study";
export type ResourceKind = "tuning-job" | "training-job";
/**
 * What a lease can be held on: a resource, or a training job's run ("training-run"), for a standalone training job
 * run by a worker: its controller holds the job's lease (which fences its writes), and the worker running the
 * attempt's process holds the run's, which records where that process runs and keeps a second worker out.
 */
export type LeaseKind = ResourceKind | "training-run";

export interface TuningJobRecord {
  readonly name: string;
  readonly kind: TuningJobKind;
  readonly status: TuningJobStatus;
  /** The request (or the study's options) as JSON: what the job was asked to do. */
  readonly config: unknown;
  readonly seed: number;
  /** How many trials have been created: the next trial gets this index. */
  readonly trialCount: number;
  readonly failureReason: string | null;
  /** Why the tuning job completed before its budget was spent (a completion criterion, MaxRuntimeInSeconds). */
  readonly completionReason: string | null;
  /** When convergence was detected (TuningJobCompletionDetails.ConvergenceDetectedTime). */
  readonly convergenceDetectedAt: number | null;
  /**
   * How this machine runs the job's training jobs beyond the request (where relative paths resolve, the S3 map,
   * the interpreter, ...): kept in the store, so any controller that takes the job over runs it the same way.
   */
  readonly runOptions: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly endedAt: number | null;
}

export interface NewTuningJob {
  name: string;
  kind: TuningJobKind;
  config: unknown;
  seed: number;
  runOptions?: unknown;
  now: number;
}

export interface TuningJobPatch {
  status?: TuningJobStatus;
  failureReason?: string | null;
  completionReason?: string | null;
  convergenceDetectedAt?: number | null;
  endedAt?: number | null;
  now: number;
}

export interface TrainingJobRecord {
  readonly name: string;
  readonly tuningJobName: string | null;
  readonly trialIndex: number | null;
  readonly definitionName: string | null;
  readonly status: TrainingJobStatus;
  /** The tuned hyperparameters (static ones live in the request). */
  readonly hyperparameters: Hyperparameters;
  /** The CreateTrainingJob request this job runs, when it runs a process. */
  readonly request: unknown;
  /** What the strategy stored with this trial when it suggested it (see Suggestion.state), or null. */
  readonly strategyState: unknown;
  /** SageMaker's SecondaryStatus (Starting, Downloading, Training, Uploading, MaxRuntimeExceeded, ...), for jobs that run a process. */
  readonly secondaryStatus: string | null;
  readonly statusTransitions: readonly SecondaryStatusTransition[];
  /** The job's private directory (its /opt/ml and log), when it runs a process. */
  readonly jobDir: string | null;
  /** Where model.tar.gz was written (ModelArtifacts.S3ModelArtifacts). */
  readonly modelArtifacts: string | null;
  readonly objectiveValue: number | null;
  readonly objectiveStatus: ObjectiveStatus;
  readonly failureReason: string | null;
  /** Why the job was stopped ("early-stopping", "user", "hyperband-rung", ...), if it was. */
  readonly stopReason: string | null;
  /** The attempt running or last run, from 0: metric points and log lines belong to an attempt. */
  readonly retryAttempt: number;
  /** A standalone job's run options (see TuningJobRecord.runOptions); a tuning job's children use their parent's. */
  readonly runOptions: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
}

/** One entry of DescribeTrainingJob's SecondaryStatusTransitions; times in ms since the epoch. */
export interface SecondaryStatusTransition {
  readonly Status: string;
  readonly StartTime: number;
  readonly EndTime?: number;
  readonly StatusMessage: string;
}

export interface NewTrainingJob {
  name: string;
  /** With a tuning job, `trialIndex` must equal its trialCount: the store advances it atomically. */
  tuningJobName?: string;
  trialIndex?: number;
  definitionName?: string;
  hyperparameters: Hyperparameters;
  request?: unknown;
  strategyState?: unknown;
  status?: TrainingJobStatus;
  secondaryStatus?: string;
  jobDir?: string;
  runOptions?: unknown;
  now: number;
}

export interface TrainingJobPatch {
  status?: TrainingJobStatus;
  objectiveValue?: number | null;
  objectiveStatus?: ObjectiveStatus;
  failureReason?: string | null;
  stopReason?: string | null;
  retryAttempt?: number;
  startedAt?: number | null;
  endedAt?: number | null;
  secondaryStatus?: string | null;
  statusTransitions?: readonly SecondaryStatusTransition[];
  jobDir?: string | null;
  modelArtifacts?: string | null;
  now: number;
}

export interface MetricPoint {
  readonly metricName: string;
  readonly value: number;
  /** Milliseconds since the epoch when the value was read from the log. */
  readonly timestamp: number;
}

export interface StoredMetricPoint extends MetricPoint {
  /** Order of emission within the job, from 0, over all metrics and attempts: a reader's cursor. */
  readonly seq: number;
  /** The attempt (TrainingJobRecord.retryAttempt) that emitted it. */
  readonly attempt: number;
}

/** A piece of a training job's log (stdout and stderr in order, with tunekit's own notes), as written. */
export interface LogChunk {
  /** Order within the job, from 0, over all attempts: a reader's cursor. */
  readonly seq: number;
  readonly attempt: number;
  /** Milliseconds since the epoch when the chunk was written. */
  readonly timestamp: number;
  readonly text: string;
}

/**
 * Which lease a write is made under. A store refuses the write (E_LEASE_LOST) unless the lease still has this
 * token: a process that lost its lease (paused past its expiry and taken over) cannot overwrite its successor.
 */
export interface Fence {
  readonly kind: LeaseKind;
  readonly name: string;
  readonly token: number;
}

/** Ownership of a running tuning job or training job, renewed by heartbeat. Times are the store's clock. */
export interface Lease extends Fence {
  readonly owner: string;
  readonly host: string | null;
  /** The process and process group running the job, and the process's start time, to adopt or end it later. */
  readonly pid: number | null;
  readonly pgid: number | null;
  readonly processStartTime: number | null;
  readonly acquiredAt: number;
  readonly heartbeatAt: number;
  readonly expiresAt: number;
}

/** The process running a job, recorded with its lease so another process can adopt or end it later. */
export interface LeaseProcess {
  host?: string;
  pid?: number;
  pgid?: number;
  processStartTime?: number;
}

export interface LeaseRequest extends LeaseProcess {
  kind: LeaseKind;
  name: string;
  owner: string;
  ttlMs: number;
}

export interface StopRequest {
  readonly id: number;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly reason: string | null;
  readonly requestedAt: number;
  readonly acknowledgedAt: number | null;
}

export interface ListOptions {
  limit?: number;
  offset?: number;
}

/** Filters shared by the two listings, as SageMaker's List operations have them. Times in ms since the epoch. */
export interface ListFilters<S> extends ListOptions {
  readonly status?: S;
  /** A case-insensitive substring of the name. */
  readonly nameContains?: string;
  readonly createdAfter?: number;
  readonly createdBefore?: number;
  readonly modifiedAfter?: number;
  readonly modifiedBefore?: number;
  /** Without it: newest first for tuning jobs; trial order within a tuning job, else creation order, for training jobs. */
  readonly sortBy?: "name" | "createdAt" | "status";
  readonly descending?: boolean;
}

export interface TuningJobListOptions extends ListFilters<TuningJobStatus> {
  readonly kind?: TuningJobKind;
}

export interface TrainingJobListOptions extends ListFilters<TrainingJobStatus> {
  readonly tuningJobName?: string;
  /** Only jobs that belong to no tuning job. */
  readonly standalone?: boolean;
}

/** What a conditional write requires: the record's status among `from`, and the lease of `fence` still held. */
export interface WriteGuard<S> {
  readonly from?: readonly S[];
  readonly fence?: Fence;
  /**
   * A training job's write holds only while this is its current attempt (retryAttempt), and is refused with
   * E_STALE_ATTEMPT otherwise: a worker paused past its lock, whose job has since run again elsewhere, cannot
   * write the old attempt's end over the new one.
   */
  readonly attempt?: number;
}

/** What a worker says of itself each heartbeat (see Store.heartbeatWorker). */
export interface WorkerHeartbeat {
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  /** How many training jobs it runs at once, at most. */
  readonly slots: number;
  /** The GPU indices it hands out (CUDA_VISIBLE_DEVICES), none on a CPU machine. */
  readonly gpus: readonly string[];
  /** The training jobs it runs now, as `name@attempt`. */
  readonly running: readonly string[];
  /** Whether it takes new jobs (false while it cannot reach the store, or is shutting down). */
  readonly accepting: boolean;
}

/** A worker as the fleet listing shows it. Times are the store's clock. */
export interface WorkerRecord extends WorkerHeartbeat {
  /** When this process of the worker first reported. */
  readonly startedAt: number;
  readonly heartbeatAt: number;
}

/**
 * What a chart or a report shows of a training job: a narrow read of thousands of them (see
 * Store.listTrainingJobPoints), without the stored request, the metrics or the output.
 */
export type TrainingJobPoint = Pick<
  TrainingJobRecord,
  | "name"
  | "trialIndex"
  | "definitionName"
  | "status"
  | "stopReason"
  | "hyperparameters"
  | "objectiveValue"
  | "objectiveStatus"
  | "createdAt"
  | "startedAt"
  | "endedAt"
>;

/** The orders a tuning job's training jobs can be paged in. */
export type TrainingJobSortKey = "name" | "createdAt" | "status" | "objectiveValue";

export interface TrainingJobPageOptions extends ListOptions {
  /** Names compare case-insensitively; sorting by objectiveValue leaves out jobs without one. Ties go by trial index. */
  readonly sortBy: TrainingJobSortKey;
  readonly descending?: boolean;
  readonly status?: TrainingJobStatus;
}

/** A finished job's objective value, with what orders the results: when it ended, then its trial index. */
export interface ObjectiveResult {
  readonly value: number;
  readonly endedAt: number | null;
  readonly trialIndex: number | null;
}

export type StatusCounters = Record<TrainingJobStatus, number>;
export type ObjectiveCounters = Record<ObjectiveStatus, number>;

/** One of SageMaker's tags on a tuning job or training job. */
export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** One job's series asked of Store.listMetricSeries: its name and the metric to read. */
export interface WantedSeries {
  readonly trainingJobName: string;
  readonly metricName: string;
}
