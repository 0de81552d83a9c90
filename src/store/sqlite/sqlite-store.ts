import { type Clock, systemClock } from "../../clock.js";
import { ValidationError } from "../../errors.js";
import { emptyCounters } from "../counters.js";
import { alreadyExists, leaseLost, notFound, staleAttempt, trialIndexConflict } from "../errors.js";
import { seriesOneByOne } from "../metric-series.js";
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
  ObjectiveStatus,
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
} from "../records.js";
import { limitClause, SQLITE_DIALECT, trainingJobListing, tuningJobListing } from "../sql/list-query.js";
import { toWorker, type WorkerRow, workerParams } from "../sql/worker-rows.js";
import type { Store } from "../store.js";
import { Connection, type ConnectionOptions } from "./connection.js";
import {
  type LeaseRow,
  type StopRequestRow,
  setClause,
  type TrainingJobRow,
  type TuningJobRow,
  toLease,
  toStopRequest,
  toTrainingJob,
  toTuningJob,
} from "./rows.js";

const TUNING_JOB_COLUMNS = {
  status: "status",
  failureReason: "failure_reason",
  completionReason: "completion_reason",
  convergenceDetectedAt: "convergence_detected_at",
  endedAt: "ended_at",
  now: "updated_at",
};
const TRAINING_JOB_COLUMNS = {
  status: "status",
  objectiveValue: "objective_value",
  objectiveStatus: "objective_status",
  failureReason: "failure_reason",
  stopReason: "stop_reason",
  retryAttempt: "retry_attempt",
  startedAt: "started_at",
  endedAt: "ended_at",
  secondaryStatus: "secondary_status",
  statusTransitions: "status_transitions",
  jobDir: "job_dir",
  modelArtifacts: "model_artifacts",
  now: "updated_at",
};

const SORT_COLUMNS: Record<TrainingJobPageOptions["sortBy"], string> = {
  name: "lower(name)",
  createdAt: "created_at",
  status: "status",
  objectiveValue: "objective_value",
};

export interface SqliteStoreOptions extends ConnectionOptions {
  /** The store's clock, which times leases (one machine shares one file, so the local clock is the store's). */
  clock?: Clock;
}

const RUNNING = "('InProgress', 'Stopping')";

/**
 * The Store in one SQLite file, shared safely by any number of processes on
 * one machine. better-sqlite3 is synchronous: each method does its work at
 * once and returns a settled promise.
 */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  private readonly connection: Connection;
  private readonly clock: Clock;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.connection = new Connection(path, options);
    this.clock = options.clock ?? systemClock;
  }

  get path(): string {
    return this.connection.path;
  }

  private get(sql: string, ...params: unknown[]): unknown {
    return this.connection.statement(sql).get(...params);
  }

  private all(sql: string, ...params: unknown[]): unknown[] {
    return this.connection.statement(sql).all(...params);
  }

  private run(sql: string, ...params: unknown[]) {
    return this.connection.statement(sql).run(...params);
  }

  private tuningJobRow(name: string): TuningJobRow | undefined {
    return this.get("SELECT * FROM tuning_jobs WHERE name = ?", name) as TuningJobRow | undefined;
  }

  private trainingJobRow(name: string): TrainingJobRow | undefined {
    return this.get("SELECT * FROM training_jobs WHERE name = ?", name) as TrainingJobRow | undefined;
  }

  /** Inside a write: refuses it when the lease it was made under was taken over (see Fence). */
  private checkFence(fence: Fence | undefined): void {
    if (!fence) return;
    const row = this.get(
      "SELECT token FROM leases WHERE resource_kind = ? AND resource_name = ?",
      fence.kind,
      fence.name,
    ) as { token: number } | undefined;
    if (row?.token !== fence.token) throw leaseLost(fence.kind, fence.name, fence.token);
  }

  async now(): Promise<number> {
    return this.clock.now();
  }

  async createTuningJob(job: NewTuningJob): Promise<TuningJobRecord> {
    return this.connection.write(() => {
      if (this.tuningJobRow(job.name)) throw alreadyExists("tuning job", job.name);
      this.run(
        `INSERT INTO tuning_jobs (name, kind, status, config, seed, run_options, created_at, updated_at)
         VALUES (?, ?, 'InProgress', ?, ?, ?, ?, ?)`,
        job.name,
        job.kind,
        JSON.stringify(job.config),
        job.seed,
        job.runOptions === undefined ? null : JSON.stringify(job.runOptions),
        job.now,
        job.now,
      );
      return toTuningJob(this.tuningJobRow(job.name) as TuningJobRow);
    });
  }

  async getTuningJob(name: string): Promise<TuningJobRecord | undefined> {
    const row = this.connection.read(() => this.tuningJobRow(name));
    return row && toTuningJob(row);
  }

  async listTuningJobs(options: TuningJobListOptions = {}): Promise<TuningJobRecord[]> {
    const { where, params, order } = tuningJobListing(options, SQLITE_DIALECT);
    const rows = this.connection.read(() =>
      this.all(`SELECT * FROM tuning_jobs${where} ORDER BY ${order}${limitClause(options, SQLITE_DIALECT)}`, ...params),
    ) as TuningJobRow[];
    return rows.map(toTuningJob);
  }

  async updateTuningJob(
    name: string,
    patch: TuningJobPatch,
    guard: WriteGuard<TuningJobStatus> = {},
  ): Promise<TuningJobRecord | undefined> {
    return this.connection.write(() => {
      const row = this.tuningJobRow(name);
      if (!row) throw notFound("tuning job", name);
      this.checkFence(guard.fence);
      if (guard.from && !guard.from.includes(row.status)) return undefined;
      const { sql, params } = setClause({ ...patch }, TUNING_JOB_COLUMNS);
      this.connection.db.prepare(`UPDATE tuning_jobs SET ${sql} WHERE name = @name`).run({ ...params, name });
      return toTuningJob(this.tuningJobRow(name) as TuningJobRow);
    });
  }

  async deleteTuningJob(name: string): Promise<boolean> {
    return this.connection.write(() => {
      const row = this.tuningJobRow(name);
      if (!row) return false;
      // Training jobs, and with them their metric points and logs, go with the row (ON DELETE CASCADE).
      this.run(
        `DELETE FROM leases WHERE resource_kind IN ('training-job', 'training-run')
           AND resource_name IN (SELECT name FROM training_jobs WHERE tuning_job_name = ?)`,
        row.name,
      );
      this.run(
        `DELETE FROM stop_requests WHERE resource_kind = 'training-job'
           AND resource_name IN (SELECT name FROM training_jobs WHERE tuning_job_name = ?)`,
        row.name,
      );
      this.run(
        `DELETE FROM tags WHERE resource_kind = 'training-job'
           AND resource_name IN (SELECT name FROM training_jobs WHERE tuning_job_name = ?)`,
        row.name,
      );
      this.run("DELETE FROM tags WHERE resource_kind = 'tuning-job' AND resource_name = ?", row.name);
      this.run("DELETE FROM leases WHERE resource_kind = 'tuning-job' AND resource_name = ?", row.name);
      this.run("DELETE FROM stop_requests WHERE resource_kind = 'tuning-job' AND resource_name = ?", row.name);
      this.run("DELETE FROM tuning_jobs WHERE name = ?", row.name);
      return true;
    });
  }

  async createTrainingJob(job: NewTrainingJob, fence?: Fence): Promise<TrainingJobRecord> {
    return this.connection.write(() => {
      // The index check comes first: a racer that lost an index must learn that (and retry), not trip on the name.
      let parentName: string | null = null;
      if (job.tuningJobName !== undefined) {
        const parent = this.tuningJobRow(job.tuningJobName);
        if (!parent) throw notFound("tuning job", job.tuningJobName);
        this.checkFence(fence);
        if (job.trialIndex !== parent.trial_count) {
          throw trialIndexConflict(parent.name, parent.trial_count, job.trialIndex ?? Number.NaN);
        }
        parentName = parent.name;
      } else this.checkFence(fence);
      if (this.trainingJobRow(job.name)) throw alreadyExists("training job", job.name);
      if (parentName !== null)
        this.run("UPDATE tuning_jobs SET trial_count = trial_count + 1 WHERE name = ?", parentName);
      this.run(
        `INSERT INTO training_jobs (name, tuning_job_name, trial_index, definition_name, status, hyperparameters,
           request, strategy_state, secondary_status, job_dir, run_options, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        job.name,
        parentName,
        job.trialIndex ?? null,
        job.definitionName ?? null,
        job.status ?? "InProgress",
        JSON.stringify(job.hyperparameters),
        job.request === undefined ? null : JSON.stringify(job.request),
        job.strategyState === undefined ? null : JSON.stringify(job.strategyState),
        job.secondaryStatus ?? null,
        job.jobDir ?? null,
        job.runOptions === undefined ? null : JSON.stringify(job.runOptions),
        job.now,
        job.now,
      );
      return toTrainingJob(this.trainingJobRow(job.name) as TrainingJobRow);
    });
  }

  async getTrainingJob(name: string): Promise<TrainingJobRecord | undefined> {
    const row = this.connection.read(() => this.trainingJobRow(name));
    return row && toTrainingJob(row);
  }

  async listTrainingJobs(options: TrainingJobListOptions = {}): Promise<TrainingJobRecord[]> {
    const { where, params, order } = trainingJobListing(options, SQLITE_DIALECT, "created_at, rowid");
    const rows = this.connection.read(() =>
      this.all(
        `SELECT * FROM training_jobs${where} ORDER BY ${order}${limitClause(options, SQLITE_DIALECT)}`,
        ...params,
      ),
    ) as TrainingJobRow[];
    return rows.map(toTrainingJob);
  }

  async listTrainingJobPoints(tuningJobName: string): Promise<TrainingJobPoint[]> {
    const rows = this.connection.read(() =>
      this.all(
        `SELECT name, trial_index, definition_name, status, stop_reason, hyperparameters, objective_value,
           objective_status, created_at, started_at, ended_at
         FROM training_jobs WHERE tuning_job_name = ? ORDER BY trial_index`,
        tuningJobName,
      ),
    ) as TrainingJobRow[];
    return rows.map((row) => ({
      name: row.name,
      trialIndex: row.trial_index,
      definitionName: row.definition_name,
      status: row.status,
      stopReason: row.stop_reason,
      hyperparameters: JSON.parse(row.hyperparameters),
      objectiveValue: row.objective_value,
      objectiveStatus: row.objective_status,
      createdAt: row.created_at,
      startedAt: row.started_at,
      endedAt: row.ended_at,
    }));
  }

  async updateTrainingJob(
    name: string,
    patch: TrainingJobPatch,
    guard: WriteGuard<TrainingJobStatus> = {},
  ): Promise<TrainingJobRecord | undefined> {
    return this.connection.write(() => {
      const row = this.trainingJobRow(name);
      if (!row) throw notFound("training job", name);
      this.checkFence(guard.fence);
      if (guard.attempt !== undefined && row.retry_attempt !== guard.attempt) {
        throw staleAttempt(row.name, guard.attempt, row.retry_attempt);
      }
      if (guard.from && !guard.from.includes(row.status)) return undefined;
      const { statusTransitions, ...rest } = patch;
      const fields = {
        ...rest,
        ...(statusTransitions ? { statusTransitions: JSON.stringify(statusTransitions) } : {}),
      };
      const { sql, params } = setClause(fields, TRAINING_JOB_COLUMNS);
      this.connection.db.prepare(`UPDATE training_jobs SET ${sql} WHERE name = @name`).run({ ...params, name });
      return toTrainingJob(this.trainingJobRow(name) as TrainingJobRow);
    });
  }

  async deleteTrainingJob(name: string): Promise<boolean> {
    return this.connection.write(() => {
      const row = this.trainingJobRow(name);
      if (!row) return false;
      // Metric points and log chunks go with the row (ON DELETE CASCADE); leases and stop requests are keyed by name.
      this.run(
        "DELETE FROM leases WHERE resource_kind IN ('training-job', 'training-run') AND resource_name = ?",
        row.name,
      );
      this.run("DELETE FROM stop_requests WHERE resource_kind = 'training-job' AND resource_name = ?", row.name);
      this.run("DELETE FROM tags WHERE resource_kind = 'training-job' AND resource_name = ?", row.name);
      this.run("DELETE FROM training_jobs WHERE name = ?", row.name);
      return true;
    });
  }

  async countTrainingJobs(tuningJobName: string): Promise<{ status: StatusCounters; objective: ObjectiveCounters }> {
    const counters = emptyCounters();
    const rows = this.connection.read(() =>
      this.all(
        `SELECT status, objective_status, count(*) AS n FROM training_jobs
         WHERE tuning_job_name = ? GROUP BY status, objective_status`,
        tuningJobName,
      ),
    ) as { status: TrainingJobStatus; objective_status: ObjectiveStatus; n: number }[];
    for (const row of rows) {
      counters.status[row.status] += row.n;
      counters.objective[row.objective_status] += row.n;
    }
    return counters;
  }

  async bestTrainingJob(
    tuningJobName: string,
    objective: "Maximize" | "Minimize",
  ): Promise<TrainingJobRecord | undefined> {
    // The direction is one of two fixed words, never user text, so it is safe to splice into the SQL.
    const direction = objective === "Maximize" ? "DESC" : "ASC";
    const row = this.connection.read(() =>
      this.get(
        `SELECT * FROM training_jobs
         WHERE tuning_job_name = ? AND objective_status = 'Succeeded' AND objective_value IS NOT NULL
         ORDER BY objective_value ${direction}, trial_index, created_at LIMIT 1`,
        tuningJobName,
      ),
    ) as TrainingJobRow | undefined;
    return row && toTrainingJob(row);
  }

  async pageTrainingJobs(
    tuningJobName: string,
    options: TrainingJobPageOptions,
  ): Promise<{ jobs: TrainingJobRecord[]; total: number }> {
    // Column expressions from this fixed table and a fixed direction word: nothing from the caller reaches the SQL.
    const column = SORT_COLUMNS[options.sortBy];
    if (!column) throw new ValidationError("sortBy", `must be one of ${Object.keys(SORT_COLUMNS).join(", ")}`);
    const direction = options.descending ? "DESC" : "ASC";
    const conditions = ["tuning_job_name = ?"];
    const params: unknown[] = [tuningJobName];
    if (options.status !== undefined) {
      conditions.push("status = ?");
      params.push(options.status);
    }
    if (options.sortBy === "objectiveValue") conditions.push("objective_value IS NOT NULL");
    const where = ` WHERE ${conditions.join(" AND ")}`;
    return this.connection.read(() => {
      const rows = this.all(
        `SELECT * FROM training_jobs${where} ORDER BY ${column} ${direction}, trial_index${limitClause(options, SQLITE_DIALECT)}`,
        ...params,
      ) as TrainingJobRow[];
      const { total } = this.get(`SELECT count(*) AS total FROM training_jobs${where}`, ...params) as { total: number };
      return { jobs: rows.map(toTrainingJob), total };
    });
  }

  async listObjectiveResults(tuningJobName: string): Promise<ObjectiveResult[]> {
    const rows = this.connection.read(() =>
      this.all(
        `SELECT objective_value AS value, ended_at AS endedAt, trial_index AS trialIndex FROM training_jobs
         WHERE tuning_job_name = ? AND objective_status = 'Succeeded' AND objective_value IS NOT NULL
         ORDER BY coalesce(ended_at, 0), coalesce(trial_index, 0)`,
        tuningJobName,
      ),
    ) as ObjectiveResult[];
    return rows;
  }

  /** Inside a write: the job, checked to be on `attempt` and, with a fence, still leased. */
  private currentAttempt(name: string, attempt: number, fence: Fence | undefined): TrainingJobRow {
    const job = this.trainingJobRow(name);
    if (!job) throw notFound("training job", name);
    this.checkFence(fence);
    if (job.retry_attempt !== attempt) throw staleAttempt(job.name, attempt, job.retry_attempt);
    return job;
  }

  async appendMetricPoints(
    trainingJobName: string,
    attempt: number,
    points: readonly MetricPoint[],
    fence?: Fence,
  ): Promise<void> {
    this.connection.write(() => {
      const job = this.currentAttempt(trainingJobName, attempt, fence);
      const next = this.get(
        "SELECT coalesce(max(seq) + 1, 0) AS seq FROM metric_points WHERE training_job_name = ?",
        job.name,
      ) as { seq: number };
      points.forEach((point, i) => {
        this.run(
          `INSERT INTO metric_points (training_job_name, seq, attempt, metric_name, value, timestamp)
           VALUES (?, ?, ?, ?, ?, ?)`,
          job.name,
          next.seq + i,
          attempt,
          point.metricName,
          point.value,
          point.timestamp,
        );
      });
    });
  }

  async listMetricPoints(
    trainingJobName: string,
    options: { metricName?: string; afterSeq?: number } = {},
  ): Promise<StoredMetricPoint[]> {
    const rows = this.connection.read(() =>
      this.all(
        `SELECT p.seq, p.attempt, p.metric_name, p.value, p.timestamp
         FROM metric_points p JOIN training_jobs j ON j.name = p.training_job_name AND j.retry_attempt = p.attempt
         WHERE p.training_job_name = @name AND (@metric IS NULL OR p.metric_name = @metric) AND p.seq > @after
         ORDER BY p.seq`,
        { name: trainingJobName, metric: options.metricName ?? null, after: options.afterSeq ?? -1 },
      ),
    ) as { seq: number; attempt: number; metric_name: string; value: number; timestamp: number }[];
    return rows.map((r) => ({
      seq: r.seq,
      attempt: r.attempt,
      metricName: r.metric_name,
      value: r.value,
      timestamp: r.timestamp,
    }));
  }

  listMetricSeries(wanted: readonly WantedSeries[]): Promise<Map<string, StoredMetricPoint[]>> {
    return seriesOneByOne(this, wanted);
  }

  async appendLog(
    trainingJobName: string,
    attempt: number,
    text: string,
    timestamp: number,
    fence?: Fence,
  ): Promise<void> {
    this.connection.write(() => {
      const job = this.currentAttempt(trainingJobName, attempt, fence);
      this.run(
        `INSERT INTO log_chunks (training_job_name, seq, attempt, timestamp, text)
         SELECT ?, coalesce(max(seq) + 1, 0), ?, ?, ? FROM log_chunks WHERE training_job_name = ?`,
        job.name,
        attempt,
        timestamp,
        text,
        job.name,
      );
    });
  }

  async readLog(
    trainingJobName: string,
    options: { afterSeq?: number; limit?: number; newest?: boolean } = {},
  ): Promise<LogChunk[]> {
    // The direction is one of two fixed words: nothing from the caller reaches the SQL.
    const rows = this.connection.read(
      () =>
        this.all(
          `SELECT seq, attempt, timestamp, text FROM log_chunks WHERE training_job_name = ? AND seq > ?
           ORDER BY seq ${options.newest ? "DESC" : "ASC"} LIMIT ?`,
          trainingJobName,
          options.afterSeq ?? -1,
          options.limit ?? -1,
        ) as LogChunk[],
    );
    return options.newest ? rows.reverse() : rows;
  }

  private leaseRow(kind: LeaseKind, name: string): LeaseRow | undefined {
    return this.get("SELECT * FROM leases WHERE resource_kind = ? AND resource_name = ?", kind, name) as
      | LeaseRow
      | undefined;
  }

  /** The next fencing token: from a counter that only goes up, so a token is never handed out twice. */
  private nextToken(): number {
    const row = this.get("SELECT value FROM counters WHERE scope = 'store' AND key = 'lease-token'") as
      | { value: number }
      | undefined;
    const token = (row?.value ?? 0) + 1;
    this.run(
      `INSERT INTO counters (scope, key, value) VALUES ('store', 'lease-token', ?)
       ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value`,
      token,
    );
    return token;
  }

  async acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    return this.connection.write(() => {
      const now = this.clock.now();
      const current = this.leaseRow(request.kind, request.name);
      if (current && current.owner !== request.owner && current.expires_at > now) return undefined;
      const sameOwner = current !== undefined && current.owner === request.owner;
      this.run(
        `INSERT OR REPLACE INTO leases (resource_kind, resource_name, token, owner, host, pid, pgid,
           process_start_time, acquired_at, heartbeat_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        request.kind,
        request.name,
        sameOwner ? current.token : this.nextToken(),
        request.owner,
        request.host ?? null,
        request.pid ?? null,
        request.pgid ?? null,
        request.processStartTime ?? null,
        sameOwner ? current.acquired_at : now,
        now,
        now + request.ttlMs,
      );
      return toLease(this.leaseRow(request.kind, request.name) as LeaseRow);
    });
  }

  async renewLease(fence: Fence, ttlMs: number, process: LeaseProcess = {}): Promise<Lease | undefined> {
    return this.connection.write(() => {
      const now = this.clock.now();
      const changed = this.run(
        `UPDATE leases SET heartbeat_at = ?, expires_at = ?, host = coalesce(?, host), pid = coalesce(?, pid),
           pgid = coalesce(?, pgid), process_start_time = coalesce(?, process_start_time)
         WHERE resource_kind = ? AND resource_name = ? AND token = ?`,
        now,
        now + ttlMs,
        process.host ?? null,
        process.pid ?? null,
        process.pgid ?? null,
        process.processStartTime ?? null,
        fence.kind,
        fence.name,
        fence.token,
      ).changes;
      return changed === 1 ? toLease(this.leaseRow(fence.kind, fence.name) as LeaseRow) : undefined;
    });
  }

  async releaseLease(fence: Fence): Promise<boolean> {
    return this.connection.write(
      () =>
        this.run(
          "DELETE FROM leases WHERE resource_kind = ? AND resource_name = ? AND token = ?",
          fence.kind,
          fence.name,
          fence.token,
        ).changes === 1,
    );
  }

  async getLease(kind: LeaseKind, name: string): Promise<Lease | undefined> {
    const row = this.connection.read(() => this.leaseRow(kind, name));
    return row && toLease(row);
  }

  async listUnleased(kind: ResourceKind): Promise<string[]> {
    const now = this.clock.now();
    const jobs =
      kind === "tuning-job"
        ? `SELECT name, created_at FROM tuning_jobs WHERE kind = 'tuning-job' AND status IN ${RUNNING}`
        : `SELECT name, created_at FROM training_jobs
           WHERE tuning_job_name IS NULL AND request IS NOT NULL AND status IN ${RUNNING}`;
    const rows = this.connection.read(() =>
      this.all(
        `SELECT j.name FROM (${jobs}) j
         LEFT JOIN leases l ON l.resource_kind = ? AND l.resource_name = j.name AND l.expires_at > ?
         WHERE l.owner IS NULL ORDER BY j.created_at, j.name`,
        kind,
        now,
      ),
    ) as { name: string }[];
    return rows.map((row) => row.name);
  }

  async requestStop(kind: ResourceKind, name: string, now: number, reason?: string): Promise<StopRequest> {
    return this.connection.write(() => {
      const pending = this.pendingRows(kind, name)[0];
      if (pending) return toStopRequest(pending);
      const { lastInsertRowid } = this.run(
        "INSERT INTO stop_requests (resource_kind, resource_name, reason, requested_at) VALUES (?, ?, ?, ?)",
        kind,
        name,
        reason ?? null,
        now,
      );
      return toStopRequest(this.get("SELECT * FROM stop_requests WHERE id = ?", lastInsertRowid) as StopRequestRow);
    });
  }

  private pendingRows(kind: ResourceKind, name: string): StopRequestRow[] {
    return this.all(
      `SELECT * FROM stop_requests WHERE acknowledged_at IS NULL AND resource_kind = ? AND resource_name = ?
       ORDER BY id`,
      kind,
      name,
    ) as StopRequestRow[];
  }

  async pendingStopRequests(kind: ResourceKind, name: string): Promise<StopRequest[]> {
    return this.connection.read(() => this.pendingRows(kind, name)).map(toStopRequest);
  }

  async acknowledgeStopRequest(id: number, now: number): Promise<boolean> {
    return this.connection.write(
      () =>
        this.run("UPDATE stop_requests SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL", now, id)
          .changes === 1,
    );
  }

  async addTags(kind: ResourceKind, name: string, tags: readonly Tag[]): Promise<void> {
    this.connection.write(() => {
      for (const tag of tags) {
        this.run(
          `INSERT INTO tags (resource_kind, resource_name, key, value) VALUES (?, ?, ?, ?)
           ON CONFLICT (resource_kind, resource_name, key) DO UPDATE SET value = excluded.value`,
          kind,
          name,
          tag.Key,
          tag.Value,
        );
      }
    });
  }

  async listTags(kind: ResourceKind, name: string): Promise<Tag[]> {
    return this.connection.read(() =>
      this.connection.db
        .prepare<[string, string], Tag>(
          "SELECT key AS Key, value AS Value FROM tags WHERE resource_kind = ? AND resource_name = ? ORDER BY key",
        )
        .all(kind, name),
    );
  }

  async deleteTags(kind: ResourceKind, name: string, keys: readonly string[]): Promise<void> {
    this.connection.write(() => {
      for (const k of keys) {
        this.run("DELETE FROM tags WHERE resource_kind = ? AND resource_name = ? AND key = ?", kind, name, k);
      }
    });
  }

  async heartbeatWorker(beat: WorkerHeartbeat): Promise<WorkerRecord> {
    const now = this.clock.now();
    return this.connection.write(() => {
      this.run(
        `INSERT INTO workers (name, host, pid, slots, gpus, running, accepting, started_at, heartbeat_at)
         VALUES (@name, @host, @pid, @slots, @gpus, @running, @accepting, @now, @now)
         ON CONFLICT (name) DO UPDATE SET
           started_at = CASE WHEN workers.pid = excluded.pid AND workers.host = excluded.host
             THEN workers.started_at ELSE excluded.started_at END,
           host = excluded.host, pid = excluded.pid, slots = excluded.slots, gpus = excluded.gpus,
           running = excluded.running, accepting = excluded.accepting, heartbeat_at = excluded.heartbeat_at`,
        { ...workerParams(beat), now },
      );
      return toWorker(this.get("SELECT * FROM workers WHERE name = ?", beat.name) as WorkerRow);
    });
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    return this.connection.read(() => this.all("SELECT * FROM workers ORDER BY name") as WorkerRow[]).map(toWorker);
  }

  async removeWorker(name: string): Promise<boolean> {
    return this.connection.write(() => this.run("DELETE FROM workers WHERE name = ?", name).changes === 1);
  }

  async putSourceBundle(sha256: string, bytes: Uint8Array): Promise<void> {
    await this.connection.write(() =>
      this.run(
        "INSERT INTO source_bundles (sha256, bytes, created_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        sha256,
        Buffer.from(bytes),
        this.clock.now(),
      ),
    );
  }

  async getSourceBundle(sha256: string): Promise<Uint8Array | undefined> {
    const row = this.connection.read(() => this.get("SELECT bytes FROM source_bundles WHERE sha256 = ?", sha256)) as
      | { bytes: Buffer }
      | undefined;
    return row && new Uint8Array(row.bytes);
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}
