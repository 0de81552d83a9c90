import { ValidationError } from "../../errors.js";
import { emptyCounters } from "../counters.js";
import { alreadyExists, notFound, trialIndexConflict } from "../errors.js";
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
  ObjectiveStatus,
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
} from "../records.js";
import type { Store } from "../store.js";
import { Connection, type ConnectionOptions } from "./connection.js";
import {
  type LeaseRow,
  type LogCursorRow,
  type StopRequestRow,
  setClause,
  type TrainingJobRow,
  type TuningJobRow,
  toLease,
  toLogCursor,
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

function limitClause(options: ListOptions): string {
  const limit = options.limit === undefined ? -1 : Math.max(0, Math.floor(options.limit));
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  return ` LIMIT ${limit} OFFSET ${offset}`;
}

/** The Store in one SQLite file, shared safely by any number of processes. */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  private readonly connection: Connection;

  constructor(path: string, options: ConnectionOptions = {}) {
    this.connection = new Connection(path, options);
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

  createTuningJob(job: NewTuningJob): TuningJobRecord {
    return this.connection.write(() => {
      if (this.tuningJobRow(job.name)) throw alreadyExists("tuning job", job.name);
      this.run(
        `INSERT INTO tuning_jobs (name, kind, status, config, seed, created_at, updated_at)
         VALUES (?, ?, 'InProgress', ?, ?, ?, ?)`,
        job.name,
        job.kind,
        JSON.stringify(job.config),
        job.seed,
        job.now,
        job.now,
      );
      return toTuningJob(this.tuningJobRow(job.name) as TuningJobRow);
    });
  }

  getTuningJob(name: string): TuningJobRecord | undefined {
    const row = this.connection.read(() => this.tuningJobRow(name));
    return row && toTuningJob(row);
  }

  listTuningJobs(options: ListOptions & { status?: TuningJobStatus } = {}): TuningJobRecord[] {
    const where = options.status === undefined ? "" : " WHERE status = ?";
    const params = options.status === undefined ? [] : [options.status];
    const rows = this.connection.read(() =>
      this.all(`SELECT * FROM tuning_jobs${where} ORDER BY created_at DESC, name${limitClause(options)}`, ...params),
    ) as TuningJobRow[];
    return rows.map(toTuningJob);
  }

  updateTuningJob(name: string, patch: TuningJobPatch, from?: readonly TuningJobStatus[]): TuningJobRecord | undefined {
    return this.connection.write(() => {
      const row = this.tuningJobRow(name);
      if (!row) throw notFound("tuning job", name);
      if (from && !from.includes(row.status)) return undefined;
      const { sql, params } = setClause({ ...patch }, TUNING_JOB_COLUMNS);
      this.connection.db.prepare(`UPDATE tuning_jobs SET ${sql} WHERE name = @name`).run({ ...params, name });
      return toTuningJob(this.tuningJobRow(name) as TuningJobRow);
    });
  }

  createTrainingJob(job: NewTrainingJob): TrainingJobRecord {
    return this.connection.write(() => {
      // The index check comes first: a racer that lost an index must learn that (and retry), not trip on the name.
      let parentName: string | null = null;
      if (job.tuningJobName !== undefined) {
        const parent = this.tuningJobRow(job.tuningJobName);
        if (!parent) throw notFound("tuning job", job.tuningJobName);
        if (job.trialIndex !== parent.trial_count) {
          throw trialIndexConflict(parent.name, parent.trial_count, job.trialIndex ?? Number.NaN);
        }
        parentName = parent.name;
      }
      if (this.trainingJobRow(job.name)) throw alreadyExists("training job", job.name);
      if (parentName !== null)
        this.run("UPDATE tuning_jobs SET trial_count = trial_count + 1 WHERE name = ?", parentName);
      this.run(
        `INSERT INTO training_jobs (name, tuning_job_name, trial_index, definition_name, status, hyperparameters,
           request, strategy_state, secondary_status, job_dir, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        job.now,
        job.now,
      );
      return toTrainingJob(this.trainingJobRow(job.name) as TrainingJobRow);
    });
  }

  getTrainingJob(name: string): TrainingJobRecord | undefined {
    const row = this.connection.read(() => this.trainingJobRow(name));
    return row && toTrainingJob(row);
  }

  listTrainingJobs(options: TrainingJobListOptions = {}): TrainingJobRecord[] {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (options.tuningJobName !== undefined) {
      conditions.push("tuning_job_name = ?");
      params.push(options.tuningJobName);
    }
    if (options.status !== undefined) {
      conditions.push("status = ?");
      params.push(options.status);
    }
    const where = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
    const order = options.tuningJobName !== undefined ? "trial_index" : "created_at, rowid";
    const rows = this.connection.read(() =>
      this.all(`SELECT * FROM training_jobs${where} ORDER BY ${order}${limitClause(options)}`, ...params),
    ) as TrainingJobRow[];
    return rows.map(toTrainingJob);
  }

  listTrainingJobPoints(tuningJobName: string): TrainingJobPoint[] {
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

  updateTrainingJob(
    name: string,
    patch: TrainingJobPatch,
    from?: readonly TrainingJobStatus[],
  ): TrainingJobRecord | undefined {
    return this.connection.write(() => {
      const row = this.trainingJobRow(name);
      if (!row) throw notFound("training job", name);
      if (from && !from.includes(row.status)) return undefined;
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

  deleteTrainingJob(name: string): boolean {
    return this.connection.write(() => {
      const row = this.trainingJobRow(name);
      if (!row) return false;
      // Metric points and log cursors go with the row (ON DELETE CASCADE); leases and stop requests are keyed by name.
      this.run("DELETE FROM leases WHERE resource_kind = 'training-job' AND resource_name = ?", row.name);
      this.run("DELETE FROM stop_requests WHERE resource_kind = 'training-job' AND resource_name = ?", row.name);
      this.run("DELETE FROM training_jobs WHERE name = ?", row.name);
      return true;
    });
  }

  countTrainingJobs(tuningJobName: string): { status: StatusCounters; objective: ObjectiveCounters } {
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

  bestTrainingJob(tuningJobName: string, objective: "Maximize" | "Minimize"): TrainingJobRecord | undefined {
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

  pageTrainingJobs(
    tuningJobName: string,
    options: TrainingJobPageOptions,
  ): { jobs: TrainingJobRecord[]; total: number } {
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
        `SELECT * FROM training_jobs${where} ORDER BY ${column} ${direction}, trial_index${limitClause(options)}`,
        ...params,
      ) as TrainingJobRow[];
      const { total } = this.get(`SELECT count(*) AS total FROM training_jobs${where}`, ...params) as { total: number };
      return { jobs: rows.map(toTrainingJob), total };
    });
  }

  listObjectiveResults(tuningJobName: string): ObjectiveResult[] {
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

  appendMetricPoints(trainingJobName: string, points: readonly MetricPoint[]): void {
    this.connection.write(() => {
      const job = this.trainingJobRow(trainingJobName);
      if (!job) throw notFound("training job", trainingJobName);
      const next = this.get(
        "SELECT coalesce(max(seq) + 1, 0) AS seq FROM metric_points WHERE training_job_name = ?",
        job.name,
      ) as { seq: number };
      points.forEach((point, i) => {
        this.run(
          "INSERT INTO metric_points (training_job_name, seq, metric_name, value, timestamp) VALUES (?, ?, ?, ?, ?)",
          job.name,
          next.seq + i,
          point.metricName,
          point.value,
          point.timestamp,
        );
      });
    });
  }

  listMetricPoints(trainingJobName: string, metricName?: string): StoredMetricPoint[] {
    const rows = this.connection.read(() =>
      metricName === undefined
        ? this.all(
            "SELECT seq, metric_name, value, timestamp FROM metric_points WHERE training_job_name = ? ORDER BY seq",
            trainingJobName,
          )
        : this.all(
            `SELECT seq, metric_name, value, timestamp FROM metric_points
             WHERE training_job_name = ? AND metric_name = ? ORDER BY seq`,
            trainingJobName,
            metricName,
          ),
    ) as { seq: number; metric_name: string; value: number; timestamp: number }[];
    return rows.map((r) => ({ seq: r.seq, metricName: r.metric_name, value: r.value, timestamp: r.timestamp }));
  }

  setLogCursor(cursor: LogCursor): void {
    this.connection.write(() => {
      if (!this.trainingJobRow(cursor.trainingJobName)) throw notFound("training job", cursor.trainingJobName);
      this.run(
        `INSERT INTO log_cursors (training_job_name, stream, path, offset, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (training_job_name, stream) DO UPDATE SET path = excluded.path, offset = excluded.offset,
           updated_at = excluded.updated_at`,
        cursor.trainingJobName,
        cursor.stream,
        cursor.path,
        cursor.offset,
        cursor.updatedAt,
      );
    });
  }

  getLogCursor(trainingJobName: string, stream: string): LogCursor | undefined {
    const row = this.connection.read(() =>
      this.get("SELECT * FROM log_cursors WHERE training_job_name = ? AND stream = ?", trainingJobName, stream),
    ) as LogCursorRow | undefined;
    return row && toLogCursor(row);
  }

  private leaseRow(kind: ResourceKind, name: string): LeaseRow | undefined {
    return this.get("SELECT * FROM leases WHERE resource_kind = ? AND resource_name = ?", kind, name) as
      | LeaseRow
      | undefined;
  }

  acquireLease(request: LeaseRequest): Lease | undefined {
    return this.connection.write(() => {
      const current = this.leaseRow(request.kind, request.name);
      if (current && current.owner !== request.owner && current.expires_at > request.now) return undefined;
      const acquiredAt = current && current.owner === request.owner ? current.acquired_at : request.now;
      this.run(
        `INSERT OR REPLACE INTO leases (resource_kind, resource_name, owner, host, pid, pgid, process_start_time,
           acquired_at, heartbeat_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        request.kind,
        request.name,
        request.owner,
        request.host ?? null,
        request.pid ?? null,
        request.pgid ?? null,
        request.processStartTime ?? null,
        acquiredAt,
        request.now,
        request.now + request.ttlMs,
      );
      return toLease(this.leaseRow(request.kind, request.name) as LeaseRow);
    });
  }

  renewLease(kind: ResourceKind, name: string, owner: string, ttlMs: number, now: number): boolean {
    return this.connection.write(
      () =>
        this.run(
          `UPDATE leases SET heartbeat_at = ?, expires_at = ?
           WHERE resource_kind = ? AND resource_name = ? AND owner = ?`,
          now,
          now + ttlMs,
          kind,
          name,
          owner,
        ).changes === 1,
    );
  }

  releaseLease(kind: ResourceKind, name: string, owner: string): boolean {
    return this.connection.write(
      () =>
        this.run("DELETE FROM leases WHERE resource_kind = ? AND resource_name = ? AND owner = ?", kind, name, owner)
          .changes === 1,
    );
  }

  getLease(kind: ResourceKind, name: string): Lease | undefined {
    const row = this.connection.read(() => this.leaseRow(kind, name));
    return row && toLease(row);
  }

  listExpiredLeases(now: number): Lease[] {
    const rows = this.connection.read(() =>
      this.all("SELECT * FROM leases WHERE expires_at <= ? ORDER BY expires_at", now),
    ) as LeaseRow[];
    return rows.map(toLease);
  }

  requestStop(kind: ResourceKind, name: string, now: number, reason?: string): StopRequest {
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

  private pendingRows(kind?: ResourceKind, name?: string): StopRequestRow[] {
    return this.all(
      `SELECT * FROM stop_requests WHERE acknowledged_at IS NULL
         AND (@kind IS NULL OR resource_kind = @kind) AND (@name IS NULL OR resource_name = @name) ORDER BY id`,
      { kind: kind ?? null, name: name ?? null },
    ) as StopRequestRow[];
  }

  pendingStopRequests(kind?: ResourceKind, name?: string): StopRequest[] {
    return this.connection.read(() => this.pendingRows(kind, name)).map(toStopRequest);
  }

  acknowledgeStopRequest(id: number, now: number): boolean {
    return this.connection.write(
      () =>
        this.run("UPDATE stop_requests SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL", now, id)
          .changes === 1,
    );
  }

  advanceCounter(scope: string, key: string, by = 1): number {
    return this.connection.write(() => {
      const row = this.get("SELECT value FROM counters WHERE scope = ? AND key = ?", scope, key) as
        | { value: number }
        | undefined;
      const before = row?.value ?? 0;
      this.run(
        "INSERT INTO counters (scope, key, value) VALUES (?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value",
        scope,
        key,
        before + by,
      );
      return before;
    });
  }

  close(): void {
    this.connection.close();
  }
}
