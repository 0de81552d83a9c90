import { type Clock, systemClock } from "../../clock.js";
import { emptyCounters } from "../counters.js";
import { alreadyExists, leaseLost, notFound, StoreError, staleAttempt, trialIndexConflict } from "../errors.js";
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
import type { Store } from "../store.js";
import { compareBy, filterListed, page } from "./list-filters.js";

const key = (name: string) => name.toLowerCase();
const leaseKey = (kind: LeaseKind, name: string) => `${kind}\u0000${key(name)}`;

/** Records are handed out as copies, so a caller can never edit the store behind its back. */
function clone<T>(value: T): T {
  return structuredClone(value);
}

export interface MemoryStoreOptions {
  /** The store's clock, which times leases. @defaultValue the system clock */
  clock?: Clock;
}

/** The Store in plain maps: for tests, benchmarks and ask/tell without a storage file. */
export class MemoryStore implements Store {
  readonly kind = "memory";
  private readonly clock: Clock;
  private tuningJobs = new Map<string, TuningJobRecord>();
  private trainingJobs = new Map<string, TrainingJobRecord>();
  private creationOrder: string[] = [];
  private metrics = new Map<string, StoredMetricPoint[]>();
  private logs = new Map<string, LogChunk[]>();
  private leases = new Map<string, Lease>();
  /** kind/name (lower case) → key → value. */
  private tags = new Map<string, Map<string, string>>();
  private lastToken = 0;
  private stopRequests: StopRequest[] = [];
  private workers = new Map<string, WorkerRecord>();
  private bundles = new Map<string, Uint8Array>();
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  private open(): void {
    if (this.closed) throw new StoreError("E_STORE_CLOSED", "the store is closed");
  }

  /** Refuses a write whose lease was taken over (see Fence). */
  private checkFence(fence: Fence | undefined): void {
    if (!fence) return;
    if (this.leases.get(leaseKey(fence.kind, fence.name))?.token !== fence.token) {
      throw leaseLost(fence.kind, fence.name, fence.token);
    }
  }

  async now(): Promise<number> {
    return this.clock.now();
  }

  async createTuningJob(job: NewTuningJob): Promise<TuningJobRecord> {
    this.open();
    if (this.tuningJobs.has(key(job.name))) throw alreadyExists("tuning job", job.name);
    const record: TuningJobRecord = {
      name: job.name,
      kind: job.kind,
      status: "InProgress",
      config: clone(job.config),
      seed: job.seed,
      trialCount: 0,
      failureReason: null,
      completionReason: null,
      convergenceDetectedAt: null,
      runOptions: job.runOptions === undefined ? null : clone(job.runOptions),
      createdAt: job.now,
      updatedAt: job.now,
      endedAt: null,
    };
    this.tuningJobs.set(key(job.name), record);
    return clone(record);
  }

  async getTuningJob(name: string): Promise<TuningJobRecord | undefined> {
    this.open();
    const record = this.tuningJobs.get(key(name));
    return record && clone(record);
  }

  async listTuningJobs(options: TuningJobListOptions = {}): Promise<TuningJobRecord[]> {
    this.open();
    const all = filterListed([...this.tuningJobs.values()], options)
      .filter((job) => options.kind === undefined || job.kind === options.kind)
      .sort(
        options.sortBy === undefined
          ? (a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name)
          : compareBy(options.sortBy, options.descending),
      );
    return page(all, options).map(clone);
  }

  async updateTuningJob(
    name: string,
    patch: TuningJobPatch,
    guard: WriteGuard<TuningJobStatus> = {},
  ): Promise<TuningJobRecord | undefined> {
    this.open();
    const record = this.tuningJobs.get(key(name));
    if (!record) throw notFound("tuning job", name);
    this.checkFence(guard.fence);
    if (guard.from && !guard.from.includes(record.status)) return undefined;
    const { now, ...fields } = patch;
    const updated = { ...record, ...withoutUndefined(fields), updatedAt: now };
    this.tuningJobs.set(key(name), updated);
    return clone(updated);
  }

  async deleteTuningJob(name: string): Promise<boolean> {
    this.open();
    const record = this.tuningJobs.get(key(name));
    if (!record) return false;
    for (const job of this.childrenOf(record.name)) this.removeTrainingJob(job.name);
    this.tuningJobs.delete(key(name));
    this.leases.delete(leaseKey("tuning-job", name));
    this.tags.delete(leaseKey("tuning-job", name));
    this.stopRequests = this.stopRequests.filter((r) => !(r.kind === "tuning-job" && key(r.name) === key(name)));
    return true;
  }

  async createTrainingJob(job: NewTrainingJob, fence?: Fence): Promise<TrainingJobRecord> {
    this.open();
    let parent: TuningJobRecord | undefined;
    if (job.tuningJobName !== undefined) {
      parent = this.tuningJobs.get(key(job.tuningJobName));
      if (!parent) throw notFound("tuning job", job.tuningJobName);
    }
    this.checkFence(fence);
    if (parent && job.trialIndex !== parent.trialCount) {
      throw trialIndexConflict(parent.name, parent.trialCount, job.trialIndex ?? Number.NaN);
    }
    if (this.trainingJobs.has(key(job.name))) throw alreadyExists("training job", job.name);
    const record: TrainingJobRecord = {
      name: job.name,
      tuningJobName: parent?.name ?? null,
      trialIndex: job.trialIndex ?? null,
      definitionName: job.definitionName ?? null,
      status: job.status ?? "InProgress",
      hyperparameters: clone(job.hyperparameters),
      request: job.request === undefined ? null : clone(job.request),
      strategyState: job.strategyState === undefined ? null : clone(job.strategyState),
      secondaryStatus: job.secondaryStatus ?? null,
      statusTransitions: [],
      jobDir: job.jobDir ?? null,
      modelArtifacts: null,
      objectiveValue: null,
      objectiveStatus: "Pending",
      failureReason: null,
      stopReason: null,
      retryAttempt: 0,
      runOptions: job.runOptions === undefined ? null : clone(job.runOptions),
      createdAt: job.now,
      updatedAt: job.now,
      startedAt: null,
      endedAt: null,
    };
    if (parent) this.tuningJobs.set(key(parent.name), { ...parent, trialCount: parent.trialCount + 1 });
    this.trainingJobs.set(key(job.name), record);
    this.creationOrder.push(key(job.name));
    return clone(record);
  }

  async getTrainingJob(name: string): Promise<TrainingJobRecord | undefined> {
    this.open();
    const record = this.trainingJobs.get(key(name));
    return record && clone(record);
  }

  /** In trial order within a tuning job, else in creation order, unless a sort is asked for. */
  private listed(options: TrainingJobListOptions): TrainingJobRecord[] {
    this.open();
    const parent = options.tuningJobName === undefined ? undefined : key(options.tuningJobName);
    const all = filterListed(
      this.creationOrder.map((name) => this.trainingJobs.get(name) as TrainingJobRecord),
      options,
    )
      .filter((job) => parent === undefined || (job.tuningJobName !== null && key(job.tuningJobName) === parent))
      .filter((job) => !options.standalone || job.tuningJobName === null);
    if (options.sortBy !== undefined) all.sort(compareBy(options.sortBy, options.descending));
    else if (parent !== undefined) all.sort((a, b) => (a.trialIndex ?? 0) - (b.trialIndex ?? 0));
    return all;
  }

  private childrenOf(tuningJobName: string): TrainingJobRecord[] {
    return this.listed({ tuningJobName });
  }

  async listTrainingJobs(options: TrainingJobListOptions = {}): Promise<TrainingJobRecord[]> {
    return page(this.listed(options), options).map(clone);
  }

  async listTrainingJobPoints(tuningJobName: string): Promise<TrainingJobPoint[]> {
    return this.childrenOf(tuningJobName).map((job) => ({
      name: job.name,
      trialIndex: job.trialIndex,
      definitionName: job.definitionName,
      status: job.status,
      stopReason: job.stopReason,
      hyperparameters: clone(job.hyperparameters),
      objectiveValue: job.objectiveValue,
      objectiveStatus: job.objectiveStatus,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      endedAt: job.endedAt,
    }));
  }

  async updateTrainingJob(
    name: string,
    patch: TrainingJobPatch,
    guard: WriteGuard<TrainingJobStatus> = {},
  ): Promise<TrainingJobRecord | undefined> {
    this.open();
    const record = this.trainingJobs.get(key(name));
    if (!record) throw notFound("training job", name);
    this.checkFence(guard.fence);
    if (guard.attempt !== undefined && record.retryAttempt !== guard.attempt) {
      throw staleAttempt(record.name, guard.attempt, record.retryAttempt);
    }
    if (guard.from && !guard.from.includes(record.status)) return undefined;
    const { now, ...fields } = patch;
    const updated = { ...record, ...withoutUndefined(fields), updatedAt: now };
    this.trainingJobs.set(key(name), updated);
    return clone(updated);
  }

  private removeTrainingJob(name: string): void {
    this.trainingJobs.delete(key(name));
    this.creationOrder = this.creationOrder.filter((n) => n !== key(name));
    this.metrics.delete(key(name));
    this.logs.delete(key(name));
    this.leases.delete(leaseKey("training-job", name));
    this.leases.delete(leaseKey("training-run", name));
    this.tags.delete(leaseKey("training-job", name));
    this.stopRequests = this.stopRequests.filter((r) => !(r.kind === "training-job" && key(r.name) === key(name)));
  }

  async deleteTrainingJob(name: string): Promise<boolean> {
    this.open();
    if (!this.trainingJobs.has(key(name))) return false;
    this.removeTrainingJob(name);
    return true;
  }

  async countTrainingJobs(tuningJobName: string): Promise<{ status: StatusCounters; objective: ObjectiveCounters }> {
    const counters = emptyCounters();
    for (const job of this.childrenOf(tuningJobName)) {
      counters.status[job.status]++;
      counters.objective[job.objectiveStatus]++;
    }
    return counters;
  }

  async pageTrainingJobs(
    tuningJobName: string,
    options: TrainingJobPageOptions,
  ): Promise<{ jobs: TrainingJobRecord[]; total: number }> {
    let jobs = this.listed({ tuningJobName, ...(options.status ? { status: options.status } : {}) });
    if (options.sortBy === "objectiveValue") jobs = jobs.filter((job) => job.objectiveValue !== null);
    jobs.sort(compareBy(options.sortBy, options.descending));
    return { jobs: page(jobs, options).map(clone), total: jobs.length };
  }

  async listObjectiveResults(tuningJobName: string): Promise<ObjectiveResult[]> {
    return this.childrenOf(tuningJobName)
      .filter((job) => job.objectiveStatus === "Succeeded" && job.objectiveValue !== null)
      .sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0) || (a.trialIndex ?? 0) - (b.trialIndex ?? 0))
      .map((job) => ({ value: job.objectiveValue as number, endedAt: job.endedAt, trialIndex: job.trialIndex }));
  }

  async bestTrainingJob(
    tuningJobName: string,
    objective: "Maximize" | "Minimize",
  ): Promise<TrainingJobRecord | undefined> {
    const sign = objective === "Maximize" ? 1 : -1;
    let best: TrainingJobRecord | undefined;
    for (const job of this.childrenOf(tuningJobName)) {
      if (job.objectiveStatus !== "Succeeded" || job.objectiveValue === null) continue;
      if (!best || sign * job.objectiveValue > sign * (best.objectiveValue as number)) best = job;
    }
    return best && clone(best);
  }

  /** The job, checked to be on `attempt` and, with a fence, still leased: output of a lost attempt is refused. */
  private currentAttempt(name: string, attempt: number, fence: Fence | undefined): TrainingJobRecord {
    this.open();
    const job = this.trainingJobs.get(key(name));
    if (!job) throw notFound("training job", name);
    this.checkFence(fence);
    if (job.retryAttempt !== attempt) throw staleAttempt(job.name, attempt, job.retryAttempt);
    return job;
  }

  async appendMetricPoints(
    trainingJobName: string,
    attempt: number,
    points: readonly MetricPoint[],
    fence?: Fence,
  ): Promise<void> {
    this.currentAttempt(trainingJobName, attempt, fence);
    const series = this.metrics.get(key(trainingJobName)) ?? [];
    for (const point of points) series.push({ ...point, seq: series.length, attempt });
    this.metrics.set(key(trainingJobName), series);
  }

  async listMetricPoints(
    trainingJobName: string,
    options: { metricName?: string; afterSeq?: number } = {},
  ): Promise<StoredMetricPoint[]> {
    this.open();
    const attempt = this.trainingJobs.get(key(trainingJobName))?.retryAttempt;
    const series = this.metrics.get(key(trainingJobName)) ?? [];
    return series
      .filter((p) => p.attempt === attempt)
      .filter((p) => options.metricName === undefined || p.metricName === options.metricName)
      .filter((p) => options.afterSeq === undefined || p.seq > options.afterSeq)
      .map(clone);
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
    this.currentAttempt(trainingJobName, attempt, fence);
    const chunks = this.logs.get(key(trainingJobName)) ?? [];
    chunks.push({ seq: chunks.length, attempt, timestamp, text });
    this.logs.set(key(trainingJobName), chunks);
  }

  async readLog(
    trainingJobName: string,
    options: { afterSeq?: number; limit?: number; newest?: boolean } = {},
  ): Promise<LogChunk[]> {
    this.open();
    const chunks = (this.logs.get(key(trainingJobName)) ?? []).filter(
      (c) => options.afterSeq === undefined || c.seq > options.afterSeq,
    );
    const limit = options.limit ?? chunks.length;
    return (options.newest ? chunks.slice(Math.max(0, chunks.length - limit)) : chunks.slice(0, limit)).map(clone);
  }

  async acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    this.open();
    const now = this.clock.now();
    const current = this.leases.get(leaseKey(request.kind, request.name));
    if (current && current.owner !== request.owner && current.expiresAt > now) return undefined;
    const sameOwner = current !== undefined && current.owner === request.owner;
    const lease: Lease = {
      kind: request.kind,
      name: request.name,
      token: sameOwner ? current.token : ++this.lastToken,
      owner: request.owner,
      host: request.host ?? null,
      pid: request.pid ?? null,
      pgid: request.pgid ?? null,
      processStartTime: request.processStartTime ?? null,
      acquiredAt: sameOwner ? current.acquiredAt : now,
      heartbeatAt: now,
      expiresAt: now + request.ttlMs,
    };
    this.leases.set(leaseKey(request.kind, request.name), lease);
    return clone(lease);
  }

  async renewLease(fence: Fence, ttlMs: number, process: LeaseProcess = {}): Promise<Lease | undefined> {
    this.open();
    const current = this.leases.get(leaseKey(fence.kind, fence.name));
    if (!current || current.token !== fence.token) return undefined;
    const now = this.clock.now();
    const renewed: Lease = {
      ...current,
      ...(process.host === undefined ? {} : { host: process.host }),
      ...(process.pid === undefined ? {} : { pid: process.pid }),
      ...(process.pgid === undefined ? {} : { pgid: process.pgid }),
      ...(process.processStartTime === undefined ? {} : { processStartTime: process.processStartTime }),
      heartbeatAt: now,
      expiresAt: now + ttlMs,
    };
    this.leases.set(leaseKey(fence.kind, fence.name), renewed);
    return clone(renewed);
  }

  async releaseLease(fence: Fence): Promise<boolean> {
    this.open();
    const current = this.leases.get(leaseKey(fence.kind, fence.name));
    if (!current || current.token !== fence.token) return false;
    this.leases.delete(leaseKey(fence.kind, fence.name));
    return true;
  }

  async getLease(kind: LeaseKind, name: string): Promise<Lease | undefined> {
    this.open();
    const lease = this.leases.get(leaseKey(kind, name));
    return lease && clone(lease);
  }

  async listUnleased(kind: ResourceKind): Promise<string[]> {
    this.open();
    const now = this.clock.now();
    const live = (name: string) => (this.leases.get(leaseKey(kind, name))?.expiresAt ?? 0) > now;
    const running = (status: string) => status === "InProgress" || status === "Stopping";
    const candidates =
      kind === "tuning-job"
        ? [...this.tuningJobs.values()].filter((j) => j.kind === "tuning-job" && running(j.status))
        : [...this.trainingJobs.values()].filter(
            (j) => j.tuningJobName === null && j.request !== null && running(j.status),
          );
    return candidates
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((j) => j.name)
      .filter((name) => !live(name));
  }

  async requestStop(kind: ResourceKind, name: string, now: number, reason?: string): Promise<StopRequest> {
    this.open();
    const pending = (await this.pendingStopRequests(kind, name))[0];
    if (pending) return pending;
    const request: StopRequest = {
      id: this.stopRequests.length + 1,
      kind,
      name,
      reason: reason ?? null,
      requestedAt: now,
      acknowledgedAt: null,
    };
    this.stopRequests.push(request);
    return clone(request);
  }

  async pendingStopRequests(kind: ResourceKind, name: string): Promise<StopRequest[]> {
    this.open();
    return this.stopRequests
      .filter((r) => r.acknowledgedAt === null && r.kind === kind && key(r.name) === key(name))
      .map(clone);
  }

  async acknowledgeStopRequest(id: number, now: number): Promise<boolean> {
    this.open();
    const index = this.stopRequests.findIndex((r) => r.id === id && r.acknowledgedAt === null);
    if (index < 0) return false;
    this.stopRequests[index] = { ...(this.stopRequests[index] as StopRequest), acknowledgedAt: now };
    return true;
  }

  async addTags(kind: ResourceKind, name: string, tags: readonly Tag[]): Promise<void> {
    this.open();
    const held = this.tags.get(leaseKey(kind, name)) ?? new Map<string, string>();
    for (const tag of tags) held.set(tag.Key, tag.Value);
    this.tags.set(leaseKey(kind, name), held);
  }

  async listTags(kind: ResourceKind, name: string): Promise<Tag[]> {
    this.open();
    return [...(this.tags.get(leaseKey(kind, name)) ?? new Map<string, string>()).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([Key, Value]) => ({ Key, Value }));
  }

  async deleteTags(kind: ResourceKind, name: string, keys: readonly string[]): Promise<void> {
    this.open();
    const held = this.tags.get(leaseKey(kind, name));
    for (const k of keys) held?.delete(k);
  }

  async heartbeatWorker(beat: WorkerHeartbeat): Promise<WorkerRecord> {
    this.open();
    const now = this.clock.now();
    const previous = this.workers.get(beat.name);
    const startedAt = previous && previous.pid === beat.pid && previous.host === beat.host ? previous.startedAt : now;
    const record: WorkerRecord = { ...clone(beat), startedAt, heartbeatAt: now };
    this.workers.set(beat.name, record);
    return clone(record);
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    this.open();
    return [...this.workers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(clone);
  }

  async removeWorker(name: string): Promise<boolean> {
    this.open();
    return this.workers.delete(name);
  }

  async putSourceBundle(sha256: string, bytes: Uint8Array): Promise<void> {
    this.open();
    if (!this.bundles.has(sha256)) this.bundles.set(sha256, new Uint8Array(bytes));
  }

  async getSourceBundle(sha256: string): Promise<Uint8Array | undefined> {
    this.open();
    const bytes = this.bundles.get(sha256);
    return bytes && new Uint8Array(bytes);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function withoutUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
