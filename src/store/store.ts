import type {
  Fence,
  Lease,
  LeaseKind,
  LeaseProcess,
  LeaseRequest,
  LogChunk,
  MetricPoint,
  NewTrainingJob,
  NewTuningJob,
  ObjectiveCounters,
  ObjectiveResult,
  ResourceKind,
  StatusCounters,
  StopRequest,
  StoredMetricPoint,
  Tag,
  TrainingJobListOptions,
  TrainingJobPageOptions,
  TrainingJobPatch,
  TrainingJobPoint,
  TrainingJobRecord,
  TrainingJobStatus,
  TuningJobListOptions,
  TuningJobPatch,
  TuningJobRecord,
  TuningJobStatus,
  WantedSeries,
  WorkerHeartbeat,
  WorkerRecord,
  WriteGuard,
} from "./records.js";

/**
 * Everything tunekit remembers, and the single source of truth for every
 * process that works on it (controllers, workers, the console, the CLI).
 * Every method is one atomic step: a write is committed before its promise
 * resolves, so the caller may act on it. Names are case-insensitive.
 *
 * State transitions are compare-and-set: a guard's `from` lists the statuses
 * the record must be in, and the update resolves to undefined when it was
 * not. A write made under a lease names it (`fence`), and is refused with
 * E_LEASE_LOST once another process has taken the lease over.
 *
 * Leases are timed by the store's own clock (the database server's, for a
 * shared store), never by the caller's, so machines whose clocks disagree
 * still agree on who owns what. Record timestamps (`now` in patches) are the
 * caller's clock: virtual time in a simulation.
 */
export interface Store {
  readonly kind: "memory" | "sqlite" | "postgres";

  /** The store's clock, in milliseconds since the epoch: what leases are timed by. */
  now(): Promise<number>;

  createTuningJob(job: NewTuningJob): Promise<TuningJobRecord>;
  getTuningJob(name: string): Promise<TuningJobRecord | undefined>;
  listTuningJobs(options?: TuningJobListOptions): Promise<TuningJobRecord[]>;
  updateTuningJob(
    name: string,
    patch: TuningJobPatch,
    guard?: WriteGuard<TuningJobStatus>,
  ): Promise<TuningJobRecord | undefined>;
  /** Removes a tuning job with its training jobs and everything theirs; false if there was none. */
  deleteTuningJob(name: string): Promise<boolean>;

  /**
   * With a tuning job, `trialIndex` must equal its trialCount (E_STORE_CONFLICT otherwise): the store
   * advances it in the same transaction, so two processes can never take the same index.
   */
  createTrainingJob(job: NewTrainingJob, fence?: Fence): Promise<TrainingJobRecord>;
  getTrainingJob(name: string): Promise<TrainingJobRecord | undefined>;
  listTrainingJobs(options?: TrainingJobListOptions): Promise<TrainingJobRecord[]>;
  /**
   * A tuning job's training jobs in trial order, with only what charts, reports and tables show of each (no
   * stored request, metrics or output): reading ten thousand of them this way costs a fraction of reading
   * their records.
   */
  listTrainingJobPoints(tuningJobName: string): Promise<TrainingJobPoint[]>;
  updateTrainingJob(
    name: string,
    patch: TrainingJobPatch,
    guard?: WriteGuard<TrainingJobStatus>,
  ): Promise<TrainingJobRecord | undefined>;
  /** Removes a job with its metric points, log, lease and stop requests; false if there was none. */
  deleteTrainingJob(name: string): Promise<boolean>;
  countTrainingJobs(tuningJobName: string): Promise<{ status: StatusCounters; objective: ObjectiveCounters }>;
  /**
   * The training job of a tuning job with the best objective value among those whose objective Succeeded;
   * the lowest trial index wins a tie. Answered by the store so it need not read every job to find one.
   */
  bestTrainingJob(tuningJobName: string, objective: "Maximize" | "Minimize"): Promise<TrainingJobRecord | undefined>;
  /**
   * One page of a tuning job's training jobs in the order asked, and how many there are in that listing:
   * sorted and paged by the store, so a table of 10,000 jobs reads one page of records.
   */
  pageTrainingJobs(
    tuningJobName: string,
    options: TrainingJobPageOptions,
  ): Promise<{ jobs: TrainingJobRecord[]; total: number }>;
  /**
   * The objective values of a tuning job's jobs whose objective Succeeded, in the order they ended (trial index
   * breaks ties): what completion criteria are judged on, without reading whole records.
   */
  listObjectiveResults(tuningJobName: string): Promise<ObjectiveResult[]>;

  /** Appends points emitted by one attempt; refused (E_STALE_ATTEMPT) unless it is the job's current attempt. */
  appendMetricPoints(
    trainingJobName: string,
    attempt: number,
    points: readonly MetricPoint[],
    fence?: Fence,
  ): Promise<void>;
  /** The job's current attempt's points in emission order; `afterSeq` reads only newer ones (a cursor). */
  listMetricPoints(
    trainingJobName: string,
    options?: { metricName?: string; afterSeq?: number },
  ): Promise<StoredMetricPoint[]>;

  /**
   * One metric's series (the current attempt's points, in emission order) for each of many jobs, in one read:
   * what the learning curves draw. A job that does not exist, or has no such points, gets an empty series. The
   * map is keyed by each name as given; a name given twice is read once, for the last metric given with it.
   */
  listMetricSeries(wanted: readonly WantedSeries[]): Promise<Map<string, StoredMetricPoint[]>>;

  /** Appends to a job's log (every attempt's, in order); refused (E_STALE_ATTEMPT) for an attempt that is not current. */
  appendLog(trainingJobName: string, attempt: number, text: string, timestamp: number, fence?: Fence): Promise<void>;
  /**
   * The log's chunks in order: after `afterSeq` when given, at most `limit` of them; with `newest`, the last
   * `limit` chunks (what `tail` shows, and how a reader learns how far the log goes without reading it).
   */
  readLog(
    trainingJobName: string,
    options?: { afterSeq?: number; limit?: number; newest?: boolean },
  ): Promise<LogChunk[]>;

  /**
   * Takes the lease when it is free or expired (a new token), or extends it when `owner` already holds it
   * (the same token); undefined when another owner holds it.
   */
  acquireLease(request: LeaseRequest): Promise<Lease | undefined>;
  /** Extends a lease still held under its token, recording the process when given; undefined once it is lost. */
  renewLease(fence: Fence, ttlMs: number, process?: LeaseProcess): Promise<Lease | undefined>;
  releaseLease(fence: Fence): Promise<boolean>;
  getLease(kind: LeaseKind, name: string): Promise<Lease | undefined>;
  /**
   * Jobs a controller should be running but nobody holds a live lease on: InProgress or Stopping tuning jobs
   * (not ask/tell studies, which their caller runs), or standalone training jobs with a request.
   */
  listUnleased(kind: ResourceKind): Promise<string[]>;

  /** Asks the owner of a job to stop it; asking twice returns the request already pending. */
  requestStop(kind: ResourceKind, name: string, now: number, reason?: string): Promise<StopRequest>;
  pendingStopRequests(kind: ResourceKind, name: string): Promise<StopRequest[]>;
  acknowledgeStopRequest(id: number, now: number): Promise<boolean>;

  /**
   * SageMaker's tags on a job, kept by kind and name (the job's own existence is the caller's to check). Adding
   * a key again replaces its value; deleting a key not there is no error; listing is in key order. A job's tags
   * go with it when it is deleted (a tuning job's training jobs' too).
   */
  addTags(kind: ResourceKind, name: string, tags: readonly Tag[]): Promise<void>;
  listTags(kind: ResourceKind, name: string): Promise<Tag[]>;
  deleteTags(kind: ResourceKind, name: string, keys: readonly string[]): Promise<void>;

  /**
   * Records a worker's heartbeat, timed by the store's clock: creates its row, or replaces what it says of itself
   * (startedAt changes only when another process of the same name reports).
   */
  heartbeatWorker(beat: WorkerHeartbeat): Promise<WorkerRecord>;
  /** Every worker that has reported and not said goodbye, by name. */
  listWorkers(): Promise<WorkerRecord[]>;
  /** A worker leaving the fleet (it shut down cleanly); false if it had no row. */
  removeWorker(name: string): Promise<boolean>;

  /**
   * Keeps a packed source bundle (sourcedir.tar.gz) under its content address, so a worker on any machine can
   * fetch the code a job names; storing the same address twice keeps the first.
   */
  putSourceBundle(sha256: string, bytes: Uint8Array): Promise<void>;
  getSourceBundle(sha256: string): Promise<Uint8Array | undefined>;

  close(): Promise<void>;
}
