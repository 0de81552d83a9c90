import { fileURLToPath } from "node:url";
import { StoreError } from "../errors.js";
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
} from "../records.js";
import { loadMigrations } from "../sqlite/migrations.js";
import type { Store } from "../store.js";
import { Database } from "./database.js";
import * as output from "./job-output.js";
import * as leases from "./leases.js";
import { migrate } from "./migrate.js";
import { databaseSettings, type PostgresStoreOptions } from "./settings.js";
import * as stops from "./stop-requests.js";
import * as tagRows from "./tags.js";
import * as reads from "./training-job-reads.js";
import * as trainingJobs from "./training-jobs.js";
import * as tuningJobs from "./tuning-jobs.js";
import * as workers from "./workers.js";

const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

/** What the server says when the store cannot be opened for a reason retrying will not mend. */
function cannotOpen(where: string, error: unknown): StoreError {
  const code = (error as { code?: string }).code;
  const hint =
    code === "3D000"
      ? ": create it first (createdb)"
      : code?.startsWith("28")
        ? ": check the user and password in the URL"
        : "";
  return new StoreError(
    "E_STORE_UNAVAILABLE",
    `cannot open the PostgreSQL store ${where}: ${(error as Error).message}${hint}`,
    { field: "store", cause: error },
  );
}

/**
 * The Store in a PostgreSQL database, shared by any number of processes on any number of machines. Every state
 * change is one transaction; concurrent writers are ordered by row locks (a trial index, an append's sequence
 * number, a lease), and leases are timed by the database's clock. Open it with `PostgresStore.open(url)`.
 */
export class PostgresStore implements Store {
  readonly kind = "postgres";

  private constructor(private readonly db: Database) {}

  /** Connects (retrying while the server cannot be reached), checks the database is tunekit's or empty, migrates. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const settings = databaseSettings(url, options);
    const db = new Database(settings);
    try {
      await migrate(db, options.migrations ?? loadMigrations(MIGRATIONS_DIR), settings.schema);
      // A process that ended mid-run leaves the commit markers it had not yet deleted; a day on, nobody asks.
      await db.query("DELETE FROM commit_markers WHERE created_at < tunekit_clock_ms() - 86400000");
    } catch (error) {
      await db.close();
      throw error instanceof StoreError ? error : cannotOpen(settings.where, error);
    }
    return new PostgresStore(db);
  }

  /** Where the store is (host, port, database), for messages. */
  get where(): string {
    return this.db.where;
  }

  now(): Promise<number> {
    return leases.now(this.db);
  }

  createTuningJob(job: NewTuningJob): Promise<TuningJobRecord> {
    return tuningJobs.createTuningJob(this.db, job);
  }

  getTuningJob(name: string): Promise<TuningJobRecord | undefined> {
    return tuningJobs.getTuningJob(this.db, name);
  }

  listTuningJobs(options: TuningJobListOptions = {}): Promise<TuningJobRecord[]> {
    return tuningJobs.listTuningJobs(this.db, options);
  }

  updateTuningJob(
    name: string,
    patch: TuningJobPatch,
    guard: WriteGuard<TuningJobStatus> = {},
  ): Promise<TuningJobRecord | undefined> {
    return tuningJobs.updateTuningJob(this.db, name, patch, guard);
  }

  deleteTuningJob(name: string): Promise<boolean> {
    return tuningJobs.deleteTuningJob(this.db, name);
  }

  createTrainingJob(job: NewTrainingJob, fence?: Fence): Promise<TrainingJobRecord> {
    return trainingJobs.createTrainingJob(this.db, job, fence);
  }

  getTrainingJob(name: string): Promise<TrainingJobRecord | undefined> {
    return trainingJobs.getTrainingJob(this.db, name);
  }

  listTrainingJobs(options: TrainingJobListOptions = {}): Promise<TrainingJobRecord[]> {
    return trainingJobs.listTrainingJobs(this.db, options);
  }

  listTrainingJobPoints(tuningJobName: string): Promise<TrainingJobPoint[]> {
    return reads.listTrainingJobPoints(this.db, tuningJobName);
  }

  updateTrainingJob(
    name: string,
    patch: TrainingJobPatch,
    guard: WriteGuard<TrainingJobStatus> = {},
  ): Promise<TrainingJobRecord | undefined> {
    return trainingJobs.updateTrainingJob(this.db, name, patch, guard);
  }

  deleteTrainingJob(name: string): Promise<boolean> {
    return trainingJobs.deleteTrainingJob(this.db, name);
  }

  countTrainingJobs(tuningJobName: string): Promise<{ status: StatusCounters; objective: ObjectiveCounters }> {
    return reads.countTrainingJobs(this.db, tuningJobName);
  }

  bestTrainingJob(tuningJobName: string, objective: "Maximize" | "Minimize"): Promise<TrainingJobRecord | undefined> {
    return reads.bestTrainingJob(this.db, tuningJobName, objective);
  }

  pageTrainingJobs(
    tuningJobName: string,
    options: TrainingJobPageOptions,
  ): Promise<{ jobs: TrainingJobRecord[]; total: number }> {
    return reads.pageTrainingJobs(this.db, tuningJobName, options);
  }

  listObjectiveResults(tuningJobName: string): Promise<ObjectiveResult[]> {
    return reads.listObjectiveResults(this.db, tuningJobName);
  }

  appendMetricPoints(
    trainingJobName: string,
    attempt: number,
    points: readonly MetricPoint[],
    fence?: Fence,
  ): Promise<void> {
    return output.appendMetricPoints(this.db, trainingJobName, attempt, points, fence);
  }

  listMetricPoints(
    trainingJobName: string,
    options: { metricName?: string; afterSeq?: number } = {},
  ): Promise<StoredMetricPoint[]> {
    return output.listMetricPoints(this.db, trainingJobName, options);
  }

  listMetricSeries(wanted: readonly WantedSeries[]): Promise<Map<string, StoredMetricPoint[]>> {
    return output.listMetricSeries(this.db, wanted);
  }

  appendLog(trainingJobName: string, attempt: number, text: string, timestamp: number, fence?: Fence): Promise<void> {
    return output.appendLog(this.db, trainingJobName, attempt, text, timestamp, fence);
  }

  readLog(
    trainingJobName: string,
    options: { afterSeq?: number; limit?: number; newest?: boolean } = {},
  ): Promise<LogChunk[]> {
    return output.readLog(this.db, trainingJobName, options);
  }

  acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    return leases.acquireLease(this.db, request);
  }

  renewLease(fence: Fence, ttlMs: number, process: LeaseProcess = {}): Promise<Lease | undefined> {
    return leases.renewLease(this.db, fence, ttlMs, process);
  }

  releaseLease(fence: Fence): Promise<boolean> {
    return leases.releaseLease(this.db, fence);
  }

  getLease(kind: LeaseKind, name: string): Promise<Lease | undefined> {
    return leases.getLease(this.db, kind, name);
  }

  listUnleased(kind: ResourceKind): Promise<string[]> {
    return leases.listUnleased(this.db, kind);
  }

  requestStop(kind: ResourceKind, name: string, now: number, reason?: string): Promise<StopRequest> {
    return stops.requestStop(this.db, kind, name, now, reason);
  }

  pendingStopRequests(kind: ResourceKind, name: string): Promise<StopRequest[]> {
    return stops.pendingStopRequests(this.db, kind, name);
  }

  acknowledgeStopRequest(id: number, now: number): Promise<boolean> {
    return stops.acknowledgeStopRequest(this.db, id, now);
  }

  addTags(kind: ResourceKind, name: string, tags: readonly Tag[]): Promise<void> {
    return tagRows.addTags(this.db, kind, name, tags);
  }

  listTags(kind: ResourceKind, name: string): Promise<Tag[]> {
    return tagRows.listTags(this.db, kind, name);
  }

  deleteTags(kind: ResourceKind, name: string, keys: readonly string[]): Promise<void> {
    return tagRows.deleteTags(this.db, kind, name, keys);
  }

  heartbeatWorker(beat: WorkerHeartbeat): Promise<WorkerRecord> {
    return workers.heartbeatWorker(this.db, beat);
  }

  listWorkers(): Promise<WorkerRecord[]> {
    return workers.listWorkers(this.db);
  }

  removeWorker(name: string): Promise<boolean> {
    return workers.removeWorker(this.db, name);
  }

  putSourceBundle(sha256: string, bytes: Uint8Array): Promise<void> {
    return workers.putSourceBundle(this.db, sha256, bytes);
  }

  getSourceBundle(sha256: string): Promise<Uint8Array | undefined> {
    return workers.getSourceBundle(this.db, sha256);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
