import type {
  Lease,
  LeaseRequest,
  ListOptions,
  LogCursor,
  MetricPoint,
  NewTrainingJob,
  NewTuningJob,
  ObjectiveCounters,
  ObjectiveResult,
  ResourceKind,
  StatusCounters,
  StopRequest,
  StoredMetricPoint,
  TrainingJobListOptions,
  TrainingJobPageOptions,
  TrainingJobPatch,
  TrainingJobPoint,
  TrainingJobRecord,
  TrainingJobStatus,
  TuningJobPatch,
  TuningJobRecord,
  TuningJobStatus,
} from "./records.js";

/**
 * Everything tunekit remembers. Every method is one atomic step: a write is
 * committed before it returns, so the caller may act on it. Names are
 * case-insensitive. Methods are synchronous because the embedded store is, and
 * the in-process ask/tell API must not force `await` on its users.
 *
 * State transitions are compare-and-set: `from` lists the statuses the record
 * must be in, and the update returns undefined when it was not.
 */
export interface Store {
  readonly kind: string;

  createTuningJob(job: NewTuningJob): TuningJobRecord;
  getTuningJob(name: string): TuningJobRecord | undefined;
  listTuningJobs(options?: ListOptions & { status?: TuningJobStatus }): TuningJobRecord[];
  updateTuningJob(name: string, patch: TuningJobPatch, from?: readonly TuningJobStatus[]): TuningJobRecord | undefined;

  createTrainingJob(job: NewTrainingJob): TrainingJobRecord;
  getTrainingJob(name: string): TrainingJobRecord | undefined;
  /** In trial order within a tuning job, else in creation order. */
  listTrainingJobs(options?: TrainingJobListOptions): TrainingJobRecord[];
  /**
   * A tuning job's training jobs in trial order, with only what charts, reports and tables show of each (no
   * stored request, metrics or output): reading ten thousand of them this way costs a fraction of reading
   * their records.
   */
  listTrainingJobPoints(tuningJobName: string): TrainingJobPoint[];
  updateTrainingJob(
    name: string,
    patch: TrainingJobPatch,
    from?: readonly TrainingJobStatus[],
  ): TrainingJobRecord | undefined;
  /** Removes a job with its metric points, log cursors, lease and stop requests; false if there was none. */
  deleteTrainingJob(name: string): boolean;
  countTrainingJobs(tuningJobName: string): { status: StatusCounters; objective: ObjectiveCounters };
  /**
   * The training job of a tuning job with the best objective value among those whose objective Succeeded;
   * the lowest trial index wins a tie. Answered by the store so it need not read every job to find one.
   */
  bestTrainingJob(tuningJobName: string, objective: "Maximize" | "Minimize"): TrainingJobRecord | undefined;
  /**
   * One page of a tuning job's training jobs in the order asked, and how many there are in that listing:
   * sorted and paged by the store, so a table of 10,000 jobs reads one page of records.
   */
  pageTrainingJobs(
    tuningJobName: string,
    options: TrainingJobPageOptions,
  ): { jobs: TrainingJobRecord[]; total: number };
  /**
   * The objective values of a tuning job's jobs whose objective Succeeded, in the order they ended (trial index
   * breaks ties): what completion criteria are judged on, without reading whole records.
   */
  listObjectiveResults(tuningJobName: string): ObjectiveResult[];

  appendMetricPoints(trainingJobName: string, points: readonly MetricPoint[]): void;
  listMetricPoints(trainingJobName: string, metricName?: string): StoredMetricPoint[];

  setLogCursor(cursor: LogCursor): void;
  getLogCursor(trainingJobName: string, stream: string): LogCursor | undefined;

  /** Takes the lease when it is free, expired or already ours; undefined when another owner holds it. */
  acquireLease(request: LeaseRequest): Lease | undefined;
  /** Extends our lease; false when it is no longer ours (expired and taken). */
  renewLease(kind: ResourceKind, name: string, owner: string, ttlMs: number, now: number): boolean;
  releaseLease(kind: ResourceKind, name: string, owner: string): boolean;
  getLease(kind: ResourceKind, name: string): Lease | undefined;
  /** Leases whose holder stopped renewing them before `now`. */
  listExpiredLeases(now: number): Lease[];

  /** Asks the owner of a job to stop it; asking twice returns the request already pending. */
  requestStop(kind: ResourceKind, name: string, now: number, reason?: string): StopRequest;
  pendingStopRequests(kind?: ResourceKind, name?: string): StopRequest[];
  acknowledgeStopRequest(id: number, now: number): boolean;

  /** Adds `by` to a named counter and returns its value before the addition (0 for a new counter). */
  advanceCounter(scope: string, key: string, by?: number): number;

  close(): void;
}
